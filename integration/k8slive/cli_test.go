package k8slive

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/blastradius/blastradius/graphmodel"
)

// The blastradius binary, built once per test run (only by a test that
// has a server to collect).
var (
	buildOnce sync.Once
	binary    string
	buildErr  error
)

// blastradius returns the path of the blastradius binary, built from
// ../../cmd/blastradius into a directory removed by TestMain.
func blastradius(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "blastradius-k8slive-")
		if err != nil {
			buildErr = err
			return
		}
		binDir = dir
		binary = filepath.Join(dir, "blastradius")
		goCmd := os.Getenv("GO")
		if goCmd == "" {
			goCmd = "go"
		}
		out, err := exec.Command(goCmd, "build", "-o", binary, "github.com/blastradius/blastradius/cmd/blastradius").CombinedOutput()
		if err != nil {
			buildErr = errors.New("go build: " + err.Error() + "\n" + string(out))
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binary
}

// binDir is the directory of the built binary, if any.
var binDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// cliResult is what one run of the binary produced.
type cliResult struct {
	code           int
	stdout, stderr string
}

// run runs the binary with args in dir, with no kubeconfig of the
// environment to fall back on.
func run(t *testing.T, dir string, args ...string) cliResult {
	t.Helper()
	cmd := exec.Command(blastradius(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "KUBECONFIG=", "HOME="+dir)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := cliResult{stdout: stdout.String(), stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		res.code = ee.ExitCode()
	default:
		t.Fatalf("run %v: %v", args, err)
	}
	return res
}

// runOK runs the binary and fails the test unless it exits 0.
func runOK(t *testing.T, dir string, args ...string) cliResult {
	t.Helper()
	res := run(t, dir, args...)
	if res.code != 0 {
		t.Fatalf("blastradius %s: exit %d\n%s", strings.Join(args, " "), res.code, res.stderr)
	}
	return res
}

// readSnapshot decodes a snapshot file the binary wrote.
func readSnapshot(t *testing.T, path string) (*graphmodel.Snapshot, []byte) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := graphmodel.Decode(path, data)
	if err != nil {
		t.Fatal(err)
	}
	return snap, data
}

// hop is one hop of a path the paths command prints.
type hop struct{ From, To, Technique, Evidence string }

// paths runs "paths SNAP --from FROM <to...> --format json" and returns
// the paths found.
func paths(t *testing.T, dir, snap, from string, to ...string) []struct {
	Target      string
	Conditional bool
	Path        []hop
} {
	t.Helper()
	res := runOK(t, dir, append(append([]string{"paths", snap, "--from", from}, to...), "--format", "json")...)
	var doc struct {
		Paths []struct {
			Target      string
			Conditional bool
			Path        []hop
		}
	}
	if err := json.Unmarshal([]byte(res.stdout), &doc); err != nil {
		t.Fatalf("paths --from %s %v: %v\n%s", from, to, err, res.stdout)
	}
	return doc.Paths
}

// wantPath checks that the shortest path from from to to (an ID, or
// "admin" for --to-admin) is certain and has exactly the hops want,
// "technique to" each ("A|B to" admits either technique), every one
// with evidence.
func wantPath(t *testing.T, dir, snap, from, to string, want ...string) {
	t.Helper()
	args := []string{"--to", to}
	if to == "admin" {
		args = []string{"--to-admin"}
	}
	found := paths(t, dir, snap, from, args...)
	if len(found) != 1 {
		t.Errorf("paths from %s to %s: %d paths, want 1: %+v", from, to, len(found), found)
		return
	}
	p := found[0]
	if p.Conditional {
		t.Errorf("path from %s to %s is conditional: %+v", from, to, p.Path)
	}
	ok := len(p.Path) == len(want)
	at := from
	for i, h := range p.Path {
		if h.From != at || h.Evidence == "" {
			t.Errorf("hop %s -%s-> %s starts at %s or lacks evidence (%q)", h.From, h.Technique, h.To, at, h.Evidence)
		}
		at = h.To
		if i < len(want) {
			tech, target, _ := strings.Cut(want[i], " ")
			ok = ok && h.To == target && strings.Contains("|"+tech+"|", "|"+h.Technique+"|")
		}
	}
	if !ok {
		var got []string
		for _, h := range p.Path {
			got = append(got, h.Technique+" "+h.To)
		}
		t.Errorf("path from %s to %s:\n  %s\nwant\n  %s", from, to, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// wantNoPath checks that to (an ID, or "admin") is not reachable from
// from, certainly or not.
func wantNoPath(t *testing.T, dir, snap, from, to string) {
	t.Helper()
	args := []string{"--to", to}
	if to == "admin" {
		args = []string{"--to-admin"}
	}
	if found := paths(t, dir, snap, from, args...); len(found) != 0 {
		t.Errorf("paths from %s to %s: want none, got %+v", from, to, found)
	}
}
