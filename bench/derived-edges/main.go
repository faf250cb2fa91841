// Command derived-edges counts the edges the AWS analysis derives from a
// snapshot, by kind, technique, whether a permission set holds them, and
// certainty: the measure of how the derivation grows with an estate (the
// dense shape's edge curve from 5,000 to 25,000 principals).
//
//	go run ./bench/derived-edges [-top N] [-sample TECHNIQUE] [-cpuprofile F] SNAPSHOT
//	go run ./bench/derived-edges -atoms SNAPSHOT
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

	awsanalysis "github.com/blastradius/blastradius/analysis/aws"
	"github.com/blastradius/blastradius/graphmodel"
)

func main() {
	top := flag.Int("top", 40, "rows of the count table")
	sample := flag.String("sample", "", "technique whose own edges to list by principal")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the derivation to `file`")
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
	nodes, edges, err := awsanalysis.New().Derive(context.Background(), snap)
	if err != nil {
		return err
	}
	fmt.Println("derive", time.Since(start).Round(time.Millisecond), "nodes", len(nodes), "edges", len(edges))
	if sample != "" {
		bySource := printSample(edges, sample)
		if sampleSets {
			printSets(nodes, bySource)
		}
	}
	printCounts(edges, top)
	return nil
}

// fromSet reports whether id is one of the analysis's permission sets.
func fromSet(id string) bool { return strings.HasPrefix(id, "aws:permission-set") }

// sampleSets makes -sample list the permission sets holding the
// technique's edges instead of the principals (BLASTRADIUS_SAMPLE_SETS=1).
var sampleSets = os.Getenv("BLASTRADIUS_SAMPLE_SETS") != ""

// printSample prints the technique's edges by source and returns how many
// each source holds.
func printSample(edges []graphmodel.Edge, technique string) map[string]int {
	bySource := map[string]int{}
	n := 0
	for _, e := range edges {
		if e.Technique != technique || fromSet(e.From) != sampleSets {
			continue
		}
		bySource[e.From]++
		if n++; n <= 3 {
			fmt.Printf("%s -> %s conditional=%v %v\n", e.From, e.To, e.Conditional, e.Evidence)
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
		if fromSet(id) {
			return "set"
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
