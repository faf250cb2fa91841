package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWorkspaceHostileAppName: an OAuth app whose name is markup and
// quotes is collected from its saved tokens and shown, escaped, by every
// report; never as live markup.
func TestWorkspaceHostileAppName(t *testing.T) {
	dir := t.TempDir()
	fixture, err := filepath.Abs(filepath.Join("testdata", "workspace.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	res := runCLI(t, dir, "collect", "workspace", "--from-file", fixture, "-o", "ws.snap.json")
	if res.code != 0 {
		t.Fatalf("collect: exit %d: %s", res.code, res.stderr)
	}
	const markup = `<img src=x onerror=alert(1)>`
	for _, format := range []string{"html", "markdown", "json", "sarif", "table"} {
		out := filepath.Join(dir, "report."+format)
		res := runCLI(t, dir, "analyze", "ws.snap.json", "--format", format, "-o", out)
		if res.code != 0 {
			t.Fatalf("analyze %s: exit %d: %s", format, res.code, res.stderr)
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		text := string(data)
		switch format {
		case "html", "markdown":
			if strings.Contains(strings.ReplaceAll(text, `\<`, ""), markup) {
				t.Errorf("%s report holds the app's markup unescaped", format)
			}
			if !strings.Contains(text, "Backup") {
				t.Errorf("%s report does not name the app", format)
			}
		case "table":
			if strings.Contains(text, "\x1b") {
				t.Error("the table holds an escape character from an app's name")
			}
		}
	}
	res = runCLI(t, dir, "paths", "ws.snap.json", "--from", "workspace:app:222222222222-admin.apps.googleusercontent.com", "--to-admin")
	if res.code != 0 || !strings.Contains(res.stdout, "--workspace-admin-directory-grant--> workspace:customer:C0example") {
		t.Errorf("paths (exit %d):\n%s%s", res.code, res.stdout, res.stderr)
	}
}

// TestWorkspaceBadInputExitsTwo: a malformed item is bad input, exit 2,
// naming the file and the line.
func TestWorkspaceBadInputExitsTwo(t *testing.T) {
	dir := t.TempDir()
	data := "{\"kind\":\"admin#directory#user\",\"id\":\"1\",\"primaryEmail\":\"a@example.com\"}\n{\"kind\":\"admin#directory#token\",\"clientId\":\"c\"}\n"
	if err := os.WriteFile(filepath.Join(dir, "tokens.jsonl"), []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	res := runCLI(t, dir, "collect", "workspace", "--from-file", "tokens.jsonl", "-o", "ws.snap.json")
	if res.code != 2 || !strings.Contains(res.stderr, "tokens.jsonl: line 2") || !strings.Contains(res.stderr, "userKey") {
		t.Errorf("exit %d, stderr %q; want 2 naming tokens.jsonl: line 2", res.code, res.stderr)
	}
	res = runCLI(t, dir, "collect", "workspace", "--credentials-file", "k.json", "-o", "ws.snap.json")
	if res.code != 2 || !strings.Contains(res.stderr, "--admin-email") {
		t.Errorf("live without --admin-email: exit %d, stderr %q", res.code, res.stderr)
	}
}
