package archcheck

import (
	"os/exec"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/blastradius/blastradius/"

// providers are the provider names whose packages live under collectors/
// and analysis/.
var providers = []string{"aws", "gcp", "kubernetes", "workspace"}

// policyLanguages are the providers' policy-language packages.
var policyLanguages = []string{"awspolicy", "gcppolicy", "k8srbac"}

// imports returns each package of the module (tests excluded) with the
// module packages it imports directly, paths relative to the module.
func imports(t *testing.T) map[string][]string {
	t.Helper()
	cmd := exec.Command("go", "list", "-f", `{{.ImportPath}}|{{join .Imports ","}}`, "./...")
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	pkgs := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		path, list, _ := strings.Cut(line, "|")
		var own []string
		for _, imp := range strings.Split(list, ",") {
			if strings.HasPrefix(imp, module) {
				own = append(own, strings.TrimPrefix(imp, module))
			}
		}
		pkgs[strings.TrimPrefix(path, module)] = own
	}
	return pkgs
}

// under reports whether pkg is dir or inside it.
func under(pkg, dir string) bool { return pkg == dir || strings.HasPrefix(pkg, dir+"/") }

// providerOf returns the provider of a collectors/<p> or analysis/<p>
// package ("" for any other).
func providerOf(pkg string) string {
	for _, root := range []string{"collectors/", "analysis/"} {
		if rest, ok := strings.CutPrefix(pkg, root); ok {
			p, _, _ := strings.Cut(rest, "/")
			for _, name := range providers {
				if p == name {
					return p
				}
			}
		}
	}
	return ""
}

func isPolicyLanguage(pkg string) bool {
	for _, l := range policyLanguages {
		if under(pkg, l) {
			return true
		}
	}
	return false
}

// violation returns why pkg may not import imp, or "".
func violation(pkg, imp string) string {
	internal := under(imp, "internal")
	switch {
	case under(pkg, "graphmodel"):
		if !internal {
			return "graphmodel imports the standard library and its graph library only"
		}
	case isPolicyLanguage(pkg):
		if !internal && !under(imp, pkg) {
			return "a policy language imports no other package of the module"
		}
	case pkg == "collectors":
		if !internal && imp != "graphmodel" {
			return "collectors (the shared plumbing) imports graphmodel only, never a provider"
		}
	case providerOf(pkg) != "" && under(pkg, "collectors"):
		if providerOf(imp) != "" && providerOf(imp) != providerOf(pkg) {
			return "providers never import each other"
		}
		if !internal && imp != "graphmodel" && imp != "collectors" && !isPolicyLanguage(imp) && !under(imp, "collectors/"+providerOf(pkg)) {
			return "a collector imports graphmodel, collectors and policy languages only"
		}
	case providerOf(pkg) != "" && under(pkg, "analysis"):
		if imp == "analysis" || under(imp, "analysis/diff") {
			return "analysis/<provider> never imports the generic analysis"
		}
		if providerOf(imp) != "" && providerOf(imp) != providerOf(pkg) || under(imp, "collectors") {
			return "providers never import each other, nor collectors"
		}
		if !internal && imp != "graphmodel" && !isPolicyLanguage(imp) && !under(imp, "analysis/"+providerOf(pkg)) {
			return "a provider's analysis imports graphmodel and policy languages only"
		}
	case under(pkg, "tfplan"):
		if !internal && imp != "graphmodel" && !isPolicyLanguage(imp) {
			return "tfplan (a plan applied to a snapshot) imports graphmodel and policy languages only, never analysis, collectors or sinks"
		}
	case under(pkg, "analysis/crosscloud"):
		if !internal && imp != "graphmodel" && !isPolicyLanguage(imp) {
			return "analysis/crosscloud imports graphmodel and policy languages only"
		}
	case under(pkg, "analysis"):
		if providerOf(imp) != "" || under(imp, "collectors") || under(imp, "providers") || isPolicyLanguage(imp) {
			return "the generic analysis names no provider"
		}
	}
	// Only the command, the provider list and the measuring tools under
	// bench/ import a provider.
	if providerOf(imp) != "" && providerOf(pkg) != providerOf(imp) && !under(pkg, "cmd") && !under(pkg, "bench") && pkg != "providers" {
		return "only cmd, bench and providers import a provider's packages"
	}
	for _, sink := range []string{"report", "neo4jexport", "viz", "queries"} {
		if under(imp, sink) && (under(pkg, "graphmodel") || under(pkg, "collectors") || under(pkg, "analysis")) {
			return "no collector, analysis or model imports a sink"
		}
	}
	return ""
}

// TestImportRules checks every import of the module against the layering.
func TestImportRules(t *testing.T) {
	pkgs := imports(t)
	if len(pkgs) < 10 {
		t.Fatalf("go list found %d packages", len(pkgs))
	}
	var bad []string
	for pkg, list := range pkgs {
		for _, imp := range list {
			if why := violation(pkg, imp); why != "" {
				bad = append(bad, pkg+" imports "+imp+": "+why)
			}
		}
	}
	sort.Strings(bad)
	for _, b := range bad {
		t.Error(b)
	}
}

// TestRulesCatch proves each rule fires on an import it forbids.
func TestRulesCatch(t *testing.T) {
	forbidden := [][2]string{
		{"graphmodel", "collectors"},
		{"graphmodel", "analysis"},
		{"collectors", "collectors/aws"},
		{"collectors/aws", "analysis"},
		{"collectors/aws", "collectors/kubernetes"},
		{"collectors/kubernetes", "report"},
		{"analysis/aws", "analysis"},
		{"analysis/gcp", "analysis/aws"},
		{"analysis/aws", "collectors/aws"},
		{"analysis", "analysis/aws"},
		{"analysis", "awspolicy"},
		{"analysis/crosscloud", "analysis"},
		{"awspolicy", "graphmodel"},
		{"report", "analysis/aws"},
		{"neo4jexport", "collectors/aws"},
		{"analysis", "report"},
		{"tfplan", "analysis"},
		{"tfplan", "analysis/diff"},
		{"tfplan", "collectors/aws"},
		{"tfplan", "report"},
	}
	for _, f := range forbidden {
		if violation(f[0], f[1]) == "" {
			t.Errorf("%s importing %s is allowed", f[0], f[1])
		}
	}
	allowed := [][2]string{
		{"collectors/aws", "awspolicy"}, {"collectors/aws", "collectors"}, {"analysis/aws", "analysis/aws/catalog"},
		{"analysis/crosscloud", "awspolicy"}, {"providers", "analysis/aws"}, {"cmd/blastradius", "collectors/aws"},
		{"analysis/diff", "analysis"}, {"report", "analysis"}, {"collectors", "internal/badinput"},
		{"tfplan", "graphmodel"}, {"tfplan", "awspolicy"}, {"tfplan", "internal/badinput"}, {"cmd/blastradius", "tfplan"},
	}
	for _, a := range allowed {
		if why := violation(a[0], a[1]); why != "" {
			t.Errorf("%s importing %s is refused: %s", a[0], a[1], why)
		}
	}
}
