package aws

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"regexp"
	"sort"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/blastradius/blastradius/collectors"
	"github.com/blastradius/blastradius/graphmodel"
)

// defaultHomeRegion is the region of the global calls when neither the
// configuration nor the options name one.
const defaultHomeRegion = "us-east-1"

// LiveOrigin is the Source.Origin of a live collection.
const LiveOrigin = "live"

// Defaults of ConfigOptions.
const (
	// DefaultMaxAttempts is how many times a call is tried before its
	// failure becomes a gap (throttling and server errors are retried).
	DefaultMaxAttempts = 10
	// DefaultMaxBackoff bounds the wait between two attempts of a call.
	DefaultMaxBackoff = 20 * time.Second
)

// ConfigOptions select how LoadConfig finds credentials and where calls go.
type ConfigOptions struct {
	// Profile is the shared configuration profile (~/.aws/config); "" uses
	// AWS_PROFILE or the default chain (environment, SSO, web identity,
	// container and instance roles).
	Profile string
	// EndpointURL sends every call to this URL instead of the AWS
	// endpoints (an emulator such as moto, or a proxy); "" keeps AWS's.
	EndpointURL string
	// MaxAttempts bounds the attempts of one call; 0 means DefaultMaxAttempts.
	MaxAttempts int
	// MaxBackoff bounds the wait between attempts; 0 means DefaultMaxBackoff.
	MaxBackoff time.Duration
}

// LoadConfig loads the AWS SDK configuration the standard way
// (config.LoadDefaultConfig: environment, shared files and profiles, SSO,
// instance and container roles) with the adaptive retry mode: throttled
// calls are retried with exponential backoff and the client slows its own
// rate of calls while AWS throttles it.
func LoadConfig(ctx context.Context, o ConfigOptions) (aws.Config, error) {
	opts := []func(*config.LoadOptions) error{
		config.WithRetryer(func() aws.Retryer { return newRetryer(o.MaxAttempts, o.MaxBackoff) }),
	}
	if o.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(o.Profile))
	}
	if o.EndpointURL != "" {
		if err := CheckEndpointURL(o.EndpointURL); err != nil {
			return aws.Config{}, err
		}
		opts = append(opts, config.WithBaseEndpoint(o.EndpointURL))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("load AWS configuration: %w", err)
	}
	return cfg, nil
}

// CheckEndpointURL reports whether s can be an endpoint URL: http or https
// with a host.
func CheckEndpointURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("endpoint URL %q: want http(s)://host[:port]", s)
	}
	return nil
}

// newRetryer returns the adaptive retry mode (standard retries, and a
// client-side rate that slows down while AWS throttles) with the
// collector's bounds (retryBounds).
func newRetryer(maxAttempts int, maxBackoff time.Duration) aws.Retryer {
	return retry.NewAdaptiveMode(func(o *retry.AdaptiveModeOptions) {
		o.StandardOptions = append(o.StandardOptions, retryBounds(maxAttempts, maxBackoff))
	})
}

// retryBounds sets the attempts of a call (0 means DefaultMaxAttempts)
// and the longest wait between two (0 means DefaultMaxBackoff), with an
// exponential backoff and jitter. The retry quota of the standard mode is
// lifted (ratelimit.None): a batch collection would rather wait than turn
// throttled calls into gaps; the attempts stay bounded.
func retryBounds(maxAttempts int, maxBackoff time.Duration) func(*retry.StandardOptions) {
	if maxAttempts <= 0 {
		maxAttempts = DefaultMaxAttempts
	}
	if maxBackoff <= 0 {
		maxBackoff = DefaultMaxBackoff
	}
	return func(s *retry.StandardOptions) {
		s.MaxAttempts = maxAttempts
		s.MaxBackoff = maxBackoff
		s.Backoff = retry.NewExponentialJitterBackoff(maxBackoff)
		s.RateLimiter = ratelimit.None
	}
}

// AllRegions asks LiveOptions for every region enabled in the account.
const AllRegions = "all"

// LiveOptions configure a live collection.
type LiveOptions struct {
	// Regions are the regions whose regional resources are collected
	// (Lambda, EC2, KMS, …), or AllRegions alone for every region enabled
	// in the account (ec2:DescribeRegions). Empty means the configuration's
	// region, else us-east-1. IAM and the S3 bucket list are global and collected once.
	Regions []string
	// SaveDir, when set, receives the raw outputs in the offline layout
	// (gaad.json and <service>-<operation>.json files), so that
	// NewOffline can replay the collection.
	SaveDir string
	// Progress, when set, receives the collection's progress events
	// (Stage ProgressStage: calls made, accounts done), the last one
	// Final, whether the collection succeeded or not.
	Progress collectors.ProgressFunc
	// ReportWait bounds the wait for the credential report to be generated;
	// 0 means two minutes. PollInterval is the wait between two checks; 0
	// means two seconds.
	ReportWait, PollInterval time.Duration
	// Concurrency bounds how many regions, and with CollectOrg how many
	// accounts, are collected at once; 0 means 4.
	Concurrency int
	// Org reads the Organizations tree even when the account is not the
	// management account (a delegated administrator); CollectOrg sets it.
	Org bool
	// AssumeRole is the name of the role CollectOrg assumes in each member
	// account; "" means DefaultAssumeRole.
	AssumeRole string
}

// Live collects one AWS account through the AWS APIs. Every call is
// read-only; no call returns secret material (see the README for the
// actions used). A call that fails (AccessDenied, an API the endpoint
// lacks, retries exhausted) becomes a gap and the collection goes on;
// only the account's identity (sts:GetCallerIdentity) and its
// authorization details (iam:GetAccountAuthorizationDetails) are required.
type Live struct {
	cfg  aws.Config
	opts LiveOptions
	now  func() time.Time
	// member collects a member account of CollectOrg with its assumed
	// role's configuration: collectAccount, or a test's stand-in.
	member func(ctx context.Context, cfg aws.Config, opts LiveOptions, p *progress) (graphmodel.Fragment, error)
}

// NewLive returns a live collector using the configuration cfg (see
// LoadConfig).
func NewLive(cfg aws.Config, opts LiveOptions) *Live {
	l := &Live{cfg: cfg, opts: opts, now: time.Now}
	l.member = func(ctx context.Context, cfg aws.Config, opts LiveOptions, p *progress) (graphmodel.Fragment, error) {
		return l.collectAccount(ctx, cfg, opts, p, nil)
	}
	return l
}

// Name returns the registry name, "aws".
func (l *Live) Name() string { return CollectorName }

// Collect calls the AWS APIs, converts the outputs with ConvertAccount and
// returns the account's fragment, whose Source.Gaps lists the calls that
// failed besides the converter's gaps. With SaveDir set, the raw outputs
// and the failed calls (gaps.json) are written there before they are
// converted.
func (l *Live) Collect(ctx context.Context) (graphmodel.Fragment, error) {
	p := newProgress(l.opts.Progress)
	defer p.done()
	return l.collectAccount(ctx, l.cfg, l.opts, p, nil)
}

// collectAccount collects the account of cfg's credentials; extra are
// gaps to report first (CollectOrg's, about the member accounts).
func (l *Live) collectAccount(ctx context.Context, cfg aws.Config, opts LiveOptions, p *progress, extra []graphmodel.Gap) (graphmodel.Fragment, error) {
	start := l.now().UTC()
	r := newLiveRun(cfg, opts, p)
	for _, g := range extra {
		r.gaps = append(r.gaps, slottedGap{gap: g})
	}
	allRegions := len(opts.Regions) == 1 && opts.Regions[0] == AllRegions
	var regions []string
	if !allRegions { // check the names before any call
		var err error
		if regions, err = r.regions(); err != nil {
			return graphmodel.Fragment{}, err
		}
	}

	id, err := r.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return graphmodel.Fragment{}, fmt.Errorf("sts:GetCallerIdentity: %w", err)
	}
	r.account = aws.ToString(id.Account)
	slog.InfoContext(ctx, "collecting AWS account", "account", r.account, "caller", aws.ToString(id.Arn))

	details, err := r.authorizationDetails(ctx)
	if err != nil {
		return graphmodel.Fragment{}, err
	}
	res := &Resources{}
	steps := []func(context.Context, *Resources) error{r.credentialReport, r.oidcProviders, r.samlProviders, r.s3, r.organizations}
	for _, step := range steps {
		if err := step(ctx, res); err != nil {
			return graphmodel.Fragment{}, err
		}
	}
	if allRegions {
		if regions, err = r.enabledRegions(ctx); err != nil {
			return graphmodel.Fragment{}, err
		}
	}
	if err := r.collectRegions(ctx, regions, res); err != nil {
		return graphmodel.Fragment{}, err
	}

	// The failed calls go through the converter as gaps.json does offline,
	// so that a replay of --save-dir reports the same gaps in the same order.
	res.CollectionGaps = r.collectionGapOutputs()
	if opts.SaveDir != "" {
		if err := SaveOutputs(opts.SaveDir, details, res); err != nil {
			return graphmodel.Fragment{}, err
		}
	}
	frag, err := ConvertAccount(details, r.where(GAADCall, ""), res)
	if err != nil {
		return graphmodel.Fragment{}, err
	}
	frag.Source.Origin = LiveOrigin
	frag.Source.CollectedAt = start
	return frag, nil
}

// liveRun is the state of one live collection.
type liveRun struct {
	cfg     aws.Config
	opts    LiveOptions
	sts     *sts.Client
	iam     *iam.Client
	account string
	// home is the region of the global calls (IAM, STS, the S3 bucket list).
	home     string
	progress *progress

	mu   sync.Mutex
	gaps []slottedGap
	// s3ByRegion caches the S3 clients: the adaptive retry mode slows the
	// calls of one client, so each service and region keeps one.
	s3ByRegion map[string]*s3.Client
}

func newLiveRun(cfg aws.Config, opts LiveOptions, p *progress) *liveRun {
	cfg = cfg.Copy()
	cfg.APIOptions = append(cfg.APIOptions, p.middleware)
	home := cfg.Region
	if home == "" && len(opts.Regions) > 0 && opts.Regions[0] != AllRegions {
		home = opts.Regions[0]
	}
	if home == "" {
		home = defaultHomeRegion
	}
	return &liveRun{
		cfg: cfg, opts: opts, home: home, progress: p,
		sts:        sts.NewFromConfig(cfg, func(o *sts.Options) { o.Region = home }),
		iam:        iam.NewFromConfig(cfg, func(o *iam.Options) { o.Region = home }),
		s3ByRegion: map[string]*s3.Client{},
	}
}

// where names a call for Output.Where: "<call> account <id>[ region <r>]".
func (r *liveRun) where(call, region string) string {
	return call + " " + r.place(region)
}

// place is "account <id>" or "account <id> region <r>".
func (r *liveRun) place(region string) string {
	if region == "" {
		return "account " + r.account
	}
	return "account " + r.account + " region " + region
}

// failed records a call that failed as a gap: What the call
// ("lambda:ListFunctions"), Reason the error code, Where the account, the
// region and, for a per-item call, the item. A cancelled context is
// returned instead: the collection stops. A call whose endpoint host does
// not exist (a service AWS does not offer in the region) is no gap, nor
// is a nil err (a listing read whole).
func (r *liveRun) failed(ctx context.Context, call, region, item string, err error) error {
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var dns *net.DNSError
	if errors.As(err, &dns) && dns.IsNotFound {
		// The service has no endpoint in this region: nothing to see.
		slog.DebugContext(ctx, "no endpoint", "call", call, "region", region, "err", err)
		return nil
	}
	where := r.place(region)
	if item != "" {
		where += " (" + item + ")"
	}
	g := graphmodel.Gap{What: call, Reason: errorReason(err), Where: where}
	slog.InfoContext(ctx, "call failed", "call", call, "where", where, "err", err)
	r.mu.Lock()
	r.gaps = append(r.gaps, slottedGap{slot: gapSlot(ctx), gap: g})
	r.mu.Unlock()
	return nil
}

// errorReason is the AWS error code of err ("AccessDenied"), or its text
// when it is no API error (a network failure); "panicked: <value>" for a
// task that panicked (the stack is in the debug log).
func errorReason(err error) string {
	var pe *collectors.PanicError
	if errors.As(err, &pe) {
		return fmt.Sprintf("panicked: %v", pe.Value)
	}
	var ae smithy.APIError
	if errors.As(err, &ae) && ae.ErrorCode() != "" {
		return ae.ErrorCode()
	}
	var re *retry.MaxAttemptsError
	if errors.As(err, &re) {
		return fmt.Sprintf("gave up after %d attempts: %v", re.Attempt, re.Err)
	}
	return err.Error()
}

// isCode reports whether err is an AWS error with one of the codes.
func isCode(err error, codes ...string) bool {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return false
	}
	for _, c := range codes {
		if ae.ErrorCode() == c {
			return true
		}
	}
	return false
}

// regionPattern matches region names (us-east-1, cn-north-1, us-gov-west-1).
var regionPattern = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)

// ValidRegion reports whether name looks like an AWS region name.
func ValidRegion(name string) bool { return regionPattern.MatchString(name) }

// regions returns the regions of the options, checked and sorted, else
// the home region. AllRegions is resolved by enabledRegions.
func (r *liveRun) regions() ([]string, error) {
	list := r.opts.Regions
	if len(list) == 0 {
		list = []string{r.home}
	}
	seen := map[string]bool{}
	var out []string
	for _, reg := range list {
		if !ValidRegion(reg) {
			return nil, fmt.Errorf("region %q is not a region name", reg)
		}
		if !seen[reg] {
			seen[reg] = true
			out = append(out, reg)
		}
	}
	sort.Strings(out)
	return out, nil
}

// concurrency is LiveOptions.Concurrency, else 4.
func (o LiveOptions) concurrency() int {
	if o.Concurrency <= 0 {
		return 4
	}
	return o.Concurrency
}

// collectRegions collects the regional resources of every region, a few
// regions at a time, and appends them to res in region order. A region
// whose collection panics becomes a gap (what it read before is kept).
func (r *liveRun) collectRegions(ctx context.Context, regions []string, res *Resources) error {
	results := make([]Resources, len(regions))
	tasks := make([]collectors.Task, len(regions))
	for i, region := range regions {
		tasks[i] = collectors.Task{Name: r.place(region), Do: func(ctx context.Context) error {
			return r.collectRegion(withGapSlot(ctx, i+1), region, &results[i])
		}}
	}
	errs := collectors.Parallel(ctx, r.opts.concurrency(), tasks)
	for i, err := range errs {
		var p *collectors.PanicError
		if errors.As(err, &p) {
			errs[i] = r.failed(withGapSlot(ctx, i+1), "collect region", regions[i], "", err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	for i := range results {
		appendResources(res, &results[i])
	}
	return nil
}

// collectRegion collects the regional resources of one region.
func (r *liveRun) collectRegion(ctx context.Context, region string, res *Resources) error {
	steps := []func(context.Context, string, *Resources) error{
		r.lambda, r.ec2Instances, r.launchTemplates, r.ssm, r.cloudFormation, r.codeBuild, r.glue,
		r.sageMaker, r.appRunner, r.ecs, r.eks, r.bedrockAgentCore, r.kms, r.secretsManager,
		r.dynamoDB, r.rds, r.sqs, r.sns, r.ecr,
	}
	for _, step := range steps {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := step(ctx, region, res); err != nil {
			return err
		}
	}
	return nil
}

// str returns the string p points to, or "".
func str(p *string) string { return aws.ToString(p) }

// cliTime renders a time as the AWS CLI v2 prints it
// ("2024-05-01T12:00:00+00:00", with microseconds when there are any).
func cliTime(t *time.Time) Timestamp {
	if t == nil {
		return ""
	}
	u := t.UTC()
	if u.Nanosecond() != 0 {
		return Timestamp(u.Format("2006-01-02T15:04:05.000000-07:00"))
	}
	return Timestamp(u.Format("2006-01-02T15:04:05-07:00"))
}

// liveTags maps a list of SDK tags to the raw Tag type.
func liveTags[T any](list []T, kv func(T) (*string, *string)) []Tag {
	if len(list) == 0 {
		return nil
	}
	out := make([]Tag, len(list))
	for i, t := range list {
		k, v := kv(t)
		out[i] = Tag{Key: str(k), Value: str(v)}
	}
	return out
}
