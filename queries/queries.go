// Package queries holds the analyst queries for an estate exported to Neo4j
// (blastradius export neo4j) and the Neo4j Browser style that goes with
// them, embedded in the binary: "blastradius queries list|show NAME" prints
// them.
//
// Each query is a .cypher file that starts with a header of // comments:
// a title line, a blank comment line, what the query answers, and its
// parameters ("Parameters:" followed by one "$name  meaning" line each, or
// "Parameters: none"). The parameters are written $name in the query, for
// Neo4j Browser's :param or a driver's parameter map. A query that can
// return more rows than a screen holds takes $limit, whose line ends with
// its default ("(default 50)"), and orders its rows by what matters most.
package queries

import (
	"embed"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strings"
)

//go:embed *.cypher blastradius.grass
var files embed.FS

// StyleFile is the name of the Neo4j Browser style file.
const StyleFile = "blastradius.grass"

// Query is one analyst query.
type Query struct {
	// Name is the file name without .cypher ("shortest-path-to-admin").
	Name string
	// Title is the first header line.
	Title string
	// Answers is the header text between the title and the parameters.
	Answers string
	// Params are the parameter names the query uses (without $), sorted.
	Params []string
	// Header is the header comment as written; Cypher is the statement
	// without it; Text is the whole file.
	Header, Cypher, Text string
}

// paramRE matches a Cypher parameter.
var paramRE = regexp.MustCompile(`\$([A-Za-z_][A-Za-z0-9_]*)`)

// All returns every query, sorted by name.
func All() []Query {
	names, err := fs.Glob(files, "*.cypher")
	if err != nil {
		panic("queries: " + err.Error()) // the pattern is constant
	}
	list := make([]Query, 0, len(names))
	for _, name := range names {
		data, err := files.ReadFile(name)
		if err != nil {
			panic("queries: embedded " + name + ": " + err.Error())
		}
		list = append(list, Parse(strings.TrimSuffix(name, ".cypher"), string(data)))
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	return list
}

// Get returns the query called name.
func Get(name string) (Query, bool) {
	for _, q := range All() {
		if q.Name == name {
			return q, true
		}
	}
	return Query{}, false
}

// Names returns the names of every query, sorted.
func Names() []string {
	var names []string
	for _, q := range All() {
		names = append(names, q.Name)
	}
	return names
}

// Style returns the Neo4j Browser style file (a .grass file).
func Style() []byte {
	data, err := files.ReadFile(StyleFile)
	if err != nil {
		panic("queries: embedded " + StyleFile + ": " + err.Error())
	}
	return data
}

// Parse reads a query file: the leading // lines are its header, the rest
// its statement.
func Parse(name, text string) Query {
	q := Query{Name: name, Text: text}
	lines := strings.Split(text, "\n")
	i := 0
	var header []string
	for ; i < len(lines); i++ {
		t := strings.TrimSpace(lines[i])
		if !strings.HasPrefix(t, "//") {
			break
		}
		header = append(header, strings.TrimSpace(strings.TrimPrefix(t, "//")))
	}
	q.Header = strings.Join(lines[:i], "\n")
	q.Cypher = strings.TrimSpace(strings.Join(lines[i:], "\n"))
	if len(header) > 0 {
		q.Title = header[0]
	}
	var answers []string
	for _, h := range header[min(1, len(header)):] {
		if strings.HasPrefix(h, "Parameters:") {
			break
		}
		answers = append(answers, h)
	}
	q.Answers = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(strings.Join(answers, " ")), "Answers:"))
	seen := map[string]bool{}
	for _, m := range paramRE.FindAllStringSubmatch(stripStrings(q.Cypher), -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			q.Params = append(q.Params, m[1])
		}
	}
	sort.Strings(q.Params)
	return q
}

// Documented returns the parameters the header's Parameters section names.
func (q Query) Documented() []string {
	var names []string
	for _, p := range q.paramLines() {
		names = append(names, p[0])
	}
	sort.Strings(names)
	return names
}

// defaultRE matches the documented default at the end of a parameter's
// line: "(default 50)".
var defaultRE = regexp.MustCompile(`\(default ([^()]+)\)\s*$`)

// Defaults returns the default values the header documents for the
// query's parameters ("(default 50)" at the end of a parameter's line), by
// name without $, as written. Cypher has no default for a parameter: a
// caller sets it (Neo4j Browser: ":param limit => 50").
func (q Query) Defaults() map[string]string {
	out := map[string]string{}
	for _, p := range q.paramLines() {
		if m := defaultRE.FindStringSubmatch(p[1]); m != nil {
			out[p[0]] = strings.TrimSpace(m[1])
		}
	}
	return out
}

// paramLines returns the lines of the header's Parameters section that
// document a parameter: its name without $, and the line's text.
func (q Query) paramLines() [][2]string {
	var out [][2]string
	in := false
	for _, line := range strings.Split(q.Header, "\n") {
		t := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "//"))
		if strings.HasPrefix(t, "Parameters:") {
			in = true
			t = strings.TrimPrefix(t, "Parameters:")
		}
		if f := strings.Fields(t); in && len(f) > 0 && strings.HasPrefix(f[0], "$") {
			out = append(out, [2]string{strings.TrimPrefix(f[0], "$"), t})
		}
	}
	return out
}

// Summary is the one-line description "list" prints: the title and the
// parameters.
func (q Query) Summary() string {
	if len(q.Params) == 0 {
		return q.Title
	}
	return fmt.Sprintf("%s ($%s)", q.Title, strings.Join(q.Params, ", $"))
}

// stripStrings blanks out quoted string literals, so that a "$" inside one
// is not taken for a parameter.
func stripStrings(s string) string {
	var b strings.Builder
	var quote rune
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
			b.WriteRune(r)
		case quote != 0:
			b.WriteRune(' ')
		case r == '\'' || r == '"':
			quote = r
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
