package providers

import (
	"github.com/blastradius/blastradius/analysis"
	"github.com/blastradius/blastradius/analysis/crosscloud"
)

// CrossCloud returns the entry of the bridges between providers (EKS:
// IRSA, Pod Identity, aws-auth, access entries, node roles): an analysis
// only, with no collector of its own, whose edges exist when the
// snapshots of both sides are analyzed together.
func CrossCloud() Provider {
	return Provider{
		Name:    "crosscloud",
		Tags:    []string{"bridge"},
		Summary: "bridges between providers' snapshots analyzed together (EKS IRSA, Pod Identity, aws-auth, access entries, node roles)",
		Deriver: func() analysis.Deriver { return crosscloud.New() },
	}
}
