package gcp

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/blastradius/blastradius/graphmodel"
)

// The parts of resource.data the converter reads. Nothing else is copied:
// no key material, no secret payloads, no environment variables, metadata
// or startup scripts, no cluster credentials.

type projectData struct {
	ProjectNumber  string            `json:"projectNumber"`
	ProjectID      string            `json:"projectId"`
	Name           string            `json:"name"`
	DisplayName    string            `json:"displayName"`
	LifecycleState string            `json:"lifecycleState"`
	State          string            `json:"state"`
	Labels         map[string]string `json:"labels"`
	Parent         json.RawMessage   `json:"parent"` // {"type","id"} (v1) or "folders/1" (v3)
}

type containerData struct {
	Name           string `json:"name"`
	DisplayName    string `json:"displayName"`
	Parent         string `json:"parent"`
	LifecycleState string `json:"lifecycleState"`
	State          string `json:"state"`
	Owner          struct {
		DirectoryCustomerID string `json:"directoryCustomerId"`
	} `json:"owner"`
	DirectoryCustomerID string `json:"directoryCustomerId"`
}

type serviceAccountData struct {
	Name        string `json:"name"`
	Email       string `json:"email"`
	UniqueID    string `json:"uniqueId"`
	DisplayName string `json:"displayName"`
	Disabled    *bool  `json:"disabled"`
}

type keyData struct {
	Name            string `json:"name"`
	KeyType         string `json:"keyType"`
	KeyOrigin       string `json:"keyOrigin"`
	KeyAlgorithm    string `json:"keyAlgorithm"`
	ValidAfterTime  string `json:"validAfterTime"`
	ValidBeforeTime string `json:"validBeforeTime"`
	Disabled        *bool  `json:"disabled"`
}

type roleData struct {
	Name                string   `json:"name"`
	Title               string   `json:"title"`
	Stage               string   `json:"stage"`
	IncludedPermissions []string `json:"includedPermissions"`
	Deleted             *bool    `json:"deleted"`
}

type poolData struct {
	Name        string `json:"name"`
	DisplayName string `json:"displayName"`
	State       string `json:"state"`
	Disabled    *bool  `json:"disabled"`
}

type providerData struct {
	Name               string            `json:"name"`
	DisplayName        string            `json:"displayName"`
	State              string            `json:"state"`
	Disabled           *bool             `json:"disabled"`
	AttributeMapping   map[string]string `json:"attributeMapping"`
	AttributeCondition string            `json:"attributeCondition"`
	OIDC               *struct {
		IssuerURI        string   `json:"issuerUri"`
		AllowedAudiences []string `json:"allowedAudiences"`
	} `json:"oidc"`
	AWS *struct {
		AccountID string `json:"accountId"`
	} `json:"aws"`
	SAML *struct{} `json:"saml"`
	X509 *struct{} `json:"x509"`
}

// hierarchy converts an organization, folder or project.
func (c *converter) hierarchy(a *Asset) (*graphmodel.Node, error) {
	if a.Data == nil {
		// A policy-only record: the scope's node without its description.
		return c.scopeNode(a), nil
	}
	var n *graphmodel.Node
	parent := ""
	switch a.Type {
	case typeProject:
		var d projectData
		if err := data(a, &d); err != nil {
			return nil, err
		}
		n = c.node(graphmodel.GCPScope("project", d.ProjectID), graphmodel.KindGCPProject, d.ProjectID)
		n.Kind = graphmodel.KindGCPProject
		n.SetProp(graphmodel.PropGCPProjectID, d.ProjectID)
		n.SetProp(graphmodel.PropGCPProjectNumber, c.projectNumbers[d.ProjectID])
		n.SetProp(graphmodel.PropGCPDisplayName, first(d.DisplayName, d.Name))
		n.SetProp(graphmodel.PropGCPState, first(d.State, d.LifecycleState))
		alias(n, "projects/"+c.projectNumbers[d.ProjectID])
		setTags(n, d.Labels)
		parent = projectParent(d.Parent)
	default:
		var d containerData
		if err := data(a, &d); err != nil {
			return nil, err
		}
		n = c.scopeNode(a)
		n.SetProp(graphmodel.PropGCPDisplayName, d.DisplayName)
		if n.Name == "" || n.Name == lastSegment(a.Name) {
			n.Name = first(d.DisplayName, lastSegment(a.Name))
		}
		n.SetProp(graphmodel.PropGCPState, first(d.State, d.LifecycleState))
		n.SetProp(graphmodel.PropGCPCustomerID, first(d.Owner.DirectoryCustomerID, d.DirectoryCustomerID))
		parent = d.Parent
	}
	common(n, a)
	alias(n, strings.TrimPrefix(a.Name, "//cloudresourcemanager.googleapis.com/"))
	if len(a.Ancestors) > 1 {
		parent = a.Ancestors[1]
	}
	if parent != "" {
		if p := c.scopeOf(parent, a.Where); p != "" {
			n.Scope = p
			c.edge(n.ID, graphmodel.EdgeChildOf, p)
		}
	}
	return n, nil
}

// scopeNode returns the node of the organization, folder or project an asset names.
func (c *converter) scopeNode(a *Asset) *graphmodel.Node {
	rel := strings.TrimPrefix(a.Name, "//cloudresourcemanager.googleapis.com/")
	id := c.scopeOf(rel, a.Where)
	kind := map[string]graphmodel.NodeKind{typeOrganization: graphmodel.KindGCPOrganization,
		typeFolder: graphmodel.KindGCPFolder, typeProject: graphmodel.KindGCPProject}[a.Type]
	n := c.node(id, kind, lastSegment(id))
	alias(n, a.Name)
	return n
}

// projectParent reads a project's parent in its v1 ({"type":"folder","id":"1"})
// or v3 ("folders/1") form.
func projectParent(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var p struct{ Type, ID string }
	if json.Unmarshal(raw, &p) == nil && p.ID != "" {
		switch p.Type {
		case "organization":
			return "organizations/" + p.ID
		case "folder":
			return "folders/" + p.ID
		}
	}
	return ""
}

func first(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

func (c *converter) serviceAccount(a *Asset) (*graphmodel.Node, error) {
	if a.Data == nil {
		email := c.saByUnique[lastSegment(a.Name)]
		if email == "" && strings.Contains(lastSegment(a.Name), "@") {
			email = strings.ToLower(lastSegment(a.Name))
		}
		if email == "" {
			c.gap("service account "+a.Name, "allow policy of a service account the export does not describe", a.Where)
			return nil, nil
		}
		n := c.serviceAccountNode(email)
		alias(n, a.Name)
		return n, nil
	}
	var d serviceAccountData
	if err := data(a, &d); err != nil {
		return nil, err
	}
	n := c.serviceAccountNode(d.Email)
	if n == nil {
		return nil, a.bad("service account %s: email %q is not an address", a.Name, d.Email)
	}
	common(n, a)
	n.Scope = c.scope(a)
	n.SetProp(graphmodel.PropGCPUniqueID, d.UniqueID)
	n.SetProp(graphmodel.PropGCPDisplayName, d.DisplayName)
	if d.Disabled == nil {
		f := false
		d.Disabled = &f
	}
	boolProp(n, graphmodel.PropGCPDisabled, d.Disabled)
	return n, nil
}

func (c *converter) key(a *Asset) (*graphmodel.Node, error) {
	if a.Data == nil {
		return nil, nil
	}
	var d keyData
	if err := data(a, &d); err != nil {
		return nil, err
	}
	// projects/<p>/serviceAccounts/<email or unique id>/keys/<id>
	owner := ""
	if i := strings.Index(a.Name, "/serviceAccounts/"); i >= 0 {
		owner, _, _ = strings.Cut(a.Name[i+len("/serviceAccounts/"):], "/")
	}
	if i := strings.Index(d.Name, "/serviceAccounts/"); i >= 0 {
		if o, _, _ := strings.Cut(d.Name[i+len("/serviceAccounts/"):], "/"); strings.Contains(o, "@") {
			owner = o
		}
	}
	if e, ok := c.saByUnique[owner]; ok {
		owner = e
	}
	owner = strings.ToLower(owner)
	n := c.node(a.Name, graphmodel.KindGCPServiceAccountKey, lastSegment(a.Name))
	common(n, a)
	n.Scope = c.scope(a)
	n.SetProp(graphmodel.PropGCPKeyType, d.KeyType)
	n.SetProp(graphmodel.PropGCPKeyOrigin, d.KeyOrigin)
	n.SetProp(graphmodel.PropGCPKeyAlgorithm, d.KeyAlgorithm)
	n.SetProp(graphmodel.PropGCPValidAfter, d.ValidAfterTime)
	n.SetProp(graphmodel.PropGCPValidBefore, d.ValidBeforeTime)
	disabled := d.Disabled != nil && *d.Disabled
	n.SetProp(graphmodel.PropGCPDisabled, fmt.Sprint(disabled))
	if !strings.Contains(owner, "@") {
		c.gap("service account key "+a.Name, "its service account is not in the export", a.Where)
		return n, nil
	}
	n.SetProp(graphmodel.PropGCPServiceAccount, owner)
	if sa := c.serviceAccountNode(owner); sa != nil {
		c.edge(n.ID, graphmodel.EdgeChildOf, sa.ID)
	}
	c.keys[owner] = append(c.keys[owner], keyFacts{userManaged: d.KeyType == "USER_MANAGED", disabled: disabled, validAfter: d.ValidAfterTime})
	return n, nil
}

func (c *converter) role(a *Asset) (*graphmodel.Node, error) {
	n := c.node(a.Name, graphmodel.KindGCPRole, lastSegment(a.Name))
	n.Scope = c.scope(a)
	if n.Scope == "" {
		if org, ok := strings.CutPrefix(a.Name, "//iam.googleapis.com/organizations/"); ok {
			org, _, _ = strings.Cut(org, "/")
			n.Scope = graphmodel.GCPScope("organization", org)
		}
	}
	common(n, a)
	name := strings.TrimPrefix(a.Name, "//iam.googleapis.com/")
	if a.Data == nil {
		return n, nil
	}
	var d roleData
	if err := data(a, &d); err != nil {
		return nil, err
	}
	name = first(d.Name, name)
	n.SetProp(graphmodel.PropGCPRoleName, name)
	alias(n, name)
	n.SetProp(graphmodel.PropGCPDisplayName, d.Title)
	n.SetProp(graphmodel.PropGCPRoleStage, d.Stage)
	boolProp(n, graphmodel.PropGCPRoleDeleted, d.Deleted)
	perms := append([]string{}, d.IncludedPermissions...)
	sort.Strings(perms)
	setDoc(n, graphmodel.DocGCPRole, map[string]any{"name": name, "title": d.Title, "stage": d.Stage, "includedPermissions": perms})
	return n, nil
}

func (c *converter) pool(a *Asset) (*graphmodel.Node, error) {
	n := c.node(a.Name, graphmodel.KindGCPWorkloadIdentityPool, lastSegment(a.Name))
	n.Scope = c.scope(a)
	common(n, a)
	alias(n, strings.TrimPrefix(a.Name, "//iam.googleapis.com/"))
	if a.Data == nil {
		return n, nil
	}
	var d poolData
	if err := data(a, &d); err != nil {
		return nil, err
	}
	n.SetProp(graphmodel.PropGCPDisplayName, d.DisplayName)
	n.SetProp(graphmodel.PropGCPState, d.State)
	boolProp(n, graphmodel.PropGCPDisabled, d.Disabled)
	return n, nil
}

func (c *converter) provider(a *Asset) (*graphmodel.Node, error) {
	n := c.node(a.Name, graphmodel.KindGCPWorkloadIdentityProvider, lastSegment(a.Name))
	n.Scope = c.scope(a)
	common(n, a)
	if i := strings.Index(a.Name, "/providers/"); i >= 0 {
		c.edge(n.ID, graphmodel.EdgeChildOf, a.Name[:i])
	}
	if a.Data == nil {
		return n, nil
	}
	var d providerData
	if err := data(a, &d); err != nil {
		return nil, err
	}
	n.SetProp(graphmodel.PropGCPDisplayName, d.DisplayName)
	n.SetProp(graphmodel.PropGCPState, d.State)
	boolProp(n, graphmodel.PropGCPDisabled, d.Disabled)
	n.SetProp(graphmodel.PropGCPAttributeCondition, d.AttributeCondition)
	switch {
	case d.OIDC != nil:
		n.SetProp(graphmodel.PropGCPProviderType, "oidc")
		n.SetProp(graphmodel.PropGCPIssuerURI, d.OIDC.IssuerURI)
		n.SetProp(graphmodel.PropGCPAllowedAudiences, strings.Join(d.OIDC.AllowedAudiences, ","))
	case d.AWS != nil:
		n.SetProp(graphmodel.PropGCPProviderType, "aws")
		n.SetProp(graphmodel.PropGCPAWSAccount, d.AWS.AccountID)
	case d.SAML != nil:
		n.SetProp(graphmodel.PropGCPProviderType, "saml")
	case d.X509 != nil:
		n.SetProp(graphmodel.PropGCPProviderType, "x509")
	}
	if len(d.AttributeMapping) > 0 {
		setDoc(n, graphmodel.DocGCPAttributeMapping, d.AttributeMapping)
	}
	return n, nil
}

// resourceID returns the node ID of a resource: its Cloud Asset name, but
// buckets as //storage.googleapis.com/projects/_/buckets/<b> (the name IAM
// conditions see).
func resourceID(a *Asset) string {
	if a.Type == typeBucket {
		if b, ok := strings.CutPrefix(a.Name, "//storage.googleapis.com/"); ok && !strings.Contains(b, "/") {
			return "//storage.googleapis.com/projects/_/buckets/" + b
		}
	}
	return a.Name
}

// The compute resources whose service accounts the converter reads.
type functionData struct {
	ServiceAccountEmail string `json:"serviceAccountEmail"`
	Runtime             string `json:"runtime"`
	IngressSettings     string `json:"ingressSettings"`
	ServiceConfig       *struct {
		ServiceAccountEmail string `json:"serviceAccountEmail"`
		IngressSettings     string `json:"ingressSettings"`
	} `json:"serviceConfig"`
	BuildConfig *struct {
		Runtime        string `json:"runtime"`
		ServiceAccount string `json:"serviceAccount"`
	} `json:"buildConfig"`
	Labels map[string]string `json:"labels"`
}

type runData struct {
	// v1 (Knative) form, as Cloud Asset Inventory exports it.
	Metadata *struct {
		Labels      map[string]string `json:"labels"`
		Annotations map[string]string `json:"annotations"`
	} `json:"metadata"`
	Spec *struct {
		Template struct {
			Spec struct {
				ServiceAccountName string `json:"serviceAccountName"`
			} `json:"spec"`
		} `json:"template"`
	} `json:"spec"`
	// v2 form.
	Template *struct {
		ServiceAccount string `json:"serviceAccount"`
	} `json:"template"`
	Ingress string            `json:"ingress"`
	Labels  map[string]string `json:"labels"`
}

type instanceData struct {
	ServiceAccounts []struct {
		Email  string   `json:"email"`
		Scopes []string `json:"scopes"`
	} `json:"serviceAccounts"`
	Status string            `json:"status"`
	Labels map[string]string `json:"labels"`
}

type nodeConfig struct {
	ServiceAccount string   `json:"serviceAccount"`
	OAuthScopes    []string `json:"oauthScopes"`
}

type clusterData struct {
	NodeConfig *nodeConfig `json:"nodeConfig"`
	NodePools  []struct {
		Config *nodeConfig `json:"config"`
	} `json:"nodePools"`
	Autopilot *struct {
		Enabled bool `json:"enabled"`
	} `json:"autopilot"`
	WorkloadIdentityConfig *struct {
		WorkloadPool string `json:"workloadPool"`
	} `json:"workloadIdentityConfig"`
	Status         string            `json:"status"`
	ResourceLabels map[string]string `json:"resourceLabels"`
}

type labelled struct {
	Labels map[string]string `json:"labels"`
}

// resource converts any other asset; the types above get their service
// accounts and a few facts.
func (c *converter) resource(a *Asset) (*graphmodel.Node, error) {
	n := c.node(resourceID(a), graphmodel.KindGCPResource, resourceName(a))
	n.Scope = c.scope(a)
	common(n, a)
	n.SetProp(graphmodel.PropResourceClass, string(resourceClass(a.Type)))
	if a.Data == nil {
		return n, nil
	}
	switch a.Type {
	case typeFunctionV1, typeFunctionV2:
		var d functionData
		if err := data(a, &d); err != nil {
			return nil, err
		}
		sa, ingress, runtime := d.ServiceAccountEmail, d.IngressSettings, d.Runtime
		if d.ServiceConfig != nil {
			sa, ingress = first(d.ServiceConfig.ServiceAccountEmail, sa), first(d.ServiceConfig.IngressSettings, ingress)
		}
		if d.BuildConfig != nil {
			runtime = first(d.BuildConfig.Runtime, runtime)
		}
		n.SetProp(graphmodel.PropGCPRuntime, runtime)
		n.SetProp(graphmodel.PropGCPIngress, ingress)
		setTags(n, d.Labels)
		c.runsAs(n, c.defaultSA(sa, n.Scope, "appspot"), a.Where)
	case typeRunService:
		var d runData
		if err := data(a, &d); err != nil {
			return nil, err
		}
		sa := ""
		if d.Spec != nil {
			sa = d.Spec.Template.Spec.ServiceAccountName
		}
		if d.Template != nil {
			sa = first(d.Template.ServiceAccount, sa)
		}
		ingress := d.Ingress
		if d.Metadata != nil {
			setTags(n, d.Metadata.Labels)
			ingress = first(d.Metadata.Annotations["run.googleapis.com/ingress"], ingress)
		}
		setTags(n, d.Labels)
		n.SetProp(graphmodel.PropGCPIngress, ingress)
		c.runsAs(n, c.defaultSA(sa, n.Scope, "compute"), a.Where)
	case typeInstance:
		var d instanceData
		if err := data(a, &d); err != nil {
			return nil, err
		}
		setTags(n, d.Labels)
		n.SetProp(graphmodel.PropGCPState, d.Status)
		for _, sa := range d.ServiceAccounts {
			scopes := append([]string(nil), sa.Scopes...)
			sort.Strings(scopes)
			n.SetProp(graphmodel.PropGCPOAuthScopes, strings.Join(scopes, ","))
			c.runsAs(n, sa.Email, a.Where)
		}
	case typeCluster:
		var d clusterData
		if err := data(a, &d); err != nil {
			return nil, err
		}
		setTags(n, d.ResourceLabels)
		n.SetProp(graphmodel.PropGCPState, d.Status)
		if d.WorkloadIdentityConfig != nil {
			n.SetProp(graphmodel.PropGCPWorkloadPool, d.WorkloadIdentityConfig.WorkloadPool)
		}
		var scopes []string
		configs := []*nodeConfig{d.NodeConfig}
		for _, p := range d.NodePools {
			configs = append(configs, p.Config)
		}
		for _, cfg := range configs {
			if cfg == nil {
				continue
			}
			scopes = append(scopes, cfg.OAuthScopes...)
			c.runsAs(n, c.defaultSA(cfg.ServiceAccount, n.Scope, "compute"), a.Where)
		}
		sort.Strings(scopes)
		n.SetProp(graphmodel.PropGCPOAuthScopes, strings.Join(dedup(scopes), ","))
	default:
		var d labelled
		if json.Unmarshal(a.Data, &d) == nil {
			setTags(n, d.Labels)
		}
	}
	return n, nil
}

// defaultSA resolves "" or "default" to the project's default service
// account of the kind ("compute": <number>-compute@developer…,
// "appspot": <project>@appspot…) when the project is known.
func (c *converter) defaultSA(email, scope, kind string) string {
	if email != "" && email != "default" {
		return email
	}
	pid, ok := strings.CutPrefix(scope, "gcp:project:")
	if !ok {
		return ""
	}
	switch kind {
	case "compute":
		if num := c.projectNumbers[pid]; num != "" {
			return num + "-compute@developer.gserviceaccount.com"
		}
	case "appspot":
		return pid + "@appspot.gserviceaccount.com"
	}
	return ""
}

func dedup(sorted []string) []string {
	out := sorted[:0]
	for i, s := range sorted {
		if i == 0 || s != sorted[i-1] {
			out = append(out, s)
		}
	}
	return out
}

// resourceName is the short name of a resource: the last segment of its name.
func resourceName(a *Asset) string { return lastSegment(a.Name) }
