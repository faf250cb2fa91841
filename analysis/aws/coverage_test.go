package aws

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/blastradius/blastradius/analysis/aws/catalog"
)

// ruleTechniques lists every technique some rule of this package emits.
func ruleTechniques() map[string]bool {
	set := map[string]bool{
		TechAssumeRole: true, TechCreatePolicyVersion: true, TechAddUserToGroup: true,
		TechCreateAccessKeyRotate: true,
	}
	for _, r := range grantRules {
		set[r.technique] = true
	}
	for _, r := range accessRules {
		set[r.technique] = true
	}
	for _, r := range passRoleRules {
		set[r.technique] = true
	}
	for _, r := range existingRules {
		set[r.technique] = true
	}
	for _, id := range composites {
		set[id] = true
	}
	return set
}

// Every path of the catalogue is a rule here, and every catalogue-style id
// a rule uses exists in the catalogue.
func TestEveryCataloguePathHasARule(t *testing.T) {
	paths := catalog.Paths()
	if len(paths) != 65 {
		t.Fatalf("catalogue has %d paths, want 65", len(paths))
	}
	rules := ruleTechniques()
	var missing []string
	for _, p := range paths {
		if !rules[p.ID] {
			missing = append(missing, p.ID)
		}
	}
	if len(missing) > 0 {
		t.Errorf("catalogue paths without a rule: %v", missing)
	}
	var unknown []string
	for id := range rules {
		if strings.Contains(id, ":") {
			continue // named by an action, not a catalogue id
		}
		if _, ok := catalog.PathByID(id); !ok {
			unknown = append(unknown, id)
		}
	}
	sort.Strings(unknown)
	if len(unknown) > 0 {
		t.Errorf("rules with ids the catalogue does not have: %v", unknown)
	}
}

// The required permissions of each catalogue path appear in its rule.
func TestRulesRequireTheCataloguePermissions(t *testing.T) {
	actionsOf := map[string][]string{}
	for _, r := range passRoleRules {
		actionsOf[r.technique] = append([]string{"iam:PassRole"}, r.actions...)
	}
	for _, r := range existingRules {
		actionsOf[r.technique] = append(append([]string(nil), r.onResource...), r.anywhere...)
	}
	for _, p := range catalog.Paths() {
		have, ok := actionsOf[p.ID]
		if !ok {
			continue
		}
		for _, req := range p.Required {
			found := false
			for _, a := range have {
				if strings.EqualFold(a, req.Permission) {
					found = true
				}
			}
			if !found {
				t.Errorf("%s: the catalogue requires %s, the rule does not check it (rule checks %v)", p.ID, req.Permission, have)
			}
		}
	}
}

// Every path of the catalogue has a fixture of its own, named after it
// ("iam-014-…", "lambda-001-passrole", "ssm-002-existing"), which the
// technique tests run.
func TestEveryCataloguePathHasAFixture(t *testing.T) {
	entries, err := os.ReadDir(filepath.Join("testdata", "techniques"))
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, e := range entries {
		parts := strings.SplitN(e.Name(), "-", 3)
		if len(parts) >= 2 {
			have[parts[0]+"-"+parts[1]] = true
		}
	}
	for _, p := range catalog.Paths() {
		if !have[p.ID] {
			t.Errorf("no fixture for %s (%s)", p.ID, p.Name)
		}
	}
}
