package graphmodel

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/dominikbraun/graph"

	"github.com/blastradius/blastradius/internal/badinput"
)

func sampleFragment() Fragment {
	return Fragment{
		Source: Source{Collector: "aws", Provider: ProviderAWS, Scope: AWSAccountScope("111122223333"),
			Origin: "offline:demo", CollectedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
			Gaps: []Gap{{What: "group ghost", Reason: "absent", Where: "gaad.json"}}},
		Nodes: []Node{
			{ID: "arn:aws:iam::111122223333:user/bob", Kind: KindAWSUser, Provider: ProviderAWS, Name: "bob",
				Scope: AWSAccountScope("111122223333"), Tags: map[string]string{"team": "data"}},
			{ID: "arn:aws:iam::111122223333:role/app", Kind: KindAWSRole, Provider: ProviderAWS, Name: "app",
				Documents: map[string]json.RawMessage{"trust": json.RawMessage(`{"Statement":[]}`)}},
		},
		Edges: []Edge{
			{From: "arn:aws:iam::111122223333:user/bob", To: "arn:aws:iam::111122223333:group/g", Kind: EdgeMemberOf},
		},
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	snap := NewSnapshot(sampleFragment())
	var buf bytes.Buffer
	if err := Encode(&buf, snap); err != nil {
		t.Fatal(err)
	}
	back, err := Decode("snap.json", buf.Bytes())
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	var again bytes.Buffer
	if err := Encode(&again, back); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Fatalf("round trip changed the snapshot:\n%s\n---\n%s", buf.String(), again.String())
	}
	if back.Nodes[0].ID != "arn:aws:iam::111122223333:role/app" {
		t.Errorf("nodes not sorted by ID: first is %s", back.Nodes[0].ID)
	}
	if got := back.Gaps(); len(got) != 1 || got[0].What != "group ghost" {
		t.Errorf("gaps = %+v", got)
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name, input, want string
	}{
		{"not json", `hello`, "snap.json: line 1, column 1"},
		{"truncated", "{\n  \"schema_version\": 1,\n  \"nodes\": [", "truncated"},
		{"no version", `{"nodes": []}`, "no schema_version"},
		{"future version", `{"schema_version": 99}`, "schema_version 99 is not supported (this build reads 1)"},
		{"wrong type", "{\"schema_version\": 1,\n \"nodes\": {}}", "line 2"},
		{"unknown field", `{"schema_version": 1, "nodez": []}`, "nodez"},
		{"trailing data", "{\"schema_version\": 1}\n{\"nodes\": []}", "line 2"},
		{"trailing data, no version", "{\"nodes\": []} x", "line 1"},
		{"empty id", `{"schema_version": 1, "nodes": [{"id": ""}]}`, "nodes[0]: empty id"},
		{"duplicate id", `{"schema_version": 1, "nodes": [{"id": "a"}, {"id": "a"}]}`, `nodes[1]: duplicate id "a"`},
		{"edge without end", `{"schema_version": 1, "edges": [{"from": "a", "kind": "member_of"}]}`, "edges[0]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode("snap.json", []byte(tc.input))
			if err == nil {
				t.Fatal("want an error")
			}
			if !badinput.Is(err) {
				t.Errorf("error %v is not bad input", err)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "snap.json") {
				t.Errorf("error %q should name the file and contain %q", err, tc.want)
			}
		})
	}
}

func TestMergeUnitesNodesAndDeduplicatesEdges(t *testing.T) {
	a := sampleFragment()
	b := Fragment{
		Source: Source{Collector: "kubernetes", Provider: ProviderKubernetes, Scope: K8sClusterScope("prod")},
		Nodes: []Node{
			{ID: "arn:aws:iam::111122223333:user/bob", Aliases: []string{"bob@example.com"},
				Tags: map[string]string{"team": "other", "env": "prod"}},
		},
		Edges: a.Edges,
	}
	snap := NewSnapshot(a, b)
	if len(snap.Sources) != 2 {
		t.Fatalf("sources = %d, want 2", len(snap.Sources))
	}
	if len(snap.Edges) != 1 {
		t.Errorf("edges = %d, want the duplicate kept once", len(snap.Edges))
	}
	var bob *Node
	for i := range snap.Nodes {
		if snap.Nodes[i].Name == "bob" {
			bob = &snap.Nodes[i]
		}
	}
	if bob == nil {
		t.Fatal("bob missing")
	}
	if bob.Kind != KindAWSUser || bob.Tags["team"] != "data" || bob.Tags["env"] != "prod" || len(bob.Aliases) != 1 {
		t.Errorf("merged bob = %+v: first scalar wins, maps and aliases unite", bob)
	}
}

func TestKinds(t *testing.T) {
	tests := []struct {
		kind     NodeKind
		class    Class
		nonHuman bool
	}{
		{KindAWSRole, ClassIdentity, true},
		{KindAWSUser, ClassIdentity, false},
		{KindAWSGroup, ClassGroup, false},
		{KindAWSAccount, ClassScope, false},
		{KindK8sServiceAccount, ClassIdentity, true},
		{KindGCPProject, ClassScope, false},
		{KindWorkspaceOAuthApp, ClassIdentity, true},
		{NodeKind("nope"), ClassOther, false},
	}
	for _, tc := range tests {
		if tc.kind.Class() != tc.class || tc.kind.NonHuman() != tc.nonHuman {
			t.Errorf("%s: class %s non-human %v, want %s %v", tc.kind, tc.kind.Class(), tc.kind.NonHuman(), tc.class, tc.nonHuman)
		}
	}
	yes := true
	n := Node{Kind: KindAWSUser, NonHuman: &yes}
	if !n.IsNonHuman() {
		t.Error("a node's own non_human overrides its kind")
	}
}

func TestGraphKeepsParallelEdges(t *testing.T) {
	g := NewGraph()
	for _, e := range []Edge{
		{From: "u", To: "r", Kind: EdgeCanBecome, Technique: "sts-001"},
		{From: "u", To: "r", Kind: EdgeCanBecome, Technique: "iam-012"},
		{From: "u", To: "r", Kind: EdgeCanBecome, Technique: "iam-012"},
	} {
		if err := g.AddEdge(e); err != nil {
			t.Fatal(err)
		}
	}
	if got := g.Between("u", "r"); len(got) != 2 {
		t.Fatalf("between = %d edges, want 2 (duplicate dropped)", len(got))
	}
	if n, e := g.Len(); n != 2 || e != 2 {
		t.Errorf("len = %d nodes %d edges, want 2 and 2", n, e)
	}
	if _, ok := g.Node("r"); !ok {
		t.Error("edge end should exist as a placeholder node")
	}
	if len(g.InOfKind("r", EdgeCanBecome)) != 2 || len(g.OutOfKind("u", EdgeMemberOf)) != 0 {
		t.Error("kind filters are wrong")
	}
}

func TestAccountOfARN(t *testing.T) {
	for in, want := range map[string]string{
		"arn:aws:iam::123456789012:role/x": "123456789012",
		"arn:aws:s3:::bucket":              "",
		"not-an-arn":                       "",
	} {
		if got := AWSAccountOfARN(in); got != want {
			t.Errorf("AWSAccountOfARN(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzDecodeSnapshot(f *testing.F) {
	var buf bytes.Buffer
	if err := Encode(&buf, NewSnapshot(sampleFragment())); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte(`{"schema_version": 1}`))
	f.Add([]byte(`{"schema_version": 2}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		snap, err := Decode("fuzz.json", data)
		if err != nil {
			if !badinput.Is(err) {
				t.Fatalf("error is not bad input: %v", err)
			}
			return
		}
		var out bytes.Buffer
		if err := Encode(&out, snap); err != nil {
			t.Fatalf("a decoded snapshot must encode: %v", err)
		}
		if _, err := Decode("again.json", out.Bytes()); err != nil {
			t.Fatalf("an encoded snapshot must decode: %v", err)
		}
	})
}

func TestGraphLibrary(t *testing.T) {
	g := NewGraph()
	for _, e := range []Edge{
		{From: "u", To: "r", Kind: EdgeCanBecome, Technique: "sts-001"},
		{From: "u", To: "r", Kind: EdgeCanBecome, Technique: "iam-012"},
		{From: "r", To: "b", Kind: EdgeCanAccess},
	} {
		if err := g.AddEdge(e); err != nil {
			t.Fatal(err)
		}
	}
	lib := g.Library()
	if n, _ := lib.Order(); n != 3 {
		t.Errorf("library has %d vertices, want 3", n)
	}
	e, err := lib.Edge("u", "r")
	if err != nil {
		t.Fatal(err)
	}
	if list, _ := e.Properties.Data.(*[]*Edge); list == nil || len(*list) != 2 {
		t.Errorf("edge data %v, want both u→r edges", e.Properties.Data)
	}
	path, err := graph.ShortestPath(lib, "u", "b")
	if err != nil || len(path) != 3 {
		t.Errorf("shortest path %v, %v", path, err)
	}
	if g.Library() != lib {
		t.Error("an unchanged graph should give the same library graph")
	}
	if err := g.AddEdge(Edge{From: "b", To: "x", Kind: EdgeMemberOf}); err != nil {
		t.Fatal(err)
	}
	if n, _ := g.Library().Order(); n != 4 {
		t.Errorf("after a change the library has %d vertices, want 4", n)
	}
}

func TestAddEdgeRefPrefersCertain(t *testing.T) {
	g := NewGraph()
	cond := Edge{From: "a", To: "b", Kind: EdgeCanBecome, Technique: "sts-001", Conditional: true}
	certain := Edge{From: "a", To: "b", Kind: EdgeCanBecome, Technique: "sts-001"}
	again := Edge{From: "a", To: "b", Kind: EdgeCanBecome, Technique: "sts-001", Conditional: true}
	for _, e := range []*Edge{&cond, &certain, &again} {
		if err := g.AddEdgeRef(e); err != nil {
			t.Fatal(err)
		}
	}
	if out, in := g.Out("a"), g.In("b"); len(out) != 1 || out[0] != &certain || len(in) != 1 || in[0] != &certain {
		t.Errorf("out %v, in %v: want the certain edge alone, by reference", out, in)
	}
	// AddEdge keeps the first copy, conditional or not.
	h := NewGraph()
	for _, e := range []Edge{cond, certain} {
		if err := h.AddEdge(e); err != nil {
			t.Fatal(err)
		}
	}
	if out := h.Out("a"); len(out) != 1 || !out[0].Conditional {
		t.Errorf("AddEdge kept %v, want the first (conditional) copy", out)
	}
}
