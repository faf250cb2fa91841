package providers

import (
	"context"

	"github.com/blastradius/blastradius/analysis"
	k8sanalysis "github.com/blastradius/blastradius/analysis/kubernetes"
	"github.com/blastradius/blastradius/collectors"
	k8scollect "github.com/blastradius/blastradius/collectors/kubernetes"
)

// Kubernetes returns the Kubernetes provider: RBAC, service accounts,
// namespaces, workloads and pods, nodes, secrets' metadata and aws-auth of
// one cluster, live through client-go or offline from kubectl's JSON, and
// its analysis (RBAC, pod escapes, nodes, EKS access entries).
func Kubernetes() Provider {
	return Provider{
		Name:        "kubernetes",
		Tags:        []string{"kubernetes", "cluster"},
		Summary:     "Kubernetes RBAC, service accounts, workloads, nodes and aws-auth of one cluster, live or from kubectl output",
		Usage:       "[--kubeconfig FILE] [--context NAME] [--cluster-name NAME] [--page-size N] [--save-file FILE] | --from-file LIST.json… --cluster-name NAME",
		Description: kubernetesDescription,
		OfflineFlag: "from-file",
		Flags: []Flag{
			{Name: "kubeconfig", Usage: "live: the kubeconfig `FILE` (default: $KUBECONFIG, else ~/.kube/config, else in-cluster)", Modes: []Mode{Live}},
			{Name: "context", Usage: "live: the kubeconfig context `NAME` (default: the current context)", Modes: []Mode{Live}},
			{Name: "page-size", Kind: IntFlag, Default: k8scollect.DefaultPageSize, Usage: "live: ask for at most `N` objects per list request (every list is read page by page)", Modes: []Mode{Live}},
			{Name: "save-file", Usage: "live: also write what was read to `FILE` as a List that --from-file replays", Modes: []Mode{Live}},
			{Name: "cluster-name", Usage: "name the cluster `NAME` in IDs (default live: the context's cluster; an EKS ARN becomes the EKS cluster name; required with --from-file)"},
			{Name: "from-file", Kind: StringsFlag, Usage: "read the kubectl List in `FILE` instead of the API server (repeat for several files)", Modes: []Mode{Offline}},
		},
		Live: func(_ context.Context, opts Options, _ Env) ([]collectors.Collector, error) {
			pageSize := opts.Int("page-size")
			if pageSize < 1 {
				return nil, Usagef("--page-size must be at least 1, not %d", pageSize)
			}
			return []collectors.Collector{k8scollect.NewLive(k8scollect.LiveOptions{
				Kubeconfig: opts.String("kubeconfig"), Context: opts.String("context"),
				ClusterName: opts.String("cluster-name"), SaveFile: opts.String("save-file"),
				PageSize: int64(pageSize),
			})}, nil
		},
		Offline: func(_ context.Context, opts Options, _ Env) ([]collectors.Collector, error) {
			if opts.String("cluster-name") == "" {
				return nil, Usagef("--from-file needs --cluster-name: a kubectl List does not say which cluster it comes from")
			}
			return []collectors.Collector{k8scollect.NewOffline(opts.Strings("from-file"), opts.String("cluster-name"))}, nil
		},
		Kinds:   k8sanalysis.Kinds(),
		Deriver: func() analysis.Deriver { return k8sanalysis.New() },
		Upgrade: k8scollect.UpgradeSnapshot,
	}
}

const kubernetesDescription = `Without --from-file, collects the cluster of the current kubeconfig context
through its API server with client-go and the standard kubeconfig loading
rules (KUBECONFIG, --kubeconfig, --context, in-cluster config): RBAC,
service accounts, namespaces, pods and every pod-creating workload, nodes,
secrets' metadata (never their data) and kube-system/aws-auth. Every list is
paged; a list the credentials may not read is a gap and the rest goes on.

With --from-file, reads the output of

   ` + k8scollect.KubectlCommand + `

(one List per file; several files may be given and are merged). Secrets keep
their metadata and type only: data and stringData are dropped on reading.
ConfigMaps other than kube-system/aws-auth are not kept.

Examples:
   blastradius collect kubernetes --context prod -o prod.snap.json
   blastradius collect kubernetes --from-file cluster.json --cluster-name prod -o prod.snap.json

Exit codes: 2 for bad usage or a malformed file (the message names the file
and the place), 3 when the API server cannot be reached or, with --strict,
when any gap was recorded.`
