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
