package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/blastradius/blastradius/collectors"
	"github.com/blastradius/blastradius/neo4jexport"
)

// fakeLine is a progressLine on a buffer with a clock the test moves.
func fakeLine() (*progressLine, *bytes.Buffer, *time.Time) {
	var buf bytes.Buffer
	clock := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	return &progressLine{w: &buf, now: func() time.Time { return clock }}, &buf, &clock
}

// lines splits what a progress line wrote at each rewrite.
func lines(s string) []string {
	return strings.Split(strings.TrimPrefix(s, "\r\033[K"), "\r\033[K")
}

func TestProgressCollect(t *testing.T) {
	l, buf, clock := fakeLine()
	ev := collectors.Progress{Stage: "collecting", Unit: "accounts"}
	call := func(latest string, after time.Duration) {
		*clock = clock.Add(after)
		ev.Requests++
		ev.Latest = latest
		l.collect(ev)
	}
	call("STS GetCallerIdentity us-east-1", 0)       // the first event shows
	call("IAM GetAccountAuthorizationDetails", 50e6) // 50 ms later: too soon
	call("Lambda ListFunctions eu-west-1", 60e6)     // 110 ms after the last shown
	// Once the accounts are known, every change of their count shows.
	ev.Total = 2
	call("Organizations ListAccounts us-east-1", 1e6)
	ev.Done++
	l.collect(ev)
	ev.Done++
	ev.Final = true
	l.collect(ev)
	l.end() // the final event ended the line already

	want := []string{
		"collecting: 1 calls done (last: STS GetCallerIdentity us-east-1)",
		"collecting: 3 calls done (last: Lambda ListFunctions eu-west-1)",
		"collecting: 0/2 accounts, 4 calls done (last: Organizations ListAccounts us-east-1)",
		"collecting: 1/2 accounts, 4 calls done (last: Organizations ListAccounts us-east-1)",
		"collecting: 2/2 accounts, 4 calls done\n",
	}
	if got := lines(buf.String()); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("lines\n got %q\nwant %q", got, want)
	}
}

func TestProgressExport(t *testing.T) {
	l, buf, _ := fakeLine()
	l.export(neo4jexport.Progress{Nodes: 10, NodesTotal: 20, RelationshipsTotal: 5})
	l.export(neo4jexport.Progress{Nodes: 20, NodesTotal: 20, RelationshipsTotal: 5})
	l.end() // the export failed: no final event, the line is ended here
	l.end()
	want := []string{
		"neo4j export: nodes 10/20, relationships 0/5",
		"neo4j export: nodes 20/20, relationships 0/5\n",
	}
	if got := lines(buf.String()); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("lines\n got %q\nwant %q", got, want)
	}
}

// TestProgressOnTerminalsOnly: what is not a terminal gets no renderer.
func TestProgressOnTerminalsOnly(t *testing.T) {
	var buf bytes.Buffer
	if isTerminal(&buf) || newProgress(&buf) != nil {
		t.Error("a buffer is taken for a terminal")
	}
	f, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if isTerminal(f) || newProgress(f) != nil {
		t.Error("a regular file is taken for a terminal")
	}
}
