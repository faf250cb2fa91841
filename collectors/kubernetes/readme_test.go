package kubernetes

import (
	"os"
	"strings"
	"testing"
)

// TestDocsGiveTheCommand checks that the README and the package doc give
// the exact command the offline reader reads the output of.
func TestDocsGiveTheCommand(t *testing.T) {
	for _, f := range []string{"README.md", "doc.go"} {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), KubectlCommand) {
			t.Errorf("%s does not give %q", f, KubectlCommand)
		}
	}
	// The command lists every kind the collector reads but
	// ReplicationControllers (accepted, not asked for).
	for _, k := range kinds {
		if k.kind != "ReplicationController" && !strings.Contains(KubectlCommand, k.resource) {
			t.Errorf("the command lacks %s", k.resource)
		}
	}
}
