package kubernetes

import (
	"net/url"
	"sort"
	"strings"
)

// Managed platforms a cluster may be on (graphmodel.PropK8sPlatform).
const (
	PlatformEKS = "eks"
	PlatformGKE = "gke"
	PlatformAKS = "aks"
)

// nodeLabelPrefixes are the node labels the collector keeps: those that
// say which provider, node group or instance a node is.
var nodeLabelPrefixes = []string{
	"kubernetes.io/hostname", "kubernetes.io/os", "kubernetes.io/arch",
	"node.kubernetes.io/instance-type", "beta.kubernetes.io/instance-type",
	"topology.kubernetes.io/region", "topology.kubernetes.io/zone",
	"node-role.kubernetes.io/",
	"eks.amazonaws.com/", "alpha.eksctl.io/", "karpenter.sh/",
	"cloud.google.com/gke-", "kubernetes.azure.com/",
}

// keptNodeLabels returns the labels of a node the collector keeps.
func keptNodeLabels(labels map[string]string) map[string]string {
	var out map[string]string
	for k, v := range labels {
		for _, p := range nodeLabelPrefixes {
			if k == p || (strings.HasSuffix(p, "/") || strings.HasSuffix(p, "-")) && strings.HasPrefix(k, p) {
				if out == nil {
					out = map[string]string{}
				}
				out[k] = v
				break
			}
		}
	}
	return out
}

// platformMarks are node labels that only a managed platform sets.
var platformMarks = []struct{ label, platform string }{
	{"eks.amazonaws.com/nodegroup", PlatformEKS},
	{"eks.amazonaws.com/compute-type", PlatformEKS},
	{"cloud.google.com/gke-nodepool", PlatformGKE},
	{"kubernetes.azure.com/cluster", PlatformAKS},
}

// detectPlatform says which managed platform the inventory shows, and
// what showed it, first evidence first: the kubeconfig's EKS cluster ARN,
// the server's version string (v1.30.4-eks-…, v1.30.5-gke.…), the API
// server's host (*.eks.amazonaws.com, *.azmk8s.io), a node label only the
// platform sets, a kubelet's version string, ClusterRoles named eks:….
// ("", "") when nothing shows one.
func detectPlatform(inv *Inventory) (platform, evidence string) {
	f := inv.Facts
	if f.EKSClusterARN != "" {
		return PlatformEKS, "kubeconfig cluster " + f.EKSClusterARN
	}
	if p := versionPlatform(f.GitVersion); p != "" {
		return p, "server version " + f.GitVersion
	}
	if u, err := url.Parse(f.Server); err == nil && u.Hostname() != "" {
		host := u.Hostname()
		switch {
		case strings.HasSuffix(host, ".eks.amazonaws.com"), strings.HasSuffix(host, ".eks.amazonaws.com.cn"):
			return PlatformEKS, "API server " + host
		case strings.HasSuffix(host, ".azmk8s.io"):
			return PlatformAKS, "API server " + host
		}
	}
	nodes := sortedNodes(inv.Nodes)
	for _, n := range nodes {
		for _, m := range platformMarks {
			if _, ok := n.Metadata.Labels[m.label]; ok {
				return m.platform, "node " + n.Metadata.Name + " label " + m.label
			}
		}
	}
	for _, n := range nodes {
		if p := versionPlatform(n.Status.NodeInfo.KubeletVersion); p != "" {
			return p, "node " + n.Metadata.Name + " kubelet version " + n.Status.NodeInfo.KubeletVersion
		}
	}
	var eksRoles []string
	for _, cr := range inv.ClusterRoles {
		if strings.HasPrefix(cr.Metadata.Name, "eks:") {
			eksRoles = append(eksRoles, cr.Metadata.Name)
		}
	}
	if len(eksRoles) > 0 {
		sort.Strings(eksRoles)
		return PlatformEKS, "ClusterRole " + eksRoles[0]
	}
	return "", ""
}

// versionPlatform reads the platform from a Kubernetes version string.
func versionPlatform(v string) string {
	switch {
	case strings.Contains(v, "-eks-"):
		return PlatformEKS
	case strings.Contains(v, "-gke."):
		return PlatformGKE
	}
	return ""
}

// cloudProvider returns the scheme of the first node's providerID, by
// node name ("aws", "gce", "azure").
func cloudProvider(nodes []Node) string {
	for _, n := range sortedNodes(nodes) {
		if p := providerScheme(n.Spec.ProviderID); p != "" {
			return p
		}
	}
	return ""
}

func providerScheme(id string) string {
	scheme, _, ok := strings.Cut(id, "://")
	if !ok {
		return ""
	}
	return scheme
}

// awsInstance reads the zone and instance id of an aws:///<zone>/<id>
// provider ID.
func awsInstance(providerID string) (zone, instance string) {
	rest, ok := strings.CutPrefix(providerID, "aws://")
	if !ok {
		return "", ""
	}
	parts := strings.Split(strings.Trim(rest, "/"), "/")
	if len(parts) != 2 || !strings.HasPrefix(parts[1], "i-") {
		return "", ""
	}
	return parts[0], parts[1]
}

func sortedNodes(nodes []Node) []Node {
	out := append([]Node(nil), nodes...)
	sort.Slice(out, func(i, j int) bool { return out[i].Metadata.Name < out[j].Metadata.Name })
	return out
}
