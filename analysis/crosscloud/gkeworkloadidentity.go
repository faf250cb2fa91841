package crosscloud

import (
	"context"
	"strings"

	"github.com/blastradius/blastradius/gcppolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// TechGKEWorkloadIdentity: a Kubernetes service account of a GKE cluster
// with Workload Identity becomes its principal in the cluster's workload
// identity pool (and every principal set of the pool that holds it), which
// IAM bindings name.
const TechGKEWorkloadIdentity = "gke-workload-identity"

// GKEWorkloadIdentity is the bridge of GKE Workload Identity: from a
// Kubernetes service account to the pool principal IAM knows it as. What
// that principal may do (roles/iam.workloadIdentityUser on a GCP service
// account, inherited or not, which makes it that account; any role granted
// to principal://…/subject/ns/<ns>/sa/<ksa> directly) is the GCP
// analysis's to decide: the chain composes through the principal's node.
type GKEWorkloadIdentity struct{}

// Name returns "gke-workload-identity".
func (GKEWorkloadIdentity) Name() string { return "gke-workload-identity" }

// Techniques returns the bridge's catalogue.
func (GKEWorkloadIdentity) Techniques() []graphmodel.Technique {
	return []graphmodel.Technique{{ID: TechGKEWorkloadIdentity, Name: "GKE Workload Identity", Category: "federation", Attack: "T1078.004",
		Description: "a Kubernetes service account of a GKE cluster with Workload Identity exchanges its token at sts.googleapis.com (the GKE metadata server does it for its pods) for its principal PROJECT.svc.id.goog[NAMESPACE/NAME], and holds what IAM grants that principal and the pool's principal sets that hold it (roles/iam.workloadIdentityUser on a GCP service account makes it that account)"}}
}

// Derive emits, for every service account of every cluster matched to a
// GKE cluster with a workload pool, an edge to each pool member of the
// snapshot that is the account or holds it: its principal (either
// spelling), and the principal sets of its namespace, of its cluster and
// of the whole pool. A member no policy names is no node, and needs no
// edge: the binding decides, not the annotation.
func (GKEWorkloadIdentity) Derive(ctx context.Context, e *Estate) ([]graphmodel.Node, []graphmodel.Edge, error) {
	var edges edgeSet
	for _, c := range e.Clusters {
		if c.WorkloadPool == "" {
			continue
		}
		members := e.members(c.WorkloadPool)
		if len(members) == 0 {
			continue
		}
		project := strings.TrimSuffix(c.WorkloadPool, gkePoolSuffix)
		issuer := gkeIssuer(c.GKE)
		for _, sa := range c.ServiceAccounts {
			if err := ctx.Err(); err != nil {
				return nil, nil, err
			}
			ns := sa.Prop(graphmodel.PropK8sNamespace)
			name := strings.TrimPrefix(sa.Name, ns+"/")
			self := gcppolicy.Member{Kind: gcppolicy.MemberKubernetesServiceAccount, PoolID: c.WorkloadPool, Project: project, Namespace: ns, KSA: name}
			p := gcppolicy.Principal{Member: self}
			native := self.Native()
			for _, pm := range members {
				var t gcppolicy.Tri
				var why string
				switch {
				case pm.member.Kind == gcppolicy.MemberKubernetesServiceAccount:
					if pm.node.ID != self.ID() {
						continue
					}
					t, why = gcppolicy.Yes, "its token is exchanged at sts.googleapis.com for "+native+" (also principal://…/"+c.WorkloadPool+"/subject/ns/"+ns+"/sa/"+name+")"
				case strings.HasPrefix(pm.member.Set, "kubernetes.cluster/"):
					if strings.TrimPrefix(pm.member.Set, "kubernetes.cluster/") != issuer {
						continue
					}
					t, why = gcppolicy.Yes, "its principal "+native+" is of the cluster "+issuer+", which "+pm.member.Raw+" selects"
				default:
					t = p.Matches(pm.member)
					why = "its principal " + native + " is in " + pm.member.Raw
				}
				if t == gcppolicy.No {
					continue
				}
				ev := []graphmodel.Evidence{{Source: c.GKE.ID, Statement: -1,
					Note: "cluster " + c.Name + " runs GKE Workload Identity with pool " + c.WorkloadPool + ": " + why}}
				if a := sa.Prop(graphmodel.PropK8sGKEServiceAccount); a != "" {
					ev = append(ev, graphmodel.Evidence{Source: sa.ID, Statement: -1,
						Note: "annotated iam.gke.io/gcp-service-account " + a + ": the GKE metadata server gives its pods that account's tokens where a binding lets the principal have them"})
				}
				var undecided []string
				if t == gcppolicy.Maybe {
					undecided = []string{"membership of " + pm.member.Raw + " undecided"}
				}
				edges.add(canBecome(sa.ID, pm.node.ID, TechGKEWorkloadIdentity, t == gcppolicy.Maybe, undecided, ev...))
			}
		}
	}
	return nil, edges.edges, nil
}
