package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

func TestCollectAWSLiveUsage(t *testing.T) {
	export := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"live flag with from-dir", []string{"collect", "aws", "--from-dir", export, "--profile", "audit"},
			"--profile is for live collection and cannot be used with --from-dir"},
		{"save-dir with from-dir", []string{"collect", "aws", "--from-dir", export, "--save-dir", "x"},
			"--save-dir is for live collection"},
		{"bad region", []string{"collect", "aws", "--regions", "eu-west-1,mars"}, `"mars" is not a region name`},
		{"bad endpoint", []string{"collect", "aws", "--endpoint-url", "localhost:4566"}, "want http(s)://host[:port]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := runCLI(t, "", tc.args...)
			if res.code != 2 || !strings.Contains(res.stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", res.code, res.stderr, tc.want)
			}
		})
	}
}

// TestCollectAWSLiveFailure runs a live collection against a server that
// rejects the credentials: the run fails with exit code 3, names the call
// and writes nothing.
func TestCollectAWSLiveFailure(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte(`<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>` +
			`<Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message></Error>` +
			`<RequestId>req-1</RequestId></ErrorResponse>`))
	}))
	defer srv.Close()
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "AKIDTEST", "AWS_SECRET_ACCESS_KEY": "test-secret", "AWS_SESSION_TOKEN": "",
		"AWS_REGION": "eu-west-1", "AWS_PROFILE": "", "AWS_CONFIG_FILE": filepath.Join(dir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"), "AWS_EC2_METADATA_DISABLED": "true",
	} {
		t.Setenv(k, v)
	}
	res := runCLI(t, dir, "collect", "aws", "--endpoint-url", srv.URL, "--save-dir", "export", "-o", "snap.json")
	if res.code != 3 || !strings.Contains(res.stderr, "sts:GetCallerIdentity") || !strings.Contains(res.stderr, "InvalidClientTokenId") {
		t.Errorf("exit %d, stderr %q; want 3 naming sts:GetCallerIdentity and InvalidClientTokenId", res.code, res.stderr)
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("%d calls, want 1 (an invalid token is not retried)", n)
	}
	for _, name := range []string{"snap.json", "export"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			t.Errorf("%s written by a failed run", name)
		}
	}
}

// The AWS CLI prints no region in describe-launch-templates: without
// --region the template (run as an administrator role) is a gap and the
// escalation through it is lost; with --region it is found.
func TestCollectRegionFlag(t *testing.T) {
	dir, _ := filepath.Abs(filepath.Join("..", "..", "analysis", "aws", "testdata", "techniques", "ec2-004-no-region"))
	work := t.TempDir()
	res := runCLI(t, work, "collect", "aws", "--from-dir", dir, "-o", "plain.snap.json")
	if res.code != 0 || !strings.Contains(res.stderr, "2 gaps") || !strings.Contains(res.stderr, "give --region") {
		t.Fatalf("without --region: exit %d: %s", res.code, res.stderr)
	}
	res = runCLI(t, work, "collect", "aws", "--from-dir", dir, "--region", "us-east-1", "-o", "region.snap.json")
	if res.code != 0 || !strings.Contains(res.stderr, "0 gaps") {
		t.Fatalf("with --region: exit %d: %s", res.code, res.stderr)
	}
	attacker := "arn:aws:iam::123456789012:user/attacker"
	if res := runCLI(t, work, "paths", "plain.snap.json", "--from", attacker, "--to-admin"); strings.Contains(res.stdout, "ec2-004") {
		t.Errorf("a path through a template the export could not place: %s", res.stdout)
	}
	res = runCLI(t, work, "paths", "region.snap.json", "--from", attacker, "--to-admin")
	if res.code != 0 || !strings.Contains(res.stdout, "--ec2-004?--> arn:aws:iam::123456789012:role/workload-admin") {
		t.Errorf("with --region, want the ec2-004 path: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if res := runCLI(t, work, "collect", "aws", "--from-dir", dir, "--region", "mars-1"); res.code != 2 || !strings.Contains(res.stderr, "not a region name") {
		t.Errorf("a bad region: exit %d: %s", res.code, res.stderr)
	}
	if res := runCLI(t, work, "collect", "aws", "--region", "us-east-1", "--profile", "x"); res.code != 2 || !strings.Contains(res.stderr, "--region is for offline collection") {
		t.Errorf("--region live: exit %d: %s", res.code, res.stderr)
	}
}
