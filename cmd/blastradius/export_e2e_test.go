package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/blastradius/blastradius/internal/neo4jtest"
	"github.com/blastradius/blastradius/queries"
)

func TestExportNeo4jUsageErrors(t *testing.T) {
	tests := []struct {
		name     string
		password string
		args     []string
		want     string
	}{
		{"no password", "", []string{"export", "neo4j", "--demo", "--uri", "bolt://127.0.0.1:7687"}, "NEO4J_PASSWORD is not set"},
		{"no uri", "pw", []string{"export", "neo4j", "--demo"}, "uri"},
		{"bad scheme", "pw", []string{"export", "neo4j", "--demo", "--uri", "http://127.0.0.1:7474"}, `scheme "http"`},
		{"credentials in uri", "pw", []string{"export", "neo4j", "--demo", "--uri", "bolt://neo4j:secret@127.0.0.1:7687"}, "must not carry credentials"},
		{"no source", "pw", []string{"export", "neo4j", "--uri", "bolt://127.0.0.1:7687"}, "no snapshot given"},
		{"demo and files", "pw", []string{"export", "neo4j", "--demo", "a.json", "--uri", "bolt://127.0.0.1:7687"}, "not both"},
		{"bad batch", "pw", []string{"export", "neo4j", "--demo", "--uri", "bolt://127.0.0.1:7687", "--batch-size", "0"}, "--batch-size 0"},
		{"missing snapshot", "pw", []string{"export", "neo4j", "missing.json", "--uri", "bolt://127.0.0.1:7687"}, "missing.json"},
		{"no target", "pw", []string{"export"}, "missing target"},
		{"unknown target", "pw", []string{"export", "csv"}, `unknown target "csv"`},
		{"password flag", "pw", []string{"export", "neo4j", "--demo", "--uri", "bolt://127.0.0.1:7687", "--password", "x"}, "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("NEO4J_PASSWORD", tt.password)
			res := runCLI(t, "", tt.args...)
			if res.code != exitUsage || !strings.Contains(res.stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want exit 2 and %q", res.code, res.stderr, tt.want)
			}
			if res.stdout != "" && !strings.Contains(res.stdout, "USAGE") {
				t.Errorf("stdout %q", res.stdout)
			}
		})
	}
}

func TestExportNeo4jUnreachable(t *testing.T) {
	t.Setenv("NEO4J_PASSWORD", "not-logged-anywhere")
	// Port 1 on the loopback refuses connections.
	res := runCLI(t, "", "export", "neo4j", "--demo", "--uri", "bolt://127.0.0.1:1", "--debug")
	if res.code != exitUsage || !strings.Contains(res.stderr, "connect to bolt://127.0.0.1:1") {
		t.Errorf("exit %d, stderr %q", res.code, res.stderr)
	}
	if strings.Contains(res.stderr+res.stdout, "not-logged-anywhere") {
		t.Error("the password appears in the output")
	}
}

// TestExportNeo4jDemo runs the command against the test Neo4j (see
// internal/neo4jtest): twice, the second run finding nothing stale.
func TestExportNeo4jDemo(t *testing.T) {
	uri := neo4jtest.URI(t)
	t.Setenv("NEO4J_PASSWORD", neo4jtest.Password())
	// The first run may remove what other tests left in the database; the
	// second must find nothing stale and write the same.
	line := regexp.MustCompile(`^exported aws:account:111122223333 to \S+: (\d+) nodes, (\d+) relationships; removed (\d+) stale nodes, (\d+) stale relationships \(run \S+, \S+\)\n$`)
	var first []string
	for i := 0; i < 2; i++ {
		res := runCLI(t, "", "export", "neo4j", "--demo", "--uri", uri)
		if res.code != 0 {
			t.Fatalf("run %d: exit %d: %s", i, res.code, res.stderr)
		}
		m := line.FindStringSubmatch(res.stdout)
		if m == nil {
			t.Fatalf("run %d: stdout %q", i, res.stdout)
		}
		if first == nil {
			first = m[1:3]
		} else if strings.Join(first, ",") != strings.Join(m[1:3], ",") || m[3] != "0" || m[4] != "0" {
			t.Errorf("second run: %q; first wrote %v", res.stdout, first)
		}
		if res.stderr != "" {
			t.Errorf("stderr %q (progress only on a terminal)", res.stderr)
		}
	}
}

func TestQueriesCommand(t *testing.T) {
	list := runCLI(t, "", "queries", "list")
	if list.code != 0 {
		t.Fatalf("list: exit %d: %s", list.code, list.stderr)
	}
	all := queries.All()
	lines := strings.Split(strings.TrimSpace(list.stdout), "\n")
	if len(lines) != len(all)+1 || !strings.HasPrefix(lines[0], "NAME") {
		t.Fatalf("list has %d lines for %d queries:\n%s", len(lines), len(all), list.stdout)
	}
	for i, q := range all {
		if f := strings.Fields(lines[i+1]); f[0] != q.Name {
			t.Errorf("line %d: %q, want query %s", i+1, lines[i+1], q.Name)
		}
	}

	show := runCLI(t, "", "queries", "show", "shortest-path-to-admin")
	want, _ := queries.Get("shortest-path-to-admin")
	if show.code != 0 || show.stdout != want.Text {
		t.Errorf("show: exit %d, %d bytes, want the file (%d bytes)", show.code, len(show.stdout), len(want.Text))
	}
	if s := runCLI(t, "", "queries", "show", "shortest-path-to-admin.cypher"); s.stdout != want.Text {
		t.Error("show NAME.cypher does not print the query")
	}
	style := runCLI(t, "", "queries", "style")
	if style.code != 0 || style.stdout != string(queries.Style()) {
		t.Errorf("style: exit %d", style.code)
	}

	for _, args := range [][]string{{"queries", "show", "nope"}, {"queries", "show"}, {"queries"}, {"queries", "run"}, {"queries", "list", "x"}} {
		res := runCLI(t, "", args...)
		if res.code != exitUsage || res.stderr == "" {
			t.Errorf("%v: exit %d, stderr %q; want exit 2", args, res.code, res.stderr)
		}
	}
}
