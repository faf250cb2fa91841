// Package workspace derives the Google Workspace part of the attack graph
// from a snapshot: what the OAuth apps reach through the scopes their
// users granted them (each user's mail, files, calendars and contacts,
// the directory), and who administers the customer (super administrators,
// and an app a super administrator granted an admin directory scope that
// writes). Scopes are rated by risk (scopes.go): the data they reach, at
// the access they give, weighs in the blast radius score through the
// data's classification.
package workspace

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/blastradius/blastradius/graphmodel"
)

// Technique identifiers.
const (
	// TechOAuthGrant: an app reads or changes a user's data within the
	// scopes the user granted it.
	TechOAuthGrant = "workspace-oauth-grant"
	// TechAdminGrant: an app a super administrator granted an admin
	// directory scope that writes administers the customer.
	TechAdminGrant = "workspace-admin-directory-grant"
	// TechSuperAdmin: a super administrator administers the customer.
	TechSuperAdmin = "workspace-super-admin"
	// TechDelegatedAdmin: a delegated administrator may administer the
	// customer, depending on its admin roles (not collected).
	TechDelegatedAdmin = "workspace-delegated-admin"
)

// KindData is the node kind of a user's (or the customer's) data of one
// kind, which OAuth scopes reach: an analysis artefact.
const KindData graphmodel.NodeKind = "workspace.data"

// PropOwner is the owner of a data node: the user's address, or the
// customer scope for the directory. Its PropType is the kind of data.
const PropOwner = "owner"

// Analyzer is the Workspace deriver; it satisfies analysis.Deriver.
type Analyzer struct{}

// New returns the Workspace analyzer.
func New() *Analyzer { return &Analyzer{} }

// Name returns "workspace".
func (a *Analyzer) Name() string { return "workspace" }

// Kinds returns the node kinds the analysis derives (analysis.KindDefiner).
func (a *Analyzer) Kinds() []graphmodel.KindSpec { return Kinds() }

// Kinds returns the node kinds the Workspace analysis derives.
func Kinds() []graphmodel.KindSpec {
	return []graphmodel.KindSpec{{Kind: KindData, KindInfo: graphmodel.KindInfo{Provider: graphmodel.ProviderWorkspace, Class: graphmodel.ClassResource}}}
}

// Techniques returns the catalogue (analysis.TechniqueCatalog).
func (a *Analyzer) Techniques() []graphmodel.Technique { return Techniques() }

// Techniques returns the Workspace technique catalogue, sorted by ID.
func Techniques() []graphmodel.Technique {
	list := []graphmodel.Technique{
		{ID: TechOAuthGrant, Name: "OAuth grant", Category: "third-party-app", Attack: "T1550.001",
			Description: "an app reads or changes a user's data (mail, files, calendars, contacts) within the scopes the user granted it, for as long as the grant stands"},
		{ID: TechAdminGrant, Name: "admin directory grant", Category: "third-party-app", Attack: "T1550.001",
			Description: "an app a super administrator granted an admin directory scope that writes manages users and groups as that administrator: it resets passwords and makes administrators"},
		{ID: TechSuperAdmin, Name: "super administrator", Category: "administrator", Attack: "T1078.004",
			Description: "a super administrator controls every user, group, app grant and setting of the customer"},
		{ID: TechDelegatedAdmin, Name: "delegated administrator", Category: "administrator", Attack: "T1078.004",
			Description: "a delegated administrator holds admin roles that may control users; the roles are not collected, so the step is conditional"},
	}
	for i := range list {
		list[i].Provider = graphmodel.ProviderWorkspace
	}
	sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
	return list
}

// Derive returns the edges the Workspace facts of snap prove and the data
// nodes they reach.
func (a *Analyzer) Derive(ctx context.Context, snap *graphmodel.Snapshot) ([]graphmodel.Node, []graphmodel.Edge, error) {
	users := map[string]*graphmodel.Node{}
	var apps []*graphmodel.Node
	for i := range snap.Nodes {
		n := &snap.Nodes[i]
		switch n.Kind {
		case graphmodel.KindWorkspaceUser:
			users[n.ID] = n
		case graphmodel.KindWorkspaceOAuthApp:
			apps = append(apps, n)
		}
	}
	d := &deriver{data: map[string]graphmodel.Node{}}
	ids := make([]string, 0, len(users))
	for id := range users {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		d.admin(users[id])
	}
	sort.Slice(apps, func(i, j int) bool { return apps[i].ID < apps[j].ID })
	for _, app := range apps {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		d.app(app, users)
	}
	nodes := make([]graphmodel.Node, 0, len(d.data))
	for _, n := range d.data {
		nodes = append(nodes, n)
	}
	sort.Slice(nodes, func(i, j int) bool { return nodes[i].ID < nodes[j].ID })
	return nodes, d.edges, nil
}

type deriver struct {
	data  map[string]graphmodel.Node
	edges []graphmodel.Edge
}

// admin: super administrators administer the customer; delegated
// administrators may.
func (d *deriver) admin(u *graphmodel.Node) {
	if u.Scope == "" || u.Prop(graphmodel.PropWorkspaceSuspended) == "true" {
		return
	}
	switch {
	case u.Prop(graphmodel.PropWorkspaceIsAdmin) == "true":
		d.edges = append(d.edges, graphmodel.Edge{From: u.ID, To: u.Scope, Kind: graphmodel.EdgeAdminOf, Technique: TechSuperAdmin,
			Evidence: []graphmodel.Evidence{{Source: u.ID, Statement: -1, Note: "super administrator (isAdmin)"}}})
	case u.Prop(graphmodel.PropWorkspaceIsDelegatedAdmin) == "true":
		d.edges = append(d.edges, graphmodel.Edge{From: u.ID, To: u.Scope, Kind: graphmodel.EdgeAdminOf, Technique: TechDelegatedAdmin,
			Conditional: true, Conditions: []string{"the admin roles of " + u.Name + " are not collected"},
			Evidence: []graphmodel.Evidence{{Source: u.ID, Statement: -1, Note: "delegated administrator (isDelegatedAdmin)"}}})
	}
}

// reach is what one app reaches of one data node: the strongest access
// and the scopes that give it.
type reach struct {
	access   graphmodel.Access
	evidence []graphmodel.Evidence
}

// app derives what the grants of one app reach. A grant of a suspended
// user (an inactive credential) works no more and reaches nothing.
func (d *deriver) app(app *graphmodel.Node, users map[string]*graphmodel.Node) {
	found := map[string]*reach{}
	var order []string
	add := func(to string, access graphmodel.Access, ev graphmodel.Evidence) {
		r := found[to]
		if r == nil {
			r = &reach{}
			found[to] = r
			order = append(order, to)
		}
		if access.Rank() > r.access.Rank() {
			r.access = access
		}
		r.evidence = append(r.evidence, ev)
	}
	adminOf := map[string]graphmodel.Edge{}
	for _, c := range app.Credentials {
		if c.Kind != graphmodel.CredentialOAuthGrant || !c.Active {
			continue
		}
		uid := "workspace:user:" + c.ID
		u := users[uid]
		if u == nil || u.Scope == "" {
			continue
		}
		source := fmt.Sprintf("OAuth grant of %s to %s", c.ID, app.Prop(graphmodel.PropWorkspaceClientID))
		for _, s := range c.Scopes {
			sc := ScopeOf(s)
			if sc.Data == "" {
				continue
			}
			ev := graphmodel.Evidence{Source: source, Statement: -1, Note: fmt.Sprintf("scope %s (%s risk): %s", s, sc.Risk, sc.What)}
			if sc.AdminWrite {
				switch {
				case u.Prop(graphmodel.PropWorkspaceIsAdmin) == "true":
					adminOf[u.Scope] = graphmodel.Edge{From: app.ID, To: u.Scope, Kind: graphmodel.EdgeAdminOf, Technique: TechAdminGrant,
						Evidence: []graphmodel.Evidence{ev, {Source: uid, Statement: -1, Note: "granted by a super administrator"}}}
					continue
				case u.Prop(graphmodel.PropWorkspaceIsDelegatedAdmin) == "true":
					if _, certain := adminOf[u.Scope]; !certain {
						adminOf[u.Scope] = graphmodel.Edge{From: app.ID, To: u.Scope, Kind: graphmodel.EdgeAdminOf, Technique: TechAdminGrant,
							Conditional: true, Conditions: []string{"granted by the delegated administrator " + c.ID + ", whose admin roles are not collected"},
							Evidence: []graphmodel.Evidence{ev, {Source: uid, Statement: -1, Note: "granted by a delegated administrator"}}}
					}
				}
				// Without admin rights the scope acts with the user's own:
				// reading the directory.
				add(d.dataNode(u, DataDirectory), graphmodel.AccessRead, ev)
				continue
			}
			add(d.dataNode(u, sc.Data), sc.Access, ev)
		}
	}
	for _, to := range order {
		r := found[to]
		d.edges = append(d.edges, graphmodel.Edge{From: app.ID, To: to, Kind: graphmodel.EdgeCanAccess, Technique: TechOAuthGrant,
			Access: r.access, Evidence: r.evidence})
	}
	scopesOf := make([]string, 0, len(adminOf))
	for s := range adminOf {
		scopesOf = append(scopesOf, s)
	}
	sort.Strings(scopesOf)
	for _, s := range scopesOf {
		d.edges = append(d.edges, adminOf[s])
	}
}

// dataNode returns the ID of a user's data of a kind (the customer's, for
// the directory), creating its node once.
func (d *deriver) dataNode(u *graphmodel.Node, kind string) string {
	owner, name := strings.TrimPrefix(u.ID, "workspace:user:"), u.Name
	id := u.ID + ":" + kind
	if kind == DataDirectory {
		owner, name, id = u.Scope, strings.TrimPrefix(u.Scope, "workspace:customer:"), u.Scope+":"+kind
	}
	if _, ok := d.data[id]; !ok {
		n := graphmodel.Node{ID: id, Kind: KindData, Provider: graphmodel.ProviderWorkspace, Name: describe[kind] + " of " + name,
			Scope: u.Scope, Tags: map[string]string{"data-classification": classification[kind]}}
		n.SetProp(graphmodel.PropService, "workspace")
		n.SetProp(graphmodel.PropType, kind)
		n.SetProp(PropOwner, owner)
		if kind == DataDrive {
			n.SetProp(graphmodel.PropResourceClass, string(graphmodel.ResourceObjectStore))
		}
		d.data[id] = n
	}
	return id
}
