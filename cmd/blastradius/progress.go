package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/blastradius/blastradius/collectors"
	"github.com/blastradius/blastradius/neo4jexport"
)

// isTerminal reports whether w is a terminal, where a progress line may be
// shown.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progressEvery bounds how often the progress line is rewritten while
// its counts of units (accounts, nodes) stay the same.
const progressEvery = 100 * time.Millisecond

// progressLine renders the progress events of collectors and exporters as
// one line on a terminal, rewritten in place. It is the only place that
// writes terminal control codes: collectors and exporters publish events.
type progressLine struct {
	w   io.Writer
	now func() time.Time

	mu sync.Mutex
	// last is when the line was last written, units what it counted then.
	last  time.Time
	units string
	// open is true while a line is shown and not ended.
	open bool
}

// newProgress returns the renderer of progress events on w, or nil when
// w is not a terminal: progress is shown on terminals only.
func newProgress(w io.Writer) *progressLine {
	if !isTerminal(w) {
		return nil
	}
	return &progressLine{w: w, now: time.Now}
}

// collect renders a collector's event (a collectors.ProgressFunc):
// "collecting: 2/5 accounts, 120 calls done (last: Lambda ListFunctions eu-west-1)".
func (l *progressLine) collect(ev collectors.Progress) {
	units := ""
	if ev.Total > 0 {
		units = fmt.Sprintf("%d/%d %s, ", ev.Done, ev.Total, ev.Unit)
	}
	text := fmt.Sprintf("%s: %s%d calls done", ev.Stage, units, ev.Requests)
	if !ev.Final && ev.Latest != "" {
		text += " (last: " + ev.Latest + ")"
	}
	l.show(text, units, ev.Final)
}

// export renders a Neo4j export's event:
// "neo4j export: nodes 10000/52000, relationships 0/81000".
func (l *progressLine) export(ev neo4jexport.Progress) {
	text := fmt.Sprintf("neo4j export: nodes %d/%d, relationships %d/%d",
		ev.Nodes, ev.NodesTotal, ev.Relationships, ev.RelationshipsTotal)
	l.show(text, text, ev.Final)
}

// show rewrites the line with text: always when final (which ends the
// line) or when units changed, else at most every progressEvery.
func (l *progressLine) show(text, units string, final bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if !final && units == l.units && l.open && now.Sub(l.last) < progressEvery {
		return
	}
	l.last, l.units = now, units
	fmt.Fprintf(l.w, "\r\033[K%s", text)
	l.open = !final
	if final {
		fmt.Fprintln(l.w)
	}
}

// end ends a line that no final event ended (the work failed), so that
// the message that follows starts on its own line.
func (l *progressLine) end() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open {
		fmt.Fprintln(l.w)
		l.open = false
	}
}
