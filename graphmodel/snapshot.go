package graphmodel

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// SchemaVersion is the version of the snapshot format this build reads and writes.
const SchemaVersion = 1

// Node is one collected thing: an identity, group, scope, resource or policy.
type Node struct {
	// ID is stable and unique across providers (see the identifiers table in
	// ARCHITECTURE.md): an ARN for AWS, aws:account:<id> for an account scope, …
	ID       string   `json:"id"`
	Kind     NodeKind `json:"kind"`
	Provider Provider `json:"provider"`
	// Name is the short human name (role name, e-mail, service-account name).
	Name string `json:"name"`
	// Scope is the ID of the administrative scope that contains the node, if any.
	Scope string `json:"scope,omitempty"`
	// Aliases are native names by which other systems refer to the node.
	Aliases []string `json:"aliases,omitempty"`
	// NonHuman overrides the kind's default when the collector knows better.
	NonHuman *bool `json:"non_human,omitempty"`
	// Tags are the provider's tags or labels, as collected.
	Tags map[string]string `json:"tags,omitempty"`
	// Properties are flat facts (path, creation date, last use, default policy version, …).
	Properties map[string]string `json:"properties,omitempty"`
	// Credentials are the node's own credentials (passwords, keys, tokens,
	// grants): their kind and life, never their material.
	Credentials []Credential `json:"credentials,omitempty"`
	// Documents are policy-language documents carried by the node, keyed by
	// their role: "trust" for a role's trust policy, a version id ("v1", "v2")
	// for a managed policy, "policy" for an inline policy or resource policy.
	Documents map[string]json.RawMessage `json:"documents,omitempty"`
}

// IsNonHuman reports whether the node is a machine identity.
func (n *Node) IsNonHuman() bool {
	if n.NonHuman != nil {
		return *n.NonHuman
	}
	return n.Kind.NonHuman()
}

// Prop returns the property key, or "" when absent.
func (n *Node) Prop(key string) string { return n.Properties[key] }

// SetProp sets a property, allocating the map when needed; empty values are not stored.
func (n *Node) SetProp(key, value string) {
	if value == "" {
		return
	}
	if n.Properties == nil {
		n.Properties = map[string]string{}
	}
	n.Properties[key] = value
}

// Evidence justifies one edge: the policy statement, binding, grant or
// fact that allows it.
type Evidence struct {
	// Source is the policy ARN or ID, binding or grant the evidence comes from.
	Source string `json:"source"`
	// Statement is the index of the statement within the document, or -1 when
	// the evidence is not a statement.
	Statement int `json:"statement"`
	// Sid is the statement's Sid, when it has one.
	Sid string `json:"sid,omitempty"`
	// Note says in a few words what the evidence shows ("allows iam:PassRole").
	Note string `json:"note,omitempty"`
}

// String renders evidence for reports: "<source> statement 2 (Sid X): note".
func (e Evidence) String() string {
	var b strings.Builder
	b.WriteString(e.Source)
	if e.Statement >= 0 {
		fmt.Fprintf(&b, " statement %d", e.Statement)
	}
	if e.Sid != "" {
		fmt.Fprintf(&b, " (Sid %s)", e.Sid)
	}
	if e.Note != "" {
		if b.Len() > 0 {
			b.WriteString(": ")
		}
		b.WriteString(e.Note)
	}
	return b.String()
}

// Edge is a directed relation. Fact edges come from collectors; derived
// edges (see EdgeKind.Derived) come from analysis and carry their evidence.
type Edge struct {
	From string   `json:"from"`
	To   string   `json:"to"`
	Kind EdgeKind `json:"kind"`
	// Technique names the escalation technique of a derived edge: a catalogue
	// id where one exists (iam-001, sts-001), otherwise a descriptive name.
	Technique string `json:"technique,omitempty"`
	// Access is the level of a CAN_ACCESS edge.
	Access Access `json:"access,omitempty"`
	// Conditional is true when the edge depends on a condition the analysis
	// cannot decide; Conditions names those conditions.
	Conditional bool     `json:"conditional,omitempty"`
	Conditions  []string `json:"conditions,omitempty"`
	// Via names the identity that performs the action when it differs from
	// From (a CAN_GRANT_ADMIN edge rendered as a hop of its grantee).
	Via      string     `json:"via,omitempty"`
	Evidence []Evidence `json:"evidence,omitempty"`
}

// Key identifies an edge for de-duplication: two edges with the same key are the same fact.
func (e *Edge) Key() string {
	return e.From + "\x00" + string(e.Kind) + "\x00" + e.To + "\x00" + e.Technique + "\x00" + string(e.Access)
}

// CompareEdges orders edges as their Keys do, without building them: by
// from, kind, to, technique, then access.
func CompareEdges(a, b *Edge) int {
	if c := strings.Compare(a.From, b.From); c != 0 {
		return c
	}
	if c := strings.Compare(string(a.Kind), string(b.Kind)); c != 0 {
		return c
	}
	if c := strings.Compare(a.To, b.To); c != 0 {
		return c
	}
	if c := strings.Compare(a.Technique, b.Technique); c != 0 {
		return c
	}
	return strings.Compare(string(a.Access), string(b.Access))
}

// SortEdges sorts edges stably by CompareEdges. Sorted input (a snapshot
// read back) costs one pass.
func SortEdges(edges []Edge) {
	sorted := true
	for i := 1; i < len(edges) && sorted; i++ {
		sorted = CompareEdges(&edges[i-1], &edges[i]) <= 0
	}
	if sorted {
		return
	}
	// Sort positions, then move each edge once: an Edge is too large to
	// swap at every step of a merge.
	order := make([]int32, len(edges))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(i, j int32) int { return CompareEdges(&edges[i], &edges[j]) })
	moved := make([]Edge, len(edges))
	for to, from := range order {
		moved[to] = edges[from]
	}
	copy(edges, moved)
}

// Gap records something a collector could not see. Every report shows gaps.
type Gap struct {
	// What is the call, file or object that is missing ("iam:GetAccountAuthorizationDetails").
	What string `json:"what"`
	// Reason says why ("AccessDenied", "throttled", "policy not in file").
	Reason string `json:"reason"`
	// Where locates it: account, region, file and place.
	Where string `json:"where,omitempty"`
}

// Source describes one collection run that contributed to a snapshot.
type Source struct {
	// Collector is the registry name of the collector ("aws").
	Collector string   `json:"collector"`
	Provider  Provider `json:"provider"`
	// Scope is the top scope collected (aws:account:<id>, k8s:cluster:<name>, …).
	Scope string `json:"scope"`
	// Origin says where the data came from: "live" or "offline:<path>".
	Origin      string    `json:"origin"`
	CollectedAt time.Time `json:"collected_at"`
	Gaps        []Gap     `json:"gaps"`
}

// Fragment is what one collector returns: its source description and the
// nodes and fact edges it saw. Fragments merge into a Snapshot.
type Fragment struct {
	Source Source
	Nodes  []Node
	Edges  []Edge
}

// Snapshot is the versioned, provider-neutral record of collected facts.
type Snapshot struct {
	SchemaVersion int      `json:"schema_version"`
	Sources       []Source `json:"sources"`
	Nodes         []Node   `json:"nodes"`
	Edges         []Edge   `json:"edges"`
}

// Gaps returns every gap of every source, in source order.
func (s *Snapshot) Gaps() []Gap {
	var gaps []Gap
	for _, src := range s.Sources {
		gaps = append(gaps, src.Gaps...)
	}
	return gaps
}

// NewSnapshot merges fragments into a new snapshot (see Merge).
func NewSnapshot(fragments ...Fragment) *Snapshot {
	parts := make([]*Snapshot, 0, len(fragments))
	for _, f := range fragments {
		parts = append(parts, &Snapshot{
			SchemaVersion: SchemaVersion,
			Sources:       []Source{f.Source},
			Nodes:         f.Nodes,
			Edges:         f.Edges,
		})
	}
	return Merge(parts...)
}

// Merge combines snapshots. Nodes with the same ID are merged: the first
// non-empty scalar wins, tags, properties, documents and aliases are united.
// Identical edges (same Key) are kept once. The result is sorted (Normalize).
func Merge(parts ...*Snapshot) *Snapshot {
	out := &Snapshot{SchemaVersion: SchemaVersion, Sources: []Source{}, Nodes: []Node{}, Edges: []Edge{}}
	nodeAt := map[string]int{}
	edgeSeen := map[string]bool{}
	for _, p := range parts {
		if p == nil {
			continue
		}
		out.Sources = append(out.Sources, p.Sources...)
		for _, n := range p.Nodes {
			if i, ok := nodeAt[n.ID]; ok {
				mergeNode(&out.Nodes[i], &n)
				continue
			}
			nodeAt[n.ID] = len(out.Nodes)
			out.Nodes = append(out.Nodes, cloneNode(n))
		}
		for _, e := range p.Edges {
			k := e.Key()
			if edgeSeen[k] {
				continue
			}
			edgeSeen[k] = true
			out.Edges = append(out.Edges, e)
		}
	}
	out.Normalize()
	return out
}

func cloneNode(n Node) Node {
	c := n
	c.Aliases = append([]string(nil), n.Aliases...)
	c.Tags = cloneMap(n.Tags)
	c.Properties = cloneMap(n.Properties)
	c.Documents = cloneMap(n.Documents)
	c.Credentials = append([]Credential(nil), n.Credentials...)
	return c
}

func cloneMap[V any](m map[string]V) map[string]V {
	if m == nil {
		return nil
	}
	c := make(map[string]V, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

func mergeNode(dst, src *Node) {
	if dst.Kind == "" || (!dst.Kind.Known() && src.Kind.Known()) {
		dst.Kind = src.Kind
	}
	if dst.Provider == "" {
		dst.Provider = src.Provider
	}
	if dst.Name == "" {
		dst.Name = src.Name
	}
	if dst.Scope == "" {
		dst.Scope = src.Scope
	}
	if dst.NonHuman == nil {
		dst.NonHuman = src.NonHuman
	}
	for _, a := range src.Aliases {
		if !contains(dst.Aliases, a) {
			dst.Aliases = append(dst.Aliases, a)
		}
	}
	dst.Tags = unite(dst.Tags, src.Tags)
	dst.Properties = unite(dst.Properties, src.Properties)
	dst.Documents = unite(dst.Documents, src.Documents)
	for _, c := range src.Credentials {
		if !hasCredential(dst.Credentials, c) {
			dst.Credentials = append(dst.Credentials, c)
		}
	}
}

// hasCredential reports whether list holds a credential of c's kind and ID.
func hasCredential(list []Credential, c Credential) bool {
	for _, x := range list {
		if x.Kind == c.Kind && x.ID == c.ID {
			return true
		}
	}
	return false
}

func unite[V any](dst, src map[string]V) map[string]V {
	for k, v := range src {
		if dst == nil {
			dst = map[string]V{}
		}
		if _, ok := dst[k]; !ok {
			dst[k] = v
		}
	}
	return dst
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Normalize sorts nodes by ID, edges by (from, kind, to, technique, access)
// and aliases, so that encoding is deterministic.
func (s *Snapshot) Normalize() {
	sort.Slice(s.Nodes, func(i, j int) bool { return s.Nodes[i].ID < s.Nodes[j].ID })
	for i := range s.Nodes {
		sort.Strings(s.Nodes[i].Aliases)
	}
	SortEdges(s.Edges)
	if s.Sources == nil {
		s.Sources = []Source{}
	}
	for i := range s.Sources {
		if s.Sources[i].Gaps == nil {
			s.Sources[i].Gaps = []Gap{}
		}
	}
}
