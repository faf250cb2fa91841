package collectors

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/blastradius/blastradius/internal/badinput"
)

func TestJSONRecords(t *testing.T) {
	tests := []struct {
		name, data string
		want       []string // place=record
		err        string
	}{
		{name: "lines", data: "{\"a\":1}\n\n{\"b\":2}\n", want: []string{`line 1={"a":1}`, `line 3={"b":2}`}},
		{name: "array and stream", data: "[{\"a\":1},\n {\"b\":2}]\n{\"c\":3}", want: []string{`line 1={"a":1}`, `line 2={"b":2}`, `line 3={"c":3}`}},
		{name: "empty", data: " \n", want: nil},
		{name: "truncated", data: "{\"a\":1}\n{\"b\":", err: "f.json: line 2, column 6: invalid JSON: unexpected end of input (truncated file?)"},
		{name: "too large", data: "\n{\"a\":\"0123456789\"}", err: "f.json: line 2: record of 18 bytes is too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			err := JSONRecords("f.json", []byte(tt.data), 16, func(place string, raw json.RawMessage) error {
				got = append(got, place+"="+string(raw))
				return nil
			})
			if tt.err != "" {
				if err == nil || err.Error() != tt.err || !badinput.Is(err) {
					t.Fatalf("error %v, want bad input %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("records %q, want %q", got, tt.want)
			}
		})
	}
}
