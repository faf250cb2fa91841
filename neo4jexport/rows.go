package neo4jexport

import (
	"sort"
	"strings"

	"github.com/blastradius/blastradius/analysis"
	"github.com/blastradius/blastradius/graphmodel"
)

// Labels every exported node may carry besides its kind label.
const (
	// LabelNode is on every node; its id is unique.
	LabelNode = "Node"
	// LabelIdentity, LabelGroup, LabelScope, LabelResource and LabelPolicy
	// follow the class of the node's kind.
	LabelIdentity = "Identity"
	LabelGroup    = "Group"
	LabelScope    = "Scope"
	LabelResource = "Resource"
	LabelPolicy   = "Policy"
	// LabelNonHuman marks machine identities (roles, service accounts, apps,
	// repositories, service users).
	LabelNonHuman = "NonHuman"
	// LabelUnknown marks a node that an edge or a scope names but the estate
	// does not define.
	LabelUnknown = "Unknown"
	// LabelDerivedSet marks a node of a transparent kind, an analysis
	// artefact that stands for other nodes: a permission set, which holds
	// steps for its members (a path through one has a MEMBER_OF step that
	// the analysis does not count as a hop), or a target set.
	LabelDerivedSet = "DerivedSet"
	// LabelTargetSet marks a target set (every target-set kind, besides
	// DerivedSet): a node that stands for the targets several sources
	// reach alike. A CAN_BECOME or CAN_ACCESS relationship into one is that
	// step to each of its members, which it has INCLUDES to; the INCLUDES
	// step is no hop of its own. It carries PropMembers.
	LabelTargetSet = "TargetSet"
	// LabelBlastAdmin, LabelBlastHigh and LabelBlastMedium band identities
	// by blast radius, so that a Browser style can size them (styles cannot
	// read properties): administrator of a scope through certain steps,
	// else a score of at least HighScore, else at least MediumScore.
	LabelBlastAdmin  = "BlastAdmin"
	LabelBlastHigh   = "BlastHigh"
	LabelBlastMedium = "BlastMedium"
)

// Score thresholds of the blast bands.
const (
	HighScore   = 50.0
	MediumScore = 10.0
)

// band returns the blast band label of an identity's figures, or "".
func band(id *analysis.Identity) string {
	switch {
	case id == nil:
		return ""
	case len(id.AdminOf) > 0:
		return LabelBlastAdmin
	case id.BlastRadius.Score >= HighScore:
		return LabelBlastHigh
	case id.BlastRadius.Score >= MediumScore:
		return LabelBlastMedium
	}
	return ""
}

// classLabels maps a class to its shared label.
var classLabels = map[graphmodel.Class]string{
	graphmodel.ClassIdentity: LabelIdentity,
	graphmodel.ClassGroup:    LabelGroup,
	graphmodel.ClassScope:    LabelScope,
	graphmodel.ClassResource: LabelResource,
	graphmodel.ClassPolicy:   LabelPolicy,
}

// KindLabel returns the label of a node kind: its words capitalized and
// joined ("aws.role" → "AwsRole", "k8s.cluster_role" → "K8sClusterRole").
// Only letters and digits are kept; an unknown kind has no label ("").
func KindLabel(k graphmodel.NodeKind) string {
	if !k.Known() {
		return ""
	}
	return camel(string(k))
}

// camel capitalizes each run of letters and digits of s and drops the rest.
func camel(s string) string {
	var b strings.Builder
	up := true
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z':
			if up {
				r -= 'a' - 'A'
			}
			b.WriteRune(r)
			up = false
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			b.WriteRune(r)
			up = false
		default:
			up = true
		}
	}
	return b.String()
}

// RelType returns the relationship type of an edge kind: upper case, only
// letters, digits and underscores ("can_become" → "CAN_BECOME"); a kind
// with none of them is RELATED.
func RelType(k graphmodel.EdgeKind) string { return relType(k) }

func relType(k graphmodel.EdgeKind) string {
	var b strings.Builder
	for _, r := range string(k) {
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - ('a' - 'A'))
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_':
			b.WriteRune(r)
		default:
			b.WriteRune('_')
		}
	}
	t := strings.Trim(b.String(), "_")
	switch {
	case t == "":
		return "RELATED"
	case t[0] >= '0' && t[0] <= '9':
		return "RELATED_" + t
	}
	return t
}

// labelsOf returns the sorted labels of n besides Node. isScope marks a node
// of unknown kind that something names as a scope; id holds its figures.
func labelsOf(n *graphmodel.Node, isScope bool, id *analysis.Identity) []string {
	var labels []string
	if l := KindLabel(n.Kind); l != "" {
		labels = append(labels, l)
	} else {
		labels = append(labels, LabelUnknown)
		if isScope {
			labels = append(labels, LabelScope)
		}
	}
	class := n.Kind.Class()
	if l, ok := classLabels[class]; ok {
		labels = append(labels, l)
	}
	if class == graphmodel.ClassIdentity && n.IsNonHuman() {
		labels = append(labels, LabelNonHuman)
	}
	if n.Kind.Transparent() {
		labels = append(labels, LabelDerivedSet)
	}
	if n.Kind.IsTargetSet() {
		labels = append(labels, LabelTargetSet)
	}
	if b := band(id); b != "" {
		labels = append(labels, b)
	}
	sort.Strings(labels)
	return labels
}

// managedLabels are the labels an export may set; a node that carries one
// its current label set lacks (its kind changed) loses it.
func managedLabels() []string {
	set := map[string]bool{LabelUnknown: true, LabelNonHuman: true, LabelDerivedSet: true, LabelTargetSet: true,
		LabelBlastAdmin: true, LabelBlastHigh: true, LabelBlastMedium: true}
	for _, l := range classLabels {
		set[l] = true
	}
	for _, k := range graphmodel.Kinds() {
		set[KindLabel(k)] = true
	}
	list := make([]string, 0, len(set))
	for l := range set {
		list = append(list, l)
	}
	sort.Strings(list)
	return list
}

// Node property names the exporter sets itself; a collected property or
// figure with one of these names is written with the prefix "prop_".
const (
	PropID          = "id"
	PropName        = "name"
	PropKind        = "kind"
	PropProvider    = "provider"
	PropClass       = "class"
	PropScope       = "scope"
	PropNonHuman    = "non_human"
	PropAliases     = "aliases"
	PropExportRun   = "export_run"
	PropExportScope = "export_scope"
	// PropMembers is, on a target set, how many members it has (an
	// integer: its INCLUDES relationships).
	PropMembers = "members"
)

// reserved are the property names the exporter sets on nodes.
var reserved = map[string]bool{
	PropID: true, PropName: true, PropKind: true, PropProvider: true, PropClass: true, PropScope: true,
	PropNonHuman: true, PropAliases: true, PropExportRun: true, PropExportScope: true,
	"trust_policy": true, "policy_document": true,
	"score": true, "rank": true, "reachable_resources": true, "reachable_identities": true,
	"admin_scopes": true, "conditional_admin_scopes": true, "admin_of": true, "conditional_admin_of": true,
	"min_hops_to_admin": true, "escalations": true, "truncated": true,
	"score_identities": true, "score_resources": true, "score_admin_scopes": true,
	"last_used_at": true, "days_unused": true, "active_access_keys": true, "unused_access_keys": true,
	"oldest_access_key_days": true, "hygiene_findings": true,
}

// nodeProps returns the properties of n as written (export_run and
// export_scope are added by the statement).
func nodeProps(n *graphmodel.Node, id *analysis.Identity) map[string]any {
	p := make(map[string]any, 8+len(n.Properties)+len(n.Tags))
	for k, v := range n.Properties {
		if k == "" {
			continue
		}
		if reserved[k] || strings.HasPrefix(k, "tag_") || strings.HasPrefix(k, "prop_") {
			k = "prop_" + k
		}
		p[k] = v
	}
	for k, v := range n.Tags {
		p["tag_"+k] = v
	}
	p[PropID] = n.ID
	p[PropName] = n.Name
	if n.Name == "" {
		p[PropName] = n.ID
	}
	provider := n.Provider
	if provider == "" {
		provider = n.Kind.Provider()
	}
	if n.Kind != "" {
		p[PropKind] = string(n.Kind)
	}
	if provider != "" {
		p[PropProvider] = string(provider)
	}
	class := n.Kind.Class()
	p[PropClass] = string(class)
	if n.Scope != "" {
		p[PropScope] = n.Scope
	}
	if class == graphmodel.ClassIdentity {
		p[PropNonHuman] = n.IsNonHuman()
	}
	if len(n.Aliases) > 0 {
		p[PropAliases] = append([]string(nil), n.Aliases...)
	}
	if doc, ok := n.Documents["trust"]; ok {
		p["trust_policy"] = string(doc)
	}
	if doc, ok := n.Documents["policy"]; ok {
		p["policy_document"] = string(doc)
	} else if doc, ok := n.Documents[n.Prop("default_version")]; ok {
		p["policy_document"] = string(doc)
	}
	if id != nil {
		figures(p, id)
	}
	return p
}

// figures adds an identity's blast radius and hygiene to p.
func figures(p map[string]any, id *analysis.Identity) {
	br := id.BlastRadius
	p["score"] = br.Score
	p["rank"] = int64(id.Rank)
	p["reachable_resources"] = int64(br.Resources)
	p["reachable_identities"] = int64(br.Identities)
	p["admin_scopes"] = int64(br.Breakdown[analysis.BreakdownAdminScopes]/analysis.WeightAdminScope + 0.5)
	p["conditional_admin_scopes"] = int64(br.Breakdown[analysis.BreakdownConditionalAdminScopes] + 0.5)
	p["score_identities"] = br.Breakdown[analysis.BreakdownIdentities]
	p["score_resources"] = br.Breakdown[analysis.BreakdownResources]
	p["score_admin_scopes"] = br.Breakdown[analysis.BreakdownAdminScopes]
	p["admin_of"] = append([]string{}, id.AdminOf...)
	p["conditional_admin_of"] = append([]string{}, id.ConditionalAdminOf...)
	p["escalations"] = int64(len(id.Escalations))
	if id.MinHopsToAdmin != nil {
		p["min_hops_to_admin"] = int64(*id.MinHopsToAdmin)
	}
	if id.Truncated {
		p["truncated"] = true
	}
	h := id.Hygiene
	if h == nil {
		return
	}
	if h.LastUsedAt != "" {
		p["last_used_at"] = h.LastUsedAt
	}
	setInt := func(key string, v *int) {
		if v != nil {
			p[key] = int64(*v)
		}
	}
	setInt("days_unused", h.DaysUnused)
	setInt("active_access_keys", h.ActiveAccessKeys)
	setInt("unused_access_keys", h.UnusedAccessKeys)
	setInt("oldest_access_key_days", h.OldestAccessKeyDays)
	if len(h.Findings) > 0 {
		p["hygiene_findings"] = append([]string(nil), h.Findings...)
	}
}

// Relationship property names.
const (
	PropTechnique   = "technique"
	PropAccess      = "access"
	PropConditional = "conditional"
	PropConditions  = "conditions"
	PropVia         = "via"
	PropEvidence    = "evidence"
	PropDerived     = "derived"
)

// relColumns are the properties of a relationship row (relRow) in order,
// after its start and end IDs. derived, export_run and export_scope are
// the same for a whole batch and come as parameters.
var relColumns = []string{PropTechnique, PropConditional, PropAccess, PropConditions, PropVia, PropEvidence}

// grantColumns follow relColumns in the rows of CAN_GRANT_ADMIN
// relationships (grantRow).
var grantColumns = []string{PropUsableBy, PropUsableHops, PropUsableConditional, PropUsableGrantee}

// grantType is the relationship type of CAN_GRANT_ADMIN edges.
var grantType = relType(graphmodel.EdgeCanGrantAdmin)

// columnsOf returns the properties of a row of relationships of type typ.
func columnsOf(typ string) []string {
	if typ == grantType {
		return append(append([]string(nil), relColumns...), grantColumns...)
	}
	return relColumns
}

// grantRow appends to row (relRow's) the grantColumns of u, the grant's
// use (nil values when ok is false).
func grantRow(row []any, u usable, ok bool) []any {
	if !ok {
		return append(row, nil, nil, nil, nil)
	}
	return append(row, u.by, int64(u.hops), u.cond, u.grantee)
}

// relRow returns the row of e as the relationship statements take it: the
// start and end IDs, then the values of relColumns (nil for a property e
// does not have). technique is always set ("" for fact edges): it is part
// of the merge key.
func relRow(e *graphmodel.Edge) []any {
	row := []any{e.From, e.To, e.Technique, e.Conditional, nil, nil, nil, nil}
	if e.Access != "" {
		row[4] = string(e.Access)
	}
	if len(e.Conditions) > 0 {
		row[5] = unique(e.Conditions)
	}
	if e.Via != "" {
		row[6] = e.Via
	}
	if len(e.Evidence) > 0 {
		list := make([]string, 0, len(e.Evidence))
		for _, ev := range e.Evidence {
			list = append(list, ev.String())
		}
		row[7] = strings.Join(unique(list), "; ")
	}
	return row
}

// relProps returns the properties of e as written, export_run and
// export_scope aside.
func relProps(e *graphmodel.Edge) map[string]any {
	row := relRow(e)
	p := map[string]any{PropDerived: e.Kind.Derived()}
	for i, c := range relColumns {
		if v := row[i+2]; v != nil {
			p[c] = v
		}
	}
	return p
}

// unique returns list without repeats, in first-seen order.
func unique(list []string) []string {
	seen := make(map[string]bool, len(list))
	out := make([]string, 0, len(list))
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
