package crosscloud

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/blastradius/blastradius/gcppolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// gcpIndex is what the GCP bridges read of the snapshot: GKE clusters,
// workload identity pools and providers, and the pool members that
// policies name (the principals and principal sets the GCP analysis
// evaluates).
type gcpIndex struct {
	// gke are the GKE clusters, sorted by ID.
	gke []*graphmodel.Node
	// providers are the workload identity pool providers, sorted by ID;
	// pools the pools by ID.
	providers []*graphmodel.Node
	pools     map[string]*graphmodel.Node
	// members lists, by pool, the principals and principal sets of the
	// snapshot in it: a workload identity pool by its resource name
	// ("projects/<n>/locations/global/workloadIdentityPools/<id>"), a GKE
	// Workload Identity pool by its id ("<project>.svc.id.goog").
	members map[string][]poolMember
}

// poolMember is a principal or principal set of a pool, as the snapshot
// names it.
type poolMember struct {
	node   *graphmodel.Node
	member gcppolicy.Member
}

// gkeCluster is the asset type of a GKE cluster.
const gkeCluster = "container.googleapis.com/Cluster"

// read indexes one GCP node.
func (x *gcpIndex) read(n *graphmodel.Node) {
	switch n.Kind {
	case graphmodel.KindGCPResource:
		if n.Prop(graphmodel.PropGCPAssetType) == gkeCluster {
			x.gke = append(x.gke, n)
		}
	case graphmodel.KindGCPWorkloadIdentityProvider:
		x.providers = append(x.providers, n)
	case graphmodel.KindGCPWorkloadIdentityPool:
		if x.pools == nil {
			x.pools = map[string]*graphmodel.Node{}
		}
		x.pools[n.ID] = n
	case graphmodel.KindGCPPrincipal, graphmodel.KindGCPPrincipalSet:
		m, ok := poolMemberOf(n)
		if !ok {
			return
		}
		key := m.Pool
		if m.Kind == gcppolicy.MemberKubernetesServiceAccount || strings.HasSuffix(m.PoolID, gkePoolSuffix) {
			key = m.PoolID
		}
		if x.members == nil {
			x.members = map[string][]poolMember{}
		}
		x.members[key] = append(x.members[key], poolMember{node: n, member: m})
	}
}

// sort orders what read gathered.
func (x *gcpIndex) sort() {
	byID := func(list []*graphmodel.Node) {
		sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
	}
	byID(x.gke)
	byID(x.providers)
	for _, list := range x.members {
		sort.Slice(list, func(i, j int) bool { return list[i].node.ID < list[j].node.ID })
	}
}

// gkePoolSuffix ends the id of a GKE Workload Identity pool.
const gkePoolSuffix = ".svc.id.goog"

// poolMemberOf returns the pool member a principal or principal set node
// stands for (its ID is gcp: and the member, as gcppolicy.Member.ID
// writes it).
func poolMemberOf(n *graphmodel.Node) (gcppolicy.Member, bool) {
	m, ok := gcppolicy.MemberOfID(n.ID)
	if !ok || m.PoolID == "" {
		return gcppolicy.Member{}, false
	}
	return m, true
}

// members returns the principals and principal sets of a pool that the
// snapshot holds: a workload identity pool by its resource name, a GKE
// pool by its id.
func (e *Estate) members(pool string) []poolMember { return e.gcp.members[pool] }

// matchGKE finds the GKE cluster of c (k is its cluster node): the one
// its service-account issuer names (https://container.googleapis.com/v1/
// projects/<p>/locations/<l>/clusters/<n>), the one its name names in the
// form of gcloud's kubeconfig contexts (gke_<project>_<location>_<name>),
// else the only one of its name, in the project and location its nodes'
// provider IDs (gce://<project>/<zone>/<instance>) show when they show
// them.
func (e *Estate) matchGKE(c *Cluster, k *graphmodel.Node) {
	if len(e.gcp.gke) == 0 {
		return
	}
	byAsset := func(asset string) *graphmodel.Node {
		for _, n := range e.gcp.gke {
			if n.ID == asset {
				return n
			}
		}
		return nil
	}
	if rest, ok := strings.CutPrefix(k.Prop(graphmodel.PropK8sOIDCIssuer), "https://container.googleapis.com/v1/"); ok {
		c.GKE = byAsset("//container.googleapis.com/" + rest)
	}
	if c.GKE == nil {
		if parts := strings.Split(c.Name, "_"); len(parts) == 4 && parts[0] == "gke" {
			c.GKE = byAsset(fmt.Sprintf("//container.googleapis.com/projects/%s/locations/%s/clusters/%s", parts[1], parts[2], parts[3]))
		}
	}
	if c.GKE == nil {
		projects, zones := map[string]bool{}, map[string]bool{}
		for _, n := range c.Nodes {
			rest, ok := strings.CutPrefix(n.Prop(graphmodel.PropK8sProviderID), "gce://")
			if parts := strings.Split(rest, "/"); ok && len(parts) == 3 {
				projects[parts[0]], zones[parts[1]] = true, true
			}
		}
		var found []*graphmodel.Node
		for _, n := range e.gcp.gke {
			if n.Name != c.Name {
				continue
			}
			if len(projects) > 0 && !projects[strings.TrimPrefix(n.Scope, "gcp:project:")] {
				continue
			}
			if loc := n.Prop(graphmodel.PropGCPLocation); len(zones) > 0 && loc != "" && !zones[loc] && !zoneIn(zones, loc) {
				continue
			}
			found = append(found, n)
		}
		if len(found) == 1 {
			c.GKE = found[0]
		}
	}
	if c.GKE != nil {
		c.WorkloadPool = c.GKE.Prop(graphmodel.PropGCPWorkloadPool)
	}
}

// zoneIn reports whether a zone of zones is in region (europe-west1-b in
// europe-west1).
func zoneIn(zones map[string]bool, region string) bool {
	for z := range zones {
		if i := strings.LastIndex(z, "-"); i > 0 && z[:i] == region {
			return true
		}
	}
	return false
}

// gkeIssuer returns the service-account token issuer of a GKE cluster
// (https://container.googleapis.com/v1/projects/<p>/locations/<l>/clusters/<n>),
// "" when the node is not one.
func gkeIssuer(gke *graphmodel.Node) string {
	rest, ok := strings.CutPrefix(gke.ID, "//container.googleapis.com/")
	if !ok {
		return ""
	}
	return "https://container.googleapis.com/v1/" + rest
}

// attributeMapping returns a workload identity provider's attribute
// mapping (the collector has checked the document).
func attributeMapping(n *graphmodel.Node) (map[string]string, error) {
	mapping := map[string]string{}
	if raw, ok := n.Documents[graphmodel.DocGCPAttributeMapping]; ok {
		if err := json.Unmarshal(raw, &mapping); err != nil {
			return nil, fmt.Errorf("%s: document %s: %w", n.ID, graphmodel.DocGCPAttributeMapping, err)
		}
	}
	return mapping, nil
}
