package aws

import (
	"sort"
	"strings"
)

// prefixIndex finds the items (policies, statements) whose resource
// patterns may name a given ARN without matching every pattern: a pattern
// is filed under its lower-cased text before the first wildcard or
// variable, so a lookup returns a superset of the items that match.
type prefixIndex[T comparable] struct {
	// exact maps an ARN without wildcards to its items; prefix maps the
	// text before a pattern's first wildcard.
	exact, prefix map[string][]T
	// lengths are the distinct lengths of the prefixes, ascending.
	lengths []int
	// texts are every key of exact and prefix, sorted, with their items
	// in items: a target that is itself a pattern (an S3 bucket's objects)
	// is compared by range.
	texts []string
	items [][]T
}

// patternKeys returns the keys under which patterns file an item ("="
// then an exact ARN, "<" then a prefix), or everywhere when one of them
// may name any resource (it starts with a wildcard or a variable).
func patternKeys(patterns []string) (keys map[string]bool, everywhere bool) {
	keys = map[string]bool{}
	for _, v := range patterns {
		v = strings.ToLower(v)
		switch cut := strings.IndexAny(v, "*?$"); {
		case cut == 0:
			return nil, true
		case cut < 0:
			keys["="+v] = true
		default:
			keys["<"+v[:cut]] = true
		}
	}
	return keys, false
}

func newPrefixIndex[T comparable]() *prefixIndex[T] {
	return &prefixIndex[T]{exact: map[string][]T{}, prefix: map[string][]T{}}
}

// add files item under keys (from patternKeys); call finish when done.
func (ix *prefixIndex[T]) add(item T, keys map[string]bool) {
	for k := range keys {
		if k[0] == '=' {
			ix.exact[k[1:]] = append(ix.exact[k[1:]], item)
		} else {
			ix.prefix[k[1:]] = append(ix.prefix[k[1:]], item)
		}
	}
}

// finish prepares the lookups once every item is added.
func (ix *prefixIndex[T]) finish() {
	lengths := map[int]bool{}
	for k := range ix.prefix {
		lengths[len(k)] = true
	}
	for l := range lengths {
		ix.lengths = append(ix.lengths, l)
	}
	sort.Ints(ix.lengths)
	all := map[string][]T{}
	for _, m := range []map[string][]T{ix.exact, ix.prefix} {
		for k, list := range m {
			all[k] = append(all[k], list...)
		}
	}
	for k := range all {
		ix.texts = append(ix.texts, k)
	}
	sort.Strings(ix.texts)
	for _, k := range ix.texts {
		ix.items = append(ix.items, all[k])
	}
}

// lookup adds to out the items filed under a key that may name one of arns.
func (ix *prefixIndex[T]) lookup(out map[T]bool, arns ...string) {
	for _, arn := range arns {
		arn = strings.ToLower(arn)
		if cut := strings.IndexAny(arn, "*?"); cut >= 0 {
			// A pattern target: every key that starts like it may overlap.
			lit := arn[:cut]
			for i := sort.SearchStrings(ix.texts, lit); i < len(ix.texts) && strings.HasPrefix(ix.texts[i], lit); i++ {
				for _, item := range ix.items[i] {
					out[item] = true
				}
			}
			arn = lit
		}
		for _, item := range ix.exact[arn] {
			out[item] = true
		}
		for _, l := range ix.lengths {
			if l > len(arn) {
				break
			}
			for _, item := range ix.prefix[arn[:l]] {
				out[item] = true
			}
		}
	}
}
