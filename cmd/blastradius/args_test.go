package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"testing"

	"github.com/blastradius/blastradius/internal/badinput"
)

func TestReorderArgs(t *testing.T) {
	app := newApp(io.Discard, io.Discard)
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{
			name: "flags after positionals move ahead",
			in:   []string{"br", "analyze", "a.json", "--format", "json", "b.json", "--demo"},
			want: []string{"br", "analyze", "--format", "json", "--demo", "a.json", "b.json"},
		},
		{
			name: "flag=value and short flags",
			in:   []string{"br", "analyze", "a.json", "--top=3", "-o", "out.txt"},
			want: []string{"br", "analyze", "--top=3", "-o", "out.txt", "a.json"},
		},
		{
			name: "lone dash is an argument",
			in:   []string{"br", "analyze", "-", "-f", "json"},
			want: []string{"br", "analyze", "-f", "json", "-"},
		},
		{
			name: "double dash keeps what follows positional",
			in:   []string{"br", "analyze", "a.json", "--", "--weird-name.json"},
			want: []string{"br", "analyze", "--", "a.json", "--weird-name.json"},
		},
		{
			name: "root flags stay before the command",
			in:   []string{"br", "-v", "collect", "aws", "--from-dir", "d", "-o", "s.json"},
			want: []string{"br", "-v", "collect", "aws", "--from-dir", "d", "-o", "s.json"},
		},
		{
			name: "boolean flag does not take the next argument",
			in:   []string{"br", "collect", "aws", "--strict", "extra", "--from-dir", "d"},
			want: []string{"br", "collect", "aws", "--strict", "--from-dir", "d", "extra"},
		},
		{
			name: "unknown command untouched",
			in:   []string{"br", "analyse", "x", "--demo"},
			want: []string{"br", "analyse", "x", "--demo"},
		},
		{
			name: "no command",
			in:   []string{"br"},
			want: []string{"br"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := reorderArgs(app, slices.Clone(tt.in))
			if !slices.Equal(got, tt.want) {
				t.Errorf("reorderArgs(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestExitCode(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, 0},
		{"gate", gateError(errors.New("new admin path")), 1},
		{"usage", usageErrorf("bad flag"), 2},
		{"wrapped usage", fmt.Errorf("analyze: %w", usageErrorf("bad")), 2},
		{"collection", collectError(errors.New("throttled")), 3},
		{"wrapped collection", fmt.Errorf("collect: %w", collectError(errors.New("x"))), 3},
		{"untyped", errors.New("something"), 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := exitCode(tt.err); got != tt.want {
				t.Errorf("exitCode(%v) = %d, want %d", tt.err, got, tt.want)
			}
		})
	}
}

func TestIsInputError(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"badinput", fmt.Errorf("collect aws: %w", badinput.Newf("gaad.json", "line 1, column 1", "invalid JSON")), true},
		{"missing file", fmt.Errorf("read: %w", fs.ErrNotExist), true},
		{"permission", fs.ErrPermission, true},
		{"other", errors.New("throttled"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := isInputError(tt.err); got != tt.want {
				t.Errorf("isInputError(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}
