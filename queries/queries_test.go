package queries

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestEveryQueryIsDocumented(t *testing.T) {
	all := All()
	if len(all) < 12 {
		t.Fatalf("%d queries, want at least 12", len(all))
	}
	for _, q := range all {
		t.Run(q.Name, func(t *testing.T) {
			if q.Title == "" || q.Answers == "" || q.Cypher == "" {
				t.Errorf("title %q, answers %q, %d bytes of Cypher", q.Title, q.Answers, len(q.Cypher))
			}
			if !strings.Contains(q.Header, "Parameters:") {
				t.Error("the header has no Parameters section")
			}
			if got, want := strings.Join(q.Documented(), ","), strings.Join(q.Params, ","); got != want {
				t.Errorf("header documents $%s, the query uses $%s", got, want)
			}
			if strings.Contains(q.Header, "Parameters: none") != (len(q.Params) == 0) {
				t.Errorf("Parameters: none must be said exactly when there are none (uses %v)", q.Params)
			}
			if strings.Contains(q.Cypher, "//") {
				t.Error("comment inside the statement: keep comments in the header")
			}
			got, ok := Get(q.Name)
			if !ok || got.Text != q.Text {
				t.Errorf("Get(%q) = %v", q.Name, ok)
			}
		})
	}
	if _, ok := Get("no-such-query"); ok {
		t.Error("Get found a query that does not exist")
	}
}

// bounded are the queries that need no $limit: why their rows are few.
var bounded = map[string]string{
	"identity-summary": "one row",
	"export-inventory": "one row per export in the database",
}

// TestEveryQueryIsBounded checks that every query takes $limit with a
// documented positive default, unless it returns few rows by its shape.
func TestEveryQueryIsBounded(t *testing.T) {
	for _, q := range All() {
		t.Run(q.Name, func(t *testing.T) {
			uses := strings.Contains(" "+strings.Join(q.Params, " ")+" ", " limit ")
			if _, ok := bounded[q.Name]; ok {
				if uses {
					t.Error("listed as bounded but takes $limit")
				}
				return
			}
			if !uses || !strings.Contains(q.Cypher, "LIMIT $limit") {
				t.Fatal("no LIMIT $limit: every query that can return more than a screenful takes one")
			}
			d, ok := q.Defaults()["limit"]
			if n, err := strconv.Atoi(d); !ok || err != nil || n <= 0 || n > 100 {
				t.Errorf("$limit default %q (documented: %v); want \"(default N)\", 0 < N <= 100, at the end of its line", d, ok)
			}
			if !strings.Contains(q.Cypher, "ORDER BY") {
				t.Error("a limited query must order its rows")
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	q := Parse("x", "// T\n//\n// Answers: a.\n//\n// Parameters:\n//   $a      one (default 7)\n//   $b      two\n//   $c  three (see (x)) (default 'p q')\nRETURN $a, $b, $c\n")
	got := q.Defaults()
	if len(got) != 2 || got["a"] != "7" || got["c"] != "'p q'" {
		t.Errorf("defaults = %v", got)
	}
}

func TestParse(t *testing.T) {
	q := Parse("x", "// Title\n//\n// Answers: what.\n//\n// Parameters:\n//   $a  one\n//   $b  two\nMATCH (n {id: $a}) WHERE n.name = '$notparam' RETURN $b, $a\n")
	if q.Title != "Title" || q.Answers != "what." {
		t.Errorf("title %q answers %q", q.Title, q.Answers)
	}
	if strings.Join(q.Params, ",") != "a,b" || strings.Join(q.Documented(), ",") != "a,b" {
		t.Errorf("params %v documented %v", q.Params, q.Documented())
	}
	if !strings.HasPrefix(q.Cypher, "MATCH") {
		t.Errorf("cypher %q", q.Cypher)
	}
	if q.Summary() != "Title ($a, $b)" {
		t.Errorf("summary %q", q.Summary())
	}
}

var ruleRE = regexp.MustCompile(`(?m)^(node|relationship)(\.[A-Za-z][A-Za-z0-9_]*)? \{\n((?:  [a-z-]+: [^;\n]+;\n)*)\}\n`)

// TestStyleParses checks the grass file is a sequence of rules the Browser
// reads: a selector, then "property: value;" lines; no comments.
func TestStyleParses(t *testing.T) {
	style := string(Style())
	rest := ruleRE.ReplaceAllString(style, "")
	if strings.TrimSpace(rest) != "" {
		t.Errorf("text outside rules:\n%s", rest)
	}
	for _, want := range []string{"node {", "relationship {", "node.BlastAdmin {", "relationship.CAN_BECOME {"} {
		if !strings.Contains(style, want) {
			t.Errorf("no rule %q", want)
		}
	}
}
