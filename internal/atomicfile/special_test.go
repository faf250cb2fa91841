//go:build linux

package atomicfile

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// report is what the tests write: long enough to take more than one pipe
// buffer, so a reader that got only part of it is noticed.
var report = bytes.Repeat([]byte(`{"identity":"arn:aws:iam::111122223333:role/x"}`+"\n"), 4000)

func TestWriteFileKeepsPermissionBits(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.json")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want the original 0600", fi.Mode().Perm())
	}
	if got, _ := os.ReadFile(path); string(got) != "new" {
		t.Errorf("content = %q", got)
	}
}

func TestWriteFileFollowsSymlink(t *testing.T) {
	tests := []struct {
		name   string
		link   string // the link's content, relative to the link's directory when not absolute
		target string // where the content must end up, relative to the test directory
		exists bool   // the target exists before the write
	}{
		{name: "relative link to a file", link: "reports/real.json", target: "reports/real.json", exists: true},
		{name: "absolute link to a file", link: "ABS/reports/real.json", target: "reports/real.json", exists: true},
		{name: "dangling link", link: "reports/new.json", target: "reports/new.json"},
		{name: "link to a link", link: "reports/hop.json", target: "reports/real.json", exists: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.Mkdir(filepath.Join(dir, "reports"), 0o755); err != nil {
				t.Fatal(err)
			}
			real := filepath.Join(dir, "reports", "real.json")
			if err := os.WriteFile(real, []byte("old report"), 0o640); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink("real.json", filepath.Join(dir, "reports", "hop.json")); err != nil {
				t.Fatal(err)
			}
			link := filepath.Join(dir, "report.json")
			dest := strings.Replace(tt.link, "ABS", dir, 1)
			if err := os.Symlink(dest, link); err != nil {
				t.Fatal(err)
			}
			if err := WriteFile(link, report, 0o644); err != nil {
				t.Fatalf("WriteFile: %v", err)
			}
			if got, err := os.Readlink(link); err != nil || got != dest {
				t.Fatalf("link now %q, %v: want it kept, pointing to %q", got, err, dest)
			}
			target := filepath.Join(dir, tt.target)
			fi, err := os.Lstat(target)
			if err != nil || !fi.Mode().IsRegular() {
				t.Fatalf("target %s: %v, %v", target, fi, err)
			}
			if got, _ := os.ReadFile(target); !bytes.Equal(got, report) {
				t.Errorf("target holds %d bytes, want the new report", len(got))
			}
			wantMode := os.FileMode(0o644)
			if tt.exists {
				wantMode = 0o640
			}
			if fi.Mode().Perm() != wantMode {
				t.Errorf("target mode %v, want %v", fi.Mode().Perm(), wantMode)
			}
			if tt.link == "reports/hop.json" {
				if fi, err := os.Lstat(filepath.Join(dir, "reports", "hop.json")); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
					t.Errorf("intermediate link replaced: %v %v", fi, err)
				}
			}
			for _, d := range []string{dir, filepath.Join(dir, "reports")} {
				for _, n := range entries(t, d) {
					if strings.Contains(n, ".tmp-") {
						t.Errorf("temporary file %s left in %s", n, d)
					}
				}
			}
		})
	}
}

func TestWriteFileSymlinkLoop(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	if err := os.Symlink("b", a); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("a", b); err != nil {
		t.Fatal(err)
	}
	err := WriteFile(a, []byte("x"), 0o644)
	if !errors.Is(err, syscall.ELOOP) || !strings.Contains(err.Error(), a) {
		t.Fatalf("err = %v, want ELOOP naming %s", err, a)
	}
}

func TestWriteFileFIFO(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "out")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	got := make(chan []byte, 1)
	go func() {
		f, err := os.Open(fifo) // blocks until the writer opens
		if err != nil {
			got <- nil
			return
		}
		defer f.Close()
		b, _ := io.ReadAll(f)
		got <- b
	}()
	if err := WriteFile(fifo, report, 0o644); err != nil {
		t.Fatalf("WriteFile: %v", err)
	}
	select {
	case b := <-got:
		if !bytes.Equal(b, report) {
			t.Errorf("reader got %d bytes, want %d", len(b), len(report))
		}
	case <-time.After(10 * time.Second):
		t.Error("the reader got nothing: the FIFO was not written")
	}
	fi, err := os.Lstat(fifo)
	if err != nil || fi.Mode()&fs.ModeNamedPipe == 0 {
		t.Errorf("%s is no longer a FIFO: %v %v", fifo, fi, err)
	}
	if names := entries(t, dir); len(names) != 1 {
		t.Errorf("directory holds %v", names)
	}
}

func TestWriteFileCharDevice(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mknod needs root; this test runs as root in CI")
	}
	dir := t.TempDir()
	dev := filepath.Join(dir, "null")
	// The same device as /dev/null: writes succeed and vanish.
	if err := syscall.Mknod(dev, syscall.S_IFCHR|0o666, int(1<<8|3)); err != nil {
		t.Fatalf("mknod: %v", err)
	}
	err := WriteFile(dev, report, 0o644)
	if err != nil && !errors.Is(err, fs.ErrPermission) {
		// A nodev mount refuses to open it (EACCES): still an error naming
		// the path, and still a device.
		t.Fatalf("WriteFile: %v", err)
	}
	fi, serr := os.Lstat(dev)
	if serr != nil || fi.Mode()&fs.ModeCharDevice == 0 {
		t.Fatalf("%s is no longer a character device: %v %v", dev, fi, serr)
	}
	if names := entries(t, dir); len(names) != 1 {
		t.Errorf("directory holds %v", names)
	}
	// And through a link to it, as "-o /dev/null" through /dev/stdout-like links.
	link := filepath.Join(dir, "link")
	if err := os.Symlink(dev, link); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(link, report, 0o644); err != nil && !errors.Is(err, fs.ErrPermission) {
		t.Fatalf("WriteFile through a link: %v", err)
	}
	if fi, err := os.Lstat(dev); err != nil || fi.Mode()&fs.ModeCharDevice == 0 {
		t.Fatalf("%s is no longer a character device after a write through a link", dev)
	}
}

func TestWriteFileOwnDescriptor(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got := make(chan []byte, 1)
	go func() { b, _ := io.ReadAll(r); got <- b }()
	for _, name := range []string{"/dev/fd/", "/proc/self/fd/"} {
		if err := WriteFile(name+strconv.Itoa(int(w.Fd())), []byte(name+"\n"), 0o644); err != nil {
			t.Fatalf("WriteFile(%s): %v", name, err)
		}
	}
	// The descriptor stays open for the caller.
	if _, err := w.Write([]byte("after\n")); err != nil {
		t.Fatalf("descriptor closed by WriteFile: %v", err)
	}
	w.Close()
	if b := string(<-got); b != "/dev/fd/\n/proc/self/fd/\nafter\n" {
		t.Errorf("pipe got %q", b)
	}
	if err := WriteFile("/dev/fd/987", []byte("x"), 0o644); !errors.Is(err, syscall.EBADF) {
		t.Errorf("a closed descriptor: err = %v, want EBADF", err)
	}
}

func TestWriteFileDevStdout(t *testing.T) {
	if fd, ok := ownDescriptor("/dev/stdout"); !ok || fd != 1 {
		// Checked first: a WriteFile that renamed over /dev/stdout would
		// break the machine for every later program.
		t.Fatalf("ownDescriptor(/dev/stdout) = %d, %v; want 1, true", fd, ok)
	}
	defer guardDevice(t, "/dev/stdout")()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stdout
	os.Stdout = w
	werr := WriteFile("/dev/stdout", []byte("to stdout\n"), 0o644)
	os.Stdout = old
	w.Close()
	b, _ := io.ReadAll(r)
	if werr != nil || string(b) != "to stdout\n" {
		t.Errorf("WriteFile(/dev/stdout) = %v, stdout got %q", werr, b)
	}
}

// guardDevice records what the system path is (a link or a device) and
// returns a function that fails the test, and puts the original back where
// it can, when a write replaced it by a regular file.
func guardDevice(t *testing.T, path string) func() {
	t.Helper()
	before, err := os.Lstat(path)
	if err != nil {
		t.Skipf("%s: %v", path, err)
	}
	link, _ := os.Readlink(path)
	return func() {
		after, err := os.Lstat(path)
		if err == nil && after.Mode().Type() == before.Mode().Type() {
			return
		}
		t.Errorf("%s was replaced (mode %v, was %v)", path, after.Mode(), before.Mode())
		if link != "" {
			_ = os.Remove(path)
			_ = os.Symlink(link, path)
		}
	}
}

// TestWriteFileProcessSubstitution writes to another process's pipe as
// "-o >(cat)" does: bash passes /dev/fd/63 to the child.
func TestWriteFileProcessSubstitution(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash not installed")
	}
	helper := os.Args[0]
	// The child writes to /dev/fd/63; cat copies the pipe to a file that
	// is printed once both have ended.
	script := `out=$(mktemp); "$0" -test.run='^TestHelperWrite$' -- >(cat > "$out") >/dev/null 2>&1 || exit 1; wait; cat "$out"; rm -f "$out"`
	cmd := exec.Command(bash, "-c", script, helper)
	cmd.Env = append(os.Environ(), "ATOMICFILE_HELPER=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("bash: %v", err)
	}
	if !bytes.Equal(out, report) {
		t.Errorf("process substitution got %d bytes, want %d", len(out), len(report))
	}
}

// TestHelperWrite is run by TestWriteFileProcessSubstitution as a child:
// it writes the report to the path given after "--".
func TestHelperWrite(t *testing.T) {
	if os.Getenv("ATOMICFILE_HELPER") != "1" {
		t.Skip("helper for TestWriteFileProcessSubstitution")
	}
	args := os.Args
	for i, a := range args {
		if a == "--" && i+1 < len(args) {
			if err := WriteFile(args[i+1], report, 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatal("no path after --")
}

func TestWriteFileUnwritableDirectory(t *testing.T) {
	dir := t.TempDir()
	ro := filepath.Join(dir, "ro")
	if err := os.Mkdir(ro, 0o755); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		// Root ignores directory permissions: mount a read-only file
		// system there instead.
		if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", ro).CombinedOutput(); err != nil {
			t.Skipf("as root, a read-only mount is needed and mount failed: %v %s", err, out)
		}
		t.Cleanup(func() { _ = exec.Command("umount", ro).Run() })
	} else {
		if err := os.Chmod(ro, 0o555); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = os.Chmod(ro, 0o755) })
	}
	path := filepath.Join(ro, "out.json")
	err := WriteFile(path, report, 0o644)
	if err == nil {
		t.Fatal("WriteFile into a read-only directory succeeded")
	}
	if msg := err.Error(); !strings.Contains(msg, path) || !strings.Contains(msg, "temporary file in "+ro) {
		t.Errorf("error %q should name %s and its directory", msg, path)
	}
	if names := entries(t, ro); len(names) != 0 {
		t.Errorf("left behind: %v", names)
	}
}
