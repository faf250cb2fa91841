package badinput

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
)

func TestFromJSON(t *testing.T) {
	tests := []struct {
		name, input, want string
	}{
		{"bad character", "{\n  \"a\": x}", "f.json: line 2, column 8: invalid JSON: invalid character 'x' looking for beginning of value"},
		{"truncated", "{\"a\": [1,", "f.json: line 1, column 10: invalid JSON: unexpected end of JSON input (truncated file?)"},
		{"wrong type", "{\"a\": \"s\"}", "f.json: line 1, column 10 (a): expected int, found JSON string"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var v struct {
				A int `json:"a"`
			}
			err := FromJSON("f.json", []byte(tc.input), json.Unmarshal([]byte(tc.input), &v))
			if err == nil || err.Error() != tc.want {
				t.Fatalf("got %v, want %s", err, tc.want)
			}
			if !Is(err) || !Is(fmt.Errorf("wrapped: %w", err)) {
				t.Error("Is must see bad input through wrapping")
			}
		})
	}
	if FromJSON("f.json", nil, nil) != nil {
		t.Error("nil stays nil")
	}
	if Is(errors.New("plain")) {
		t.Error("a plain error is not bad input")
	}
}

func TestLineCol(t *testing.T) {
	data := []byte("ab\ncd\n")
	for off, want := range map[int64][2]int{0: {1, 1}, 1: {1, 2}, 3: {2, 1}, 4: {2, 2}, 99: {3, 1}, -5: {1, 1}} {
		l, c := LineCol(data, off)
		if l != want[0] || c != want[1] {
			t.Errorf("LineCol(%d) = %d,%d, want %v", off, l, c, want)
		}
	}
}
