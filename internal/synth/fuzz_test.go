package synth

import (
	"context"
	"os"
	"testing"

	awscollect "github.com/blastradius/blastradius/collectors/aws"
)

// FuzzSpec writes small estates of arbitrary valid specs: the generator
// must never panic, and what it writes must collect without error or gap.
func FuzzSpec(f *testing.F) {
	f.Add(int64(1), uint8(40), uint8(10), uint8(8), uint8(30), uint8(5), uint8(4), uint8(3), uint8(4), false)
	f.Add(int64(2), uint8(0), uint8(0), uint8(0), uint8(10), uint8(0), uint8(0), uint8(0), uint8(2), true)
	f.Add(int64(3), uint8(1), uint8(1), uint8(6), uint8(12), uint8(1), uint8(1), uint8(1), uint8(8), false)
	f.Fuzz(func(t *testing.T, seed int64, roles, users, groups, policies, functions, instances, buckets, maxChain uint8, objects bool) {
		s := Small()
		s.Seed = seed
		s.Roles, s.Users, s.Groups, s.ManagedPolicies = int(roles), int(users), int(groups), int(policies)
		s.Functions, s.Instances, s.Buckets = int(functions), int(instances), int(buckets)
		s.MaxChain, s.ObjectDocuments = int(maxChain), objects
		s.AdminPercent, s.SelfEscalationPercent, s.PassRoleLambdaPercent = 5, 5, 5
		s.ChainPercent, s.CIPercent, s.CrossAccountPercent, s.HumanRolePercent = 10, 5, 5, 5
		if s.Validate() != nil {
			return
		}
		dir := t.TempDir()
		if err := WriteAWS(dir, s); err != nil {
			t.Fatalf("WriteAWS %+v: %v", s, err)
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
