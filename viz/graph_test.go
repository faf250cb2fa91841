package viz

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/blastradius/blastradius/analysis"
	"github.com/blastradius/blastradius/graphmodel"
)

func sampleGraph(t *testing.T) *Graph {
	t.Helper()
	snap, nodes, edges := sampleEstate()
	return FromEstate(snap, nodes, edges)
}

func findEdge(g *Graph, from, to string, kind graphmodel.EdgeKind) *Edge {
	for i := range g.Edges {
		if e := &g.Edges[i]; e.From == from && e.To == to && e.Kind == kind {
			return e
		}
	}
	return nil
}

func findNode(g *Graph, id string) *Node {
	for i := range g.Nodes {
		if g.Nodes[i].ID == id {
			return &g.Nodes[i]
		}
	}
	return nil
}

func TestFromEstate(t *testing.T) {
	g := sampleGraph(t)
	// Three can_become edges between the same pair merge into one, certain
	// because two of them are.
	e := findEdge(g, fxDeployer, fxAdmin, graphmodel.EdgeCanBecome)
	if e == nil {
		t.Fatal("no deployer → admin edge")
	}
	if want := []string{"ec2-001", "glue-001", "lambda-001"}; !reflect.DeepEqual(e.Techniques, want) {
		t.Errorf("techniques %v, want %v", e.Techniques, want)
	}
	if e.Conditional {
		t.Error("a merged edge with a certain member is conditional")
	}
	if len(e.Evidence) != 3 {
		t.Errorf("evidence %q, want the three statements", e.Evidence)
	}
	if c := findEdge(g, fxUser, fxSecret, graphmodel.EdgeCanAccess); c == nil || !c.Conditional || c.Access != graphmodel.AccessRead {
		t.Errorf("conditional access edge = %+v", c)
	}
	if findEdge(g, fxUser, fxGroup, graphmodel.EdgeMemberOf) == nil {
		t.Error("member_of facts are drawn")
	}
	for _, e := range g.Edges {
		if e.Kind == graphmodel.EdgeAttachedPolicy {
			t.Errorf("a policy attachment is drawn: %+v", e)
		}
	}
	if findNode(g, "arn:aws:iam::111122223333:policy/unused") != nil {
		t.Error("a node no drawn edge touches is kept")
	}
	// A node only an edge names: a scope when it is admin_of's target,
	// its provider from its ID.
	if n := findNode(g, "gcp:project:acme-data"); n == nil || n.Class != graphmodel.ClassScope || n.Provider != graphmodel.ProviderGCP {
		t.Errorf("unknown admin target = %+v", n)
	}
	// A derived node is described.
	if n := findNode(g, fxRepo); n == nil || n.Kind != graphmodel.KindGitHubRepo || n.Name != "GitHub repository acme/infra" {
		t.Errorf("derived node = %+v", n)
	}
	for i := 1; i < len(g.Nodes); i++ {
		if g.Nodes[i-1].ID >= g.Nodes[i].ID {
			t.Fatalf("nodes not sorted by ID: %s before %s", g.Nodes[i-1].ID, g.Nodes[i].ID)
		}
	}
}

func nodeIDs(g *Graph) []string {
	var ids []string
	for _, n := range g.Nodes {
		ids = append(ids, n.ID)
	}
	return ids
}

func TestNeighbourhood(t *testing.T) {
	snap, _, _ := sampleEstate()
	g := sampleGraph(t)
	tests := []struct {
		focus string
		depth int
		want  []string
	}{
		// Out: admin; in: the repository and the user who can grant it admin.
		{fxDeployer, 1, []string{fxDeployer, fxAdmin, fxUser, fxRepo}},
		// Two steps out reach the account; two steps in add nothing more.
		{fxDeployer, 2, []string{fxAccount, fxDeployer, fxAdmin, fxUser, fxRepo}},
		// Out only: the user's group, secret, and the deployer it can grant.
		{fxUser, 1, []string{fxGroup, fxUser, fxSecret, fxDeployer}},
		{fxUser, 2, []string{fxGroup, fxUser, fxSecret, fxDeployer, fxAdmin, fxBucket}},
		// In only.
		{fxAccount, 1, []string{fxAccount, fxAdmin}},
		// A node of the estate no edge touches is alone.
		{"arn:aws:iam::111122223333:policy/unused", 2, []string{"arn:aws:iam::111122223333:policy/unused"}},
	}
	for _, tc := range tests {
		sub, err := g.Neighbourhood(tc.focus, tc.depth, snap)
		if err != nil {
			t.Fatalf("%s depth %d: %v", tc.focus, tc.depth, err)
		}
		got := nodeIDs(sub)
		want := append([]string(nil), tc.want...)
		sortStrings(want)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s depth %d: nodes %v, want %v", tc.focus, tc.depth, got, want)
		}
		for _, e := range sub.Edges {
			if findNode(sub, e.From) == nil || findNode(sub, e.To) == nil {
				t.Errorf("%s depth %d: edge %s → %s leaves the neighbourhood", tc.focus, tc.depth, e.From, e.To)
			}
		}
		if sub.Focus != tc.focus || sub.Depth != tc.depth {
			t.Errorf("focus %q depth %d", sub.Focus, sub.Depth)
		}
	}
	_, err := g.Neighbourhood("arn:aws:iam::111122223333:role/nobody", 2, snap)
	var unknown *analysis.UnknownNodeError
	if !errors.As(err, &unknown) || unknown.ID != "arn:aws:iam::111122223333:role/nobody" {
		t.Errorf("unknown focus: %v", err)
	}
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// graphCases are the graphs with golden DOT and Mermaid files.
func graphCases(t *testing.T) map[string]*Graph {
	snap, _, _ := sampleEstate()
	g := sampleGraph(t)
	focus, err := g.Neighbourhood(fxDeployer, 1, snap)
	if err != nil {
		t.Fatal(err)
	}
	hsnap, hnodes, hedges := hostileEstate()
	return map[string]*Graph{
		"sample":  g,
		"focus":   focus,
		"hostile": FromEstate(hsnap, hnodes, hedges),
	}
}

func TestWriteDOTGolden(t *testing.T) {
	for name, g := range graphCases(t) {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteDOT(&buf, g); err != nil {
				t.Fatal(err)
			}
			golden(t, name+".dot", buf.Bytes())
		})
	}
}

func TestWriteMermaidGolden(t *testing.T) {
	for name, g := range graphCases(t) {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteMermaid(&buf, g); err != nil {
				t.Fatal(err)
			}
			golden(t, name+".mmd", buf.Bytes())
		})
	}
}

// TestMermaidHostileLabels checks that no hostile string reaches the
// Mermaid text unencoded: every line is a statement this writer makes,
// and the labels hold only safe characters and entities.
func TestMermaidHostileLabels(t *testing.T) {
	hsnap, hnodes, hedges := hostileEstate()
	var buf bytes.Buffer
	if err := WriteMermaid(&buf, FromEstate(hsnap, hnodes, hedges)); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if !strings.HasPrefix(lines[0], "%% ") || strings.ContainsAny(lines[0], "{}") {
		t.Errorf("comment line %q", lines[0])
	}
	if lines[1] != "flowchart LR" {
		t.Errorf("second line %q", lines[1])
	}
	for _, l := range lines[2:] {
		for _, q := range quoted(l) {
			for _, r := range q {
				if !mermaidSafe(r) && r != '#' && r != ';' && !(r >= '0' && r <= '9') && !strings.ContainsRune("<br/>", r) {
					t.Errorf("label %q holds %q", q, r)
				}
			}
			if strings.Contains(strings.ReplaceAll(q, "<br/>", ""), "<") {
				t.Errorf("label %q holds markup", q)
			}
		}
		if strings.Count(l, `"`)%2 != 0 {
			t.Errorf("unbalanced quotes: %q", l)
		}
	}
	for _, h := range hostile {
		if len(h) > 8 && strings.Contains(buf.String(), h) {
			t.Errorf("hostile string %q appears as is", h)
		}
	}
}

// quoted returns the "…" parts of a line.
func quoted(l string) []string {
	parts := strings.Split(l, `"`)
	var out []string
	for i := 1; i < len(parts); i += 2 {
		out = append(out, parts[i])
	}
	return out
}

// needTool returns the path of a program the test needs, skipping the test
// when it is missing, unless CI is set: then it fails.
func needTool(t *testing.T, name, install string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is not installed: CI must run this test (%s)", name, install)
	}
	t.Skipf("%s is not installed (%s)", name, install)
	return ""
}

// TestGraphvizAcceptsDOT runs dot -Tsvg on every DOT file this package
// writes (the golden files) and dot -Tjson on each generated graph, whose
// labels and tooltips must come back as written: the escaping holds.
func TestGraphvizAcceptsDOT(t *testing.T) {
	dot := needTool(t, "dot", "scripts/viz-tools ensure, or apt-get install graphviz")
	files, err := filepath.Glob(filepath.Join("testdata", "*.dot"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no DOT golden files: %v", err)
	}
	for _, f := range files {
		cmd := exec.Command(dot, "-Tsvg", f)
		var stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = nil, &stderr
		if err := cmd.Run(); err != nil || stderr.Len() > 0 {
			t.Errorf("dot -Tsvg %s: %v\n%s", f, err, stderr.String())
		}
	}
	for name, g := range graphCases(t) {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteDOT(&buf, g); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(dot, "-Tjson")
			cmd.Stdin = &buf
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil || stderr.Len() > 0 {
				t.Fatalf("dot -Tjson: %v\n%s", err, stderr.String())
			}
			var out struct {
				Objects []struct {
					Name    string `json:"name"`
					Tooltip string `json:"tooltip"`
					Label   string `json:"label"`
				} `json:"objects"`
				Edges []struct {
					Tooltip string `json:"tooltip"`
				} `json:"edges"`
			}
			if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
				t.Fatal(err)
			}
			tips := map[string]bool{}
			for _, o := range out.Objects {
				tips[o.Tooltip] = true
			}
			for _, n := range g.Nodes {
				if !tips[graphvizRaw(n.ID)] {
					t.Errorf("node %q: no object with that tooltip after Graphviz read it", n.ID)
				}
			}
			if len(out.Edges) != len(g.Edges) {
				t.Errorf("Graphviz read %d edges, want %d", len(out.Edges), len(g.Edges))
			}
		})
	}
}

// graphvizRaw is s as Graphviz's -Tjson gives back an attribute WriteDOT
// wrote: the value read from the quoted string, before Graphviz's own
// escapes (\n, \\) are applied: every backslash doubled, line breaks as
// \n, other control characters spaces.
func graphvizRaw(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r < 0x20 || r == 0x7f || r == '\u2028' || r == '\u2029':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
