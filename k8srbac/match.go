package k8srbac

import "strings"

// Request is one request to the API server, as the authorizer sees it.
// A request with a Path is a non-resource request and its resource fields
// are ignored.
type Request struct {
	// Verb is the API verb: get, list, watch, create, update, patch,
	// delete, deletecollection, or a special verb (bind, escalate,
	// impersonate, approve, sign, use, …). Non-resource requests use the
	// lower-case HTTP method (get, post, put, delete, …).
	Verb string
	// APIGroup is the resource's API group ("" for core).
	APIGroup string
	// Resource is the resource's plural name ("pods").
	Resource string
	// Subresource is the subresource ("exec", "token", "scale") or "".
	Subresource string
	// Namespace is where the request is made: the object's namespace, or
	// "" for a cluster-scoped resource or a request across namespaces.
	Namespace string
	// Name is the object's name, "" for requests on a collection.
	Name string
	// Path is the URL path of a non-resource request ("/metrics").
	Path string
}

// ResourceRequest returns a request on a resource.
func ResourceRequest(verb, apiGroup, resource, subresource, namespace, name string) Request {
	return Request{Verb: verb, APIGroup: apiGroup, Resource: resource, Subresource: subresource,
		Namespace: namespace, Name: name}
}

// NonResourceRequest returns a request on a URL path that names no resource.
func NonResourceRequest(verb, path string) Request { return Request{Verb: verb, Path: path} }

// IsResource reports whether r is a resource request.
func (r Request) IsResource() bool { return r.Path == "" }

// String renders the request, e.g. "create pods/exec in dev name web-1" or
// "get /metrics".
func (r Request) String() string {
	if !r.IsResource() {
		return r.Verb + " " + r.Path
	}
	var b strings.Builder
	b.WriteString(r.Verb)
	b.WriteByte(' ')
	if r.APIGroup != "" {
		b.WriteString(r.APIGroup)
		b.WriteByte('/')
	}
	b.WriteString(r.Resource)
	if r.Subresource != "" {
		b.WriteByte('/')
		b.WriteString(r.Subresource)
	}
	if r.Namespace != "" {
		b.WriteString(" in ")
		b.WriteString(r.Namespace)
	} else {
		b.WriteString(" cluster-wide")
	}
	if r.Name != "" {
		b.WriteString(" name ")
		b.WriteString(r.Name)
	}
	return b.String()
}

// Allows reports whether the rule allows the request (see the package
// doc). Where the request is made is not the rule's concern: bindings
// decide that.
func (r PolicyRule) Allows(req Request) bool {
	if !r.AllowsVerb(req.Verb) {
		return false
	}
	if !req.IsResource() {
		return r.AllowsNonResourceURL(req.Path)
	}
	return r.AllowsAPIGroup(req.APIGroup) &&
		r.AllowsResource(req.Resource, req.Subresource) &&
		r.AllowsResourceName(req.Name)
}

// AllowsVerb reports whether the rule's verbs hold verb or "*".
func (r PolicyRule) AllowsVerb(verb string) bool {
	for _, v := range r.Verbs {
		if v == All || v == verb {
			return true
		}
	}
	return false
}

// AllowsAPIGroup reports whether the rule's apiGroups hold group or "*".
func (r PolicyRule) AllowsAPIGroup(group string) bool {
	for _, g := range r.APIGroups {
		if g == All || g == group {
			return true
		}
	}
	return false
}

// AllowsResource reports whether the rule's resources cover resource and
// subresource ("" for none): "*", the resource alone when there is no
// subresource, "<resource>/<subresource>", or "*/<subresource>".
func (r PolicyRule) AllowsResource(resource, subresource string) bool {
	combined := resource
	if subresource != "" {
		combined = resource + "/" + subresource
	}
	for _, res := range r.Resources {
		switch {
		case res == All, res == combined:
			return true
		case subresource != "" && len(res) == len(subresource)+2 &&
			strings.HasPrefix(res, "*/") && strings.HasSuffix(res, subresource):
			return true
		}
	}
	return false
}

// AllowsResourceName reports whether the rule's resourceNames admit name:
// an empty list admits every name, a list only the names it holds.
func (r PolicyRule) AllowsResourceName(name string) bool {
	if len(r.ResourceNames) == 0 {
		return true
	}
	for _, n := range r.ResourceNames {
		if n == name {
			return true
		}
	}
	return false
}

// AllowsNonResourceURL reports whether the rule's nonResourceURLs cover
// path: "*", the path itself, or a prefix of it followed by "*".
func (r PolicyRule) AllowsNonResourceURL(path string) bool {
	for _, u := range r.NonResourceURLs {
		switch {
		case u == All, u == path:
			return true
		case strings.HasSuffix(u, "*") && strings.HasPrefix(path, strings.TrimRight(u, "*")):
			return true
		}
	}
	return false
}
