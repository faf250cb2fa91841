package kubernetes

import (
	"encoding/json"
	"sort"
	"strings"

	"github.com/blastradius/blastradius/graphmodel"
)

// DefaultServiceAccount is the service account of a pod spec that names none.
const DefaultServiceAccount = "default"

// serviceAccountOf returns the service account a pod spec runs as.
func serviceAccountOf(s *PodSpec) string {
	switch {
	case s.ServiceAccountName != "":
		return s.ServiceAccountName
	case s.DeprecatedServiceAccount != "":
		return s.DeprecatedServiceAccount
	}
	return DefaultServiceAccount
}

// allContainers returns init, regular and ephemeral containers.
func (s *PodSpec) allContainers() []Container {
	out := make([]Container, 0, len(s.InitContainers)+len(s.Containers)+len(s.EphemeralContainers))
	out = append(out, s.InitContainers...)
	out = append(out, s.Containers...)
	return append(out, s.EphemeralContainers...)
}

// setPodSpecFacts records a pod spec's facts on n (see the package doc)
// and its trimmed form as Documents[DocK8sPodSpec].
func setPodSpecFacts(n *graphmodel.Node, s *PodSpec) {
	n.SetProp(graphmodel.PropK8sServiceAccount, serviceAccountOf(s))
	n.SetProp(graphmodel.PropK8sAutomountToken, boolProp(s.AutomountServiceAccountToken))
	n.SetProp(graphmodel.PropK8sHostPID, trueProp(s.HostPID))
	n.SetProp(graphmodel.PropK8sHostNetwork, trueProp(s.HostNetwork))
	n.SetProp(graphmodel.PropK8sHostIPC, trueProp(s.HostIPC))

	containers := s.allContainers()
	volumes := map[string]*Volume{}
	for i := range s.Volumes {
		volumes[s.Volumes[i].Name] = &s.Volumes[i]
	}
	var privileged bool
	var root, unknown, nonRoot int
	capabilities := map[string]bool{}
	hostPaths := map[string]bool{}
	var hostMounts, writable int
	audiences := map[string]bool{}
	for _, c := range containers {
		sc := c.SecurityContext
		if sc != nil && sc.Privileged != nil && *sc.Privileged {
			privileged = true
		}
		if sc != nil && sc.Capabilities != nil {
			for _, cap := range sc.Capabilities.Add {
				capabilities[cap] = true
			}
		}
		switch runsAsRoot(s.SecurityContext, sc) {
		case "true":
			root++
		case "false":
			nonRoot++
		default:
			unknown++
		}
		for _, m := range c.VolumeMounts {
			v := volumes[m.Name]
			if v == nil {
				continue
			}
			if v.HostPath != nil {
				hostPaths[v.HostPath.Path] = true
				hostMounts++
				if !m.ReadOnly {
					writable++
				}
			}
			if v.Projected != nil {
				for _, src := range v.Projected.Sources {
					if t := src.ServiceAccountToken; t != nil {
						aud := t.Audience
						if aud == "" {
							aud = graphmodel.PropK8sAPIAudience
						}
						audiences[aud] = true
					}
				}
			}
		}
	}
	n.SetProp(graphmodel.PropK8sPrivileged, trueProp(privileged))
	n.SetProp(graphmodel.PropK8sCapabilitiesAdd, joinSet(capabilities))
	n.SetProp(graphmodel.PropK8sHostPaths, joinSet(hostPaths))
	if hostMounts > 0 {
		n.SetProp(graphmodel.PropK8sHostPathWritable, boolString(writable > 0))
	}
	switch {
	case root > 0:
		n.SetProp(graphmodel.PropK8sRunsAsRoot, "true")
	case len(containers) > 0 && nonRoot == len(containers):
		n.SetProp(graphmodel.PropK8sRunsAsRoot, "false")
	}
	n.SetProp(graphmodel.PropK8sTokenAudiences, joinSet(audiences))
	setDocument(n, graphmodel.DocK8sPodSpec, trimPodSpec(s))
}

// runsAsRoot says whether a container runs as root: "true" when its (or
// the pod's) runAsUser is 0 and runAsNonRoot is not set, "false" when
// runAsNonRoot is true (the kubelet refuses to start it as root) or
// runAsUser is not 0, "" when the image decides.
func runsAsRoot(pod *PodSecurityContext, c *SecurityContext) string {
	var user *int64
	var nonRoot *bool
	if pod != nil {
		user, nonRoot = pod.RunAsUser, pod.RunAsNonRoot
	}
	if c != nil {
		if c.RunAsUser != nil {
			user = c.RunAsUser
		}
		if c.RunAsNonRoot != nil {
			nonRoot = c.RunAsNonRoot
		}
	}
	switch {
	case nonRoot != nil && *nonRoot:
		return "false"
	case user != nil && *user == 0:
		return "true"
	case user != nil:
		return "false"
	}
	return ""
}

// trimPodSpec returns the spec with only the volumes that bear on
// identity (hostPath, projected service-account tokens, secrets).
func trimPodSpec(s *PodSpec) PodSpec {
	t := *s
	t.Volumes = nil
	for _, v := range s.Volumes {
		switch {
		case v.HostPath != nil, v.Secret != nil:
			t.Volumes = append(t.Volumes, Volume{Name: v.Name, HostPath: v.HostPath, Secret: v.Secret})
		case v.Projected != nil:
			var sources []VolumeProjection
			for _, src := range v.Projected.Sources {
				if src.ServiceAccountToken != nil {
					sources = append(sources, src)
				}
			}
			if len(sources) > 0 {
				t.Volumes = append(t.Volumes, Volume{Name: v.Name, Projected: &ProjectedVolumeSource{Sources: sources}})
			}
		}
	}
	return t
}

// setDocument stores v as compact JSON in n.Documents[key].
func setDocument(n *graphmodel.Node, key string, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		// The types marshalled here always marshal.
		panic("marshal " + key + ": " + err.Error())
	}
	if n.Documents == nil {
		n.Documents = map[string]json.RawMessage{}
	}
	n.Documents[key] = data
}

func boolProp(b *bool) string {
	if b == nil {
		return ""
	}
	return boolString(*b)
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// trueProp is "true" for true and absent for false.
func trueProp(b bool) string {
	if b {
		return "true"
	}
	return ""
}

// joinSet returns the set's members sorted and space-separated.
func joinSet(set map[string]bool) string {
	list := make([]string, 0, len(set))
	for s := range set {
		list = append(list, s)
	}
	sort.Strings(list)
	return strings.Join(list, " ")
}
