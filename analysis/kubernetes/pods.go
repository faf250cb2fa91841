package kubernetes

import (
	"path"
	"sort"
	"strings"

	"github.com/blastradius/blastradius/graphmodel"
)

// secretTypeToken is the type of a legacy service-account token Secret.
const secretTypeToken = "kubernetes.io/service-account-token"

// podSpecDoc is the part of the collector's trimmed pod spec
// (graphmodel.DocK8sPodSpec) the analysis reads.
type podSpecDoc struct {
	HostPID             bool           `json:"hostPID"`
	HostNetwork         bool           `json:"hostNetwork"`
	SecurityContext     *runAs         `json:"securityContext"`
	InitContainers      []containerDoc `json:"initContainers"`
	Containers          []containerDoc `json:"containers"`
	EphemeralContainers []containerDoc `json:"ephemeralContainers"`
	Volumes             []volumeDoc    `json:"volumes"`
}

// runAs is the part of a security context that says who runs and how.
type runAs struct {
	Privileged   *bool  `json:"privileged"`
	RunAsUser    *int64 `json:"runAsUser"`
	RunAsNonRoot *bool  `json:"runAsNonRoot"`
}

type containerDoc struct {
	Name            string `json:"name"`
	SecurityContext *runAs `json:"securityContext"`
	VolumeMounts    []struct {
		Name     string `json:"name"`
		ReadOnly bool   `json:"readOnly"`
	} `json:"volumeMounts"`
}

type volumeDoc struct {
	Name     string `json:"name"`
	HostPath *struct {
		Path string `json:"path"`
	} `json:"hostPath"`
	Secret *struct {
		SecretName string `json:"secretName"`
	} `json:"secret"`
}

// containers returns every container of the spec.
func (s *podSpecDoc) containers() []containerDoc {
	out := append([]containerDoc(nil), s.InitContainers...)
	out = append(out, s.Containers...)
	return append(out, s.EphemeralContainers...)
}

// nonRoot reports whether container c certainly runs as a user other than
// root: runAsNonRoot, or a runAsUser other than 0, on it or on the pod.
func (s *podSpecDoc) nonRoot(c *containerDoc) bool {
	var user *int64
	var nonRoot *bool
	if s.SecurityContext != nil {
		user, nonRoot = s.SecurityContext.RunAsUser, s.SecurityContext.RunAsNonRoot
	}
	if sc := c.SecurityContext; sc != nil {
		if sc.RunAsUser != nil {
			user = sc.RunAsUser
		}
		if sc.RunAsNonRoot != nil {
			nonRoot = sc.RunAsNonRoot
		}
	}
	return (nonRoot != nil && *nonRoot) || (user != nil && *user != 0)
}

// readPod reads a pod node: whether it holds an API token, its escapes
// and the names of the Secrets it mounts.
func readPod(n *graphmodel.Node) (*pod, error) {
	p := &pod{id: n.ID, ns: n.Prop(graphmodel.PropK8sNamespace), name: shortName(n)}
	for _, aud := range strings.Fields(n.Prop(graphmodel.PropK8sTokenAudiences)) {
		if aud == graphmodel.PropK8sAPIAudience {
			p.apiToken = true
		}
	}
	if _, ok := n.Documents[graphmodel.DocK8sPodSpec]; !ok {
		p.escapes = escapesFromProps(n)
		return p, nil
	}
	var spec podSpecDoc
	if err := decode(n, graphmodel.DocK8sPodSpec, &spec); err != nil {
		return nil, err
	}
	p.escapes = escapesOf(&spec)
	p.secretNames = mountedSecrets(&spec)
	return p, nil
}

// mountedSecrets returns the names of the Secrets a container of the pod
// mounts, sorted.
func mountedSecrets(spec *podSpecDoc) []string {
	secrets := map[string]string{}
	for _, v := range spec.Volumes {
		if v.Secret != nil && v.Secret.SecretName != "" {
			secrets[v.Name] = v.Secret.SecretName
		}
	}
	seen := map[string]bool{}
	var out []string
	for _, c := range spec.containers() {
		for _, m := range c.VolumeMounts {
			if s, ok := secrets[m.Name]; ok && !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	sort.Strings(out)
	return out
}

// escapesOf lists the ways out of a pod's containers onto its node:
// a privileged container (with the host's PID namespace: nsenter into
// its processes), the host's PID or network namespace, and hostPath
// mounts of what lets root on the host be had (written, or read where
// credentials lie), or the node's pods' tokens be read. A container that
// certainly runs as another user than root gets nothing from a hostPath:
// the host's files it would need are root's.
func escapesOf(s *podSpecDoc) []escape {
	var out []escape
	hostPaths := map[string]string{}
	for _, v := range s.Volumes {
		if v.HostPath != nil {
			hostPaths[v.Name] = path.Clean("/" + v.HostPath.Path)
		}
	}
	for _, c := range s.containers() {
		c := c
		if c.SecurityContext != nil && c.SecurityContext.Privileged != nil && *c.SecurityContext.Privileged {
			if s.HostPID {
				out = append(out, escape{technique: TechNsenter, what: "privileged container " + c.Name + " in the host's PID namespace"})
			} else {
				out = append(out, escape{technique: TechPrivMount, what: "privileged container " + c.Name})
			}
		}
		if s.nonRoot(&c) {
			continue
		}
		for _, m := range c.VolumeMounts {
			p, ok := hostPaths[m.Name]
			if !ok {
				continue
			}
			if e, ok := hostPathEscape(p, !m.ReadOnly); ok {
				e.what += " in container " + c.Name
				out = append(out, e)
			}
		}
	}
	if s.HostPID {
		out = append(out, escape{technique: TechHostPID, what: "the host's PID namespace (hostPID)"})
	}
	if s.HostNetwork {
		out = append(out, escape{technique: TechHostNetwork, what: "the host's network namespace (hostNetwork): the node's instance metadata and kubelet"})
	}
	return out
}

// escapesFromProps is escapesOf for a pod node without its spec document:
// the collector's summary properties, less exact about which container
// mounts what.
func escapesFromProps(n *graphmodel.Node) []escape {
	s := &podSpecDoc{HostPID: n.Prop(graphmodel.PropK8sHostPID) == "true", HostNetwork: n.Prop(graphmodel.PropK8sHostNetwork) == "true"}
	c := containerDoc{Name: "(any)"}
	if n.Prop(graphmodel.PropK8sPrivileged) == "true" {
		yes := true
		c.SecurityContext = &runAs{Privileged: &yes}
	}
	if n.Prop(graphmodel.PropK8sRunsAsRoot) == "false" {
		yes := true
		if c.SecurityContext == nil {
			c.SecurityContext = &runAs{}
		}
		c.SecurityContext.RunAsNonRoot = &yes
	}
	for i, hp := range strings.Fields(n.Prop(graphmodel.PropK8sHostPaths)) {
		name := "host-path-" + string(rune('a'+i%26))
		s.Volumes = append(s.Volumes, volumeDoc{Name: name, HostPath: &struct {
			Path string `json:"path"`
		}{hp}})
		c.VolumeMounts = append(c.VolumeMounts, struct {
			Name     string `json:"name"`
			ReadOnly bool   `json:"readOnly"`
		}{name, n.Prop(graphmodel.PropK8sHostPathWritable) != "true"})
	}
	s.Containers = []containerDoc{c}
	return escapesOf(s)
}

// Host paths that matter. A mount of one of them, of a directory above
// one, or (for hostWriteTargets) of something below one counts.
var (
	// hostWriteTargets are where writing gives root on the host: system
	// configuration and binaries, the kubelet's and the container
	// runtimes' state, cron, the logs the kubelet serves (a symlink in
	// /var/log reads any file), the kernel's interfaces.
	hostWriteTargets = []string{"/etc", "/root", "/usr", "/bin", "/sbin", "/lib", "/lib64", "/boot",
		"/var/lib/kubelet", "/var/lib/docker", "/var/lib/containerd", "/var/log", "/var/spool/cron",
		"/opt/cni/bin", "/proc", "/sys", "/dev", "/run/systemd", "/var/run/systemd"}
	// hostReadTargets are where reading gives the node: the kubelet's
	// credentials and configuration, SSH keys, the host's processes.
	hostReadTargets = []string{"/etc/kubernetes", "/var/lib/kubelet/pki", "/var/lib/kubelet/kubeconfig",
		"/root/.ssh", "/home", "/etc/ssh", "/proc"}
	// hostTokenDir holds every pod's volumes, projected tokens included.
	hostTokenDir = "/var/lib/kubelet/pods"
)

// covers reports whether a mount of p reaches target: p is target, a
// directory above it, or (with below) something inside it.
func covers(p, target string, below bool) bool {
	return p == "/" || p == target || strings.HasPrefix(target, p+"/") || (below && strings.HasPrefix(p, target+"/"))
}

// hostPathEscape classifies a hostPath mount of p by a container that may
// run as root.
func hostPathEscape(p string, writable bool) (escape, bool) {
	base := path.Base(p)
	if base == "docker.sock" || base == "containerd.sock" || base == "crio.sock" || base == "dockershim.sock" ||
		p == "/run" || p == "/var/run" || p == "/run/containerd" || p == "/var/run/containerd" || p == "/var/run/docker" || p == "/run/crio" {
		return escape{technique: TechContainerdSock, what: "the container runtime's socket (hostPath " + p + ")"}, true
	}
	if writable {
		for _, t := range hostWriteTargets {
			if covers(p, t, true) {
				return escape{technique: TechHostWrite, what: "writable hostPath " + p}, true
			}
		}
	}
	for _, t := range hostReadTargets {
		if covers(p, t, true) {
			return escape{technique: TechHostRead, what: "hostPath " + p + " (credentials of the node)"}, true
		}
	}
	if covers(p, hostTokenDir, false) {
		return escape{technique: TechHostTraverse, what: "hostPath " + p + " (the node's pods' tokens)", tokensOnly: true}, true
	}
	return escape{}, false
}

// takesNode reports whether some escape of p takes its node.
func (p *pod) takesNode() (escape, bool) {
	for _, e := range p.escapes {
		if !e.tokensOnly {
			return e, true
		}
	}
	return escape{}, false
}

// readsTokens returns the escape that reads its node's pods' tokens
// without taking the node, when p has one.
func (p *pod) readsTokens() (escape, bool) {
	for _, e := range p.escapes {
		if e.tokensOnly {
			return e, true
		}
	}
	return escape{}, false
}
