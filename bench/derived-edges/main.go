package main

import (
	"context"
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
	data, _ := os.ReadFile(os.Args[1])
	snap, err := graphmodel.Decode(os.Args[1], data)
	if err != nil {
		panic(err)
	}
	if len(os.Args) > 2 {
		for _, a := range []string{"iam:UpdateAssumeRolePolicy", "iam:PutRolePolicy", "sts:AssumeRole", "iam:PassRole"} {
			atoms(snap, a, graphmodel.KindAWSRole)
		}
		for _, a := range []string{"iam:CreateAccessKey", "iam:UpdateLoginProfile"} {
			atoms(snap, a, graphmodel.KindAWSUser)
		}
		atoms(snap, "iam:CreatePolicyVersion", graphmodel.KindAWSManagedPolicy)
		for _, a := range []string{"secretsmanager:GetSecretValue", "lambda:GetFunctionConfiguration", "s3:GetObject", "ec2:CreateLaunchTemplateVersion"} {
			atoms(snap, a, graphmodel.KindAWSResource)
		}
		return
	}
	if os.Getenv("CPUPROFILE") != "" {
		f, _ := os.Create(os.Getenv("CPUPROFILE"))
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	nodes, edges, err := awsanalysis.New().Derive(context.Background(), snap)
	if err != nil {
		panic(err)
	}
	fmt.Println("derive", time.Since(start), "nodes", len(nodes), "edges", len(edges))
	if t := os.Getenv("SAMPLE"); t != "" {
		// The principals holding the technique's own edges (not a set's),
		// most edges first, and a few edges with their evidence.
		bySource := map[string]int{}
		n := 0
		for _, e := range edges {
			if e.Technique == t && !strings.HasPrefix(e.From, "aws:permission-set") {
				bySource[e.From]++
				if n++; n <= 3 {
					fmt.Printf("%s -> %s %v %v\n", e.From, e.To, e.Conditional, e.Evidence)
				}
			}
		}
		sources := make([]string, 0, len(bySource))
		for s := range bySource {
			sources = append(sources, s)
		}
		sort.Slice(sources, func(i, j int) bool { return bySource[sources[i]] > bySource[sources[j]] })
		fmt.Printf("%d edges from %d principals\n", n, len(sources))
		for _, s := range sources[:min(10, len(sources))] {
			fmt.Printf("%8d %s\n", bySource[s], s)
		}
	}
	count := map[string]int{}
	for _, e := range edges {
		from := "p"
		if strings.HasPrefix(e.From, "aws:permission-set") {
			from = "set"
		}
		to := "p"
		if strings.HasPrefix(e.To, "aws:permission-set") {
			to = "set"
		}
		count[fmt.Sprintf("%s %s %s->%s cond=%v", e.Kind, e.Technique, from, to, e.Conditional)]++
	}
	type kv struct {
		k string
		v int
	}
	var list []kv
	for k, v := range count {
		list = append(list, kv{k, v})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].v > list[j].v })
	for _, x := range list[:min(40, len(list))] {
		fmt.Printf("%8d %s\n", x.v, x.k)
	}
}
