package graphmodel

// CredentialKind is a provider-neutral kind of credential.
type CredentialKind string

// The credential kinds.
const (
	// CredentialPassword is a sign-in password (an IAM user's console
	// password).
	CredentialPassword CredentialKind = "password"
	// CredentialAccessKey is a long-lived key pair or key file (an AWS
	// access key, a GCP service-account key).
	CredentialAccessKey CredentialKind = "access_key"
	// CredentialToken is a long-lived bearer token (a Kubernetes
	// service-account token secret, an API token).
	CredentialToken CredentialKind = "token"
	// CredentialOAuthGrant is an OAuth grant a user gave an application.
	CredentialOAuthGrant CredentialKind = "oauth_grant"
)

// Long reports whether credentials of kind k stay valid until someone
// rotates or revokes them (keys and tokens; hygiene counts their age).
func (k CredentialKind) Long() bool { return k == CredentialAccessKey || k == CredentialToken }

// Credential is what the collection knows of one credential of a node: never
// its material, only its kind and life. Times are RFC 3339 or dates as the
// source gives them; "" when unknown.
type Credential struct {
	Kind CredentialKind `json:"kind"`
	// ID names the credential without revealing anything secret: a slot
	// ("1"), a key's resource name, a secret's name.
	ID string `json:"id,omitempty"`
	// Active is false for a disabled, deactivated or expired credential.
	Active bool `json:"active"`
	// CreatedAt is when it was issued.
	CreatedAt string `json:"created_at,omitempty"`
	// LastUsedAt is its most recent recorded use.
	LastUsedAt string `json:"last_used_at,omitempty"`
	// LastRotatedAt is when it was last replaced (a key's creation, a
	// password's last change).
	LastRotatedAt string `json:"last_rotated_at,omitempty"`
	// ExpiresAt is when it stops working by itself.
	ExpiresAt string `json:"expires_at,omitempty"`
	// Scopes are what an OAuth grant allows.
	Scopes []string `json:"scopes,omitempty"`
}
