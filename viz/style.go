package viz

import (
	"strings"

	"github.com/blastradius/blastradius/graphmodel"
)

// providerColors are the fill colours of nodes by provider, shared by DOT,
// Mermaid and the HTML page (AWS warm, GCP blue, Kubernetes violet,
// Workspace green, GitHub dark, outside principals purple).
var providerColors = map[graphmodel.Provider]string{
	graphmodel.ProviderAWS:        "#f59e0b",
	graphmodel.ProviderGCP:        "#4285f4",
	graphmodel.ProviderKubernetes: "#8b5cf6",
	graphmodel.ProviderWorkspace:  "#34a853",
	graphmodel.ProviderGitHub:     "#57606a",
	graphmodel.ProviderExternal:   "#c026d3",
}

// unknownColor fills nodes whose provider is not known.
const unknownColor = "#9ca3af"

// colorOf returns the fill colour of a provider.
func colorOf(p graphmodel.Provider) string {
	if c, ok := providerColors[p]; ok {
		return c
	}
	return unknownColor
}

// textColorOf returns a readable text colour on colorOf(p).
func textColorOf(p graphmodel.Provider) string {
	switch p {
	case graphmodel.ProviderGitHub, graphmodel.ProviderKubernetes, graphmodel.ProviderExternal, graphmodel.ProviderGCP:
		return "#ffffff"
	}
	return "#111827"
}

// Edge colours by kind.
const (
	colorBecome = "#1f2937"
	colorAdmin  = "#dc2626"
	colorAccess = "#6b7280"
	colorGrant  = "#ea580c"
	colorMember = "#9ca3af"
)

// edgeColorOf returns the stroke colour of an edge kind.
func edgeColorOf(k graphmodel.EdgeKind) string {
	switch k {
	case graphmodel.EdgeAdminOf:
		return colorAdmin
	case graphmodel.EdgeCanAccess:
		return colorAccess
	case graphmodel.EdgeCanGrantAdmin:
		return colorGrant
	case graphmodel.EdgeMemberOf:
		return colorMember
	}
	return colorBecome
}

// providerOfID guesses the provider of a node the caller knows only by its
// ID (the identifiers table of ARCHITECTURE.md), for colouring only; "" when
// the ID says nothing.
func providerOfID(id string) graphmodel.Provider {
	switch {
	case strings.HasPrefix(id, "arn:aws") || strings.HasPrefix(id, "aws:"):
		return graphmodel.ProviderAWS
	case strings.HasPrefix(id, "gcp:") || strings.HasPrefix(id, "//") && strings.Contains(id, ".googleapis.com/"):
		return graphmodel.ProviderGCP
	case strings.HasPrefix(id, "k8s:"):
		return graphmodel.ProviderKubernetes
	case strings.HasPrefix(id, "workspace:"):
		return graphmodel.ProviderWorkspace
	case strings.HasPrefix(id, "github:"):
		return graphmodel.ProviderGitHub
	}
	return ""
}
