package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blastradius/blastradius/analysis"
	"github.com/blastradius/blastradius/collectors"
	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/internal/badinput"
	"github.com/blastradius/blastradius/providers"
)

// The toy provider is defined here, in the test, and plugs into the command
// line through the provider list alone: one node kind (a robot, an
// identity), one collector (a JSON file of robots and which robots each
// one's remote control drives), one rule (a robot whose remote control
// drives another can become it).
const (
	toyKind      graphmodel.NodeKind = "toy.robot"
	toyTechnique string              = "toy-remote-control"
)

// toyFile is the offline format: {"robots": [{"name": "a", "drives": ["b"]}]}.
type toyFile struct {
	Robots []struct {
		Name   string   `json:"name"`
		Drives []string `json:"drives"`
	} `json:"robots"`
}

// toyCollector reads one toy file.
type toyCollector struct{ path string }

func (toyCollector) Name() string { return "toy" }

func (c toyCollector) Collect(context.Context) (graphmodel.Fragment, error) {
	data, err := os.ReadFile(c.path)
	if err != nil {
		return graphmodel.Fragment{}, err
	}
	var f toyFile
	if err := json.Unmarshal(data, &f); err != nil {
		return graphmodel.Fragment{}, badinput.New(c.path, "", err)
	}
	frag := graphmodel.Fragment{Source: graphmodel.Source{Collector: "toy", Provider: "toy", Scope: "toy:room", Origin: "offline:" + c.path}}
	for _, r := range f.Robots {
		n := graphmodel.Node{ID: "toy:robot:" + r.Name, Kind: toyKind, Provider: "toy", Name: r.Name}
		n.SetProp("drives", strings.Join(r.Drives, ","))
		frag.Nodes = append(frag.Nodes, n)
	}
	return frag, nil
}

// toyDeriver is the rule.
type toyDeriver struct{}

func (toyDeriver) Name() string { return "toy" }

func (toyDeriver) Derive(_ context.Context, snap *graphmodel.Snapshot) ([]graphmodel.Node, []graphmodel.Edge, error) {
	var edges []graphmodel.Edge
	for _, n := range snap.Nodes {
		if n.Kind != toyKind || n.Prop("drives") == "" {
			continue
		}
		for _, to := range strings.Split(n.Prop("drives"), ",") {
			edges = append(edges, graphmodel.Edge{From: n.ID, To: "toy:robot:" + to, Kind: graphmodel.EdgeCanBecome, Technique: toyTechnique,
				Evidence: []graphmodel.Evidence{{Source: n.ID, Statement: -1, Note: "its remote control drives " + to}}})
		}
	}
	return nil, edges, nil
}

func (toyDeriver) Techniques() []graphmodel.Technique {
	return []graphmodel.Technique{{ID: toyTechnique, Provider: "toy", Name: "remote control", Category: "principal-access",
		Description: "drive another robot with its remote control"}}
}

func toyProvider() providers.Provider {
	return providers.Provider{
		Name: "toy", Tags: []string{"toy"}, Summary: "robots and their remote controls, from a JSON file",
		Usage: "--from-file FILE", OfflineFlag: "from-file",
		Flags: []providers.Flag{{Name: "from-file", Usage: "read the robots of `FILE`", Modes: []providers.Mode{providers.Offline}}},
		Offline: func(_ context.Context, opts providers.Options, _ providers.Env) ([]collectors.Collector, error) {
			return []collectors.Collector{toyCollector{opts.String("from-file")}}, nil
		},
		Kinds:   []graphmodel.KindSpec{{Kind: toyKind, KindInfo: graphmodel.KindInfo{Provider: "toy", Class: graphmodel.ClassIdentity, NonHuman: true}}},
		Deriver: func() analysis.Deriver { return toyDeriver{} },
	}
}

// runToy runs the command line with the real providers and the toy one.
func runToy(t *testing.T, dir string, args ...string) (string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	list := append(providers.All(), toyProvider())
	t.Chdir(dir)
	if code := runWith(context.Background(), append([]string{"blastradius"}, args...), &stdout, &stderr, list); code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, stderr.String())
	}
	return stdout.String(), stderr.String()
}

// TestProviderDefinedInATest drives collect, analyze, paths and collectors
// list through the code paths the AWS provider uses, with a provider the
// shared code has never heard of.
func TestProviderDefinedInATest(t *testing.T) {
	dir := t.TempDir()
	robots := `{"robots": [{"name": "a", "drives": ["b"]}, {"name": "b", "drives": ["c"]}, {"name": "c"}]}`
	if err := os.WriteFile(filepath.Join(dir, "robots.json"), []byte(robots), 0o644); err != nil {
		t.Fatal(err)
	}

	list, _ := runToy(t, dir, "collectors", "list")
	if !strings.Contains(list, "toy") || !strings.Contains(list, "robots and their remote controls") {
		t.Errorf("collectors list lacks the toy provider:\n%s", list)
	}
	_, stderr := runToy(t, dir, "collect", "toy", "--from-file", "robots.json", "-o", "toy.snap.json")
	if !strings.Contains(stderr, "collected 3 nodes") {
		t.Errorf("collect: %s", stderr)
	}

	out, _ := runToy(t, dir, "analyze", "toy.snap.json", "--format", "json", "--detail", "full")
	var res analysis.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, id := range res.Identities {
		got[id.ID] = fmt.Sprintf("rank %d score %g reaches %v", id.Rank, id.BlastRadius.Score, id.ReachableIdentities)
	}
	want := map[string]string{
		"toy:robot:a": "rank 1 score 2 reaches [toy:robot:b toy:robot:c]",
		"toy:robot:b": "rank 2 score 1 reaches [toy:robot:c]",
		"toy:robot:c": "rank 3 score 0 reaches []",
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s: %s, want %s", id, got[id], w)
		}
	}

	paths, _ := runToy(t, dir, "paths", "toy.snap.json", "--from", "toy:robot:a", "--to", "toy:robot:c", "--format", "json")
	for _, w := range []string{`"technique": "toy-remote-control"`, "its remote control drives b", "its remote control drives c"} {
		if !strings.Contains(paths, w) {
			t.Errorf("paths lacks %q:\n%s", w, paths)
		}
	}

	techniques, _ := runToy(t, dir, "techniques", "list")
	if !strings.Contains(techniques, toyTechnique) || !strings.Contains(techniques, "iam-014") {
		t.Errorf("techniques list lacks the toy or the AWS catalogue:\n%s", techniques)
	}
}
