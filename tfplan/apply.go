package tfplan

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/internal/badinput"
)

// SourceCollector is the collector name of the source Apply adds to the
// snapshot: its origin names the plan, and its gaps are the plan's facts
// that could not be placed.
const SourceCollector = "terraform-plan"

// Change is one resource change of the plan that Apply applied.
type Change struct {
	// Address is the resource instance address (`module.ci.aws_iam_role.deploy[0]`).
	Address string
	// Type is the resource type (`aws_iam_role`).
	Type string
	// Action is what the plan does to it.
	Action Action
	// Index is its position in the plan's resource_changes.
	Index int
	// Line and Column locate its address in the plan file (1-based; the
	// column counts UTF-16 code units, as SARIF does).
	Line, Column int
	// Touched are the snapshot nodes it created, changed or removed, and
	// the ends of the fact edges it added or removed, sorted: what differs
	// from the baseline, not what it wrote back as it was.
	Touched []string
}

// Skipped is a resource change Apply did not apply.
type Skipped struct {
	Address  string
	Type     string
	Provider string
}

// Result is a snapshot with a plan applied.
type Result struct {
	// Snapshot is a copy of the baseline with the plan's changes applied,
	// and a source (collector SourceCollector) holding the plan's gaps.
	Snapshot *graphmodel.Snapshot
	// Account is the AWS account the plan is for.
	Account string
	// Changes are the changes applied, in plan order.
	Changes []Change
	// OtherProviders are the changes of resources of other providers than
	// AWS, which are ignored.
	OtherProviders []Skipped
	// Unmodelled are the changes of AWS resources whose types change no
	// identity's reach as this package models it, which are ignored.
	Unmodelled []Skipped
	// Gaps are the facts of the plan that could not be placed (also in
	// the snapshot's plan source).
	Gaps []graphmodel.Gap
	// Notes say what the reader of a report should know about the
	// application: resources absent from the baseline, deposed objects.
	Notes []string
	// byNode indexes Changes by the nodes they touched (Responsible).
	byNode map[string][]int
}

// Responsible returns the changes that touched any of ids, or whose
// touched nodes any of evidence (rendered hop evidence, "<source>
// statement N: …; <source> trust policy …") names as a source, in plan
// order.
func (r *Result) Responsible(ids, evidence []string) []Change {
	if r.byNode == nil {
		r.byNode = map[string][]int{}
		for i, c := range r.Changes {
			for _, id := range c.Touched {
				r.byNode[id] = append(r.byNode[id], i)
			}
		}
	}
	seen := map[int]bool{}
	for _, id := range ids {
		for _, i := range r.byNode[id] {
			seen[i] = true
		}
	}
	for _, ev := range evidence {
		for _, part := range strings.Split(ev, "; ") {
			for _, i := range r.byNode[evidenceSource(part)] {
				seen[i] = true
			}
		}
	}
	list := make([]int, 0, len(seen))
	for i := range seen {
		list = append(list, i)
	}
	sort.Ints(list)
	out := make([]Change, len(list))
	for j, i := range list {
		out[j] = r.Changes[i]
	}
	return out
}

// evidenceSource returns the source an evidence part starts with: its
// text up to the first space, without a trailing colon.
func evidenceSource(part string) string {
	src, _, _ := strings.Cut(part, " ")
	return strings.TrimSuffix(src, ":")
}

// change is one resource change of the plan while it is applied.
type change struct {
	idx    int
	rc     *tfjson.ResourceChange
	action Action
	// mod is the module instance address, local the address inside it
	// (`aws_iam_role.ci`), key the instance key (`[0]`, `["a"]`, "").
	mod, local, key string
	cfg             *tfjson.ConfigResource
	before, after   *object
	h               *handler
	region          string
	// touched are the nodes the change wrote, edges the fact edges it
	// added or removed (by key): the candidates of Change.Touched.
	touched map[string]bool
	edges   map[string]graphmodel.Edge
	// beforeFacts and afterFacts are what the two sides say.
	beforeFacts, afterFacts *facts
}

// addr is the change's resource address.
func (c *change) addr() string { return c.rc.Address }

// placeholder stands for the part of an ID that AWS chooses at apply
// (a key ID, a random suffix): the resource's address in braces.
func (c *change) placeholder() string { return "{" + c.rc.Address + "}" }

// applier applies one plan to one snapshot.
type applier struct {
	p    *Plan
	base *graphmodel.Snapshot
	st   *store
	// byAddress indexes every resource change by address; instances
	// every change by address without its instance key.
	byAddress map[string]*change
	instances map[string][]*change
	// state holds the attribute values of the plan's prior state and
	// planned values (data sources read while planning among them).
	state map[string]map[string]any
	// stateInstances indexes state by address without instance key.
	stateInstances map[string][]string
	changes        []*change

	partition, account string
	accounts           map[string]bool
	mgmt, orgID        string
	regions            []string

	// byName indexes the baseline's nodes by name, in ID order.
	byName map[string][]*graphmodel.Node
	// memo and busy remember and guard plannedAttr.
	memo map[string]resolved
	busy map[string]bool

	gaps     []graphmodel.Gap
	gapSeen  map[graphmodel.Gap]bool
	notes    []string
	profiles map[string]*change // instance profile ARN → planned change
}

// Apply applies the plan's resource changes to a copy of base: creations
// and updates assert what the planned values say, deletions retract what
// the prior values said, a replacement does both; no-op changes and data
// sources change nothing. Only resources of the AWS provider are applied
// (see the package documentation for the types and what they become);
// others are listed in the result. base is not modified.
//
// A plan for an AWS account the snapshot does not hold is a
// *badinput.Error naming the resource and its place in the plan, as is a
// policy document in the plan that does not parse.
func Apply(base *graphmodel.Snapshot, p *Plan) (*Result, error) {
	a := &applier{
		p: p, base: base, st: newStore(base),
		byAddress: map[string]*change{}, instances: map[string][]*change{},
		state: map[string]map[string]any{}, stateInstances: map[string][]string{},
		gapSeen: map[graphmodel.Gap]bool{}, profiles: map[string]*change{}, memo: map[string]resolved{}, busy: map[string]bool{},
	}
	a.indexSnapshot()
	a.indexState()
	res := &Result{}
	for i, rc := range p.tf.ResourceChanges {
		c, err := a.newChange(i, rc)
		if err != nil {
			return nil, err
		}
		a.byAddress[rc.Address] = c
		plain := strings.TrimSuffix(rc.Address, c.key)
		a.instances[plain] = append(a.instances[plain], c)
		if rc.Mode != tfjson.ManagedResourceMode || c.action == ActionNone {
			continue
		}
		if !isAWSProvider(rc.ProviderName) {
			res.OtherProviders = append(res.OtherProviders, Skipped{Address: rc.Address, Type: rc.Type, Provider: rc.ProviderName})
			continue
		}
		if c.h == nil {
			res.Unmodelled = append(res.Unmodelled, Skipped{Address: rc.Address, Type: rc.Type, Provider: rc.ProviderName})
			continue
		}
		if rc.DeposedKey != "" {
			a.notes = append(a.notes, fmt.Sprintf("%s: the %s of deposed object %s is not applied", rc.Address, c.action, rc.DeposedKey))
			continue
		}
		a.changes = append(a.changes, c)
	}
	if err := a.findAccount(); err != nil {
		return nil, err
	}
	fallback := a.fallbackRegion()
	for _, c := range a.changes {
		c.region = a.regionOf(c, fallback)
		global := strings.HasPrefix(c.rc.Type, "aws_iam_") || strings.HasPrefix(c.rc.Type, "aws_s3_") || strings.HasPrefix(c.rc.Type, "aws_organizations_")
		if c.region == "" && !global {
			a.gap(c, "region of "+c.addr(), "neither the resource, its provider configuration nor data.aws_region says: its ARN has no region")
		}
	}
	for _, c := range a.changes {
		if c.h.facts == nil {
			continue
		}
		if c.action != ActionCreate {
			f, err := c.h.facts(a.side(c, false))
			if err != nil {
				return nil, err
			}
			c.beforeFacts = f
		}
		if c.action != ActionDelete {
			f, err := c.h.facts(a.side(c, true))
			if err != nil {
				return nil, err
			}
			c.afterFacts = f
		}
	}
	for _, c := range a.changes {
		if c.beforeFacts == nil {
			continue
		}
		if c.action == ActionUpdate || c.action == ActionDelete {
			a.checkPresent(c)
		}
		a.st.retract(c, c.beforeFacts, c.afterFacts, c.action)
	}
	for _, c := range a.changes {
		if c.afterFacts != nil {
			a.st.assert(c, c.afterFacts)
		}
	}
	a.propagateProfiles()
	a.checkReferences()

	res.Account = a.account
	res.Gaps = append([]graphmodel.Gap{}, a.gaps...)
	res.Notes = a.notes
	for _, c := range a.changes {
		line, col := p.Position(c.idx)
		res.Changes = append(res.Changes, Change{
			Address: c.addr(), Type: c.rc.Type, Action: c.action, Index: c.idx, Line: line, Column: col, Touched: a.st.touched(c),
		})
	}
	snap := a.st.snapshot(base)
	collected, _ := time.Parse(time.RFC3339, p.tf.Timestamp)
	snap.Sources = append(snap.Sources, graphmodel.Source{
		Collector: SourceCollector, Provider: graphmodel.ProviderAWS, Scope: graphmodel.AWSAccountScope(a.account),
		Origin: "plan:" + p.File, CollectedAt: collected, Gaps: res.Gaps,
	})
	snap.Normalize()
	res.Snapshot = snap
	return res, nil
}

// newChange wraps resource change i.
func (a *applier) newChange(i int, rc *tfjson.ResourceChange) (*change, error) {
	action, err := actionOf(rc.Change.Actions)
	if err != nil {
		return nil, a.p.bad(i, "change actions", "%v", err)
	}
	c := &change{idx: i, rc: rc, action: action, mod: rc.ModuleAddress, touched: map[string]bool{}, edges: map[string]graphmodel.Edge{}}
	local := strings.TrimPrefix(rc.Address, rc.ModuleAddress+".")
	if rc.ModuleAddress == "" {
		local = rc.Address
	}
	if j := strings.IndexByte(local, '['); j >= 0 {
		c.key = local[j:]
		local = local[:j]
	}
	c.local = local
	c.cfg = a.configResource(c.mod, local)
	c.before = newObject(rc.Change.Before, nil)
	c.after = newObject(rc.Change.After, rc.Change.AfterUnknown)
	if rc.Mode == tfjson.ManagedResourceMode {
		c.h = handlerFor(rc.Type)
	}
	return c, nil
}

// isAWSProvider reports whether a provider name (`registry.terraform.io/hashicorp/aws`,
// `registry.opentofu.org/hashicorp/aws`, or the legacy `aws`) is the AWS provider.
func isAWSProvider(name string) bool {
	name = strings.TrimPrefix(name, "provider.")
	parts := strings.Split(name, "/")
	if parts[len(parts)-1] != "aws" {
		return false
	}
	return len(parts) == 1 || parts[len(parts)-2] == "hashicorp"
}

// indexState records the attribute values of the prior state and of the
// planned values, by address (the planned values win).
func (a *applier) indexState() {
	var walk func(m *tfjson.StateModule)
	walk = func(m *tfjson.StateModule) {
		if m == nil {
			return
		}
		for _, r := range m.Resources {
			if r == nil || r.Address == "" {
				continue
			}
			if _, seen := a.state[r.Address]; !seen {
				base := r.Address
				if j := strings.LastIndexByte(base, '['); j > strings.LastIndexByte(base, '.') {
					base = base[:j]
				}
				a.stateInstances[base] = append(a.stateInstances[base], r.Address)
			}
			a.state[r.Address] = r.AttributeValues
		}
		for _, child := range m.ChildModules {
			walk(child)
		}
	}
	if s := a.p.tf.PriorState; s != nil && s.Values != nil {
		walk(s.Values.RootModule)
	}
	if v := a.p.tf.PlannedValues; v != nil {
		walk(v.RootModule)
	}
}

// indexSnapshot reads the partition, the accounts, the management account
// and the organization from the baseline.
func (a *applier) indexSnapshot() {
	a.accounts = map[string]bool{}
	for _, src := range a.base.Sources {
		if id, ok := strings.CutPrefix(src.Scope, "aws:account:"); ok && src.Provider == graphmodel.ProviderAWS {
			a.accounts[id] = true
		}
	}
	a.partition = "aws"
	a.byName = map[string][]*graphmodel.Node{}
	regions := map[string]bool{}
	for i := range a.base.Nodes {
		n := &a.base.Nodes[i]
		a.byName[n.Name] = append(a.byName[n.Name], a.st.nodes[n.ID])
		switch n.Kind {
		case graphmodel.KindAWSRole, graphmodel.KindAWSUser, graphmodel.KindAWSGroup:
			if f, ok := splitARN(n.ID); ok {
				a.partition = f.partition
			}
		case graphmodel.KindAWSAccount:
			if n.Prop(graphmodel.PropAWSManagement) == "true" {
				a.mgmt = strings.TrimPrefix(n.ID, "aws:account:")
			}
			if o := n.Prop(graphmodel.PropAWSOrganization); o != "" {
				a.orgID = o
			}
		case graphmodel.KindAWSOrgUnit, graphmodel.KindAWSOrgPolicy:
			if f, ok := splitARN(n.ID); ok && isAccountID(f.account) {
				if a.mgmt == "" {
					a.mgmt = f.account
				}
				if a.orgID == "" && strings.HasPrefix(f.resource, "root/o-") {
					a.orgID = strings.Split(f.resource, "/")[1]
				}
			}
		case graphmodel.KindAWSResource:
			if r := n.Prop(graphmodel.PropRegion); r != "" {
				regions[r] = true
			}
		}
	}
	for r := range regions {
		a.regions = append(a.regions, r)
	}
	sort.Strings(a.regions)
	for _, list := range a.byName {
		sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
	}
}

// named returns the baseline's nodes named name, in ID order, as they are
// now (a node the plan removed is gone).
func (a *applier) named(name string) []*graphmodel.Node {
	var out []*graphmodel.Node
	for _, n := range a.byName[name] {
		if a.st.nodes[n.ID] == n {
			out = append(out, n)
		}
	}
	return out
}

// gap records a fact of change c that could not be placed.
func (a *applier) gap(c *change, what, reason string) {
	g := graphmodel.Gap{What: what, Reason: reason, Where: a.p.File + ": " + a.p.changePlace(c.idx)}
	if !a.gapSeen[g] {
		a.gapSeen[g] = true
		a.gaps = append(a.gaps, g)
	}
}

// checkPresent notes an updated or deleted resource whose node the
// baseline lacks: the snapshot and the Terraform state disagree.
func (a *applier) checkPresent(c *change) {
	f := c.beforeFacts
	if !f.own || len(f.nodes) == 0 {
		return
	}
	id := f.nodes[0].node.ID
	if !a.st.inBase(id) {
		a.notes = append(a.notes, fmt.Sprintf("%s (%s): %s is not in the baseline snapshot", c.addr(), c.action, id))
	}
}

// checkReferences records gaps for what the plan's new fact edges point
// at but neither the baseline nor the plan defines, as the collector does
// for references it cannot resolve.
func (a *applier) checkReferences() {
	for _, c := range a.changes {
		if c.afterFacts == nil {
			continue
		}
		for _, e := range c.afterFacts.edges {
			if _, ok := a.st.nodes[e.To]; ok {
				continue
			}
			switch e.Kind {
			case graphmodel.EdgeAttachedPolicy, graphmodel.EdgePermissionsBoundary:
				a.gap(c, "managed policy "+e.To, "attached by "+c.addr()+" but in neither the baseline snapshot nor the plan")
			case graphmodel.EdgeMemberOf:
				a.gap(c, "group "+e.To, "joined by "+c.addr()+" but in neither the baseline snapshot nor the plan")
			case graphmodel.EdgeCarriesRole:
				if graphmodel.AWSAccountOfARN(e.To) == a.account {
					a.gap(c, "role "+e.To, "referenced by "+c.addr()+" but in neither the baseline snapshot nor the plan")
				}
			}
		}
		for _, e := range c.afterFacts.edges {
			if _, ok := a.st.nodes[e.From]; !ok && e.Kind != graphmodel.EdgeCarriesRole {
				a.gap(c, describeID(e.From), "named by "+c.addr()+" but in neither the baseline snapshot nor the plan")
			}
		}
	}
}

// describeID names an IAM ID for gaps: "role arn:…".
func describeID(id string) string {
	if f, ok := splitARN(id); ok && f.service == "iam" {
		typ, _, _ := strings.Cut(f.resource, "/")
		return typ + " " + id
	}
	return id
}

// propagateProfiles gives the EC2 instances of the baseline that run with
// an instance profile the plan changes the profile's new roles, as the
// collector resolves an instance's role through its profile.
func (a *applier) propagateProfiles() {
	for arn, c := range a.profiles {
		before := a.st.baseCarried(arn)
		after := a.st.carried(arn)
		if slices.Equal(before, after) {
			continue
		}
		for id, n := range a.st.nodes {
			if n.Kind != graphmodel.KindAWSResource || n.Prop(graphmodel.PropAWSInstanceProfile) != arn {
				continue
			}
			for _, r := range before {
				if !slices.Contains(after, r) {
					a.st.removeEdge(c, graphmodel.Edge{From: id, To: r, Kind: graphmodel.EdgeCarriesRole})
				}
			}
			for _, r := range after {
				a.st.addEdge(c, graphmodel.Edge{From: id, To: r, Kind: graphmodel.EdgeCarriesRole})
			}
		}
	}
}

// regionOf returns the region a change's regional resource is in: its
// region attribute (AWS provider 6), its ARN's, its provider
// configuration's, or fallback (see fallbackRegion).
func (a *applier) regionOf(c *change, fallback string) string {
	for _, o := range []*object{c.after, c.before} {
		if s, ok := o.str("region"); ok && s != "" {
			return s
		}
		for _, key := range []string{"arn", "id"} {
			if s, ok := o.str(key); ok {
				if f, ok := splitARN(s); ok && f.region != "" {
					return f.region
				}
			}
		}
	}
	if r := a.providerRegion(c); r != "" {
		return r
	}
	return fallback
}

// fallbackRegion returns the region of a change that neither its
// attributes nor its provider configuration say: the data source
// aws_region's, or the baseline's only region; "" when none says.
func (a *applier) fallbackRegion() string {
	var found []string
	for addr, v := range a.state {
		if strings.Contains(addr, "data.aws_region.") {
			for _, key := range []string{"region", "name"} {
				if s := scalar(v[key]); s != "" && !slices.Contains(found, s) {
					found = append(found, s)
					break
				}
			}
		}
	}
	if len(found) == 1 {
		return found[0]
	}
	if len(a.regions) == 1 {
		return a.regions[0]
	}
	return ""
}

// providerRegion returns the region of the provider configuration a
// change's resource uses.
func (a *applier) providerRegion(c *change) string {
	if c.cfg == nil || a.p.tf.Config == nil {
		return ""
	}
	key := c.cfg.ProviderConfigKey
	pc := a.p.tf.Config.ProviderConfigs[key]
	if pc == nil {
		if _, rest, ok := strings.Cut(key, ":"); ok {
			pc = a.p.tf.Config.ProviderConfigs[rest]
		}
	}
	if pc == nil {
		pc = a.p.tf.Config.ProviderConfigs["aws"]
	}
	if pc == nil {
		return ""
	}
	r, _ := resolver{a: a, mod: pc.ModuleAddress}.expression(pc.Expressions["region"])
	return r
}

// findAccount works out the account the plan is for from the ARNs of its
// resources and data.aws_caller_identity; an account the snapshot does
// not hold is bad input.
func (a *applier) findAccount() error {
	held := a.heldAccounts()
	seen := map[string]bool{}
	for _, c := range a.changes {
		for _, o := range []*object{c.before, c.after} {
			for _, key := range ownARNKeys(c.rc.Type) {
				s, ok := o.str(key)
				if !ok {
					continue
				}
				f, ok := splitARN(s)
				if !ok || !isAccountID(f.account) {
					continue
				}
				if f.service == "organizations" {
					if a.mgmt != "" && f.account != a.mgmt {
						return a.p.bad(c.idx, key, "%s names management account %s, but the baseline snapshot's organization is managed from %s", s, f.account, a.mgmt)
					}
					continue
				}
				if !a.accounts[f.account] {
					return a.p.bad(c.idx, key, "%s is in account %s, which the baseline snapshot does not hold (it holds %s): give a snapshot of that account", s, f.account, held)
				}
				seen[f.account] = true
			}
		}
	}
	for addr, v := range a.state {
		if !strings.Contains(addr, "data.aws_caller_identity.") {
			continue
		}
		id := scalar(v["account_id"])
		if !isAccountID(id) {
			continue
		}
		if !a.accounts[id] {
			return badinput.Newf(a.p.File, addr+" account_id", "the plan is for account %s, which the baseline snapshot does not hold (it holds %s): give a snapshot of that account", id, held)
		}
		seen[id] = true
	}
	list := make([]string, 0, len(seen))
	for id := range seen {
		list = append(list, id)
	}
	sort.Strings(list)
	switch {
	case len(list) == 1:
		a.account = list[0]
	case len(list) > 1:
		return badinput.Newf(a.p.File, "", "the plan changes resources of several accounts (%s): give one plan per account", strings.Join(list, ", "))
	case len(a.accounts) == 1:
		for id := range a.accounts {
			a.account = id
		}
	case len(a.accounts) == 0:
		return badinput.Newf(a.p.File, "", "the baseline snapshot holds no AWS account to apply the plan to")
	default:
		return badinput.Newf(a.p.File, "", "the baseline snapshot holds several accounts (%s) and the plan names none of them: add data \"aws_caller_identity\" to the configuration", held)
	}
	return nil
}

// heldAccounts lists the baseline's accounts for messages.
func (a *applier) heldAccounts() string {
	list := make([]string, 0, len(a.accounts))
	for id := range a.accounts {
		list = append(list, id)
	}
	sort.Strings(list)
	if len(list) == 0 {
		return "no AWS account"
	}
	return strings.Join(list, ", ")
}

// ownARNKeys are the attributes that hold a resource's own ARN.
func ownARNKeys(typ string) []string {
	switch typ {
	case "aws_cloudformation_stack", "aws_secretsmanager_secret", "aws_sns_topic":
		return []string{"id", "arn"}
	case "aws_eks_access_entry":
		return []string{"access_entry_arn"}
	case "aws_eks_pod_identity_association":
		return []string{"association_arn"}
	}
	return []string{"arn"}
}

// arn builds an ARN in the plan's partition.
func (a *applier) arn(service, region, account, resource string) string {
	return "arn:" + a.partition + ":" + service + ":" + region + ":" + account + ":" + resource
}
