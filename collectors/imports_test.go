package collectors

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImportsNoProvider: the shared plumbing imports graphmodel, internal
// helpers (bad-input errors) and the standard library only, never a
// provider, so that every provider can import it.
func TestImportsNoProvider(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			std := !strings.Contains(strings.SplitN(path, "/", 2)[0], ".")
			internal := strings.HasPrefix(path, "github.com/blastradius/blastradius/internal/")
			if !std && !internal && path != "github.com/blastradius/blastradius/graphmodel" {
				t.Errorf("%s imports %s; collectors may import graphmodel, the project's internal helpers and the standard library only", name, path)
			}
		}
	}
}
