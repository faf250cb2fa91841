package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blastradius/blastradius/internal/synth"
)

// setHop is a hop an identity makes as a member of a permission set: the
// analysis records the edge once, on the set, for every member.
type setHop struct {
	identity, target, technique string
}

// TestPathsAndWhoCanThroughPermissionSets collects a dense estate (many
// principals with the same broad rights, whose edges permission sets hold)
// and checks that paths and who-can prove a target reached through a set
// hop by hop: the hop leaves the member, names the target and cites the
// statement that allows it, with the set it goes through.
func TestPathsAndWhoCanThroughPermissionSets(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "dense")
	spec := synth.DenseScaled(600)
	if _, err := synth.WriteAWSDense(dir, spec); err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	if res := runCLI(t, work, "collect", "aws", "--from-dir", dir, "-o", "dense.snap.json"); res.code != 0 {
		t.Fatalf("collect: exit %d: %s", res.code, res.stderr)
	}
	res := runCLI(t, work, "analyze", "dense.snap.json", "--format", "json", "--detail", "full")
	if res.code != 0 {
		t.Fatalf("analyze: exit %d: %s", res.code, res.stderr)
	}
	var doc struct {
		Identities []struct {
			ID          string
			Escalations []struct {
				Target string
				Path   []struct{ From, To, Technique, Evidence string }
			}
		}
	}
	if err := json.Unmarshal([]byte(res.stdout), &doc); err != nil {
		t.Fatal(err)
	}
	// The first hop of an escalation that a set holds, per technique.
	found := map[string]setHop{}
	for _, id := range doc.Identities {
		for _, e := range id.Escalations {
			h := e.Path[0]
			if h.From == id.ID && strings.HasPrefix(h.Evidence, "as a member of aws:permission-set:") {
				if _, ok := found[h.Technique]; !ok {
					found[h.Technique] = setHop{identity: id.ID, target: h.To, technique: h.Technique}
				}
			}
		}
	}
	if _, ok := found["sts-001"]; !ok {
		t.Fatalf("no role assumed through a permission set in the dense estate (found %v): the test proves nothing", found)
	}
	for _, h := range found {
		p := runCLI(t, work, "paths", "dense.snap.json", "--from", h.identity, "--to", h.target, "--format", "json")
		if p.code != 0 {
			t.Fatalf("paths --from %s --to %s: exit %d: %s", h.identity, h.target, p.code, p.stderr)
		}
		var paths struct {
			Paths []struct {
				Target string
				Path   []struct{ From, To, Technique, Evidence string }
			}
		}
		if err := json.Unmarshal([]byte(p.stdout), &paths); err != nil {
			t.Fatal(err)
		}
		if len(paths.Paths) != 1 || len(paths.Paths[0].Path) != 1 {
			t.Fatalf("paths --from %s --to %s = %+v, want one hop", h.identity, h.target, paths.Paths)
		}
		hop := paths.Paths[0].Path[0]
		if hop.From != h.identity || hop.To != h.target || hop.Technique != h.technique ||
			!strings.Contains(hop.Evidence, "aws:permission-set:") || !citesMember(hop.Evidence) {
			t.Errorf("hop %+v: want %s -%s-> %s citing its set and a statement", hop, h.identity, h.technique, h.target)
		}
	}
	role := found["sts-001"]
	w := runCLI(t, work, "who-can", "dense.snap.json", "--action", "sts:AssumeRole", "--resource", role.target, "--format", "json", "--detail", "full")
	if w.code != 0 {
		t.Fatalf("who-can: exit %d: %s", w.code, w.stderr)
	}
	var who struct {
		Identities []struct {
			Identity string
			Path     []struct{ From, To, Technique, Evidence string }
		}
	}
	if err := json.Unmarshal([]byte(w.stdout), &who); err != nil {
		t.Fatal(err)
	}
	direct, throughSet := false, false
	for _, id := range who.Identities {
		last := id.Path[len(id.Path)-1]
		if last.To != role.target {
			t.Errorf("%s: last hop %+v does not reach %s", id.Identity, last, role.target)
		}
		if strings.HasPrefix(id.Identity, "aws:permission-set:") {
			t.Errorf("a permission set is listed as an identity: %s", id.Identity)
		}
		// The set's member may assume the role by its own policies: who-can
		// decides that directly, citing the statements.
		if id.Identity == role.identity {
			direct = len(id.Path) == 1 && id.Path[0].From == role.identity && strings.Contains(id.Path[0].Evidence, "statement")
		}
		// Others reach it through a set's member: that hop names the member
		// and cites the member's statement and the set.
		for i, h := range id.Path {
			if strings.HasPrefix(h.Evidence, "as a member of aws:permission-set:") && citesMember(h.Evidence) &&
				(i == 0 && h.From == id.Identity || i > 0 && h.From == id.Path[i-1].To) {
				throughSet = true
			}
		}
	}
	if !direct {
		t.Errorf("who-can sts:AssumeRole on %s does not list %s with one hop citing its statement", role.target, role.identity)
	}
	if !throughSet {
		t.Errorf("who-can sts:AssumeRole on %s shows no path through a permission set", role.target)
	}
}

// citesMember reports whether a hop's evidence cites the statements that
// make its identity a member of the set it went through.
func citesMember(evidence string) bool {
	_, member, ok := strings.Cut(evidence, "; a member by ")
	return ok && strings.Contains(member, "statement")
}
