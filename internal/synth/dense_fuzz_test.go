package synth

import (
	"context"
	"os"
	"testing"

	awscollect "github.com/blastradius/blastradius/collectors/aws"
)

// FuzzDenseSpec writes small dense estates of arbitrary valid specs: the
// generator must never panic or loop, and what it writes must collect
// without error or gap.
func FuzzDenseSpec(f *testing.F) {
	f.Add(int64(1), uint8(40), uint8(10), uint8(8), uint8(40), uint8(3), uint8(3), uint8(3), uint8(2), uint8(2), uint8(3), false)
	f.Add(int64(2), uint8(2), uint8(0), uint8(0), uint8(16), uint8(1), uint8(0), uint8(0), uint8(0), uint8(1), uint8(1), true)
	f.Add(int64(3), uint8(0), uint8(9), uint8(6), uint8(14), uint8(0), uint8(1), uint8(1), uint8(1), uint8(0), uint8(10), false)
	f.Fuzz(func(t *testing.T, seed int64, roles, users, groups, policies, functions, instances, secrets, templates, glue, maxTrusted uint8, objects bool) {
		s := DenseScaled(int(roles) + int(users))
		s.Seed = seed
		s.Roles, s.Users, s.Groups, s.ManagedPolicies = int(roles), int(users), int(groups), int(policies)
		s.Functions, s.Instances, s.Buckets, s.Secrets = int(functions), int(instances), int(instances)/2, int(secrets)
		s.LaunchTemplates, s.GlueJobs, s.MaxTrustedRoles, s.ObjectDocuments = int(templates), int(glue), int(maxTrusted), objects
		if s.Validate() != nil {
			return
		}
		dir := t.TempDir()
		if _, err := WriteAWSDense(dir, s); err != nil {
			t.Fatalf("WriteAWSDense %+v: %v", s, err)
		}
		frag, err := awscollect.NewOffline(os.DirFS(dir), dir).Collect(context.Background())
		if err != nil {
			t.Fatalf("collect %+v: %v", s, err)
		}
		if len(frag.Source.Gaps) > 0 {
			t.Fatalf("%+v: gap %+v", s, frag.Source.Gaps[0])
		}
	})
}
