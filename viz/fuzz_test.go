package viz

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// The encoders of hostile text, fuzzed: whatever the input, the output is
// one token of its syntax and decodes back to the input.

// FuzzInlineJSON: the page data holds no character that could end its
// script element or start a comment, and decodes to the input.
func FuzzInlineJSON(f *testing.F) {
	for _, h := range hostile {
		f.Add(h)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := inlineJSON(pageData{Strings: []string{s}})
		if err != nil {
			t.Fatal(err)
		}
		if i := strings.IndexAny(string(out), "<>&\u2028\u2029"); i >= 0 {
			t.Fatalf("inline JSON of %q holds %q", s, out[i])
		}
		var back pageData
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("inline JSON of %q does not decode: %v", s, err)
		}
		if utf8.ValidString(s) && back.Strings[0] != s {
			t.Fatalf("inline JSON of %q decodes to %q", s, back.Strings[0])
		}
	})
}

// FuzzDOTQuote: dotQuote gives one DOT quoted string (no unescaped quote
// inside) whose content, read the way Graphviz reads it, is the input with
// backslashes doubled and control characters replaced.
func FuzzDOTQuote(f *testing.F) {
	for _, h := range hostile {
		f.Add(h)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := dotQuote(s)
		if len(q) < 2 || q[0] != '"' || q[len(q)-1] != '"' {
			t.Fatalf("dotQuote(%q) = %s: not quoted", s, q)
		}
		// Read it as Graphviz's lexer does: \" is a quote, a lone " ends
		// the string, everything else is kept.
		body := q[1 : len(q)-1]
		var read strings.Builder
		for i := 0; i < len(body); i++ {
			switch {
			case body[i] == '\\' && i+1 < len(body) && body[i+1] == '"':
				read.WriteByte('"')
				i++
			case body[i] == '\\' && i+1 < len(body) && body[i+1] == '\\':
				read.WriteString(`\\`)
				i++
			case body[i] == '"':
				t.Fatalf("dotQuote(%q) = %s: the string ends early", s, q)
			case body[i] == '\n' || body[i] == '\r':
				t.Fatalf("dotQuote(%q) holds a line break", s)
			default:
				read.WriteByte(body[i])
			}
		}
		if want := graphvizRaw(strings.ToValidUTF8(s, "\uFFFD")); read.String() != want {
			t.Fatalf("dotQuote(%q) reads back as %q, want %q", s, read.String(), want)
		}
	})
}

// FuzzMermaidText: a label holds only safe characters and #N; entities,
// and decoding the entities gives back the input (control characters as
// spaces).
func FuzzMermaidText(f *testing.F) {
	for _, h := range hostile {
		f.Add(h)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m := mermaidText(s)
		var back strings.Builder
		for i := 0; i < len(m); {
			r, n := utf8.DecodeRuneInString(m[i:])
			switch {
			case r == '#':
				end := strings.IndexByte(m[i:], ';')
				if end < 0 {
					t.Fatalf("mermaidText(%q) = %q: # without ;", s, m)
				}
				code, err := strconv.Atoi(m[i+1 : i+end])
				if err != nil {
					t.Fatalf("mermaidText(%q) = %q: bad entity %q", s, m, m[i:i+end+1])
				}
				back.WriteRune(rune(code))
				i += end + 1
				continue
			case !mermaidSafe(r):
				t.Fatalf("mermaidText(%q) = %q holds %q", s, m, r)
			}
			back.WriteRune(r)
			i += n
		}
		want := strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f {
				return ' '
			}
			return r
		}, strings.ToValidUTF8(s, "\uFFFD"))
		if back.String() != want {
			t.Fatalf("mermaidText(%q) decodes to %q", s, back.String())
		}
	})
}
