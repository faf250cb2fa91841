package analysis

import (
	"fmt"
	"strings"
	"time"

	"github.com/blastradius/blastradius/graphmodel"
)

// Hygiene holds what the collection says of an identity's credentials, and
// the findings of the OWASP Non-Human Identities Top 10 (2025) they show.
// Every field is optional: a collector that does not know a fact leaves it out.
type Hygiene struct {
	CreatedAt string `json:"created_at,omitempty"`
	// LastUsedAt is the most recent use of any of its credentials.
	LastUsedAt string `json:"last_used_at,omitempty"`
	// DaysUnused counts the days since LastUsedAt (or since creation when
	// it was never used).
	DaysUnused       *int `json:"days_unused,omitempty"`
	ActiveAccessKeys *int `json:"active_access_keys,omitempty"`
	// OldestAccessKeyDays is the age of its oldest active access key.
	OldestAccessKeyDays *int `json:"oldest_access_key_days,omitempty"`
	UnusedAccessKeys    *int `json:"unused_access_keys,omitempty"`
	// Findings are short sentences, each led by its NHI Top 10 id.
	Findings []string `json:"findings,omitempty"`
}

// Hygiene thresholds, in days.
const (
	UnusedAfterDays  = 90
	RotateAfterDays  = 90
	neverUsedMarker  = "N/A"
	dateOnlyLayout   = "2006-01-02"
	findingUnused    = "NHI1"
	findingOverPriv  = "NHI5"
	findingOIDCTrust = "NHI6"
	findingLongLived = "NHI7"
)

// hygieneOf reads the provider-neutral credential facts of n: its creation
// and own last use (PropCreated, PropLastUsed), its credentials
// (Node.Credentials), whether its source tracks every use
// (PropUsageTracked), and, on federated principals the analysis derived, a
// trust that admits them too broadly (PropFederatedBroadTrust, or the subject
// their trust admits, PropFederatedSubject, on nodes without it).
//
// The last use is the latest of the node's own, its passwords' and its active
// keys' and tokens'. Keys and tokens are counted in ActiveAccessKeys when
// active, unused when never used or not for UnusedAfterDays, and their age
// (since the last rotation) in OldestAccessKeyDays.
func hygieneOf(n *graphmodel.Node, now time.Time, admin bool) *Hygiene {
	h := &Hygiene{CreatedAt: n.Prop(graphmodel.PropCreated)}
	var last time.Time
	use := func(s string) {
		if t, ok := parseTime(s); ok && t.After(last) {
			last = t
		}
	}
	use(n.Prop(graphmodel.PropLastUsed))
	active, unused, oldest, keys := 0, 0, -1, 0
	for _, c := range n.Credentials {
		if !c.Kind.Long() {
			use(c.LastUsedAt)
			continue
		}
		keys++
		if !c.Active {
			continue
		}
		active++
		use(c.LastUsedAt)
		if t, ok := parseTime(c.LastUsedAt); !ok || days(now, t) > UnusedAfterDays {
			unused++
		}
		rotated := c.LastRotatedAt
		if rotated == "" {
			rotated = c.CreatedAt
		}
		if t, ok := parseTime(rotated); ok {
			oldest = max(oldest, days(now, t))
		}
	}
	if keys > 0 {
		h.ActiveAccessKeys, h.UnusedAccessKeys = &active, &unused
	}
	if oldest >= 0 {
		h.OldestAccessKeyDays = &oldest
		if oldest > RotateAfterDays {
			h.Findings = append(h.Findings, fmt.Sprintf("%s: access key not rotated for %d days", findingLongLived, oldest))
		}
	}
	if unused > 0 {
		h.Findings = append(h.Findings, fmt.Sprintf("%s: %d active access key(s) unused for over %d days", findingUnused, unused, UnusedAfterDays))
	}
	switch created, ok := parseTime(h.CreatedAt); {
	case !last.IsZero():
		h.LastUsedAt = last.UTC().Format(time.RFC3339)
		d := days(now, last)
		h.DaysUnused = &d
	case ok && n.Prop(graphmodel.PropUsageTracked) == "true":
		// The source tracks this identity's use: none recorded is none.
		d := days(now, created)
		h.DaysUnused = &d
	}
	if h.DaysUnused != nil && *h.DaysUnused > UnusedAfterDays {
		h.Findings = append(h.Findings, fmt.Sprintf("%s: unused for %d days", findingUnused, *h.DaysUnused))
	}
	if f := broadTrustFinding(n); f != "" {
		h.Findings = append(h.Findings, f)
	}
	if admin && n.IsNonHuman() {
		h.Findings = append(h.Findings, findingOverPriv+": a non-human identity with administrator-equivalent reach")
	}
	if h.CreatedAt == "" && h.LastUsedAt == "" && h.ActiveAccessKeys == nil && len(h.Findings) == 0 {
		return nil
	}
	return h
}

// broadTrustFinding returns the NHI6 finding of a federated principal whose
// trust admits more than one repository and branch: any repository
// (github:repo:*), any of an owner's, any branch of one ("" when none).
// The analyses write the trust on the node (PropFederatedBroadTrust); a
// node without it is judged by its subject pattern (PropFederatedSubject).
func broadTrustFinding(n *graphmodel.Node) string {
	trust := n.Prop(graphmodel.PropFederatedBroadTrust)
	sub := n.Prop(graphmodel.PropFederatedSubject)
	if trust == "" && (sub == "" || !strings.Contains(sub, "*")) {
		return ""
	}
	what := "more than one repository and branch"
	if n.Kind == graphmodel.KindGitHubRepo {
		switch pattern := strings.TrimPrefix(n.ID, graphmodel.GitHubRepo("")); {
		case pattern == "*":
			what = "any GitHub repository"
		case strings.HasSuffix(pattern, "/*"):
			what = "any repository of " + strings.TrimSuffix(pattern, "/*")
		case strings.Contains(pattern, "*"):
			what = "any repository named " + pattern
		default:
			what = "any branch of " + pattern
		}
	}
	if trust == "" {
		trust = fmt.Sprintf("its trust admits %q", sub)
	}
	return fmt.Sprintf("%s: federated trust admits %s: %s", findingOIDCTrust, what, trust)
}

func parseTime(s string) (time.Time, bool) {
	if s == "" || s == neverUsedMarker || s == "no_information" {
		return time.Time{}, false
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", dateOnlyLayout} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func days(now, t time.Time) int {
	d := int(now.Sub(t).Hours() / 24)
	return max(d, 0)
}
