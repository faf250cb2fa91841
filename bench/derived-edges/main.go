// Command derived-edges counts the edges the AWS analysis derives from a
// snapshot, as the attack graph holds them (targets that several sources
// reach alike grouped into target sets), by kind, technique, whether a
// permission set holds them or a target set receives them, and certainty:
// the measure of how the derivation grows with an estate (the dense
// shape's edge curve from 5,000 to 25,000 principals).
//
//	go run ./bench/derived-edges [-top N] [-sample TECHNIQUE] [-cpuprofile F] SNAPSHOT
//	go run ./bench/derived-edges -atoms SNAPSHOT
//
// The first line gives the time of the analysis's preparation (derivation,
// grouping, attack graph), the derived nodes and edges after grouping, the
// target sets and their includes edges, and the edges the derivation
// proved, one per source, target and key (an edge into a set counted once
// per member; of a derivation's repeats of one key, the attack graph keeps
// one). In the count table an edge into a target set counts under its
// technique, with "tset" as its target; includes edges have a row of their
// own ("includes  tset->p").
//
// -sample lists the principals holding the technique's own edges (those no
// permission set holds), most first, with three edges and their evidence.
// BLASTRADIUS_REGION_STATS=1 makes the analysis print its regions by
// resource group. -atoms estimates, for a few actions, how many classes of
// targets the account's statements tell apart (see analysis/aws atoms.go).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
	"sort"
	"strings"
	"time"

	"github.com/blastradius/blastradius/analysis"
	awsanalysis "github.com/blastradius/blastradius/analysis/aws"
	"github.com/blastradius/blastradius/graphmodel"
)

func main() {
	top := flag.Int("top", 40, "rows of the count table")
	sample := flag.String("sample", "", "technique whose own edges to list by principal")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the analysis's preparation to `file`")
	atomsOnly := flag.Bool("atoms", false, "estimate the target atoms of a few actions instead")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: derived-edges [flags] SNAPSHOT")
		flag.PrintDefaults()
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *top, *sample, *cpuprofile, *atomsOnly); err != nil {
		fmt.Fprintln(os.Stderr, "derived-edges:", err)
		os.Exit(1)
	}
}

func run(path string, top int, sample, cpuprofile string, atomsOnly bool) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	snap, err := graphmodel.Decode(path, data)
	if err != nil {
		return err
	}
	if atomsOnly {
		printAtoms(snap)
		return nil
	}
	if cpuprofile != "" {
		f, err := os.Create(cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	g, err := analysis.Prepare(context.Background(), snap, analysis.Options{Derivers: []analysis.Deriver{awsanalysis.New()}})
	if err != nil {
		return err
	}
	nodes, edges := g.Derived()
	sets, includes, proved := 0, 0, 0
	members := analysis.TargetSetMembers(edges)
	for _, n := range nodes {
		if n.Kind.IsTargetSet() {
			sets++
		}
	}
	for _, e := range edges {
		switch n := len(members[e.To]); {
		case e.Kind == graphmodel.EdgeIncludes:
			includes++
		case n > 0:
			proved += n
		default:
			proved++
		}
	}
	fmt.Println("prepare", time.Since(start).Round(time.Millisecond), "nodes", len(nodes), "edges", len(edges),
		"target-sets", sets, "includes", includes, "ungrouped-edges", proved)
	if sample != "" {
		bySource := printSample(edges, members, sample)
		if sampleSets {
			printSets(nodes, bySource)
		}
	}
	printCounts(edges, top)
	return nil
}

// fromSet reports whether id is one of the analysis's permission sets.
func fromSet(id string) bool { return strings.HasPrefix(id, "aws:permission-set") }

// targetSet reports whether id is one of the analysis's target sets.
func targetSet(id string) bool { return strings.HasPrefix(id, "aws:target-set:") }

// sampleSets makes -sample list the permission sets holding the
// technique's edges instead of the principals (BLASTRADIUS_SAMPLE_SETS=1).
var sampleSets = os.Getenv("BLASTRADIUS_SAMPLE_SETS") != ""

// printSample prints the technique's edges by source and returns how many
// each source holds (an edge into a target set is one, its members named).
func printSample(edges []graphmodel.Edge, members map[string][]string, technique string) map[string]int {
	bySource := map[string]int{}
	n := 0
	for _, e := range edges {
		if e.Technique != technique || fromSet(e.From) != sampleSets {
			continue
		}
		bySource[e.From]++
		if n++; n <= 3 {
			to := e.To
			if ms := members[e.To]; len(ms) > 0 {
				to = fmt.Sprintf("%s (%d targets: %s, …)", e.To, len(ms), ms[0])
			}
			fmt.Printf("%s -> %s conditional=%v %v\n", e.From, to, e.Conditional, e.Evidence)
		}
	}
	sources := mostFirst(bySource)
	fmt.Printf("%d edges from %d principals\n", n, len(sources))
	for _, s := range sources[:min(10, len(sources))] {
		fmt.Printf("%8d %s\n", bySource[s], s)
	}
	return bySource
}

// mostFirst returns the keys of count, the greatest count first, then by key.
func mostFirst(count map[string]int) []string {
	keys := make([]string, 0, len(count))
	for k := range count {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if count[keys[i]] != count[keys[j]] {
			return count[keys[i]] > count[keys[j]]
		}
		return keys[i] < keys[j]
	})
	return keys
}

func printCounts(edges []graphmodel.Edge, top int) {
	end := func(id string) string {
		switch {
		case fromSet(id):
			return "set"
		case targetSet(id):
			return "tset"
		}
		return "p"
	}
	count := map[string]int{}
	for _, e := range edges {
		count[fmt.Sprintf("%s %s %s->%s cond=%v", e.Kind, e.Technique, end(e.From), end(e.To), e.Conditional)]++
	}
	keys := mostFirst(count)
	for _, k := range keys[:min(top, len(keys))] {
		fmt.Printf("%8d %s\n", count[k], k)
	}
}

// printSets lists the permission sets count holds (those holding the
// sampled technique's edges, from printSample) with their properties
// (policies, members, boundary) and edge counts.
func printSets(nodes []graphmodel.Node, count map[string]int) {
	for _, n := range nodes {
		if c := count[n.ID]; c > 0 {
			fmt.Printf("%6d %s %v\n", c, n.ID, n.Properties)
		}
	}
}
