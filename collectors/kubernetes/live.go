package kubernetes

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/blastradius/blastradius/collectors"
	"github.com/blastradius/blastradius/graphmodel"
)

// LiveOrigin is the Source.Origin of a live collection.
const LiveOrigin = "live"

// DefaultPageSize is the Limit of each list call unless LiveOptions says
// otherwise.
const DefaultPageSize = 500

// LiveOptions configure a live collection.
type LiveOptions struct {
	// Kubeconfig is the kubeconfig file to use ("--kubeconfig"); "" follows
	// the standard loading rules: the files of $KUBECONFIG, merged, else
	// ~/.kube/config, else the in-cluster service account of a pod.
	Kubeconfig string
	// Context is the kubeconfig context to use ("--context"); "" is the
	// current context.
	Context string
	// ClusterName names the cluster in IDs ("--cluster-name"); "" is the
	// context's cluster, with an EKS cluster ARN
	// (arn:aws:eks:<region>:<account>:cluster/<name>) or an eksctl name
	// (<name>.<region>.eksctl.io) shortened to the EKS cluster name, which
	// the AWS collector's IDs use. In-cluster there is no context: it is
	// required.
	ClusterName string
	// PageSize is the Limit of each list call; 0 means DefaultPageSize.
	PageSize int64
	// SaveFile, when set, receives what was read as a List (WriteList),
	// with the gaps and server facts, so that NewOffline replays the
	// collection; written with mode 0600.
	SaveFile string
	// Config, when set, is used instead of a kubeconfig (embedding,
	// tests); ClusterName is then required.
	Config *rest.Config
}

// Live collects a cluster through its API server.
type Live struct {
	opts LiveOptions
	now  func() time.Time
}

// NewLive returns a live collector.
func NewLive(o LiveOptions) *Live { return &Live{opts: o, now: time.Now} }

// Name returns the registry name, "kubernetes".
func (l *Live) Name() string { return CollectorName }

var (
	eksARN     = regexp.MustCompile(`^arn:aws[a-z-]*:eks:[a-z0-9-]+:[0-9]{12}:cluster/([0-9A-Za-z][A-Za-z0-9_-]*)$`)
	eksctlName = regexp.MustCompile(`^([0-9A-Za-z][A-Za-z0-9_-]*)\.[a-z0-9-]+\.eksctl\.io$`)
)

// ClusterNameOf returns the name IDs use for a kubeconfig cluster, and
// the EKS cluster ARN when the kubeconfig name is one: an EKS ARN and an
// eksctl name become the EKS cluster name; any other name stays.
func ClusterNameOf(kubeconfigCluster string) (name, arn string) {
	if m := eksARN.FindStringSubmatch(kubeconfigCluster); m != nil {
		return m[1], kubeconfigCluster
	}
	if m := eksctlName.FindStringSubmatch(kubeconfigCluster); m != nil {
		return m[1], ""
	}
	return kubeconfigCluster, ""
}

// restConfig loads the client configuration and the cluster's name.
func (l *Live) restConfig() (cfg *rest.Config, cluster, arn string, err error) {
	if l.opts.Config != nil {
		if l.opts.ClusterName == "" {
			return nil, "", "", ErrNoClusterName
		}
		return rest.CopyConfig(l.opts.Config), l.opts.ClusterName, "", nil
	}
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if l.opts.Kubeconfig != "" {
		rules.ExplicitPath = l.opts.Kubeconfig
	}
	cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{CurrentContext: l.opts.Context})
	cfg, err = cc.ClientConfig()
	if err != nil {
		return nil, "", "", fmt.Errorf("load kubeconfig: %w", err)
	}
	cluster = l.opts.ClusterName
	raw, err := cc.RawConfig()
	if err != nil {
		return nil, "", "", fmt.Errorf("load kubeconfig: %w", err)
	}
	name := l.opts.Context
	if name == "" {
		name = raw.CurrentContext
	}
	if kctx := raw.Contexts[name]; kctx != nil && kctx.Cluster != "" {
		derived, a := ClusterNameOf(kctx.Cluster)
		arn = a
		if cluster == "" {
			cluster = derived
		}
	}
	if cluster == "" {
		return nil, "", "", fmt.Errorf("%w (no kubeconfig context names one: in-cluster?)", ErrNoClusterName)
	}
	return cfg, cluster, arn, nil
}

// Collect lists every kind the collector reads, page by page, and
// converts them. A list the server refuses (forbidden, not served) or
// answers with something unreadable is a gap and the rest goes on;
// credentials the server rejects, and a server that cannot be reached,
// are errors.
func (l *Live) Collect(ctx context.Context) (graphmodel.Fragment, error) {
	cfg, cluster, arn, err := l.restConfig()
	if err != nil {
		return graphmodel.Fragment{}, err
	}
	if err := CheckClusterName(cluster); err != nil {
		return graphmodel.Fragment{}, err
	}
	cfg.AcceptContentTypes = "application/json"
	cfg.ContentType = "application/json"
	cfg.NegotiatedSerializer = scheme.Codecs.WithoutConversion()
	if cfg.QPS == 0 {
		cfg.QPS, cfg.Burst = 20, 40
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "blastradius"
	}
	client, err := rest.UnversionedRESTClientFor(cfg)
	if err != nil {
		return graphmodel.Fragment{}, fmt.Errorf("kubernetes client: %w", err)
	}
	run := &liveRun{client: client, cluster: cluster, where: "cluster " + cluster, pageSize: l.opts.PageSize, inv: &Inventory{}}
	if run.pageSize <= 0 {
		run.pageSize = DefaultPageSize
	}
	start := l.now()
	run.inv.Facts = ServerFacts{Server: cfg.Host, EKSClusterARN: arn}
	if err := run.serverFacts(ctx, cfg); err != nil {
		return graphmodel.Fragment{}, err
	}
	for _, k := range kinds {
		var err error
		if k.kind == "ConfigMap" {
			err = run.getAWSAuth(ctx)
		} else {
			err = run.list(ctx, k)
		}
		if err != nil {
			return graphmodel.Fragment{}, err
		}
	}
	// The lists were appended page by page; an object two pages both
	// held is kept once, as Merge would.
	run.inv.Dedupe()
	if l.opts.SaveFile != "" {
		saved := &Saved{Cluster: cluster, Facts: run.inv.Facts, Gaps: run.inv.Gaps}
		if err := SaveList(l.opts.SaveFile, run.inv, saved); err != nil {
			return graphmodel.Fragment{}, fmt.Errorf("save %s: %w", l.opts.SaveFile, err)
		}
	}
	frag, err := Convert(run.inv, cluster, run.where)
	if err != nil {
		return graphmodel.Fragment{}, err
	}
	frag.Source.Origin = LiveOrigin
	frag.Source.CollectedAt = start.UTC()
	return frag, nil
}

// liveRun is the state of one live collection.
type liveRun struct {
	client   rest.Interface
	cluster  string
	where    string
	pageSize int64
	inv      *Inventory
}

// fatal reports whether err must stop the collection: the request was
// cancelled, the credentials are rejected, or the server did not answer
// with an API status at all.
func fatal(err error) bool {
	var status apierrors.APIStatus
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return true
	case apierrors.IsUnauthorized(err):
		return true
	case errors.As(err, &status):
		return false
	}
	return true
}

// gapReason renders an API error as a gap reason: its reason and message.
func gapReason(err error) string {
	var status apierrors.APIStatus
	if errors.As(err, &status) {
		s := status.Status()
		if s.Message != "" {
			return string(s.Reason) + ": " + s.Message
		}
		return string(s.Reason)
	}
	return err.Error()
}

// fail records err on what as a gap, or returns it when it is fatal.
func (r *liveRun) fail(ctx context.Context, what string, err error) error {
	if fatal(err) {
		return fmt.Errorf("%s: %w", what, err)
	}
	slog.InfoContext(ctx, "call failed", "call", what, "cluster", r.cluster, "err", gapReason(err))
	r.gap(what, gapReason(err))
	return nil
}

// gap records that what could not be read, and why.
func (r *liveRun) gap(what, reason string) {
	r.inv.Gaps = append(r.inv.Gaps, graphmodel.Gap{What: what, Reason: reason, Where: r.where})
}

// serverFacts reads the server's version and service-account issuer.
func (r *liveRun) serverFacts(ctx context.Context, cfg *rest.Config) error {
	dc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return fmt.Errorf("kubernetes discovery client: %w", err)
	}
	v, err := dc.ServerVersion()
	if err != nil {
		if err := r.fail(ctx, "get /version", err); err != nil {
			return err
		}
	} else {
		r.inv.Facts.GitVersion = v.GitVersion
	}
	data, err := do(ctx, r.client.Get().AbsPath("/.well-known/openid-configuration"))
	if err != nil {
		return r.fail(ctx, "get /.well-known/openid-configuration", err)
	}
	var oidc struct {
		Issuer string `json:"issuer"`
	}
	if err := json.Unmarshal(data, &oidc); err != nil {
		r.gap("get /.well-known/openid-configuration", "unreadable answer: "+err.Error())
		return nil
	}
	r.inv.Facts.Issuer = oidc.Issuer
	return nil
}

// tableAccept asks the server for a Table: for Secrets, their name and
// type without their data, which then never leaves the server.
const tableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io, application/json"

// list reads every page of kind k. An expired continue token restarts
// the list once, as kubectl does; an unreadable page, or a continue token
// the server sent before, is a gap.
func (r *liveRun) list(ctx context.Context, k *kindInfo) error {
	what := "list " + k.resource
	for attempt := 0; ; attempt++ {
		part, pages, err := r.pages(ctx, k)
		if err == nil {
			slog.DebugContext(ctx, "listed", "resource", k.resource, "cluster", r.cluster, "pages", pages, "items", part.objects())
			r.inv.append(part)
			return nil
		}
		if apierrors.IsResourceExpired(err) && attempt == 0 {
			slog.DebugContext(ctx, "list expired while paging, starting again", "resource", k.resource)
			continue
		}
		r.inv.unlist(k.kind)
		var bad *pageError
		if errors.As(err, &bad) || errors.Is(err, collectors.ErrRepeatedToken) {
			r.gap(what, err.Error())
			return nil
		}
		return r.fail(ctx, what, err)
	}
}

// pageError is an answer of the server that cannot be read.
type pageError struct {
	page int
	err  error
}

func (e *pageError) Error() string {
	return fmt.Sprintf("unreadable answer (page %d): %v", e.page, e.err)
}

// pages reads every page of kind k into a new inventory through
// collectors.Pages, and says how many pages it read.
func (r *liveRun) pages(ctx context.Context, k *kindInfo) (*Inventory, int, error) {
	part := &Inventory{}
	n := 0
	fetch := func(ctx context.Context, cont string) (*Inventory, string, error) {
		n++
		req := r.client.Get().AbsPath(k.path()).
			VersionedParams(&metav1.ListOptions{Limit: r.pageSize, Continue: cont}, metav1.ParameterCodec)
		if k.kind == "Secret" {
			req = req.SetHeader("Accept", tableAccept).Param("includeObject", "Metadata")
		}
		data, err := do(ctx, req)
		if err != nil {
			return nil, "", err
		}
		var got *Inventory
		var next string
		if k.kind == "Secret" && isTable(data) {
			got, next, err = decodeSecretTable(data)
		} else {
			got, next, _, err = decodeList(fmt.Sprintf("%s page %d", k.path(), n), data, k)
		}
		if err != nil {
			return nil, "", &pageError{page: n, err: err}
		}
		return got, next, nil
	}
	err := collectors.Pages(ctx, fetch, func(got *Inventory) error {
		part.append(got)
		return nil
	})
	if err != nil {
		return nil, n, err
	}
	return part, n, nil
}

// getAWSAuth reads kube-system/aws-auth; its absence is no gap (a cluster
// off EKS, or on access entries alone, has none).
func (r *liveRun) getAWSAuth(ctx context.Context) error {
	k := kindByName["ConfigMap"]
	path := "/api/v1/namespaces/" + AWSAuthNamespace + "/configmaps/" + AWSAuthName
	data, err := do(ctx, r.client.Get().AbsPath(path))
	switch {
	case apierrors.IsNotFound(err):
		return nil
	case err != nil:
		return r.fail(ctx, "get configmap "+AWSAuthNamespace+"/"+AWSAuthName, err)
	}
	var cm ConfigMap
	if err := json.Unmarshal(data, &cm); err != nil || cm.Metadata.Name != AWSAuthName {
		reason := "unreadable answer"
		if err != nil {
			reason += ": " + err.Error()
		}
		r.gap("get configmap "+AWSAuthNamespace+"/"+AWSAuthName, reason)
		return nil
	}
	cm.TypeMeta = TypeMeta{APIVersion: k.apiVersion(), Kind: k.kind}
	r.inv.ConfigMaps = append(r.inv.ConfigMaps, cm)
	return nil
}

// do sends req and returns the body; an error answer is the API's
// Status as an error (apierrors' predicates apply).
func do(ctx context.Context, req *rest.Request) ([]byte, error) {
	res := req.Do(ctx)
	if err := res.Error(); err != nil {
		return nil, err
	}
	return res.Raw()
}

// isTable reports whether a response is a meta.k8s.io Table.
func isTable(data []byte) bool {
	var head TypeMeta
	return json.Unmarshal(data, &head) == nil && head.Kind == "Table"
}

// secretTable is a Table of Secrets with their metadata: the printer's
// columns (Name, Type, Data as a count, Age) and each row's
// PartialObjectMetadata, decoded into Meta (which keeps only the
// annotations that matter).
type secretTable struct {
	Metadata          listMeta `json:"metadata"`
	ColumnDefinitions []struct {
		Name string `json:"name"`
	} `json:"columnDefinitions"`
	Rows []struct {
		Cells  []json.RawMessage `json:"cells"`
		Object struct {
			Metadata Meta `json:"metadata"`
		} `json:"object"`
	} `json:"rows"`
}

// decodeSecretTable reads one page of Secrets served as a Table.
func decodeSecretTable(data []byte) (*Inventory, string, error) {
	var t secretTable
	if err := json.Unmarshal(data, &t); err != nil {
		return nil, "", err
	}
	typeCol := -1
	for i, c := range t.ColumnDefinitions {
		if strings.EqualFold(c.Name, "Type") {
			typeCol = i
		}
	}
	if typeCol < 0 {
		return nil, "", errors.New("the Secret table has no Type column")
	}
	k := kindByName["Secret"]
	inv := &Inventory{}
	for i, row := range t.Rows {
		m := row.Object.Metadata
		if m.Name == "" || m.Namespace == "" {
			return nil, "", fmt.Errorf("row %d: no object metadata (includeObject=Metadata ignored?)", i)
		}
		var typ string
		if typeCol < len(row.Cells) {
			if err := json.Unmarshal(row.Cells[typeCol], &typ); err != nil {
				return nil, "", fmt.Errorf("row %d: Type: %w", i, err)
			}
		}
		inv.Secrets = append(inv.Secrets, Secret{TypeMeta: TypeMeta{APIVersion: k.apiVersion(), Kind: k.kind}, Metadata: m, Type: typ})
	}
	return inv, t.Metadata.Continue, nil
}
