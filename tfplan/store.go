package tfplan

import (
	"bytes"
	"encoding/json"
	"maps"
	"sort"
	"strconv"
	"strings"

	"github.com/blastradius/blastradius/graphmodel"
)

// facts are what one side (before or after) of a resource change says
// about the estate, in the snapshot's terms: the nodes and fact edges the
// AWS collector would write for the resource, and what it changes in the
// nodes of other resources (a bucket's policy, a statement of a function's
// policy, an access policy of an EKS access entry).
type facts struct {
	// nodes are the resource's own nodes; with own, nodes[0] is the
	// resource itself (a role, a function) and the others belong to it
	// (the inline policies of aws_iam_role's inline_policy blocks).
	nodes []nodeFact
	own   bool
	// containers are nodes of other resources that carry a document or
	// statement of this one (the bucket of a bucket policy): created when
	// missing, never removed.
	containers []graphmodel.Node
	edges      []graphmodel.Edge
	docs       []docFact
	stmts      []stmtFact
	elems      []elemFact
}

// nodeFact is a node of the resource.
type nodeFact struct {
	node graphmodel.Node
	// tags says that node.Tags are known and replace the stored tags.
	tags bool
	// version says that node.Documents[""] is the policy document of a
	// managed policy: a new default version when it differs from the
	// current one.
	version bool
}

// docFact is a document of another node (Documents[key] of id).
type docFact struct {
	id, key string
	doc     json.RawMessage
}

// stmtFact is one statement, by Sid, of the policy document of id.
type stmtFact struct {
	id, sid string
	stmt    json.RawMessage
}

// elemFact is one element of the space-separated list property key of id.
type elemFact struct {
	id, key, elem string
}

// primary returns the ID of the resource's own node, "" when it has none.
func (f *facts) primary() string {
	if f == nil || !f.own || len(f.nodes) == 0 {
		return ""
	}
	return f.nodes[0].node.ID
}

// store is the snapshot being changed: a deep copy of the baseline's
// nodes and edges.
type store struct {
	nodes map[string]*graphmodel.Node
	edges map[string]graphmodel.Edge
	// base holds the baseline's nodes; baseEdges the keys of its edges;
	// baseCarries the roles each baseline node carries.
	base        map[string]*graphmodel.Node
	baseEdges   map[string]bool
	baseCarries map[string][]string
}

// newStore copies the baseline.
func newStore(base *graphmodel.Snapshot) *store {
	s := &store{
		nodes: make(map[string]*graphmodel.Node, len(base.Nodes)), edges: make(map[string]graphmodel.Edge, len(base.Edges)),
		base: make(map[string]*graphmodel.Node, len(base.Nodes)), baseEdges: make(map[string]bool, len(base.Edges)), baseCarries: map[string][]string{},
	}
	for i := range base.Nodes {
		n := cloneNode(base.Nodes[i])
		s.nodes[n.ID] = &n
		s.base[n.ID] = &base.Nodes[i]
	}
	for _, e := range base.Edges {
		e.Conditions = append([]string(nil), e.Conditions...)
		e.Evidence = append([]graphmodel.Evidence(nil), e.Evidence...)
		s.edges[e.Key()] = e
		s.baseEdges[e.Key()] = true
		if e.Kind == graphmodel.EdgeCarriesRole {
			s.baseCarries[e.From] = append(s.baseCarries[e.From], e.To)
		}
	}
	for k := range s.baseCarries {
		s.baseCarries[k] = sortedSet(s.baseCarries[k])
	}
	return s
}

// cloneNode returns a deep copy of n.
func cloneNode(n graphmodel.Node) graphmodel.Node {
	n.Aliases = append([]string(nil), n.Aliases...)
	if n.NonHuman != nil {
		v := *n.NonHuman
		n.NonHuman = &v
	}
	n.Tags = maps.Clone(n.Tags)
	n.Properties = maps.Clone(n.Properties)
	n.Documents = maps.Clone(n.Documents)
	n.Credentials = append([]graphmodel.Credential(nil), n.Credentials...)
	return n
}

// snapshot returns the stored nodes and edges with copies of base's sources.
func (s *store) snapshot(base *graphmodel.Snapshot) *graphmodel.Snapshot {
	out := &graphmodel.Snapshot{SchemaVersion: graphmodel.SchemaVersion, Nodes: make([]graphmodel.Node, 0, len(s.nodes)), Edges: make([]graphmodel.Edge, 0, len(s.edges))}
	for _, src := range base.Sources {
		src.Gaps = append([]graphmodel.Gap{}, src.Gaps...)
		out.Sources = append(out.Sources, src)
	}
	for _, n := range s.nodes {
		out.Nodes = append(out.Nodes, *n)
	}
	for _, e := range s.edges {
		out.Edges = append(out.Edges, e)
	}
	return out
}

func (s *store) inBase(id string) bool { return s.base[id] != nil }

// baseCarried returns the roles id carried in the baseline, sorted.
func (s *store) baseCarried(id string) []string { return s.baseCarries[id] }

// carried returns the roles id carries now, sorted.
func (s *store) carried(id string) []string {
	var out []string
	for _, e := range s.edges {
		if e.Kind == graphmodel.EdgeCarriesRole && e.From == id {
			out = append(out, e.To)
		}
	}
	return sortedSet(out)
}

// touch records that c wrote the nodes ids (candidates of its Touched).
func touch(c *change, ids ...string) {
	for _, id := range ids {
		c.touched[id] = true
	}
}

func (s *store) addEdge(c *change, e graphmodel.Edge) {
	s.edges[e.Key()] = e
	c.edges[e.Key()] = e
}

func (s *store) removeEdge(c *change, e graphmodel.Edge) {
	if _, ok := s.edges[e.Key()]; ok {
		delete(s.edges, e.Key())
		c.edges[e.Key()] = e
	}
}

// touched returns what c changed for good, sorted: the nodes it wrote
// that differ from the baseline's (created, removed or rewritten), and
// the ends of the edges it wrote that the baseline has and the result
// lacks, or the other way round. What a change removes and writes back
// (an update's unchanged attachments) is not touched.
func (s *store) touched(c *change) []string {
	set := map[string]bool{}
	for id := range c.touched {
		if s.nodeChanged(id) {
			set[id] = true
		}
	}
	for key, e := range c.edges {
		if _, now := s.edges[key]; now != s.baseEdges[key] {
			set[e.From], set[e.To] = true, true
		}
	}
	out := make([]string, 0, len(set))
	for id := range set {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// nodeChanged reports whether node id differs between the baseline and now.
func (s *store) nodeChanged(id string) bool {
	before, now := s.base[id], s.nodes[id]
	if before == nil || now == nil {
		return before != now
	}
	x, _ := json.Marshal(before)
	y, _ := json.Marshal(now)
	return !bytes.Equal(x, y)
}

// retract undoes what before says. An update keeps the resource's own
// node (the after side rewrites it; a new ID renames it with its edges),
// a replacement removes it (what other resources attach to the same ID
// stays for the new object), a deletion, or a replacement under another
// ID, removes it with what cannot outlive it (its inline policies, its
// attachments and memberships, the instance profiles' hold on a role).
func (s *store) retract(c *change, before, after *facts, action Action) {
	for _, e := range before.edges {
		s.removeEdge(c, e)
	}
	for _, d := range before.docs {
		if n := s.nodes[d.id]; n != nil {
			if _, ok := n.Documents[d.key]; ok {
				delete(n.Documents, d.key)
				touch(c, d.id)
			}
		}
	}
	for _, st := range before.stmts {
		s.removeStatement(c, st)
	}
	for _, el := range before.elems {
		s.listElem(c, el, false)
	}
	for i, nf := range before.nodes {
		id := nf.node.ID
		if i == 0 && before.own && action == ActionUpdate {
			if to := after.primary(); to != "" && to != id {
				s.rename(c, id, to)
			}
			continue
		}
		// A replacement under another ID is a deletion of the old object.
		gone := action == ActionDelete || (action == ActionReplace && after.primary() != id)
		s.remove(c, id, gone && i == 0 && before.own)
	}
}

// assert adds what after says.
func (s *store) assert(c *change, f *facts) {
	for _, nf := range f.nodes {
		s.upsert(c, nf)
	}
	for _, n := range f.containers {
		if _, ok := s.nodes[n.ID]; !ok {
			n := cloneNode(n)
			s.nodes[n.ID] = &n
			touch(c, n.ID)
		}
	}
	for _, e := range f.edges {
		s.addEdge(c, e)
	}
	for _, d := range f.docs {
		if n := s.nodes[d.id]; n != nil {
			if n.Documents == nil {
				n.Documents = map[string]json.RawMessage{}
			}
			n.Documents[d.key] = d.doc
			touch(c, d.id)
		}
	}
	for _, st := range f.stmts {
		s.addStatement(c, st)
	}
	for _, el := range f.elems {
		s.listElem(c, el, true)
	}
}

// upsert stores a node of the resource: a new node as it is; over an
// existing one, its kind, name, scope, properties and documents (tags when
// known), keeping what the collector recorded that the plan does not say
// (last use, unique IDs, credentials).
func (s *store) upsert(c *change, nf nodeFact) {
	n := cloneNode(nf.node)
	touch(c, n.ID)
	old, ok := s.nodes[n.ID]
	if !ok {
		if nf.version {
			doc := n.Documents[""]
			n.Documents = map[string]json.RawMessage{"v1": doc}
			n.SetProp(graphmodel.PropAWSDefaultVersion, "v1")
		}
		s.nodes[n.ID] = &n
		return
	}
	old.Kind, old.Provider = n.Kind, n.Provider
	if n.Name != "" {
		old.Name = n.Name
	}
	if n.Scope != "" {
		old.Scope = n.Scope
	}
	for k, v := range n.Properties {
		old.SetProp(k, v)
	}
	if nf.tags {
		old.Tags = n.Tags
	}
	if nf.version {
		newVersion(old, n.Documents[""])
		return
	}
	for k, v := range n.Documents {
		if old.Documents == nil {
			old.Documents = map[string]json.RawMessage{}
		}
		old.Documents[k] = v
	}
}

// maxPolicyVersions is how many versions IAM keeps of a managed policy.
const maxPolicyVersions = 5

// newVersion makes doc the default version of managed policy n when it
// differs from the current default, as IAM's CreatePolicyVersion with
// SetAsDefault does: version v<N+1>, the oldest non-default version
// deleted beyond five.
func newVersion(n *graphmodel.Node, doc json.RawMessage) {
	def := n.Prop(graphmodel.PropAWSDefaultVersion)
	if cur, ok := n.Documents[def]; ok && sameJSON(cur, doc) {
		return
	}
	highest := 0
	for k := range n.Documents {
		if v, err := strconv.Atoi(strings.TrimPrefix(k, "v")); err == nil && strings.HasPrefix(k, "v") && v > highest {
			highest = v
		}
	}
	key := "v" + strconv.Itoa(highest+1)
	if n.Documents == nil {
		n.Documents = map[string]json.RawMessage{}
	}
	n.Documents[key] = doc
	n.SetProp(graphmodel.PropAWSDefaultVersion, key)
	for len(n.Documents) > maxPolicyVersions {
		oldest, low := "", 0
		for k := range n.Documents {
			v, err := strconv.Atoi(strings.TrimPrefix(k, "v"))
			if err != nil || k == key {
				continue
			}
			if oldest == "" || v < low {
				oldest, low = k, v
			}
		}
		if oldest == "" {
			break
		}
		delete(n.Documents, oldest)
	}
}

// sameJSON reports whether two JSON texts are the same value.
func sameJSON(a, b json.RawMessage) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return bytes.Equal(a, b)
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return bytes.Equal(xa, ya)
}

// remove deletes node id; with cascade, also its inline policies and the
// fact edges at either end, but the roles that resources still name
// (carries_role from anything but an instance profile).
func (s *store) remove(c *change, id string, cascade bool) {
	if _, ok := s.nodes[id]; !ok {
		return
	}
	delete(s.nodes, id)
	touch(c, id)
	if !cascade {
		return
	}
	for k, e := range s.edges {
		if e.From != id && e.To != id {
			continue
		}
		if e.Kind == graphmodel.EdgeCarriesRole && e.To == id && !strings.Contains(e.From, ":instance-profile/") {
			continue
		}
		delete(s.edges, k)
		c.edges[k] = e
	}
	for pid, n := range s.nodes {
		if n.Kind == graphmodel.KindAWSInlinePolicy && n.Prop(propOwner) == id {
			s.remove(c, pid, true)
		}
	}
}

// rename moves node from to the ID to with its edges and inline policies,
// as renaming an IAM user, group or role keeps what is attached to it.
func (s *store) rename(c *change, from, to string) {
	n, ok := s.nodes[from]
	if !ok {
		return
	}
	delete(s.nodes, from)
	n.ID = to
	s.nodes[to] = n
	touch(c, from, to)
	for k, e := range s.edges {
		if e.From != from && e.To != from {
			continue
		}
		delete(s.edges, k)
		c.edges[k] = e
		if e.From == from {
			e.From = to
		}
		if e.To == from {
			e.To = to
		}
		s.edges[e.Key()] = e
		c.edges[e.Key()] = e
	}
	for pid, p := range s.nodes {
		if p.Kind == graphmodel.KindAWSInlinePolicy && p.Prop(propOwner) == from {
			s.rename(c, pid, to+strings.TrimPrefix(pid, from))
			s.nodes[to+strings.TrimPrefix(pid, from)].SetProp(propOwner, to)
		}
	}
}

// statements decodes the Statement list of a policy document.
func statements(doc json.RawMessage) (map[string]json.RawMessage, []json.RawMessage) {
	var top map[string]json.RawMessage
	if json.Unmarshal(doc, &top) != nil {
		return nil, nil
	}
	raw := bytes.TrimSpace(top["Statement"])
	var list []json.RawMessage
	if len(raw) > 0 && raw[0] == '{' {
		list = []json.RawMessage{raw}
	} else {
		_ = json.Unmarshal(raw, &list)
	}
	return top, list
}

// withoutSid returns the statements of list whose Sid is not sid, in a
// new slice.
func withoutSid(list []json.RawMessage, sid string) []json.RawMessage {
	out := list[:0:0]
	for _, st := range list {
		if sidOf(st) != sid {
			out = append(out, st)
		}
	}
	return out
}

// sidOf returns a statement's Sid.
func sidOf(st json.RawMessage) string {
	var v struct{ Sid string }
	_ = json.Unmarshal(st, &v)
	return v.Sid
}

// setStatements stores list as the Statement of n's policy, or removes
// the policy when list is empty.
func setStatements(n *graphmodel.Node, top map[string]json.RawMessage, list []json.RawMessage) {
	if len(list) == 0 {
		delete(n.Documents, "policy")
		return
	}
	if top == nil {
		top = map[string]json.RawMessage{"Version": json.RawMessage(`"2012-10-17"`), "Id": json.RawMessage(`"default"`)}
	}
	top["Statement"], _ = json.Marshal(list)
	doc, _ := json.Marshal(top)
	if n.Documents == nil {
		n.Documents = map[string]json.RawMessage{}
	}
	n.Documents["policy"] = doc
}

func (s *store) addStatement(c *change, f stmtFact) {
	n := s.nodes[f.id]
	if n == nil {
		return
	}
	top, list := statements(n.Documents["policy"])
	setStatements(n, top, append(withoutSid(list, f.sid), f.stmt))
	touch(c, f.id)
}

func (s *store) removeStatement(c *change, f stmtFact) {
	n := s.nodes[f.id]
	if n == nil || n.Documents["policy"] == nil {
		return
	}
	top, list := statements(n.Documents["policy"])
	if out := withoutSid(list, f.sid); len(out) != len(list) {
		setStatements(n, top, out)
		touch(c, f.id)
	}
}

// listElem adds (or removes) an element of a sorted, space-separated list
// property.
func (s *store) listElem(c *change, f elemFact, add bool) {
	n := s.nodes[f.id]
	if n == nil {
		return
	}
	var list []string
	if old := n.Prop(f.key); old != "" {
		list = strings.Split(old, " ")
	}
	out := list[:0:0]
	for _, e := range list {
		if e != f.elem {
			out = append(out, e)
		}
	}
	if add {
		out = append(out, f.elem)
	}
	sort.Strings(out)
	if len(out) == 0 {
		delete(n.Properties, f.key)
	} else {
		n.SetProp(f.key, strings.Join(out, " "))
	}
	touch(c, f.id)
}
