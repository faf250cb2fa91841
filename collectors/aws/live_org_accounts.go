package aws

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"regexp"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/blastradius/blastradius/collectors"
	"github.com/blastradius/blastradius/graphmodel"
)

// DefaultAssumeRole is the role CollectOrg assumes in each member account
// when LiveOptions.AssumeRole is empty. AWS creates no read-only role in
// member accounts (OrganizationAccountAccessRole, which it does create, is
// an administrator): create this one in every account, trusting the
// collecting identity, with the README's read-only policy, for example
// through a service-managed stack set.
const DefaultAssumeRole = "blastradius-audit"

// roleNamePattern matches IAM role names (with an optional path).
var roleNamePattern = regexp.MustCompile(`^(/[\x21-\x7e]+/)?[\w+=,.@-]{1,64}$`)

// ValidRoleName reports whether name can be an IAM role name, with an
// optional path ("/audit/blastradius").
func ValidRoleName(name string) bool { return roleNamePattern.MatchString(name) }

// assumeSessionName names the sessions CollectOrg opens (CloudTrail shows it).
const assumeSessionName = "blastradius"

// CollectOrg collects every active account of the organization of the
// current credentials into one fragment per account: the current account
// (the management account, or a delegated administrator) with its own
// credentials and the Organizations tree, every other account by assuming
// the role LiveOptions.AssumeRole in it (sts:AssumeRole), several accounts
// at a time (LiveOptions.Concurrency). Listing the accounts
// (organizations:ListAccounts) is required; an account whose role cannot
// be assumed, or whose collection fails, becomes a gap of the current
// account's fragment and the others go on. With SaveDir, each account's
// outputs go to SaveDir/<account id>. The current account's fragment comes
// first, the members' follow in account order.
func (l *Live) CollectOrg(ctx context.Context) ([]graphmodel.Fragment, error) {
	opts := l.opts
	opts.Org = true
	if opts.AssumeRole == "" {
		opts.AssumeRole = DefaultAssumeRole
	}
	if !ValidRoleName(opts.AssumeRole) {
		return nil, fmt.Errorf("role %q is not an IAM role name", opts.AssumeRole)
	}
	p := newProgress(opts.Progress)
	defer p.done()
	r := newLiveRun(l.cfg, opts, p)
	id, err := r.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, fmt.Errorf("sts:GetCallerIdentity: %w", err)
	}
	caller, partition := aws.ToString(id.Account), "aws"
	if f, ok := splitARN(aws.ToString(id.Arn)); ok {
		partition = f.Partition
	}
	accounts, err := r.listAccounts(ctx)
	if err != nil {
		return nil, fmt.Errorf("organizations:ListAccounts (account %s, to list the accounts of --org): %w", caller, err)
	}
	var members []string
	var gaps []graphmodel.Gap
	for _, a := range accounts {
		switch {
		case a.id == caller:
		case a.state != "" && a.state != string(orgtypes.AccountStateActive):
			gaps = append(gaps, graphmodel.Gap{What: "organizations:ListAccounts", Reason: "account is " + a.state + ": not collected", Where: "account " + a.id})
		default:
			members = append(members, a.id)
		}
	}
	sort.Strings(members)
	p.setAccounts(len(members) + 1)
	slog.InfoContext(ctx, "collecting AWS organization", "caller", caller, "members", len(members), "role", opts.AssumeRole)

	frags := make([]*graphmodel.Fragment, len(members))
	failed := make([]*graphmodel.Gap, len(members))
	tasks := make([]collectors.Task, len(members))
	for i, account := range members {
		tasks[i] = collectors.Task{Name: "account " + account, Do: func(ctx context.Context) error {
			defer p.accountDone()
			frags[i], failed[i] = l.collectMember(ctx, r.sts, opts, p, partition, account)
			return nil
		}}
	}
	errs := collectors.Parallel(ctx, opts.concurrency(), tasks)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for i, g := range failed {
		if errs[i] != nil { // a panic
			account := members[i]
			g = &graphmodel.Gap{What: "collect account", Reason: errorReason(errs[i]), Where: "account " + account + " (role " + memberRole(partition, account, opts.AssumeRole) + ")"}
		}
		if g != nil {
			gaps = append(gaps, *g)
		}
	}
	own := opts
	if own.SaveDir != "" {
		own.SaveDir = filepath.Join(own.SaveDir, caller)
	}
	frag, err := l.collectAccount(ctx, l.cfg, own, p, gaps)
	if err != nil {
		return nil, err
	}
	p.accountDone()
	out := []graphmodel.Fragment{frag}
	for _, f := range frags {
		if f != nil {
			out = append(out, *f)
		}
	}
	return out, nil
}

// memberRole is the ARN of the role CollectOrg assumes in account.
func memberRole(partition, account, role string) string {
	return "arn:" + partition + ":iam::" + account + ":role/" + trimSlashes(role)
}

// collectMember assumes the role in a member account and collects it;
// a failure is returned as the gap that reports it.
func (l *Live) collectMember(ctx context.Context, stsClient *sts.Client, opts LiveOptions, p *progress, partition, account string) (*graphmodel.Fragment, *graphmodel.Gap) {
	role := memberRole(partition, account, opts.AssumeRole)
	cfg := l.cfg.Copy()
	cfg.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(stsClient, role, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = assumeSessionName
	}))
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		slog.InfoContext(ctx, "cannot assume role", "account", account, "role", role, "err", err)
		return nil, &graphmodel.Gap{What: "sts:AssumeRole", Reason: errorReason(err), Where: "account " + account + " (role " + role + ")"}
	}
	opts.Org = false
	if opts.SaveDir != "" {
		opts.SaveDir = filepath.Join(opts.SaveDir, account)
	}
	frag, err := l.member(ctx, cfg, opts, p)
	if err != nil {
		slog.InfoContext(ctx, "account not collected", "account", account, "err", err)
		return nil, &graphmodel.Gap{What: "collect account", Reason: errorReason(err), Where: "account " + account + " (role " + role + ")"}
	}
	return &frag, nil
}

// trimSlashes drops the leading slash of a role name given with a path.
func trimSlashes(name string) string {
	for len(name) > 0 && name[0] == '/' {
		name = name[1:]
	}
	return name
}

// orgAccount is an account of organizations:ListAccounts.
type orgAccount struct{ id, state string }

// listAccounts lists every account of the organization
// (organizations:ListAccounts, every page).
func (r *liveRun) listAccounts(ctx context.Context) ([]orgAccount, error) {
	var out []orgAccount
	p := organizations.NewListAccountsPaginator(r.organizationsClient(), &organizations.ListAccountsInput{})
	err := sdkPages(ctx, p.HasMorePages, p.NextPage,
		func(o *organizations.ListAccountsOutput) *string { return o.NextToken },
		func(page *organizations.ListAccountsOutput) {
			for _, a := range page.Accounts {
				state := string(a.State)
				if state == "" {
					state = string(a.Status)
				}
				out = append(out, orgAccount{id: str(a.Id), state: state})
			}
		})
	if err != nil {
		return nil, err
	}
	return out, nil
}
