package k8srbac

import (
	"slices"
	"strings"
)

// Users and groups the API server's authenticators give.
const (
	// GroupMasters is the superuser group: the API server allows its
	// members everything before RBAC is asked.
	GroupMasters = "system:masters"
	// GroupAuthenticated holds every authenticated user.
	GroupAuthenticated = "system:authenticated"
	// GroupUnauthenticated holds anonymous requests.
	GroupUnauthenticated = "system:unauthenticated"
	// GroupServiceAccounts holds every service account.
	GroupServiceAccounts = "system:serviceaccounts"
	// GroupServiceAccountsPrefix, followed by a namespace, is the group of
	// that namespace's service accounts.
	GroupServiceAccountsPrefix = "system:serviceaccounts:"
	// GroupNodes holds the kubelets' node identities.
	GroupNodes = "system:nodes"
	// UserAnonymous is the user of anonymous requests.
	UserAnonymous = "system:anonymous"
	// ServiceAccountUsernamePrefix, followed by "<namespace>:<name>", is a
	// service account's user name.
	ServiceAccountUsernamePrefix = "system:serviceaccount:"
	// NodeUsernamePrefix, followed by the node's name, is a kubelet's user name.
	NodeUsernamePrefix = "system:node:"
)

// User is who makes a request: a user name and the groups the
// authenticator gave it.
type User struct {
	Name   string
	Groups []string
}

// String renders the user as its name, or "groups g1,g2" when it has none.
func (u User) String() string {
	if u.Name != "" {
		return u.Name
	}
	return "groups " + strings.Join(u.Groups, ",")
}

// InGroup reports whether the user is in group g.
func (u User) InGroup(g string) bool { return slices.Contains(u.Groups, g) }

// ServiceAccountUsername returns system:serviceaccount:<namespace>:<name>.
func ServiceAccountUsername(namespace, name string) string {
	return ServiceAccountUsernamePrefix + namespace + ":" + name
}

// ServiceAccountUser returns the user a service account's token
// authenticates as, with its groups system:serviceaccounts,
// system:serviceaccounts:<namespace> and system:authenticated.
func ServiceAccountUser(namespace, name string) User {
	return User{
		Name:   ServiceAccountUsername(namespace, name),
		Groups: []string{GroupServiceAccounts, GroupServiceAccountsPrefix + namespace, GroupAuthenticated},
	}
}

// NodeUser returns the user a kubelet authenticates as,
// system:node:<name>, with its groups system:nodes and
// system:authenticated.
func NodeUser(name string) User {
	return User{Name: NodeUsernamePrefix + name, Groups: []string{GroupNodes, GroupAuthenticated}}
}

// AuthenticatedUser returns a user with the given groups and
// system:authenticated, which every authenticated user is in.
func AuthenticatedUser(name string, groups ...string) User {
	u := User{Name: name, Groups: append([]string(nil), groups...)}
	if !u.InGroup(GroupAuthenticated) {
		u.Groups = append(u.Groups, GroupAuthenticated)
	}
	return u
}

// GroupMember returns a user that is only a member of group: what it may
// do is what bindings to the group allow (and, for system:masters,
// everything).
func GroupMember(group string) User { return User{Groups: []string{group}} }

// AnonymousUser returns the user of unauthenticated requests.
func AnonymousUser() User {
	return User{Name: UserAnonymous, Groups: []string{GroupUnauthenticated}}
}

// ParseServiceAccountUsername splits system:serviceaccount:<ns>:<name>.
func ParseServiceAccountUsername(username string) (namespace, name string, ok bool) {
	rest, ok := strings.CutPrefix(username, ServiceAccountUsernamePrefix)
	if !ok {
		return "", "", false
	}
	namespace, name, ok = strings.Cut(rest, ":")
	if !ok || namespace == "" || name == "" || strings.Contains(name, ":") {
		return "", "", false
	}
	return namespace, name, true
}

// ParseNodeUsername returns the node name of system:node:<name>.
func ParseNodeUsername(username string) (name string, ok bool) {
	name, ok = strings.CutPrefix(username, NodeUsernamePrefix)
	if !ok || name == "" {
		return "", false
	}
	return name, true
}
