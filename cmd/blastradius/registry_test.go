package main

import (
	"context"
	"reflect"
	"sort"
	"testing"
	"testing/fstest"

	"github.com/blastradius/blastradius/collectors"
)

func TestRegistry(t *testing.T) {
	entries := collectorRegistry()
	if len(entries) == 0 {
		t.Fatal("empty registry")
	}
	names := make([]string, len(entries))
	seen := map[string]bool{}
	for i, e := range entries {
		names[i] = e.Name
		if seen[e.Name] {
			t.Errorf("name %q listed twice", e.Name)
		}
		seen[e.Name] = true
		if e.Summary == "" || len(e.Tags) == 0 || len(e.Modes) == 0 {
			t.Errorf("%s: summary, tags and modes are required: %+v", e.Name, e)
		}
		for _, m := range e.Modes {
			if m != collectors.ModeLive && m != collectors.ModeOffline {
				t.Errorf("%s: unknown mode %q", e.Name, m)
			}
		}
		if e.HasMode(collectors.ModeOffline) != (e.Offline != nil) {
			t.Errorf("%s: offline mode listed = %v but Offline constructor set = %v", e.Name, e.HasMode(collectors.ModeOffline), e.Offline != nil)
		}
		if e.Offline != nil {
			if got := e.Offline(fstest.MapFS{}, "dir").Name(); got != e.Name {
				t.Errorf("%s: offline collector is named %q", e.Name, got)
			}
		}
	}
	if !sort.StringsAreSorted(names) {
		t.Errorf("registry not sorted by name: %q", names)
	}
	// Callers may change what they get without changing the registry.
	entries[0].Tags[0] = "changed"
	if collectorRegistry()[0].Tags[0] == "changed" {
		t.Error("Registry returns shared slices")
	}
}

func TestLookup(t *testing.T) {
	tests := []struct {
		name      string
		ok        bool
		tags      []string
		modes     []string
		hasOffine bool
	}{
		{name: "aws", ok: true, tags: []string{"aws", "cloud"}, modes: []string{collectors.ModeLive, collectors.ModeOffline}, hasOffine: true},
		{name: "AWS"},
		{name: "gcp"},
		{name: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, ok := lookupCollector(tc.name)
			if ok != tc.ok {
				t.Fatalf("lookupCollector(%q) ok = %v", tc.name, ok)
			}
			if !ok {
				return
			}
			if e.Name != tc.name || !reflect.DeepEqual(e.Tags, tc.tags) || !reflect.DeepEqual(e.Modes, tc.modes) || (e.Offline != nil) != tc.hasOffine {
				t.Errorf("lookupCollector(%q) = %+v", tc.name, e)
			}
		})
	}
}

// TestOfflineAWSThroughRegistry runs the aws entry's offline collector on
// a one-role export, as the command layer will.
func TestOfflineAWSThroughRegistry(t *testing.T) {
	e, ok := lookupCollector("aws")
	if !ok {
		t.Fatal("no aws entry")
	}
	fsys := fstest.MapFS{"gaad.json": {Data: []byte(`{"RoleDetailList": [{"RoleName": "r", "Arn": "arn:aws:iam::123456789012:role/r",
		"AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}}]}`)}}
	snap, err := collectors.Run(context.Background(), e.Offline(fsys, "exports"))
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Sources) != 1 || snap.Sources[0].Origin != "offline:exports" || snap.Sources[0].Scope != "aws:account:123456789012" {
		t.Errorf("sources = %+v", snap.Sources)
	}
	var ids []string
	for _, n := range snap.Nodes {
		ids = append(ids, n.ID)
	}
	want := []string{"arn:aws:iam::123456789012:role/r", "aws:account:123456789012"}
	if !reflect.DeepEqual(ids, want) {
		t.Errorf("nodes = %q, want %q", ids, want)
	}
}
