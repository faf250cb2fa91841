package gcp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strings"
	"time"

	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"

	"github.com/blastradius/blastradius/collectors"
	"github.com/blastradius/blastradius/gcppolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// LiveOptions configures the live collector.
type LiveOptions struct {
	// Organization is the numeric id of the organization to walk (its
	// folders and projects, recursively). Exactly one of Organization and
	// Projects is given.
	Organization string
	// Projects are the ids of the projects to collect.
	Projects []string
	// ClientOptions go to every API client (credentials, quota project, an
	// HTTP client). Without them the clients use Application Default Credentials.
	ClientOptions []option.ClientOption
	// Endpoints overrides the base URL of an API by its short name:
	// cloudresourcemanager, iam, storage, secretmanager, cloudfunctions,
	// run, compute, container (for tests and emulators).
	Endpoints map[string]string
	// Retries is how many times a call answered 429 or 5xx is retried (default 4).
	Retries int
	// Backoff returns the wait before retry n (0-based); the default is
	// exponential from 500 ms with jitter, at most 30 s.
	Backoff func(n int) time.Duration
	// Now stamps the collection (default time.Now).
	Now func() time.Time
	// SaveDir, when set, receives what was read in the offline layout
	// (SaveRecords): the offline reader replays it, gaps included.
	SaveDir string
}

// The API names of LiveOptions.Endpoints.
const (
	apiResourceManager = "cloudresourcemanager"
	apiIAM             = "iam"
	apiStorage         = "storage"
	apiSecretManager   = "secretmanager"
	apiFunctions       = "cloudfunctions"
	apiRun             = "run"
	apiCompute         = "compute"
	apiContainer       = "container"
)

// Live collects from the Google Cloud APIs.
type Live struct {
	opts LiveOptions
}

// NewLive checks the options and returns the collector.
func NewLive(opts LiveOptions) (*Live, error) {
	if (opts.Organization == "") == (len(opts.Projects) == 0) {
		return nil, errors.New("gcp: give an organization or projects, not both")
	}
	if opts.Organization != "" && strings.Trim(opts.Organization, "0123456789") != "" {
		return nil, fmt.Errorf("gcp: organization %q is not a numeric id", opts.Organization)
	}
	for _, p := range opts.Projects {
		if p == "" || strings.ContainsAny(p, "/ ") {
			return nil, fmt.Errorf("gcp: %q is not a project id", p)
		}
	}
	if opts.Retries == 0 {
		opts.Retries = 4
	}
	if opts.Backoff == nil {
		opts.Backoff = defaultBackoff
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Live{opts: opts}, nil
}

func defaultBackoff(n int) time.Duration {
	d := 500 * time.Millisecond << min(n, 6)
	d = min(d, 30*time.Second)
	return d/2 + rand.N(d/2+1)
}

// Name returns the registry name, "gcp".
func (l *Live) Name() string { return CollectorName }

// clientOptions returns the options of the client of api.
func (l *Live) clientOptions(api string) []option.ClientOption {
	opts := append([]option.ClientOption(nil), l.opts.ClientOptions...)
	if ep, ok := l.opts.Endpoints[api]; ok {
		opts = append(opts, option.WithEndpoint(ep))
	}
	return opts
}

// session is one live collection.
type session struct {
	l       *Live
	c       *clients
	recs    Records
	gaps    []graphmodel.Gap
	fatal   error
	visited map[string]bool
}

// Collect walks the organization or the projects. A call refused (403,
// 404, an API not enabled) or failing after its retries becomes a gap and
// the rest goes on; an error means nothing usable was read (the
// organization or every project refused).
func (l *Live) Collect(ctx context.Context) (graphmodel.Fragment, error) {
	c, err := newClients(ctx, l)
	if err != nil {
		return graphmodel.Fragment{}, err
	}
	s := &session{l: l, c: c, visited: map[string]bool{}}
	if l.opts.Organization != "" {
		s.organization(ctx, l.opts.Organization)
	} else {
		for _, p := range l.opts.Projects {
			s.projectByID(ctx, p)
		}
	}
	if err := ctx.Err(); err != nil {
		return graphmodel.Fragment{}, err
	}
	if s.fatal != nil {
		return graphmodel.Fragment{}, s.fatal
	}
	if len(s.recs.Assets) == 0 {
		return graphmodel.Fragment{}, fmt.Errorf("gcp: nothing could be read: %s", gapSummary(s.gaps))
	}
	s.recs.Gaps = s.gaps
	if l.opts.SaveDir != "" {
		if err := SaveRecords(l.opts.SaveDir, &s.recs); err != nil {
			return graphmodel.Fragment{}, err
		}
	}
	frag, err := Convert(&s.recs)
	if err != nil {
		return graphmodel.Fragment{}, fmt.Errorf("gcp: convert: %w", err)
	}
	frag.Source.Origin = "live"
	frag.Source.CollectedAt = l.opts.Now().UTC()
	if l.opts.Organization != "" {
		frag.Source.Scope = graphmodel.GCPScope("organization", l.opts.Organization)
	}
	return frag, nil
}

func gapSummary(gaps []graphmodel.Gap) string {
	if len(gaps) == 0 {
		return "no answer"
	}
	parts := make([]string, 0, 3)
	for i, g := range gaps {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("and %d more", len(gaps)-3))
			break
		}
		parts = append(parts, g.What+" on "+g.Where+": "+g.Reason)
	}
	return strings.Join(parts, "; ")
}

// retryable reports whether an answer is worth another try.
func retryable(err error) bool {
	var ge *googleapi.Error
	if errors.As(err, &ge) {
		return ge.Code == 429 || ge.Code >= 500
	}
	return false
}

// try runs call with retries; a final failure becomes a gap (what, on
// where) and try returns false.
func (s *session) try(ctx context.Context, what, where string, call func() error) bool {
	for n := 0; ; n++ {
		err := call()
		if err == nil {
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		if retryable(err) && n < s.l.opts.Retries {
			t := time.NewTimer(s.l.opts.Backoff(n))
			select {
			case <-ctx.Done():
				t.Stop()
				return false
			case <-t.C:
			}
			continue
		}
		s.gaps = append(s.gaps, graphmodel.Gap{What: what, Reason: reason(err), Where: where})
		return false
	}
}

// reason renders an API error for a gap: "403 PERMISSION_DENIED: message".
func reason(err error) string {
	var ge *googleapi.Error
	if !errors.As(err, &ge) {
		return err.Error()
	}
	msg := ge.Message
	if len(msg) > 200 {
		msg = msg[:200] + "…"
	}
	status := ""
	for _, d := range ge.Details {
		if m, ok := d.(map[string]any); ok {
			if r, ok := m["reason"].(string); ok && r != "" {
				status = r
				break
			}
		}
	}
	if status == "" && len(ge.Errors) > 0 {
		status = ge.Errors[0].Reason
	}
	out := fmt.Sprint(ge.Code)
	if status != "" {
		out += " " + status
	}
	if msg != "" {
		out += ": " + msg
	}
	return out
}

// pages calls get for every page, each receives the page
// (collectors.Pages); a page that fails after its retries, or a page
// token the server repeats, becomes a gap and ends the listing.
func pages[R any](ctx context.Context, s *session, what, where string, get func(token string) (R, error), next func(R) string, each func(R)) {
	err := collectors.Pages(ctx, func(ctx context.Context, token string) (r R, _ string, err error) {
		if !s.try(ctx, what, where, func() (err error) { r, err = get(token); return err }) {
			return r, "", errPageFailed
		}
		return r, next(r), nil
	}, func(r R) error { each(r); return nil })
	if errors.Is(err, collectors.ErrRepeatedToken) {
		s.gaps = append(s.gaps, gap(what, err.Error(), where))
	}
}

// errPageFailed ends a listing whose page try has recorded as a gap.
var errPageFailed = errors.New("page failed")

// add records an asset read from an API: v is the API's resource, policy
// its allow policy (any JSON-marshalable form of it, nil when none).
func (s *session) add(name, typ string, v any, policy any, ancestors []string, where string) {
	a := Asset{Name: name, Type: typ, Ancestors: ancestors, File: "live:" + where, Where: "live: " + where}
	if v != nil {
		raw, err := json.Marshal(v)
		if err != nil {
			s.gaps = append(s.gaps, graphmodel.Gap{What: typ + " " + name, Reason: "encode: " + err.Error(), Where: where})
			return
		}
		a.Data = raw
	}
	if policy != nil {
		raw, err := json.Marshal(policy)
		if err == nil {
			a.Policy, err = gcppolicy.ParseAllowPolicy(raw)
		}
		if err != nil {
			s.gaps = append(s.gaps, graphmodel.Gap{What: "allow policy of " + name, Reason: err.Error(), Where: where})
		}
	}
	s.recs.Assets = append(s.recs.Assets, a)
}

// attachment returns the IAM v2 policy parent of a deny-policy attachment
// point: policies/<URL-encoded point>/denypolicies.
func attachment(point string) string {
	return "policies/" + url.PathEscape(point) + "/denypolicies"
}

func gap(what, reason, where string) graphmodel.Gap {
	return graphmodel.Gap{What: what, Reason: reason, Where: where}
}
