package neo4jexport

import (
	"fmt"
	"strings"
	"testing"

	"github.com/blastradius/blastradius/graphmodel"
)

func TestUsableGrants(t *testing.T) {
	set := graphmodel.NodeKind("aws.permission_set") // defined by TestMain
	if !set.Transparent() {
		t.Fatalf("%s is not a transparent kind: the providers' kinds are not defined", set)
	}
	type e = graphmodel.Edge
	become := func(from, to string) e {
		return e{From: from, To: to, Kind: graphmodel.EdgeCanBecome, Technique: "sts-001"}
	}
	member := func(from, to string) e { return e{From: from, To: to, Kind: graphmodel.EdgeMemberOf} }
	includes := func(from, to string) e { return e{From: from, To: to, Kind: graphmodel.EdgeIncludes} }
	grant := func(from, to string) e {
		return e{From: from, To: to, Kind: graphmodel.EdgeCanGrantAdmin, Technique: "iam-001"}
	}
	cond := func(x e) e { x.Conditional = true; return x }
	tests := []struct {
		name  string
		sets  []string // nodes of a transparent kind: a target set when named ts…, else a permission set
		edges []e
		want  string // "grantee:by:hops[:conditional][>member]" per usable grant, in edge order (member: a target set's nearest); "-" when not usable
	}{
		{"itself", nil, []e{grant("a", "a")}, "a:a:0"},
		{"two steps", nil, []e{become("a", "b"), become("b", "c"), grant("a", "c")}, "c:a:2"},
		{"not reachable", nil, []e{become("c", "a"), grant("a", "c")}, "-"},
		{"conditional step", nil, []e{cond(become("a", "b")), become("a", "x"), become("x", "y"), become("y", "b"), grant("a", "b")},
			"b:a:3"},
		{"only conditional", nil, []e{cond(become("a", "b")), grant("a", "b")}, "b:a:1:conditional"},
		{"conditional grant is still decided", nil, []e{cond(grant("a", "a"))}, "a:a:0"},
		{"set member is grantee", []string{"s"}, []e{member("m1", "s"), member("m2", "s"), grant("s", "m2")}, "m2:m2:0"},
		{"set member becomes grantee", []string{"s"}, []e{member("m1", "s"), become("m1", "r"), grant("s", "r")}, "r:m1:1"},
		{"step a set holds is the member's", []string{"s", "t"}, []e{member("m", "s"), member("m", "t"), become("t", "r"), grant("s", "r")},
			"r:m:1"},
		{"conditional membership", []string{"s"}, []e{cond(member("m", "s")), grant("s", "m")}, "m:m:0:conditional"},
		{"group join is a step", nil, []e{member("a", "g"), grant("a", "g")}, "g:a:1"},
		{"through the scope", nil, []e{{From: "a", To: "acct", Kind: graphmodel.EdgeAdminOf}, {From: "acct", To: "r", Kind: graphmodel.EdgeContains}, grant("a", "r")},
			"r:a:2"},
		{"nearest of many", nil, []e{become("a", "b"), become("b", "c"), become("a", "c"), grant("a", "c"), grant("a", "b")}, "c:a:1 b:a:1"},
		// A target set (ts*) stands for its members: becoming it is one
		// step to each, the INCLUDES step none.
		{"grantee only through a target set", []string{"ts"},
			[]e{become("a", "ts"), includes("ts", "r1"), includes("ts", "r2"), grant("a", "r2")}, "r2:a:1"},
		{"target set after a permission set", []string{"s", "ts"},
			[]e{member("m", "s"), become("s", "ts"), includes("ts", "r"), become("r", "q"), grant("s", "q")}, "q:m:2"},
		{"conditional step into a target set", []string{"ts"},
			[]e{cond(become("a", "ts")), includes("ts", "r"), grant("a", "r")}, "r:a:1:conditional"},
		// A grant into a target set is one to each member: usable
		// through the nearest.
		{"grant into a target set, the nearest member", []string{"ts"},
			[]e{become("a", "b"), become("b", "r1"), become("a", "r2"), includes("ts", "r1"), includes("ts", "r2"), grant("a", "ts")}, "ts:a:1>r2"},
		{"grant into a target set holding the granter", []string{"ts"},
			[]e{includes("ts", "a"), includes("ts", "z"), grant("a", "ts")}, "ts:a:0>a"},
		{"grant into a target set none of whose members is reached", []string{"ts"},
			[]e{includes("ts", "r"), grant("a", "ts")}, "-"},
		{"a set one may only access", []string{"ts"},
			[]e{{From: "a", To: "ts", Kind: graphmodel.EdgeCanAccess, Access: graphmodel.AccessAdmin}, includes("ts", "r"), grant("a", "r")}, "-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nodes := map[string]*graphmodel.Node{}
			var list []*graphmodel.Node
			var edges []*graphmodel.Edge
			add := func(id string) {
				if nodes[id] == nil {
					n := &graphmodel.Node{ID: id, Kind: graphmodel.KindAWSRole}
					for _, s := range tt.sets {
						switch {
						case s == id && strings.HasPrefix(s, "ts"):
							n.Kind = graphmodel.KindAWSTargetSet
						case s == id:
							n.Kind = set
						}
					}
					nodes[id] = n
					list = append(list, n)
				}
			}
			for i := range tt.edges {
				add(tt.edges[i].From)
				add(tt.edges[i].To)
				edges = append(edges, &tt.edges[i])
			}
			got := usableGrants(list, edges)
			var out []string
			for _, x := range edges {
				if x.Kind != graphmodel.EdgeCanGrantAdmin {
					continue
				}
				u, ok := got[x]
				switch {
				case !ok:
					out = append(out, "-")
				case u.cond:
					out = append(out, fmt.Sprintf("%s:%s:%d:conditional", x.To, u.by, u.hops))
				default:
					out = append(out, fmt.Sprintf("%s:%s:%d", x.To, u.by, u.hops))
				}
				if u.grantee != x.To && ok {
					out[len(out)-1] += ">" + u.grantee // a target set's member
				}
			}
			if g := strings.Join(out, " "); g != tt.want {
				t.Errorf("got %s, want %s", g, tt.want)
			}
		})
	}
}
