package k8slive

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// Environment variables naming the kubeconfigs of the server under test.
const (
	KubeconfigEnv        = "BLASTRADIUS_KUBECONFIG"         // a cluster admin
	LimitedKubeconfigEnv = "BLASTRADIUS_KUBECONFIG_LIMITED" // a user without bindings
)

// restConfig loads the kubeconfig named by env, skipping the test when
// env is not set, or failing it when CI is set.
func restConfig(t *testing.T, env string) *rest.Config {
	t.Helper()
	path := os.Getenv(env)
	if path == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not set: CI must run the Kubernetes integration tests (make test-k8s starts a kube-apiserver)", env)
		}
		t.Skipf("%s is not set: run make test-k8s, or scripts/kube-apiserver-local start", env)
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", path)
	if err != nil {
		t.Fatalf("kubeconfig %s: %v", path, err)
	}
	cfg.Timeout = 30 * time.Second
	return cfg
}

func clientset(t *testing.T, cfg *rest.Config) *kubernetes.Clientset {
	t.Helper()
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatalf("client: %v", err)
	}
	return cs
}

func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// forbidden fails the test unless err is the API server's 403.
func forbidden(t *testing.T, what string, err error) {
	t.Helper()
	if !apierrors.IsForbidden(err) {
		t.Fatalf("%s: want 403 Forbidden, got %v", what, err)
	}
}

// eventually retries fn until it returns nil (RBAC's authorizer sees a new
// binding through an informer, a moment after it is stored).
func eventually(t *testing.T, what string, fn func() error) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		err := fn()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %v", what, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestRBACSmoke proves the server works the way the live collector's tests
// need: an admin creates a namespace, a service account, a Role and a
// RoleBinding and lists them back (paged too); the service account, through
// a token the server issues, and the limited user may list service
// accounts in that namespace and get 403 on secrets.
func TestRBACSmoke(t *testing.T) {
	adminCfg := restConfig(t, KubeconfigEnv)
	limitedCfg := restConfig(t, LimitedKubeconfigEnv)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	admin := clientset(t, adminCfg)

	version, err := admin.Discovery().ServerVersion()
	must(t, "server version", err)
	if !strings.HasPrefix(version.GitVersion, "v1.") {
		t.Fatalf("server version %q: want a v1.x release", version.GitVersion)
	}
	t.Logf("kube-apiserver %s", version.GitVersion)

	// Who the limited kubeconfig authenticates as, as the server sees it.
	limited := clientset(t, limitedCfg)
	review, err := limited.AuthenticationV1().SelfSubjectReviews().Create(ctx, &authenticationv1.SelfSubjectReview{}, metav1.CreateOptions{})
	must(t, "limited user's self subject review", err)
	limitedUser := review.Status.UserInfo.Username
	if limitedUser == "" || slices.Contains(review.Status.UserInfo.Groups, "system:masters") {
		t.Fatalf("limited kubeconfig authenticates as %q in %v: want a named user outside system:masters", limitedUser, review.Status.UserInfo.Groups)
	}

	ns, err := admin.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "blastradius-k8slive-"},
	}, metav1.CreateOptions{})
	must(t, "create namespace", err)
	t.Cleanup(func() {
		// Without a controller manager the namespace stays Terminating;
		// scripts/kube-apiserver-local starts on an empty etcd each time.
		_ = admin.CoreV1().Namespaces().Delete(context.Background(), ns.Name, metav1.DeleteOptions{})
	})
	name := ns.Name

	_, err = admin.CoreV1().ServiceAccounts(name).Create(ctx, &corev1.ServiceAccount{
		ObjectMeta: metav1.ObjectMeta{Name: "reader"},
	}, metav1.CreateOptions{})
	must(t, "create service account", err)
	_, err = admin.RbacV1().Roles(name).Create(ctx, &rbacv1.Role{
		ObjectMeta: metav1.ObjectMeta{Name: "reader"},
		Rules: []rbacv1.PolicyRule{{
			APIGroups: []string{""},
			Resources: []string{"serviceaccounts", "configmaps"},
			Verbs:     []string{"get", "list"},
		}},
	}, metav1.CreateOptions{})
	must(t, "create role", err)
	_, err = admin.RbacV1().RoleBindings(name).Create(ctx, &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "reader"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "reader"},
		Subjects: []rbacv1.Subject{
			{Kind: rbacv1.ServiceAccountKind, Name: "reader", Namespace: name},
			{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: limitedUser},
		},
	}, metav1.CreateOptions{})
	must(t, "create role binding", err)
	for i := range 3 {
		_, err = admin.CoreV1().ConfigMaps(name).Create(ctx, &corev1.ConfigMap{
			ObjectMeta: metav1.ObjectMeta{
				Name:   "page-" + string(rune('a'+i)),
				Labels: map[string]string{"blastradius-k8slive": "page"},
			},
			Data: map[string]string{"i": string(rune('0' + i))},
		}, metav1.CreateOptions{})
		must(t, "create config map", err)
	}

	// The admin lists back what it made.
	sas, err := admin.CoreV1().ServiceAccounts(name).List(ctx, metav1.ListOptions{})
	must(t, "list service accounts", err)
	if !slices.ContainsFunc(sas.Items, func(sa corev1.ServiceAccount) bool { return sa.Name == "reader" }) {
		t.Fatalf("service accounts of %s: no reader in %d items", name, len(sas.Items))
	}
	roles, err := admin.RbacV1().Roles(name).List(ctx, metav1.ListOptions{})
	must(t, "list roles", err)
	if len(roles.Items) != 1 || roles.Items[0].Name != "reader" || len(roles.Items[0].Rules) != 1 ||
		!slices.Equal(roles.Items[0].Rules[0].Verbs, []string{"get", "list"}) {
		t.Fatalf("roles of %s: %+v", name, roles.Items)
	}
	bindings, err := admin.RbacV1().RoleBindings(name).List(ctx, metav1.ListOptions{})
	must(t, "list role bindings", err)
	if len(bindings.Items) != 1 || len(bindings.Items[0].Subjects) != 2 || bindings.Items[0].RoleRef.Name != "reader" {
		t.Fatalf("role bindings of %s: %+v", name, bindings.Items)
	}

	// A paged list: two pages through the continue token.
	page, err := admin.CoreV1().ConfigMaps(name).List(ctx, metav1.ListOptions{LabelSelector: "blastradius-k8slive=page", Limit: 2})
	must(t, "list config maps, page 1", err)
	if len(page.Items) != 2 || page.Continue == "" {
		t.Fatalf("page 1: %d items, continue %q: want 2 items and a continue token", len(page.Items), page.Continue)
	}
	last, err := admin.CoreV1().ConfigMaps(name).List(ctx, metav1.ListOptions{LabelSelector: "blastradius-k8slive=page", Limit: 2, Continue: page.Continue})
	must(t, "list config maps, page 2", err)
	if len(last.Items) != 1 || last.Continue != "" {
		t.Fatalf("page 2: %d items, continue %q: want the last item and no continue token", len(last.Items), last.Continue)
	}

	// The service account, through a short-lived token the server signs.
	expiry := int64(600)
	tr, err := admin.CoreV1().ServiceAccounts(name).CreateToken(ctx, "reader", &authenticationv1.TokenRequest{
		Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: &expiry},
	}, metav1.CreateOptions{})
	must(t, "token request", err)
	saCfg := rest.AnonymousClientConfig(adminCfg)
	saCfg.BearerToken = tr.Status.Token
	sa := clientset(t, saCfg)

	for _, who := range []struct {
		name   string
		client *kubernetes.Clientset
	}{
		{"service account reader", sa},
		{"user " + limitedUser, limited},
	} {
		t.Run(who.name, func(t *testing.T) {
			eventually(t, who.name+" lists service accounts", func() error {
				_, err := who.client.CoreV1().ServiceAccounts(name).List(ctx, metav1.ListOptions{})
				return err
			})
			_, err := who.client.CoreV1().Secrets(name).List(ctx, metav1.ListOptions{})
			forbidden(t, who.name+" lists secrets of "+name, err)
			_, err = who.client.CoreV1().Secrets("").List(ctx, metav1.ListOptions{})
			forbidden(t, who.name+" lists secrets of every namespace", err)
			_, err = who.client.RbacV1().ClusterRoles().List(ctx, metav1.ListOptions{})
			forbidden(t, who.name+" lists cluster roles", err)
		})
	}
}
