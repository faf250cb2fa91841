package aws

import (
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/blastradius/blastradius/awspolicy"
)

// FuzzLiveDocument feeds arbitrary policy document strings, as an AWS API
// might return them, to the live mapping. It must never panic and always
// give valid JSON: the decoded object awspolicy.Decode finds, or the API's
// string unchanged, for the converter to report.
func FuzzLiveDocument(f *testing.F) {
	f.Add("%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D")
	f.Add(`{"Statement":[]}`)
	f.Add("%7B")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		raw := liveDocument(&s)
		if !json.Valid(raw) {
			t.Fatalf("liveDocument(%q) = %s, not JSON", s, raw)
		}
		if len(raw) > 0 && raw[0] == '{' {
			want, err := awspolicy.Decode(jsonString(s))
			if err != nil || string(want) != string(raw) {
				t.Fatalf("liveDocument(%q) = %s, but awspolicy.Decode gives %s, %v", s, raw, want, err)
			}
			return
		}
		var back string
		if err := json.Unmarshal(raw, &back); err != nil {
			t.Fatalf("liveDocument(%q) = %s, neither an object nor a string", s, raw)
		}
		if utf8.ValidString(s) && back != s {
			t.Fatalf("liveDocument(%q) kept %q, not the API's string", s, back)
		}
	})
}
