package catalog

import (
	"sort"
	"strings"
)

// maxARNLen bounds the ARNs ResourceTypeOf classifies; AWS ARNs are at most
// 2048 characters.
const maxARNLen = 2048

// tokKind is the kind of one element of a compiled ARN pattern.
type tokKind uint8

const (
	// tokLit matches its text exactly.
	tokLit tokKind = iota
	// tokField is a placeholder in the ARN header (partition, service,
	// region, account): one or more characters other than ':'.
	tokField
	// tokAnyField is '*' in the ARN header: zero or more characters other than ':'.
	tokAnyField
	// tokSegment is a placeholder in the resource part that is not the last
	// element: one or more characters other than ':' and stop (the first
	// character of the literal that follows it, or '/').
	tokSegment
	// tokRest is a placeholder that ends the pattern: one or more of any
	// characters, so names with paths ("role/${RoleNameWithPath}") match.
	tokRest
	// tokAny is '*' in the resource part: zero or more of any characters.
	tokAny
)

// token is one element of a compiled ARN pattern.
type token struct {
	kind tokKind
	lit  string
	stop byte
}

// pattern is one compiled ARN pattern of a resource type.
type pattern struct {
	service string // owning service prefix
	rtype   string // resource type name
	text    string // the pattern as given
	own     bool   // the ARN service field is the owning prefix
	literal int    // literal characters
	wild    int    // placeholders and '*'
	stars   int    // '*' alone
	// firstWord is the first word of the resource part when the pattern fixes
	// it (word is then true).
	firstWord string
	word      bool
	toks      []token
}

// arnIndex holds the compiled patterns by the literal service field of the
// ARN ("s3" for arn:${Partition}:s3:::${BucketName}).
type arnIndex struct {
	bySegment map[string]*segmentIndex
}

// segmentIndex holds the patterns of one ARN service field, by the first word
// of their resource part (up to the first '/' or ':', "instance" for
// instance/${InstanceId}) when the pattern fixes it, the others in generic.
// Each list is in the order of preference: patterns of the service that owns
// the field first, then the most literal characters, then the fewest
// wildcards, then the fewest '*' (a type named by placeholders before its
// "all of them" twin), then by name.
type segmentIndex struct {
	byWord  map[string][]*pattern
	generic []*pattern
}

// buildARNIndex compiles every ARN pattern. A pattern whose service field is
// not literal (backup's arn:${Partition}:${Vendor}:…) cannot name a service
// and is left out; a resource type may hold several patterns joined by ", ".
func buildARNIndex(services map[string]rawService) *arnIndex {
	idx := &arnIndex{bySegment: make(map[string]*segmentIndex)}
	for prefix, svc := range services {
		for rtype, text := range svc.R {
			for _, alt := range splitPatterns(text) {
				p, segment, ok := compilePattern(alt)
				if !ok {
					continue
				}
				p.service, p.rtype = prefix, rtype
				p.own = segment == prefix
				si := idx.bySegment[segment]
				if si == nil {
					si = &segmentIndex{byWord: make(map[string][]*pattern)}
					idx.bySegment[segment] = si
				}
				if p.word {
					si.byWord[p.firstWord] = append(si.byWord[p.firstWord], p)
				} else {
					si.generic = append(si.generic, p)
				}
			}
		}
	}
	for _, si := range idx.bySegment {
		for _, list := range si.byWord {
			sortPatterns(list)
		}
		sortPatterns(si.generic)
	}
	return idx
}

// sortPatterns puts patterns in the order of preference.
func sortPatterns(list []*pattern) {
	sort.Slice(list, func(i, j int) bool { return preferred(list[i], list[j]) })
}

// all returns every pattern of the index, in no particular order.
func (idx *arnIndex) all() []*pattern {
	var out []*pattern
	for _, si := range idx.bySegment {
		out = append(out, si.generic...)
		for _, list := range si.byWord {
			out = append(out, list...)
		}
	}
	return out
}

// preferred reports whether a ranks before b.
func preferred(a, b *pattern) bool {
	if a.own != b.own {
		return a.own
	}
	if a.literal != b.literal {
		return a.literal > b.literal
	}
	if a.wild != b.wild {
		return a.wild < b.wild
	}
	if a.stars != b.stars {
		return a.stars < b.stars
	}
	if a.service != b.service {
		return a.service < b.service
	}
	if a.rtype != b.rtype {
		return a.rtype < b.rtype
	}
	return a.text < b.text
}

// splitPatterns splits "arn:…, arn:…" into its patterns.
func splitPatterns(text string) []string {
	parts := strings.Split(text, ", arn:")
	for i := 1; i < len(parts); i++ {
		parts[i] = "arn:" + parts[i]
	}
	return parts
}

// compilePattern compiles one ARN pattern and returns its literal service
// field; ok is false when the pattern is not an ARN or its service field is
// not literal.
func compilePattern(text string) (p *pattern, segment string, ok bool) {
	fields := strings.SplitN(text, ":", 4)
	if len(fields) < 4 || fields[0] != "arn" {
		return nil, "", false
	}
	segment = fields[2]
	if segment == "" || strings.ContainsAny(segment, "${}*") {
		return nil, "", false
	}
	p = &pattern{text: text}
	colons := 0
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			p.toks = append(p.toks, token{kind: tokLit, lit: lit.String()})
			p.literal += lit.Len()
			lit.Reset()
		}
	}
	for i := 0; i < len(text); i++ {
		c := text[i]
		header := colons < 5
		// A placeholder is ${Name}; {Name} without '$' occurs once and means the same.
		if c == '$' || c == '{' {
			start := i
			if c == '$' {
				start++
			}
			if start < len(text) && text[start] == '{' {
				if end := strings.IndexByte(text[start:], '}'); end > 0 {
					flush()
					kind := tokSegment
					if header {
						kind = tokField
					}
					p.toks = append(p.toks, token{kind: kind})
					p.wild++
					i = start + end
					continue
				}
			}
		}
		if c == '*' {
			flush()
			kind := tokAny
			if header {
				kind = tokAnyField
			}
			p.toks = append(p.toks, token{kind: kind})
			p.wild++
			p.stars++
			continue
		}
		if c == ':' {
			colons++
		}
		lit.WriteByte(c)
	}
	flush()
	p.firstWord, p.word = resourceWord(p.toks)
	for i := range p.toks {
		if p.toks[i].kind != tokSegment {
			continue
		}
		switch {
		case i == len(p.toks)-1:
			p.toks[i].kind = tokRest
		case p.toks[i+1].kind == tokLit:
			p.toks[i].stop = p.toks[i+1].lit[0]
		default:
			p.toks[i].stop = '/'
		}
	}
	return p, segment, true
}

// resourceWord returns the first word of the resource part of a compiled
// pattern when its literal text fixes it: the literal after the fifth ':' up
// to the first '/' or ':', or the whole resource part when it is one literal.
func resourceWord(toks []token) (string, bool) {
	colons := 0
	for i, t := range toks {
		if t.kind != tokLit {
			continue
		}
		for j := 0; j < len(t.lit); j++ {
			if t.lit[j] != ':' {
				continue
			}
			colons++
			if colons < 5 {
				continue
			}
			rest := t.lit[j+1:]
			if k := strings.IndexAny(rest, "/:"); k >= 0 {
				return rest[:k], true
			}
			if i == len(toks)-1 {
				return rest, true
			}
			return "", false
		}
	}
	return "", false
}

// arnService returns the service field of an ARN, "s3" for arn:aws:s3:::b.
func arnService(arn string) (string, bool) {
	rest := arn[len("arn:"):]
	i := strings.IndexByte(rest, ':')
	if i < 0 {
		return "", false
	}
	rest = rest[i+1:]
	j := strings.IndexByte(rest, ':')
	if j < 0 {
		return "", false
	}
	return rest[:j], true
}

// arnWord returns the first word of an ARN's resource part (after its fifth
// ':'), as resourceWord does for patterns; ok is false when the ARN has fewer
// than five ':'.
func arnWord(arn string) (string, bool) {
	rest := arn
	for n := 0; n < 5; n++ {
		i := strings.IndexByte(rest, ':')
		if i < 0 {
			return "", false
		}
		rest = rest[i+1:]
	}
	if k := strings.IndexAny(rest, "/:"); k >= 0 {
		return rest[:k], true
	}
	return rest, true
}

// match reports whether s matches the tokens.
func match(toks []token, s string) bool {
	for len(toks) > 0 {
		t := toks[0]
		switch t.kind {
		case tokLit:
			if !strings.HasPrefix(s, t.lit) {
				return false
			}
			s = s[len(t.lit):]
			toks = toks[1:]
			continue
		case tokRest:
			return len(toks) == 1 && s != ""
		case tokAny:
			if len(toks) == 1 {
				return true
			}
			for i := 0; i <= len(s); i++ {
				if match(toks[1:], s[i:]) {
					return true
				}
			}
			return false
		}
		// tokField, tokAnyField, tokSegment: a run of allowed characters.
		n := 0
		for n < len(s) && s[n] != ':' && (t.kind != tokSegment || s[n] != t.stop) {
			n++
		}
		least := 1
		if t.kind == tokAnyField {
			least = 0
		}
		if len(toks) == 1 {
			return n == len(s) && n >= least
		}
		for i := n; i >= least; i-- {
			if match(toks[1:], s[i:]) {
				return true
			}
		}
		return false
	}
	return s == ""
}

// ResourceTypeOf finds the resource type of an ARN by matching it against
// the ARN patterns of the reference data: it returns the owning service
// prefix and the resource type name ("s3", "object" for
// arn:aws:s3:::bucket/key). Placeholders in the ARN header match one field;
// in the resource part a placeholder matches a run without ':' or the
// separator that follows it, and the last placeholder matches the rest (so
// IAM names with paths and S3 keys with '/' match). When several patterns
// match, the service that owns the ARN's service field wins, then the
// pattern with the most literal characters, then the fewest wildcards, then
// the fewest '*', then the first by name. ok is false when no pattern matches.
func ResourceTypeOf(arn string) (service, resourceType string, ok bool) {
	if len(arn) > maxARNLen || !strings.HasPrefix(arn, "arn:") {
		return "", "", false
	}
	segment, ok := arnService(arn)
	if !ok {
		return "", "", false
	}
	d, err := loadActions()
	if err != nil {
		return "", "", false
	}
	si := d.arns.bySegment[segment]
	word, ok := arnWord(arn)
	if si == nil || !ok {
		return "", "", false
	}
	// Walk the patterns for this first word and the generic ones together,
	// in the order of preference; the first that matches wins.
	a, b := si.byWord[word], si.generic
	for len(a) > 0 || len(b) > 0 {
		var p *pattern
		if len(b) == 0 || (len(a) > 0 && preferred(a[0], b[0])) {
			p, a = a[0], a[1:]
		} else {
			p, b = b[0], b[1:]
		}
		if match(p.toks, arn) {
			return p.service, p.rtype, true
		}
	}
	return "", "", false
}
