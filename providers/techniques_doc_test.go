package providers

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/blastradius/blastradius/analysis"
)

var update = flag.Bool("update", false, "rewrite docs/techniques.md from the catalogue")

// techniquesDoc renders the technique catalogue of every provider as the
// Markdown page docs/techniques.md.
func techniquesDoc() []byte {
	var b bytes.Buffer
	b.WriteString("# Techniques\n\n")
	b.WriteString("Every hop of a path names one of these techniques. This page is generated from the\n")
	b.WriteString("catalogue the analysis itself uses (`blastradius techniques list` prints the same);\n")
	b.WriteString("regenerate it with `go test ./providers -run TestTechniquesDoc -update`. Hops to\n")
	b.WriteString("resources are named by the action that proves the access (`s3:GetObject`) and are\n")
	b.WriteString("not listed. ATT&CK ids are MITRE ATT&CK Enterprise techniques.\n")
	provider := "?"
	for _, t := range analysis.Techniques(Derivers(All())) {
		if p := string(t.Provider); p != provider {
			provider = p
			title := p
			if title == "" {
				title = "generic (every provider)"
			}
			fmt.Fprintf(&b, "\n## %s\n\n| id | name | category | ATT&CK | what it does |\n|---|---|---|---|---|\n", title)
		}
		desc := t.Description
		if len(t.Steps) == 2 {
			desc += " (`" + t.Steps[0] + "` then `" + t.Steps[1] + "`)"
		}
		attack := t.Attack
		if attack == "" {
			attack = "—"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", t.ID, strings.ReplaceAll(t.Name, "|", "\\|"), t.Category, attack, desc)
	}
	return b.Bytes()
}

// TestTechniquesDoc keeps docs/techniques.md equal to the catalogue.
func TestTechniquesDoc(t *testing.T) {
	const path = "../docs/techniques.md"
	want := techniquesDoc()
	if *update {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the catalogue; run go test ./providers -run TestTechniquesDoc -update", path)
	}
}
