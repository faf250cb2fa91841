package report

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/blastradius/blastradius/analysis"
)

// PathsDocument is the JSON form of a paths answer.
type PathsDocument struct {
	SchemaVersion int                   `json:"schema_version"`
	From          string                `json:"from"`
	To            string                `json:"to,omitempty"`
	ToAdmin       bool                  `json:"to_admin,omitempty"`
	Paths         []analysis.Escalation `json:"paths"`
}

// WritePaths renders the answer of "paths" as a table or JSON.
func WritePaths(w io.Writer, doc PathsDocument, format Format) error {
	if doc.Paths == nil {
		doc.Paths = []analysis.Escalation{}
	}
	doc.SchemaVersion = analysis.ResultSchemaVersion
	if format == FormatJSON {
		return writeJSON(w, doc)
	}
	target := doc.To
	if doc.ToAdmin {
		target = "any administered scope"
	}
	if len(doc.Paths) == 0 {
		_, err := fmt.Fprintf(w, "no path from %s to %s\n", doc.From, target)
		return err
	}
	fmt.Fprintf(w, "%d path(s) from %s to %s\n", len(doc.Paths), doc.From, target)
	for _, esc := range doc.Paths {
		fmt.Fprintln(w)
		writeEscalation(w, esc.Target, esc.Technique, esc.Conditional, esc.Path)
	}
	return nil
}

// WhoCanDocument is the JSON form of a who-can answer.
type WhoCanDocument struct {
	SchemaVersion int                `json:"schema_version"`
	Action        string             `json:"action"`
	Resource      string             `json:"resource"`
	Identities    []analysis.Capable `json:"identities"`
}

// WriteWhoCan renders the answer of "who-can" as a table or JSON.
func WriteWhoCan(w io.Writer, doc WhoCanDocument, format Format, detail analysis.Detail) error {
	if doc.Identities == nil {
		doc.Identities = []analysis.Capable{}
	}
	doc.SchemaVersion = analysis.ResultSchemaVersion
	if format == FormatJSON {
		return writeJSON(w, doc)
	}
	if len(doc.Identities) == 0 {
		_, err := fmt.Fprintf(w, "nobody can %s on %s\n", doc.Action, doc.Resource)
		return err
	}
	fmt.Fprintf(w, "%d identities can %s on %s\n\n", len(doc.Identities), doc.Action, doc.Resource)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "IDENTITY\tKIND\tNON-HUMAN\tHOPS\tVIA")
	for _, c := range doc.Identities {
		via := "directly"
		if len(c.Path) > 1 {
			via = c.Path[0].Technique + " → " + c.Path[len(c.Path)-2].To
		}
		hops := fmt.Sprint(len(c.Path))
		if c.Conditional {
			hops += "?"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.Identity, c.Kind, yesNo(c.NonHuman), hops, via)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if detail == analysis.DetailFull {
		for _, c := range doc.Identities {
			fmt.Fprintln(w)
			writeEscalation(w, c.Identity, doc.Action, c.Conditional, c.Path)
		}
	}
	fmt.Fprintln(w, "\n"+Legend)
	return nil
}

// writeEscalation prints one proven path, hop by hop with its evidence.
func writeEscalation(w io.Writer, target, technique string, conditional bool, path []analysis.Hop) {
	cond := ""
	if conditional {
		cond = " (conditional)"
	}
	fmt.Fprintf(w, "→ %s via %s%s\n", target, technique, cond)
	for i, h := range path {
		mark := ""
		if h.Conditional {
			mark = "?"
		}
		fmt.Fprintf(w, "  %d. %s --%s%s--> %s\n     %s\n", i+1, h.From, h.Technique, mark, h.To, h.Evidence)
	}
}

// writeJSON writes v as the reports write JSON: indented by two spaces,
// without escaping HTML, with a final newline.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
