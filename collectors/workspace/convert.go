package workspace

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blastradius/blastradius/graphmodel"
)

// CollectorName is the registry name of the Workspace collector.
const CollectorName = "workspace"

// AppID returns the node ID of an OAuth app: workspace:app:<client id>.
func AppID(clientID string) string { return "workspace:app:" + clientID }

// UserID returns the node ID of a user: workspace:user:<address>.
func UserID(email string) string { return "workspace:user:" + strings.ToLower(email) }

// DefaultCustomer is the Directory API's name of the caller's own customer.
const DefaultCustomer = "my_customer"

// Convert turns records into a fragment (Source.Origin and CollectedAt are
// the caller's to set). customer names the scope when the records do not
// (users carry their customerId). A token whose user is not among the
// users is kept, its user named by its userKey, and recorded as a gap.
func Convert(recs *Records, customer string) graphmodel.Fragment {
	gaps := append([]graphmodel.Gap(nil), recs.Gaps...)
	ids := map[string]bool{}
	for _, u := range recs.Users {
		if u.CustomerID != "" {
			ids[u.CustomerID] = true
		}
	}
	if customer == "" || customer == DefaultCustomer {
		list := make([]string, 0, len(ids))
		for id := range ids {
			list = append(list, id)
		}
		sort.Strings(list)
		switch {
		case len(list) > 0:
			customer = list[0]
			if len(list) > 1 {
				gaps = append(gaps, graphmodel.Gap{What: "customer", Reason: "users of several customers (" + strings.Join(list, ", ") + "): all are placed in " + customer})
			}
		default:
			customer = DefaultCustomer
			gaps = append(gaps, graphmodel.Gap{What: "customer", Reason: "no user carries a customerId and none was given (--customer): the scope is " + graphmodel.WorkspaceCustomerScope(customer)})
		}
	}
	scope := graphmodel.WorkspaceCustomerScope(customer)
	nodes := map[string]*graphmodel.Node{scope: {ID: scope, Kind: graphmodel.KindWorkspaceCustomer, Provider: graphmodel.ProviderWorkspace,
		Name: customer, Properties: map[string]string{}}}

	byKey := map[string]string{} // user id and lower-case address → node ID
	for _, u := range recs.Users {
		id := UserID(u.PrimaryEmail)
		n := &graphmodel.Node{ID: id, Kind: graphmodel.KindWorkspaceUser, Provider: graphmodel.ProviderWorkspace,
			Name: strings.ToLower(u.PrimaryEmail), Scope: scope}
		n.SetProp(graphmodel.PropWorkspaceUserID, u.ID)
		n.SetProp(graphmodel.PropWorkspaceIsAdmin, fmt.Sprint(u.IsAdmin))
		n.SetProp(graphmodel.PropWorkspaceIsDelegatedAdmin, fmt.Sprint(u.IsDelegatedAdmin))
		n.SetProp(graphmodel.PropWorkspaceSuspended, fmt.Sprint(u.Suspended))
		n.SetProp(graphmodel.PropWorkspaceArchived, fmt.Sprint(u.Archived))
		n.SetProp(graphmodel.PropWorkspaceOrgUnit, u.OrgUnitPath)
		n.SetProp(graphmodel.PropWorkspace2SV, fmt.Sprint(u.IsEnrolledIn2Sv))
		n.SetProp(graphmodel.PropCreated, u.CreationTime)
		if !strings.HasPrefix(u.LastLoginTime, "1970-01-01") {
			n.SetProp(graphmodel.PropLastUsed, u.LastLoginTime)
		}
		nodes[id] = n
		byKey[strings.ToLower(u.PrimaryEmail)] = id
		if u.ID != "" {
			byKey[u.ID] = id
		}
	}

	type grant struct {
		user   string
		scopes map[string]bool
	}
	type app struct {
		token  Token
		grants map[string]*grant
	}
	apps := map[string]*app{}
	for _, t := range recs.Tokens {
		user, ok := byKey[strings.ToLower(t.UserKey)]
		if !ok {
			user = UserID(t.UserKey)
			if _, seen := nodes[user]; !seen {
				gaps = append(gaps, graphmodel.Gap{What: "user " + t.UserKey, Reason: "a token names a user that users.list did not return", Where: t.Where})
				nodes[user] = &graphmodel.Node{ID: user, Kind: graphmodel.KindWorkspaceUser, Provider: graphmodel.ProviderWorkspace,
					Name: t.UserKey, Scope: scope}
			}
		}
		a := apps[t.ClientID]
		if a == nil {
			a = &app{token: t, grants: map[string]*grant{}}
			apps[t.ClientID] = a
		}
		if a.token.DisplayText == "" {
			a.token.DisplayText = t.DisplayText
		}
		g := a.grants[user]
		if g == nil {
			g = &grant{user: user, scopes: map[string]bool{}}
			a.grants[user] = g
		}
		for _, s := range t.Scopes {
			g.scopes[strings.TrimSpace(s)] = true
		}
	}
	for clientID, a := range apps {
		id := AppID(clientID)
		n := &graphmodel.Node{ID: id, Kind: graphmodel.KindWorkspaceOAuthApp, Provider: graphmodel.ProviderWorkspace,
			Name: displayName(a.token.DisplayText, clientID)}
		n.SetProp(graphmodel.PropWorkspaceClientID, clientID)
		n.SetProp(graphmodel.PropWorkspaceDisplayText, a.token.DisplayText)
		n.SetProp(graphmodel.PropWorkspaceNativeApp, fmt.Sprint(a.token.NativeApp))
		n.SetProp(graphmodel.PropWorkspaceAnonymous, fmt.Sprint(a.token.Anonymous))
		all := map[string]bool{}
		users := sortedKeys(a.grants)
		for _, u := range users {
			scopes := sortedKeys(a.grants[u].scopes)
			for _, s := range scopes {
				all[s] = true
			}
			// The grantor names the grant: no token material is read.
			n.Credentials = append(n.Credentials, graphmodel.Credential{Kind: graphmodel.CredentialOAuthGrant,
				ID: strings.TrimPrefix(u, "workspace:user:"), Active: nodes[u].Prop(graphmodel.PropWorkspaceSuspended) != "true", Scopes: scopes})
		}
		n.SetProp(graphmodel.PropWorkspaceScopes, strings.Join(sortedKeys(all), ","))
		n.SetProp(graphmodel.PropWorkspaceGrants, fmt.Sprint(len(users)))
		nodes[id] = n
	}

	frag := graphmodel.Fragment{Source: graphmodel.Source{Collector: CollectorName, Provider: graphmodel.ProviderWorkspace, Scope: scope, Gaps: gaps}}
	if frag.Source.Gaps == nil {
		frag.Source.Gaps = []graphmodel.Gap{}
	}
	for _, id := range sortedKeys(nodes) {
		frag.Nodes = append(frag.Nodes, *nodes[id])
	}
	return frag
}

// displayName is how reports name an app: its display text without
// control characters, at most 200 characters, or its client id when it
// has none. The text is the publisher's and may hold markup or quotes:
// it is kept as written (the writers escape it), only what would break a
// line of a terminal or a table is replaced.
func displayName(text, clientID string) string {
	clean := strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError || unicode.Is(unicode.Bidi_Control, r) {
			return '\uFFFD'
		}
		return r
	}, strings.ToValidUTF8(text, "\uFFFD"))
	clean = strings.TrimSpace(clean)
	if clean == "" {
		return clientID
	}
	if r := []rune(clean); len(r) > 200 {
		clean = string(r[:200]) + "…"
	}
	return clean
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
