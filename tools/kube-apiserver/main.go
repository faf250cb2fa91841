// Command kube-apiserver-local runs a real Kubernetes API server for
// blastradius's integration tests: the kube-apiserver of the
// k8s.io/kubernetes release pinned in go.mod, in-process, over an embedded
// etcd (go.etcd.io/etcd/server/v3/embed, the etcd release that Kubernetes
// release is built against), both on 127.0.0.1 only.
//
//	kube-apiserver-local serve -dir DIR [-port N] [-- kube-apiserver flags...]
//	kube-apiserver-local ready -kubeconfig FILE
//
// serve prepares DIR (see prepare), starts etcd on a fresh data directory,
// writes DIR/admin.kubeconfig and DIR/limited.kubeconfig, and runs
// kube-apiserver with static-token authentication and RBAC authorization
// until SIGTERM or SIGINT, then stops etcd. Flags after "--" are passed to
// kube-apiserver after the ones serve sets, so they win.
//
// ready asks the server of a kubeconfig for /readyz once and exits 0 when it
// answers 200, 1 otherwise.
//
// scripts/kube-apiserver-local builds and drives this program; this module
// is apart from the blastradius module so that `go build ./...` there never
// compiles Kubernetes.
package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // as kube-apiserver's own main: CronJob time zones

	"go.etcd.io/etcd/server/v3/embed"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	certutil "k8s.io/client-go/util/cert"
	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"          // as kube-apiserver's own main
	_ "k8s.io/component-base/metrics/prometheus/clientgo" // as kube-apiserver's own main
	_ "k8s.io/component-base/metrics/prometheus/version"  // as kube-apiserver's own main
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

// The users of the static token file. Admin is in system:masters, which
// kube-apiserver always authorizes; Limited has no binding at all, so RBAC
// allows it only what every authenticated user may do (discovery, self
// reviews) until a test binds it to a role.
const (
	AdminUser   = "blastradius-admin"
	LimitedUser = "blastradius-limited"
)

// Files of the state directory.
const (
	tokensFile      = "tokens.csv"          // the static token file (secret)
	servingCertFile = "serving.crt"         // kube-apiserver's certificate, and its CA
	servingKeyFile  = "serving.key"         // its key (secret)
	saKeyFile       = "service-account.key" // signs service account tokens (secret)
	adminKubeconfig = "admin.kubeconfig"
	limitedKubecfg  = "limited.kubeconfig"
	etcdDir         = "etcd"
)

func main() {
	if len(os.Args) < 2 {
		usage(os.Stderr)
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "serve":
		var code int
		code, err = serve(os.Args[2:])
		if err == nil {
			os.Exit(code)
		}
	case "ready":
		err = ready(os.Args[2:])
	case "-h", "-help", "--help", "help":
		usage(os.Stdout)
		return
	default:
		usage(os.Stderr)
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "kube-apiserver-local: %v\n", err)
		os.Exit(1)
	}
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage:
  kube-apiserver-local serve -dir DIR [-port N] [-- kube-apiserver flags...]
  kube-apiserver-local ready -kubeconfig FILE
`)
}

// serve runs etcd and kube-apiserver until a signal; it returns
// kube-apiserver's exit code, or an error when nothing could start.
func serve(args []string) (int, error) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	dir := fs.String("dir", "", "state directory (credentials, kubeconfigs, etcd data)")
	port := fs.Int("port", 0, "kube-apiserver's port on 127.0.0.1 (0: a free port)")
	if err := fs.Parse(args); err != nil {
		return 0, err
	}
	if *dir == "" {
		return 0, errors.New("serve: -dir is required")
	}
	extra := fs.Args()
	if len(extra) > 0 && extra[0] == "--" {
		extra = extra[1:]
	}
	abs, err := filepath.Abs(*dir)
	if err != nil {
		return 0, fmt.Errorf("serve: %w", err)
	}
	tokens, err := prepare(abs)
	if err != nil {
		return 0, err
	}
	ports, err := freePorts(3)
	if err != nil {
		return 0, err
	}
	if *port != 0 {
		ports[2] = *port
	}
	etcd, err := startEtcd(filepath.Join(abs, etcdDir), ports[0], ports[1])
	if err != nil {
		return 0, err
	}
	defer etcd.Close()

	server := "https://127.0.0.1:" + strconv.Itoa(ports[2])
	if err := writeKubeconfigs(abs, server, tokens); err != nil {
		return 0, err
	}
	cmd := app.NewAPIServerCommand()
	cmd.SetArgs(append(apiserverFlags(abs, ports[0], ports[2]), extra...))
	return cli.Run(cmd), nil
}

// apiserverFlags are kube-apiserver's flags: loopback only, TLS with the
// prepared certificate, static tokens, RBAC, privileged containers allowed
// (as kubeadm, EKS, GKE and AKS run it: Pod Security Admission decides
// where; kube-apiserver's own default refuses them everywhere), and no
// endpoint reconciler (the kubernetes Service's endpoints may not hold a
// loopback address).
func apiserverFlags(dir string, etcdPort, port int) []string {
	f := func(name string) string { return filepath.Join(dir, name) }
	return []string{
		"--etcd-servers=http://127.0.0.1:" + strconv.Itoa(etcdPort),
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(port),
		"--tls-cert-file=" + f(servingCertFile),
		"--tls-private-key-file=" + f(servingKeyFile),
		"--token-auth-file=" + f(tokensFile),
		"--anonymous-auth=false",
		"--authorization-mode=RBAC",
		"--allow-privileged=true",
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + f(saKeyFile),
		"--service-account-signing-key-file=" + f(saKeyFile),
		"--service-cluster-ip-range=10.0.0.0/24",
		"--endpoint-reconciler-type=none",
		"--profiling=false",
	}
}

// prepare creates dir and, when missing, the credentials in it: the static
// token file (a random token for each user), a self-signed serving
// certificate for 127.0.0.1 and localhost, and the service account signing
// key. It returns each user's token. Existing credentials are kept, so a
// kubeconfig copied elsewhere stays valid across restarts.
func prepare(dir string) (map[string]string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("prepare %s: %w", dir, err)
	}
	if err := os.Chmod(dir, 0o700); err != nil { // it holds tokens and keys
		return nil, fmt.Errorf("prepare %s: %w", dir, err)
	}
	for _, name := range []string{adminKubeconfig, limitedKubecfg} {
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("prepare: %w", err)
		}
	}
	tokens, err := ensureTokens(filepath.Join(dir, tokensFile))
	if err != nil {
		return nil, err
	}
	certPath, keyPath := filepath.Join(dir, servingCertFile), filepath.Join(dir, servingKeyFile)
	if !exists(certPath) || !exists(keyPath) {
		cert, key, err := certutil.GenerateSelfSignedCertKey("127.0.0.1", []net.IP{net.IPv4(127, 0, 0, 1)}, []string{"localhost"})
		if err != nil {
			return nil, fmt.Errorf("serving certificate: %w", err)
		}
		if err := writeFile(keyPath, key); err != nil {
			return nil, err
		}
		if err := writeFile(certPath, cert); err != nil {
			return nil, err
		}
	}
	saPath := filepath.Join(dir, saKeyFile)
	if !exists(saPath) {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, fmt.Errorf("service account key: %w", err)
		}
		der, err := x509.MarshalECPrivateKey(key)
		if err != nil {
			return nil, fmt.Errorf("service account key: %w", err)
		}
		if err := writeFile(saPath, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der})); err != nil {
			return nil, err
		}
	}
	return tokens, nil
}

// ensureTokens reads the static token file at path, or writes a new one
// with a random token for each user, and returns the tokens by user.
func ensureTokens(path string) (map[string]string, error) {
	users := []string{AdminUser, LimitedUser}
	if data, err := os.ReadFile(path); err == nil {
		tokens := map[string]string{}
		for _, line := range strings.Split(string(data), "\n") {
			fields := strings.SplitN(line, ",", 3)
			if len(fields) >= 2 {
				tokens[fields[1]] = fields[0]
			}
		}
		complete := true
		for _, u := range users {
			complete = complete && tokens[u] != ""
		}
		if complete {
			return tokens, nil
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("read tokens: %w", err)
	}
	tokens := map[string]string{}
	var b strings.Builder
	for _, u := range users {
		raw := make([]byte, 24)
		if _, err := rand.Read(raw); err != nil {
			return nil, fmt.Errorf("token: %w", err)
		}
		tokens[u] = hex.EncodeToString(raw)
		groups := ""
		if u == AdminUser {
			groups = `,"system:masters"`
		}
		fmt.Fprintf(&b, "%s,%s,%s%s\n", tokens[u], u, u, groups)
	}
	if err := writeFile(path, []byte(b.String())); err != nil {
		return nil, err
	}
	return tokens, nil
}

// writeKubeconfigs writes one kubeconfig for each user, trusting the
// serving certificate (its own CA) and authenticating with the user's token.
func writeKubeconfigs(dir, server string, tokens map[string]string) error {
	ca, err := os.ReadFile(filepath.Join(dir, servingCertFile))
	if err != nil {
		return fmt.Errorf("kubeconfig: %w", err)
	}
	for file, user := range map[string]string{adminKubeconfig: AdminUser, limitedKubecfg: LimitedUser} {
		cfg := clientcmdapi.NewConfig()
		cfg.Clusters["local"] = &clientcmdapi.Cluster{Server: server, CertificateAuthorityData: ca}
		cfg.AuthInfos[user] = &clientcmdapi.AuthInfo{Token: tokens[user]}
		cfg.Contexts[user] = &clientcmdapi.Context{Cluster: "local", AuthInfo: user, Namespace: "default"}
		cfg.CurrentContext = user
		data, err := clientcmd.Write(*cfg)
		if err != nil {
			return fmt.Errorf("kubeconfig %s: %w", file, err)
		}
		if err := writeFile(filepath.Join(dir, file), data); err != nil {
			return err
		}
	}
	return nil
}

// startEtcd starts a single-member etcd on a new data directory (what an
// earlier run left there is removed: every start is a new, empty cluster),
// without fsync, and waits until it serves.
func startEtcd(dataDir string, clientPort, peerPort int) (*embed.Etcd, error) {
	if err := os.RemoveAll(dataDir); err != nil {
		return nil, fmt.Errorf("etcd: %w", err)
	}
	cfg := embed.NewConfig()
	cfg.Name = "kube-apiserver-local"
	cfg.Dir = dataDir
	cfg.UnsafeNoFsync = true
	clientURL := url.URL{Scheme: "http", Host: "127.0.0.1:" + strconv.Itoa(clientPort)}
	peerURL := url.URL{Scheme: "http", Host: "127.0.0.1:" + strconv.Itoa(peerPort)}
	cfg.ListenClientUrls = []url.URL{clientURL}
	cfg.AdvertiseClientUrls = []url.URL{clientURL}
	cfg.ListenPeerUrls = []url.URL{peerURL}
	cfg.AdvertisePeerUrls = []url.URL{peerURL}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	cfg.LogLevel = "warn"
	cfg.LogOutputs = []string{"stderr"}
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return nil, fmt.Errorf("etcd: %w", err)
	}
	select {
	case <-e.Server.ReadyNotify():
		return e, nil
	case err := <-e.Err():
		e.Close()
		return nil, fmt.Errorf("etcd: %w", err)
	case <-time.After(60 * time.Second):
		e.Close()
		return nil, errors.New("etcd: not ready after 60s")
	}
}

// freePorts returns n distinct ports that were free on 127.0.0.1 a moment
// ago (all held open together, then released).
func freePorts(n int) ([]int, error) {
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("free port: %w", err)
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// ready probes /readyz of the server of a kubeconfig, with its credentials.
func ready(args []string) error {
	fs := flag.NewFlagSet("ready", flag.ContinueOnError)
	path := fs.String("kubeconfig", "", "kubeconfig file")
	timeout := fs.Duration("timeout", 5*time.Second, "time the probe may take")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *path == "" {
		return errors.New("ready: -kubeconfig is required")
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", *path)
	if err != nil {
		return fmt.Errorf("ready: %w", err)
	}
	cfg.Timeout = *timeout
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return fmt.Errorf("ready: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	body, err := client.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
	if err != nil {
		return fmt.Errorf("ready: %s: %w", cfg.Host, err)
	}
	if strings.TrimSpace(string(body)) != "ok" {
		return fmt.Errorf("ready: %s/readyz: %q", cfg.Host, body)
	}
	return nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// writeFile writes a file readable by its owner only.
func writeFile(path string, data []byte) error {
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
