package workspace

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2/google"
	admin "google.golang.org/api/admin/directory/v1"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/impersonate"
	"google.golang.org/api/option"

	"github.com/blastradius/blastradius/collectors"
	"github.com/blastradius/blastradius/graphmodel"
)

// Scopes are the OAuth scopes the live collector asks for, which the
// domain-wide delegation of its service account must allow: read users,
// and read their OAuth tokens (a security scope: it lists, never reveals,
// the tokens).
var Scopes = []string{admin.AdminDirectoryUserReadonlyScope, admin.AdminDirectoryUserSecurityScope}

// LiveOptions configures the live collector.
type LiveOptions struct {
	// Customer is the customer id to list (default my_customer, the
	// administrator's own).
	Customer string
	// AdminEmail is the administrator domain-wide delegation acts as.
	AdminEmail string
	// CredentialsFile is the key file of a service account with domain-wide
	// delegation; ImpersonateServiceAccount instead names such an account
	// that Application Default Credentials may mint tokens for (no key).
	CredentialsFile, ImpersonateServiceAccount string
	// ClientOptions replace the credentials above (tests, proxies).
	ClientOptions []option.ClientOption
	// Concurrency is how many users' tokens are listed at once (default 4).
	Concurrency int
	// Retries is how many times a call answered 429 or 5xx is retried (default 4).
	Retries int
	// Backoff returns the wait before retry n (0-based); the default is
	// exponential from 500 ms with jitter, at most 30 s.
	Backoff func(n int) time.Duration
	// Now stamps the collection (default time.Now).
	Now func() time.Time
	// SaveFile, when set, receives what was read in the offline layout
	// (SaveRecords): --from-file replays it, gaps included.
	SaveFile string
	// Progress receives progress events (nil: none).
	Progress collectors.ProgressFunc
}

// Live collects from the Admin SDK Directory API.
type Live struct {
	opts LiveOptions
}

// NewLive checks the options and returns the collector.
func NewLive(opts LiveOptions) (*Live, error) {
	if opts.ClientOptions == nil {
		if opts.AdminEmail == "" || !strings.Contains(opts.AdminEmail, "@") {
			return nil, errors.New("workspace: --admin-email must name the administrator domain-wide delegation acts as")
		}
		if (opts.CredentialsFile == "") == (opts.ImpersonateServiceAccount == "") {
			return nil, errors.New("workspace: give the key file of a service account with domain-wide delegation (--credentials-file), or the account to impersonate (--impersonate-service-account), not both")
		}
	}
	if opts.Customer == "" {
		opts.Customer = DefaultCustomer
	}
	if strings.ContainsAny(opts.Customer, "/?# ") {
		return nil, fmt.Errorf("workspace: %q is not a customer id", opts.Customer)
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 4
	}
	if opts.Retries == 0 {
		opts.Retries = 4
	}
	if opts.Backoff == nil {
		opts.Backoff = func(n int) time.Duration {
			d := min(500*time.Millisecond<<min(n, 6), 30*time.Second)
			return d/2 + rand.N(d/2+1)
		}
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Live{opts: opts}, nil
}

// Name returns the registry name, "workspace".
func (l *Live) Name() string { return CollectorName }

// clientOptions returns the options of the Directory client: the given
// ones, or domain-wide delegation credentials.
func (l *Live) clientOptions(ctx context.Context) ([]option.ClientOption, error) {
	if l.opts.ClientOptions != nil {
		return l.opts.ClientOptions, nil
	}
	if l.opts.ImpersonateServiceAccount != "" {
		ts, err := impersonate.CredentialsTokenSource(ctx, impersonate.CredentialsConfig{
			TargetPrincipal: l.opts.ImpersonateServiceAccount, Scopes: Scopes, Subject: l.opts.AdminEmail})
		if err != nil {
			return nil, fmt.Errorf("workspace: impersonate %s: %w", l.opts.ImpersonateServiceAccount, err)
		}
		return []option.ClientOption{option.WithTokenSource(ts)}, nil
	}
	key, err := os.ReadFile(l.opts.CredentialsFile)
	if err != nil {
		return nil, fmt.Errorf("workspace: credentials: %w", err)
	}
	cfg, err := google.JWTConfigFromJSON(key, Scopes...)
	if err != nil {
		return nil, fmt.Errorf("workspace: credentials %s: %w (want a service account key file)", l.opts.CredentialsFile, err)
	}
	cfg.Subject = l.opts.AdminEmail
	return []option.ClientOption{option.WithHTTPClient(cfg.Client(ctx))}, nil
}

// session is one live collection.
type session struct {
	l        *Live
	svc      *admin.Service
	mu       sync.Mutex
	gaps     []graphmodel.Gap
	requests int
	// progressMu makes progress events one at a time, in order.
	progressMu sync.Mutex
}

// Collect lists the customer's users, then every user's OAuth tokens. A
// tokens.list refused or failing after its retries is a gap naming the
// user, and the rest goes on; users.list failing means nothing could be
// read, an error.
func (l *Live) Collect(ctx context.Context) (graphmodel.Fragment, error) {
	opts, err := l.clientOptions(ctx)
	if err != nil {
		return graphmodel.Fragment{}, err
	}
	svc, err := admin.NewService(ctx, opts...)
	if err != nil {
		return graphmodel.Fragment{}, fmt.Errorf("workspace: directory client: %w", err)
	}
	s := &session{l: l, svc: svc}
	recs := &Records{}
	err = collectors.Pages(ctx, func(ctx context.Context, token string) (*admin.Users, string, error) {
		var page *admin.Users
		err := s.try(ctx, func() (err error) {
			call := svc.Users.List().Customer(l.opts.Customer).MaxResults(500).OrderBy("email").Context(ctx)
			if token != "" {
				call = call.PageToken(token)
			}
			page, err = call.Do()
			return err
		})
		if err != nil {
			return nil, "", err
		}
		s.progress("users.list", 0, 0, false)
		return page, page.NextPageToken, nil
	}, func(page *admin.Users) error {
		for _, u := range page.Users {
			rec := User{ID: u.Id, PrimaryEmail: u.PrimaryEmail, CustomerID: u.CustomerId, IsAdmin: u.IsAdmin,
				IsDelegatedAdmin: u.IsDelegatedAdmin, Suspended: u.Suspended, Archived: u.Archived, OrgUnitPath: u.OrgUnitPath,
				CreationTime: u.CreationTime, LastLoginTime: u.LastLoginTime, IsEnrolledIn2Sv: u.IsEnrolledIn2Sv, Where: "live: users.list"}
			if rec.check() != nil {
				s.gap("user "+u.Id, "users.list returned no usable primaryEmail", "users.list")
				continue
			}
			recs.Users = append(recs.Users, rec)
		}
		return nil
	})
	if err != nil {
		if ctx.Err() != nil {
			return graphmodel.Fragment{}, ctx.Err()
		}
		return graphmodel.Fragment{}, fmt.Errorf("workspace: users.list of customer %s: %s", l.opts.Customer, reason(err))
	}
	tokens := make([][]Token, len(recs.Users))
	tasks := make([]collectors.Task, len(recs.Users))
	finished := 0
	for i, u := range recs.Users {
		tasks[i] = collectors.Task{Name: "tokens of " + u.PrimaryEmail, Do: func(ctx context.Context) error {
			tokens[i] = s.tokens(ctx, u.PrimaryEmail)
			s.mu.Lock()
			finished++
			n := finished
			s.mu.Unlock()
			s.progress("tokens.list "+u.PrimaryEmail, n, len(recs.Users), false)
			return nil
		}}
	}
	errs := collectors.Parallel(ctx, l.opts.Concurrency, tasks)
	if err := ctx.Err(); err != nil {
		return graphmodel.Fragment{}, err
	}
	for i, e := range errs {
		if e != nil {
			s.gap("tokens.list", e.Error(), recs.Users[i].PrimaryEmail)
		}
	}
	for _, list := range tokens {
		recs.Tokens = append(recs.Tokens, list...)
	}
	s.progress("done", len(recs.Users), len(recs.Users), true)
	sort.SliceStable(s.gaps, func(i, j int) bool { return s.gaps[i].Where < s.gaps[j].Where })
	recs.Gaps = s.gaps
	if l.opts.SaveFile != "" {
		if err := SaveRecords(l.opts.SaveFile, recs); err != nil {
			return graphmodel.Fragment{}, err
		}
	}
	customer := l.opts.Customer
	frag := Convert(recs, customer)
	frag.Source.Origin = "live"
	frag.Source.CollectedAt = l.opts.Now().UTC()
	return frag, nil
}

// tokens lists one user's tokens; a failure is a gap.
func (s *session) tokens(ctx context.Context, email string) []Token {
	var list *admin.Tokens
	if err := s.try(ctx, func() (err error) {
		list, err = s.svc.Tokens.List(email).Context(ctx).Do()
		return err
	}); err != nil {
		if ctx.Err() == nil {
			s.gap("tokens.list", reason(err), email)
		}
		return nil
	}
	var out []Token
	for _, t := range list.Items {
		tok := Token{ClientID: t.ClientId, DisplayText: t.DisplayText, Scopes: t.Scopes, UserKey: t.UserKey,
			NativeApp: t.NativeApp, Anonymous: t.Anonymous, Where: "live: tokens.list " + email}
		if tok.UserKey == "" {
			tok.UserKey = email
		}
		if err := tok.check(); err != nil {
			s.gap("token of "+email, err.Error(), "tokens.list")
			continue
		}
		out = append(out, tok)
	}
	return out
}

// try runs call, retrying 429 and 5xx answers with backoff.
func (s *session) try(ctx context.Context, call func() error) error {
	for n := 0; ; n++ {
		s.mu.Lock()
		s.requests++
		s.mu.Unlock()
		err := call()
		if err == nil || ctx.Err() != nil {
			return err
		}
		var ge *googleapi.Error
		if !errors.As(err, &ge) || (ge.Code != 429 && ge.Code < 500) || n >= s.l.opts.Retries {
			return err
		}
		t := time.NewTimer(s.l.opts.Backoff(n))
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

func (s *session) gap(what, why, where string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gaps = append(s.gaps, graphmodel.Gap{What: what, Reason: why, Where: where})
}

func (s *session) progress(latest string, done, total int, final bool) {
	if s.l.opts.Progress == nil {
		return
	}
	s.progressMu.Lock()
	defer s.progressMu.Unlock()
	s.mu.Lock()
	n := s.requests
	s.mu.Unlock()
	s.l.opts.Progress(collectors.Progress{Stage: "collecting", Unit: "users", Done: done, Total: total, Requests: n, Latest: latest, Final: final})
}

// reason renders an API error for a gap: "403 forbidden: message".
func reason(err error) string {
	var ge *googleapi.Error
	if !errors.As(err, &ge) {
		return err.Error()
	}
	msg := ge.Message
	if len(msg) > 200 {
		msg = msg[:200] + "…"
	}
	out := fmt.Sprint(ge.Code)
	if len(ge.Errors) > 0 && ge.Errors[0].Reason != "" {
		out += " " + ge.Errors[0].Reason
	}
	if msg != "" {
		out += ": " + msg
	}
	return out
}
