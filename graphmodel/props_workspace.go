package graphmodel

// Property keys of the Google Workspace collector (collectors/workspace).
// Values are strings as collected; booleans are "true" or "false". A
// user's creation and last login are the neutral PropCreated and
// PropLastUsed.
const (
	// PropWorkspaceUserID is a user's directory id (the userKey of its tokens).
	PropWorkspaceUserID = "user_id"
	// PropWorkspaceIsAdmin is "true" for a super administrator.
	PropWorkspaceIsAdmin = "is_admin"
	// PropWorkspaceIsDelegatedAdmin is "true" for a user with an admin
	// role other than super administrator.
	PropWorkspaceIsDelegatedAdmin = "is_delegated_admin"
	// PropWorkspaceSuspended is "true" for a suspended user.
	PropWorkspaceSuspended = "suspended"
	// PropWorkspaceArchived is "true" for an archived user.
	PropWorkspaceArchived = "archived"
	// PropWorkspaceOrgUnit is a user's organizational unit path.
	PropWorkspaceOrgUnit = "org_unit_path"
	// PropWorkspace2SV is "true" when a user is enrolled in 2-step verification.
	PropWorkspace2SV = "enrolled_2sv"
	// PropWorkspaceClientID is an OAuth app's client id.
	PropWorkspaceClientID = "client_id"
	// PropWorkspaceDisplayText is an OAuth app's name as its tokens give it.
	// It comes from the app's publisher: hostile text, kept verbatim,
	// never interpreted; every writer escapes it.
	PropWorkspaceDisplayText = "display_text"
	// PropWorkspaceNativeApp is "true" for an app installed on a device.
	PropWorkspaceNativeApp = "native_app"
	// PropWorkspaceAnonymous is "true" for an app with an anonymous
	// (unregistered) client id.
	PropWorkspaceAnonymous = "anonymous"
	// PropWorkspaceScopes lists the OAuth scopes any user granted an app,
	// sorted, comma-separated (each grant's are its credential's Scopes).
	PropWorkspaceScopes = "scopes"
	// PropWorkspaceGrants is the number of users who granted an app.
	PropWorkspaceGrants = "grants"
)
