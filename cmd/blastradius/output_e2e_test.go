//go:build linux

package main

import (
	"bytes"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// outputCommands are the commands whose -o the tests below exercise, each
// with the arguments that make it succeed in a directory holding
// demo.snap.json, and the arguments that make it fail on bad input.
var outputCommands = []struct {
	name      string
	args, bad []string
}{
	{name: "analyze", args: []string{"analyze", "demo.snap.json", "--detail", "full"}, bad: []string{"analyze", "bad.snap.json"}},
	{name: "collect", args: []string{"collect", "aws", "--from-dir", "export"}, bad: []string{"collect", "aws", "--from-dir", "bad-export"}},
	{name: "diff", args: []string{"diff", "demo.snap.json", "demo.snap.json", "--format", "json"}, bad: []string{"diff", "demo.snap.json", "bad.snap.json"}},
	{name: "paths", args: []string{"paths", "--demo", "--from", "arn:aws:iam::111122223333:user/carol.diaz", "--to-admin"}, bad: []string{"paths", "bad.snap.json", "--from", "x", "--to-admin"}},
	{name: "who-can", args: []string{"who-can", "--demo", "--action", "s3:GetObject", "--resource", "arn:aws:s3:::acme-cloudtrail-logs"}, bad: []string{"who-can", "bad.snap.json", "--action", "s3:GetObject", "--resource", "x"}},
}

// outputDir returns a directory holding the demo's export (export/), its
// snapshot (demo.snap.json), a malformed snapshot and a malformed export.
func outputDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{"export", "bad-export"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "export", "gaad.json"), demoGAAD(t), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bad-export", "gaad.json"), []byte(`{"UserDetailList": [`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bad.snap.json"), []byte(`{"schema_version": 1, "nodes": [`), 0o644); err != nil {
		t.Fatal(err)
	}
	res := runCLI(t, dir, "collect", "aws", "--from-dir", "export", "-o", "demo.snap.json")
	if res.code != 0 {
		t.Fatalf("collect: exit %d: %s", res.code, res.stderr)
	}
	return dir
}

// expected returns what a command writes to standard output when no -o is
// given: what -o must put into any target.
func expected(t *testing.T, dir string, args []string) []byte {
	t.Helper()
	res := runCLI(t, dir, args...)
	if res.code != 0 || res.stdout == "" {
		t.Fatalf("%v: exit %d, %d bytes: %s", args, res.code, len(res.stdout), res.stderr)
	}
	return []byte(res.stdout)
}

func TestOutputThroughSymlink(t *testing.T) {
	dir := outputDir(t)
	for _, c := range outputCommands {
		t.Run(c.name, func(t *testing.T) {
			want := expected(t, dir, c.args)
			target := filepath.Join(dir, "reports", c.name+".out")
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(target, []byte("old"), 0o600); err != nil {
				t.Fatal(err)
			}
			link := c.name + ".link"
			if err := os.Symlink(filepath.Join("reports", c.name+".out"), filepath.Join(dir, link)); err != nil {
				t.Fatal(err)
			}
			if res := runCLI(t, dir, append(c.args, "-o", link)...); res.code != 0 {
				t.Fatalf("exit %d: %s", res.code, res.stderr)
			}
			if fi, err := os.Lstat(filepath.Join(dir, link)); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
				t.Fatalf("%s is no longer a symbolic link: %v %v", link, fi, err)
			}
			got, _ := os.ReadFile(target)
			if !sameOutput(got, want) {
				t.Errorf("target holds %q…, want the command's output", head(got))
			}
			if fi, _ := os.Stat(target); fi.Mode().Perm() != 0o600 {
				t.Errorf("target mode %v, want the original 0600", fi.Mode().Perm())
			}
		})
	}
}

func TestOutputToFIFO(t *testing.T) {
	dir := outputDir(t)
	for _, c := range outputCommands {
		t.Run(c.name, func(t *testing.T) {
			want := expected(t, dir, c.args)
			fifo := filepath.Join(dir, c.name+".fifo")
			if err := syscall.Mkfifo(fifo, 0o600); err != nil {
				t.Fatal(err)
			}
			got := make(chan []byte, 1)
			go func() {
				f, err := os.Open(fifo)
				if err != nil {
					got <- nil
					return
				}
				defer f.Close()
				b, _ := io.ReadAll(f)
				got <- b
			}()
			if res := runCLI(t, dir, append(c.args, "-o", fifo)...); res.code != 0 {
				t.Fatalf("exit %d: %s", res.code, res.stderr)
			}
			select {
			case b := <-got:
				if !sameOutput(b, want) {
					t.Errorf("reader got %d bytes (%q…), want %d", len(b), head(b), len(want))
				}
			case <-time.After(20 * time.Second):
				t.Fatal("the reader got nothing")
			}
			if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&fs.ModeNamedPipe == 0 {
				t.Errorf("%s is no longer a FIFO", fifo)
			}
		})
	}
}

func TestOutputToCharDevice(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mknod needs root; CI runs this test as root")
	}
	dir := outputDir(t)
	dev := filepath.Join(dir, "null")
	if err := syscall.Mknod(dev, syscall.S_IFCHR|0o666, int(1<<8|3)); err != nil {
		t.Fatalf("mknod: %v", err)
	}
	for _, c := range outputCommands {
		t.Run(c.name, func(t *testing.T) {
			res := runCLI(t, dir, append(c.args, "-o", dev)...)
			fi, err := os.Lstat(dev)
			if err != nil || fi.Mode()&fs.ModeCharDevice == 0 {
				t.Fatalf("%s is no longer a character device: %v %v", dev, fi, err)
			}
			if res.code != 0 && !strings.Contains(res.stderr, "permission denied") {
				// A nodev mount refuses the open: still a device.
				t.Fatalf("exit %d: %s", res.code, res.stderr)
			}
			if res.stdout != "" {
				t.Errorf("wrote %d bytes to standard output", len(res.stdout))
			}
		})
	}
}

func TestOutputToDevStdout(t *testing.T) {
	before, err := os.Lstat("/dev/stdout")
	if err != nil {
		t.Skipf("/dev/stdout: %v", err)
	}
	link, _ := os.Readlink("/dev/stdout")
	defer func() {
		// A writer that renamed over /dev/stdout would break every later
		// program: put it back, and fail.
		if after, err := os.Lstat("/dev/stdout"); err != nil || after.Mode().Type() != before.Mode().Type() {
			t.Errorf("/dev/stdout was replaced")
			if link != "" {
				_ = os.Remove("/dev/stdout")
				_ = os.Symlink(link, "/dev/stdout")
			}
		}
	}()
	dir := outputDir(t)
	for _, c := range outputCommands {
		t.Run(c.name, func(t *testing.T) {
			want := expected(t, dir, c.args)
			res := runCLI(t, dir, append(c.args, "-o", "/dev/stdout")...)
			if res.code != 0 || !sameOutput([]byte(res.stdout), want) {
				t.Errorf("exit %d, stdout %q…: want the command's output (%s)", res.code, head([]byte(res.stdout)), res.stderr)
			}
		})
	}
}

func TestOutputToProcessSubstitution(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash not installed")
	}
	dir := outputDir(t)
	c := outputCommands[0]
	want := expected(t, dir, c.args)
	script := `out=$(mktemp); "$0" "$@" -o >(cat > "$out") || exit 1; wait; cat "$out"; rm -f "$out"`
	cmd := exec.Command(bash, append([]string{"-c", script, binary}, c.args...)...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%v: %s", err, stderr.String())
	}
	if !sameOutput(out, want) {
		t.Errorf("process substitution got %q…, want the command's output", head(out))
	}
}

func TestFailedRunLeavesTargetsAlone(t *testing.T) {
	dir := outputDir(t)
	for _, c := range outputCommands {
		t.Run(c.name, func(t *testing.T) {
			target := filepath.Join(dir, c.name+".keep")
			if err := os.WriteFile(target, []byte("previous report\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			link := filepath.Join(dir, c.name+".keep-link")
			if err := os.Symlink(target, link); err != nil {
				t.Fatal(err)
			}
			for _, out := range []string{target, link} {
				res := runCLI(t, dir, append(c.bad, "-o", out)...)
				if res.code != 2 {
					t.Fatalf("-o %s: exit %d, want 2: %s", out, res.code, res.stderr)
				}
			}
			if got, _ := os.ReadFile(target); string(got) != "previous report\n" {
				t.Errorf("target changed to %q", head(got))
			}
			if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
				t.Errorf("link replaced")
			}
			ents, _ := os.ReadDir(dir)
			if hasTempFile(ents) {
				t.Errorf("temporary file left in %s", dir)
			}
		})
	}
}

// timestamp matches the generation time reports carry.
var timestamp = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z`)

// sameOutput reports whether two outputs of one command are the same but
// for their generation time.
func sameOutput(a, b []byte) bool {
	return bytes.Equal(timestamp.ReplaceAll(a, []byte("TIME")), timestamp.ReplaceAll(b, []byte("TIME")))
}

// head returns the first bytes of b, for messages.
func head(b []byte) []byte {
	if len(b) > 60 {
		return b[:60]
	}
	return b
}
