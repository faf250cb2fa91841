package gcp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/blastradius/blastradius/gcppolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// CollectorName is the registry name of the GCP collector.
const CollectorName = "gcp"

// Asset types the converter understands beyond a generic resource.
const (
	typeOrganization   = "cloudresourcemanager.googleapis.com/Organization"
	typeFolder         = "cloudresourcemanager.googleapis.com/Folder"
	typeProject        = "cloudresourcemanager.googleapis.com/Project"
	typeServiceAccount = "iam.googleapis.com/ServiceAccount"
	typeKey            = "iam.googleapis.com/ServiceAccountKey"
	typeRole           = "iam.googleapis.com/Role"
	typePool           = "iam.googleapis.com/WorkloadIdentityPool"
	typeProvider       = "iam.googleapis.com/WorkloadIdentityPoolProvider"
	typeBucket         = "storage.googleapis.com/Bucket"
	typeSecret         = "secretmanager.googleapis.com/Secret"
	typeFunctionV1     = "cloudfunctions.googleapis.com/CloudFunction"
	typeFunctionV2     = "cloudfunctions.googleapis.com/Function"
	typeRunService     = "run.googleapis.com/Service"
	typeInstance       = "compute.googleapis.com/Instance"
	typeCluster        = "container.googleapis.com/Cluster"
)

// converter builds a fragment from records. Live and offline collection
// share it.
type converter struct {
	nodes map[string]*graphmodel.Node
	edges map[string]graphmodel.Edge
	gaps  []graphmodel.Gap
	// projectIDs maps project numbers to project ids; projectNumbers the reverse.
	projectIDs     map[string]string
	projectNumbers map[string]string
	// saByUnique maps a service account's unique id to its e-mail.
	saByUnique map[string]string
	keys       map[string][]keyFacts // service account e-mail → its keys
	roots      map[string]bool
	latest     time.Time
}

type keyFacts struct {
	userManaged, disabled bool
	validAfter            string
}

// Convert turns records into a fragment (Source.Origin and CollectedAt are
// the caller's to set; CollectedAt defaults to the newest update_time).
// Records of one asset name are merged first, so files may come in any
// order. Facts that cannot be placed (an ancestor that no record
// describes, a member of an unknown form) become gaps.
func Convert(recs *Records) (graphmodel.Fragment, error) {
	c := &converter{
		nodes: map[string]*graphmodel.Node{}, edges: map[string]graphmodel.Edge{},
		projectIDs: map[string]string{}, projectNumbers: map[string]string{},
		saByUnique: map[string]string{}, keys: map[string][]keyFacts{}, roots: map[string]bool{},
		gaps: append([]graphmodel.Gap(nil), recs.Gaps...),
	}
	assets, err := mergeAssets(recs.Assets)
	if err != nil {
		return graphmodel.Fragment{}, err
	}
	// Projects and service accounts first: other assets refer to them by
	// number or unique id.
	for i := range assets {
		if err := c.index(&assets[i]); err != nil {
			return graphmodel.Fragment{}, err
		}
	}
	for i := range assets {
		if err := c.asset(&assets[i]); err != nil {
			return graphmodel.Fragment{}, err
		}
	}
	for _, d := range recs.Deny {
		c.deny(d)
	}
	c.keySummaries()
	return c.fragment(), nil
}

// mergeAssets unites the records of each asset name: resource from the one
// that has it, policy from the one that has it (the newest when several
// differ), ancestors from the longest list.
func mergeAssets(in []Asset) ([]Asset, error) {
	at := map[string]int{}
	var out []Asset
	for _, a := range in {
		i, ok := at[a.Name]
		if !ok {
			at[a.Name] = len(out)
			out = append(out, a)
			continue
		}
		m := &out[i]
		if m.Type == "" {
			m.Type = a.Type
		} else if a.Type != "" && a.Type != m.Type {
			return nil, a.bad("asset %s has type %s, but %s gives %s", a.Name, a.Type, m.Where, m.Type)
		}
		if m.Data == nil || (a.Data != nil && newer(a.UpdateTime, m.UpdateTime, a.Data, m.Data)) {
			if a.Data != nil {
				m.Data, m.Parent, m.Location = a.Data, a.Parent, a.Location
			}
		}
		if m.Policy == nil || (a.Policy != nil && newerPolicy(a, *m)) {
			if a.Policy != nil {
				m.Policy = a.Policy
			}
		}
		if len(a.Ancestors) > len(m.Ancestors) {
			m.Ancestors = a.Ancestors
		}
		if a.UpdateTime > m.UpdateTime {
			m.UpdateTime = a.UpdateTime
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// newer reports whether the record (t1, d1) replaces (t2, d2): the later
// update time, then the greater bytes, so that the order of files never matters.
func newer(t1, t2 string, d1, d2 []byte) bool {
	if t1 != t2 {
		return t1 > t2
	}
	return bytes.Compare(d1, d2) > 0
}

func newerPolicy(a, m Asset) bool {
	p1, _ := json.Marshal(a.Policy)
	p2, _ := json.Marshal(m.Policy)
	return newer(a.UpdateTime, m.UpdateTime, p1, p2)
}

func (c *converter) gap(what, reason, where string) {
	c.gaps = append(c.gaps, graphmodel.Gap{What: what, Reason: reason, Where: where})
}

// data decodes an asset's resource data into v.
func data(a *Asset, v any) error {
	if err := json.Unmarshal(a.Data, v); err != nil {
		return a.bad("asset %s (%s): resource.data: %v", a.Name, a.Type, err)
	}
	return nil
}

// index records project numbers and service-account unique ids.
func (c *converter) index(a *Asset) error {
	if a.Data == nil {
		return nil
	}
	switch a.Type {
	case typeProject:
		var d projectData
		if err := data(a, &d); err != nil {
			return err
		}
		num := lastSegment(a.Name)
		if d.ProjectNumber != "" {
			num = d.ProjectNumber
		}
		if d.ProjectID == "" {
			return a.bad("project %s has no projectId", a.Name)
		}
		c.projectIDs[num] = d.ProjectID
		c.projectNumbers[d.ProjectID] = num
	case typeServiceAccount:
		var d serviceAccountData
		if err := data(a, &d); err != nil {
			return err
		}
		if d.Email == "" {
			return a.bad("service account %s has no email", a.Name)
		}
		if d.UniqueID != "" {
			c.saByUnique[d.UniqueID] = strings.ToLower(d.Email)
		}
	}
	return nil
}

// scopeOf returns the scope ID of a relative ancestor name
// ("projects/123" → gcp:project:<id>).
func (c *converter) scopeOf(rel, where string) string {
	kind, id, ok := strings.Cut(rel, "/")
	if !ok || id == "" {
		return ""
	}
	switch kind {
	case "organizations":
		return graphmodel.GCPScope("organization", id)
	case "folders":
		return graphmodel.GCPScope("folder", id)
	case "projects":
		if pid, ok := c.projectIDs[id]; ok {
			return graphmodel.GCPScope("project", pid)
		}
		if _, ok := c.projectNumbers[id]; ok { // already a project id
			return graphmodel.GCPScope("project", id)
		}
		c.gap("cloudresourcemanager.googleapis.com/Project "+id, "project not in the export (its number or id stands in for the project id)", where)
		c.projectIDs[id] = id
		return graphmodel.GCPScope("project", id)
	}
	return ""
}

// scope returns the scope that holds a non-hierarchy asset: its nearest
// ancestor, or the project its name gives.
func (c *converter) scope(a *Asset) string {
	if len(a.Ancestors) > 0 {
		return c.scopeOf(a.Ancestors[0], a.Where)
	}
	if p := projectInName(a.Name); p != "" {
		return c.scopeOf("projects/"+p, a.Where)
	}
	return ""
}

// projectInName returns the <p> of ".../projects/<p>/..." in an asset name.
func projectInName(name string) string {
	i := strings.Index(name, "/projects/")
	if i < 0 {
		return ""
	}
	p, _, _ := strings.Cut(name[i+len("/projects/"):], "/")
	if p == "_" || p == "-" {
		return ""
	}
	return p
}

func lastSegment(s string) string { return s[strings.LastIndexByte(s, '/')+1:] }

// node returns the node of id, creating it with kind when absent; a node
// first created from a reference takes the kind of a later description.
func (c *converter) node(id string, kind graphmodel.NodeKind, name string) *graphmodel.Node {
	if n, ok := c.nodes[id]; ok {
		if n.Name == "" {
			n.Name = name
		}
		return n
	}
	n := &graphmodel.Node{ID: id, Kind: kind, Provider: graphmodel.ProviderGCP, Name: name}
	c.nodes[id] = n
	return n
}

func (c *converter) edge(from string, kind graphmodel.EdgeKind, to string) {
	e := graphmodel.Edge{From: from, To: to, Kind: kind}
	c.edges[e.Key()] = e
}

func alias(n *graphmodel.Node, a string) {
	if a == "" || a == n.ID {
		return
	}
	for _, x := range n.Aliases {
		if x == a {
			return
		}
	}
	n.Aliases = append(n.Aliases, a)
}

func setDoc(n *graphmodel.Node, key string, v any) {
	raw, err := json.Marshal(v)
	if err != nil {
		return
	}
	if n.Documents == nil {
		n.Documents = map[string]json.RawMessage{}
	}
	n.Documents[key] = raw
}

func setTags(n *graphmodel.Node, labels map[string]string) {
	if len(labels) == 0 {
		return
	}
	if n.Tags == nil {
		n.Tags = map[string]string{}
	}
	for k, v := range labels {
		n.Tags[k] = v
	}
}

func boolProp(n *graphmodel.Node, key string, v *bool) {
	if v != nil {
		n.SetProp(key, fmt.Sprint(*v))
	}
}

// common sets what every described asset carries.
func common(n *graphmodel.Node, a *Asset) {
	n.SetProp(graphmodel.PropGCPAssetType, a.Type)
	n.SetProp(graphmodel.PropGCPUpdateTime, a.UpdateTime)
	n.SetProp(graphmodel.PropGCPLocation, a.Location)
	if n.ID != a.Name {
		n.SetProp(graphmodel.PropGCPAssetName, a.Name)
		alias(n, a.Name)
	}
	delete(n.Properties, graphmodel.PropGCPReferencedOnly)
}

// asset converts one merged asset.
func (c *converter) asset(a *Asset) error {
	if t, err := time.Parse(time.RFC3339Nano, a.UpdateTime); err == nil && t.After(c.latest) {
		c.latest = t
	}
	if len(a.Ancestors) > 0 {
		c.roots[a.Ancestors[len(a.Ancestors)-1]] = true
	}
	var n *graphmodel.Node
	var err error
	switch a.Type {
	case typeOrganization, typeFolder, typeProject:
		n, err = c.hierarchy(a)
	case typeServiceAccount:
		n, err = c.serviceAccount(a)
	case typeKey:
		n, err = c.key(a)
	case typeRole:
		n, err = c.role(a)
	case typePool:
		n, err = c.pool(a)
	case typeProvider:
		n, err = c.provider(a)
	default:
		n, err = c.resource(a)
	}
	if err != nil {
		return err
	}
	if n == nil {
		return nil
	}
	if a.Policy != nil {
		setDoc(n, graphmodel.DocGCPIAMPolicy, a.Policy)
		c.members(a.Policy, a.Where)
	}
	return nil
}

// members creates a node for every identity an allow policy names.
func (c *converter) members(p *gcppolicy.AllowPolicy, where string) {
	for i, b := range p.Bindings {
		for _, raw := range b.Members {
			m, err := gcppolicy.ParseMember(raw)
			if err != nil {
				c.gap("member "+raw, fmt.Sprintf("binding %d (%s): %v", i, b.Role, err), where)
				continue
			}
			if m.Deleted {
				slog.Debug("deleted member ignored", "member", raw, "where", where)
				continue
			}
			c.identity(m)
		}
	}
}

// identity returns the node of a member that is an identity or a group,
// creating it (referenced only) when no asset describes it.
func (c *converter) identity(m gcppolicy.Member) *graphmodel.Node {
	id := m.ID()
	if id == "" {
		return nil
	}
	if n, ok := c.nodes[id]; ok {
		return n
	}
	var kind graphmodel.NodeKind
	name := m.Email
	switch m.Kind {
	case gcppolicy.MemberUser:
		kind = graphmodel.KindGCPUser
	case gcppolicy.MemberGroup:
		kind = graphmodel.KindGCPGroup
	case gcppolicy.MemberServiceAccount:
		kind = graphmodel.KindGCPServiceAccount
	case gcppolicy.MemberPrincipalSet:
		kind, name = graphmodel.KindGCPPrincipalSet, m.Set
	case gcppolicy.MemberPrincipal:
		kind, name = graphmodel.KindGCPPrincipal, m.Subject
	case gcppolicy.MemberKubernetesServiceAccount:
		kind, name = graphmodel.KindGCPPrincipal, m.Namespace+"/"+m.KSA
	}
	n := c.node(id, kind, name)
	n.SetProp(graphmodel.PropGCPReferencedOnly, "true")
	alias(n, m.Native())
	if m.Kind == gcppolicy.MemberServiceAccount {
		if p := c.saProject(m.Email); p != "" {
			n.Scope = graphmodel.GCPScope("project", p)
		}
	}
	if rest, ok := strings.CutPrefix(m.Pool, "projects/"); ok && m.Kind != gcppolicy.MemberKubernetesServiceAccount {
		num, _, _ := strings.Cut(rest, "/")
		if pid, known := c.projectIDs[num]; known {
			n.Scope = graphmodel.GCPScope("project", pid)
		}
	}
	if m.Kind == gcppolicy.MemberKubernetesServiceAccount {
		if _, known := c.projectNumbers[m.Project]; known {
			n.Scope = graphmodel.GCPScope("project", m.Project)
		}
	}
	return n
}

// saProject returns the collected project a service account address names:
// <name>@<p>.iam.gserviceaccount.com, <p>@appspot.gserviceaccount.com,
// <number>-compute@developer.gserviceaccount.com ("" for any other, such
// as Google-managed service agents).
func (c *converter) saProject(email string) string {
	local, domain, ok := strings.Cut(email, "@")
	if !ok {
		return ""
	}
	p := ""
	switch {
	case strings.HasSuffix(domain, ".iam.gserviceaccount.com"):
		p = strings.TrimSuffix(domain, ".iam.gserviceaccount.com")
	case domain == "appspot.gserviceaccount.com":
		p = local
	case domain == "developer.gserviceaccount.com" && strings.HasSuffix(local, "-compute"):
		p = c.projectIDs[strings.TrimSuffix(local, "-compute")]
	}
	if _, known := c.projectNumbers[p]; !known {
		return ""
	}
	return p
}

// serviceAccountNode returns the node of the service account email (which
// may be a reference only).
func (c *converter) serviceAccountNode(email string) *graphmodel.Node {
	m, err := gcppolicy.ParseMember("serviceAccount:" + email)
	if err != nil || m.Kind != gcppolicy.MemberServiceAccount {
		return nil
	}
	return c.identity(m)
}

// runsAs records that resource n runs with the service account email.
func (c *converter) runsAs(n *graphmodel.Node, email, where string) {
	email = strings.TrimSpace(email)
	if email == "" {
		return
	}
	sa := c.serviceAccountNode(email)
	if sa == nil {
		c.gap("service account "+email, "not an e-mail address", where)
		return
	}
	c.edge(n.ID, graphmodel.EdgeCarriesRole, sa.ID)
}

// deny attaches a deny policy to the scope it names.
func (c *converter) deny(d DenyPolicy) {
	point := d.Policy.AttachmentPoint()
	rel, ok := strings.CutPrefix(point, "cloudresourcemanager.googleapis.com/")
	scope := ""
	if ok {
		scope = c.scopeOf(rel, d.Where)
	}
	if scope == "" {
		c.gap("deny policy "+d.Policy.Name, "attachment point "+point+" is not an organization, folder or project", d.Where)
		return
	}
	kind := graphmodel.KindGCPProject
	switch {
	case strings.HasPrefix(rel, "organizations/"):
		kind = graphmodel.KindGCPOrganization
	case strings.HasPrefix(rel, "folders/"):
		kind = graphmodel.KindGCPFolder
	}
	n := c.node(scope, kind, "")
	if n.Documents == nil {
		n.Documents = map[string]json.RawMessage{}
	}
	n.Documents[graphmodel.DocGCPDenyPolicyPrefix+lastSegment(d.Policy.Name)] = d.Raw
	for _, r := range d.Policy.Rules {
		if r.DenyRule == nil {
			continue
		}
		for _, raw := range append(append([]string(nil), r.DenyRule.DeniedPrincipals...), r.DenyRule.ExceptionPrincipals...) {
			if _, err := gcppolicy.ParseMember(raw); err != nil {
				c.gap("principal "+raw, fmt.Sprintf("deny policy %s: %v", d.Policy.Name, err), d.Where)
			}
		}
	}
}

// keySummaries sets the key counts of the service accounts whose keys were collected.
func (c *converter) keySummaries() {
	for email, keys := range c.keys {
		n := c.serviceAccountNode(email)
		if n == nil {
			continue
		}
		count, oldest := 0, ""
		for _, k := range keys {
			if !k.userManaged || k.disabled {
				continue
			}
			count++
			if oldest == "" || (k.validAfter != "" && k.validAfter < oldest) {
				oldest = k.validAfter
			}
		}
		n.SetProp(graphmodel.PropGCPUserManagedKeys, fmt.Sprint(count))
		n.SetProp(graphmodel.PropGCPOldestUserKey, oldest)
	}
}

func (c *converter) fragment() graphmodel.Fragment {
	roots := make([]string, 0, len(c.roots))
	for r := range c.roots {
		roots = append(roots, r)
	}
	sort.Strings(roots)
	scope := ""
	if len(roots) > 0 {
		scope = c.scopeOf(roots[0], "ancestors")
	}
	f := graphmodel.Fragment{Source: graphmodel.Source{
		Collector: CollectorName, Provider: graphmodel.ProviderGCP, Scope: scope, CollectedAt: c.latest, Gaps: c.gaps,
	}}
	if f.Source.Gaps == nil {
		f.Source.Gaps = []graphmodel.Gap{}
	}
	sort.SliceStable(f.Source.Gaps, func(i, j int) bool {
		a, b := f.Source.Gaps[i], f.Source.Gaps[j]
		if a.What != b.What {
			return a.What < b.What
		}
		return a.Where < b.Where
	})
	f.Source.Gaps = dedupGaps(f.Source.Gaps)
	ids := make([]string, 0, len(c.nodes))
	for id := range c.nodes {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		n := c.nodes[id]
		sort.Strings(n.Aliases)
		f.Nodes = append(f.Nodes, *n)
	}
	keys := make([]string, 0, len(c.edges))
	for k := range c.edges {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		f.Edges = append(f.Edges, c.edges[k])
	}
	return f
}

func dedupGaps(gaps []graphmodel.Gap) []graphmodel.Gap {
	out := gaps[:0]
	for i, g := range gaps {
		if i > 0 && g == gaps[i-1] {
			continue
		}
		out = append(out, g)
	}
	return out
}
