package aws

import (
	"os"
	"strings"
	"testing"
)

// The README's table of offline files lists exactly the files the reader knows.
func TestReadmeListsEveryOfflineFile(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, line := range strings.Split(string(data), "\n") {
		rest, ok := strings.CutPrefix(line, "| `")
		if !ok {
			continue
		}
		if name := rest[:strings.Index(rest+"`", "`")]; strings.HasSuffix(name, ".json") {
			listed[name] = true
		}
	}
	for _, f := range OfflineFiles() {
		if !listed[f] {
			t.Errorf("README does not list %s", f)
		}
		delete(listed, f)
	}
	for f := range listed {
		t.Errorf("README lists %s, which the reader does not know", f)
	}
}
