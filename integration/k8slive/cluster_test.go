package k8slive

import (
	"context"
	"fmt"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// The values the test cluster's Secrets and ConfigMaps hold: none may
// reach a snapshot, a saved List or a report.
const (
	dbPassword     = "br-live-db-password-4f1c9e"
	apiKey         = "br-live-api-key-7a2d05"
	tokenValue     = "br-live-legacy-token-93be11"
	ciSecretValue  = "br-live-ci-secret-0c8d44"
	configMapValue = "br-live-configmap-value-5e6f7a"
)

// secretValues lists what must never be collected.
var secretValues = []string{dbPassword, apiKey, tokenValue, ciSecretValue, configMapValue}

// appRoleARN is the IAM role the app service account is annotated with
// (IRSA).
const appRoleARN = "arn:aws:iam::111122223333:role/app"

// estate names what createEstate made: the generated names of its
// namespaces, node and cluster-scoped objects.
type estate struct {
	dev, prod, ops string // namespaces: no PSA label, restricted, baseline
	node           string
	impersonate    string // ClusterRole and ClusterRoleBinding
	opsAdmin       string // ClusterRoleBinding of ops-admin to cluster-admin
	secretReader   string // ClusterRole bound in dev only
}

// createEstate creates, as the admin, a small but realistic cluster in
// namespaces, a node and cluster-scoped objects of generated names (the
// server is shared with the other tests of the run):
//
//   - dev, without Pod Security Admission labels (privileged), holds the
//     service accounts attacker, deployer, impersonator, reader, ci,
//     binder and collector; collector runs a privileged pod with the
//     host's / mounted, on the node; a Deployment and a CronJob run as
//     deployer; the Secrets ci-config and feature-flags;
//   - prod enforces restricted: app (annotated eks.amazonaws.com/role-arn,
//     its two pods on the node mount its token and an sts.amazonaws.com one)
//     and batch (automount off, its pod on the node mounts no token), the
//     Secrets db-password (Opaque, with data and a kubectl last-applied
//     annotation repeating it) and app-token (a token Secret of app), and
//     a ConfigMap;
//   - ops enforces baseline: ops-admin, bound to cluster-admin.
//
// RBAC: attacker may create pods in prod (assign_sa, not the node:
// restricted); deployer may create pods in dev (POD_CREATE: the node) and
// Deployments in ops (assign_sa → ops-admin → cluster_admin); impersonator
// may impersonate the user jane and the group system:masters; reader may list prod's
// Secrets (TOKEN_LIST, retrieve_secrets); ci holds a ClusterRole that
// reads Secrets through a RoleBinding in dev (near miss: not prod's);
// binder may create RoleBindings in prod without bind (near miss).
// kube-system/aws-auth maps an IAM role to system:masters.
func createEstate(ctx context.Context, t *testing.T, admin *kubernetes.Clientset) estate {
	t.Helper()
	var e estate
	core, rbac := admin.CoreV1(), admin.RbacV1()

	nsOf := func(prefix string, labels map[string]string) string {
		ns, err := core.Namespaces().Create(ctx, &corev1.Namespace{
			ObjectMeta: metav1.ObjectMeta{GenerateName: "br-" + prefix + "-", Labels: labels},
		}, metav1.CreateOptions{})
		must(t, "create namespace "+prefix, err)
		t.Cleanup(func() {
			// Without a controller manager the namespace stays Terminating
			// with its objects; scripts/kube-apiserver-local starts on an
			// empty etcd each time.
			_ = core.Namespaces().Delete(context.Background(), ns.Name, metav1.DeleteOptions{})
		})
		return ns.Name
	}
	e.dev = nsOf("dev", nil)
	e.prod = nsOf("prod", map[string]string{
		"pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "latest"})
	e.ops = nsOf("ops", map[string]string{"pod-security.kubernetes.io/enforce": "baseline"})

	node, err := core.Nodes().Create(ctx, &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "br-node-", Labels: map[string]string{
			"kubernetes.io/os": "linux", "node.kubernetes.io/instance-type": "m5.large"}},
		Spec: corev1.NodeSpec{ProviderID: "aws:///eu-west-1a/i-0123456789abcdef0"},
	}, metav1.CreateOptions{})
	must(t, "create node", err)
	e.node = node.Name
	t.Cleanup(func() { _ = core.Nodes().Delete(context.Background(), node.Name, metav1.DeleteOptions{}) })

	no := false
	for _, sa := range []corev1.ServiceAccount{
		{ObjectMeta: metav1.ObjectMeta{Namespace: e.dev, Name: "attacker"}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: e.dev, Name: "deployer"}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: e.dev, Name: "impersonator"}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: e.dev, Name: "reader"}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: e.dev, Name: "ci"}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: e.dev, Name: "binder"}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: e.dev, Name: "collector"}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: e.prod, Name: "app",
			Annotations: map[string]string{"eks.amazonaws.com/role-arn": appRoleARN}}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: e.prod, Name: "batch"}, AutomountServiceAccountToken: &no},
		{ObjectMeta: metav1.ObjectMeta{Namespace: e.ops, Name: "ops-admin"}},
	} {
		_, err := core.ServiceAccounts(sa.Namespace).Create(ctx, &sa, metav1.CreateOptions{})
		must(t, "create service account "+sa.Namespace+"/"+sa.Name, err)
	}

	// Roles and bindings.
	sa := func(ns, name string) rbacv1.Subject {
		return rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Namespace: ns, Name: name}
	}
	role := func(ns, name string, rules ...rbacv1.PolicyRule) {
		_, err := rbac.Roles(ns).Create(ctx, &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: name}, Rules: rules}, metav1.CreateOptions{})
		must(t, "create role "+ns+"/"+name, err)
	}
	roleBinding := func(ns, name, kind, roleName string, subjects ...rbacv1.Subject) {
		_, err := rbac.RoleBindings(ns).Create(ctx, &rbacv1.RoleBinding{
			ObjectMeta: metav1.ObjectMeta{Name: name},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: kind, Name: roleName},
			Subjects:   subjects,
		}, metav1.CreateOptions{})
		must(t, "create role binding "+ns+"/"+name, err)
	}
	clusterRole := func(prefix string, rules ...rbacv1.PolicyRule) string {
		cr, err := rbac.ClusterRoles().Create(ctx, &rbacv1.ClusterRole{
			ObjectMeta: metav1.ObjectMeta{GenerateName: prefix}, Rules: rules}, metav1.CreateOptions{})
		must(t, "create cluster role "+prefix, err)
		t.Cleanup(func() { _ = rbac.ClusterRoles().Delete(context.Background(), cr.Name, metav1.DeleteOptions{}) })
		return cr.Name
	}
	clusterRoleBinding := func(prefix, roleName string, subjects ...rbacv1.Subject) string {
		b, err := rbac.ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{
			ObjectMeta: metav1.ObjectMeta{GenerateName: prefix},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: roleName},
			Subjects:   subjects,
		}, metav1.CreateOptions{})
		must(t, "create cluster role binding "+prefix, err)
		t.Cleanup(func() { _ = rbac.ClusterRoleBindings().Delete(context.Background(), b.Name, metav1.DeleteOptions{}) })
		return b.Name
	}
	createPods := rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"create", "get", "list"}}

	role(e.prod, "pod-runner", createPods)
	roleBinding(e.prod, "attacker-runs-pods", "Role", "pod-runner", sa(e.dev, "attacker"))

	role(e.dev, "pod-creator", createPods)
	roleBinding(e.dev, "deployer-creates-pods", "Role", "pod-creator", sa(e.dev, "deployer"))
	role(e.ops, "deployment-writer", rbacv1.PolicyRule{APIGroups: []string{"apps"}, Resources: []string{"deployments"}, Verbs: []string{"create", "update", "patch"}})
	roleBinding(e.ops, "deployer-deploys", "Role", "deployment-writer", sa(e.dev, "deployer"))
	e.opsAdmin = clusterRoleBinding("br-ops-admin-", "cluster-admin", sa(e.ops, "ops-admin"))

	// The API server accepts an impersonated group only with an
	// impersonated user.
	e.impersonate = clusterRole("br-impersonate-masters-",
		rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"users"}, Verbs: []string{"impersonate"}, ResourceNames: []string{"jane"}},
		rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"groups"}, Verbs: []string{"impersonate"}, ResourceNames: []string{"system:masters"}})
	clusterRoleBinding("br-impersonate-masters-", e.impersonate, sa(e.dev, "impersonator"))

	role(e.prod, "secret-lister", rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"list"}})
	roleBinding(e.prod, "reader-lists-secrets", "Role", "secret-lister", sa(e.dev, "reader"))

	e.secretReader = clusterRole("br-secret-reader-", rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"get", "list"}})
	roleBinding(e.dev, "ci-reads-secrets", "ClusterRole", e.secretReader, sa(e.dev, "ci"))

	role(e.prod, "binding-writer", rbacv1.PolicyRule{APIGroups: []string{"rbac.authorization.k8s.io"}, Resources: []string{"rolebindings"}, Verbs: []string{"create", "update"}})
	roleBinding(e.prod, "binder-writes-bindings", "Role", "binding-writer", sa(e.dev, "binder"))

	// Secrets, with data; and a ConfigMap besides aws-auth.
	lastApplied := fmt.Sprintf(`{"apiVersion":"v1","kind":"Secret","metadata":{"name":"db-password","namespace":%q},"stringData":{"password":%q}}`, e.prod, dbPassword)
	for _, s := range []corev1.Secret{
		{ObjectMeta: metav1.ObjectMeta{Namespace: e.prod, Name: "db-password",
			Annotations: map[string]string{"kubectl.kubernetes.io/last-applied-configuration": lastApplied}},
			Type: corev1.SecretTypeOpaque, Data: map[string][]byte{"password": []byte(dbPassword)}, StringData: map[string]string{"api-key": apiKey}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: e.prod, Name: "app-token",
			Annotations: map[string]string{corev1.ServiceAccountNameKey: "app"}},
			Type: corev1.SecretTypeServiceAccountToken, Data: map[string][]byte{"token": []byte(tokenValue)}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: e.dev, Name: "ci-config"},
			Type: corev1.SecretTypeOpaque, Data: map[string][]byte{"key": []byte(ciSecretValue)}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: e.dev, Name: "feature-flags"}, Type: corev1.SecretTypeOpaque},
	} {
		_, err := core.Secrets(s.Namespace).Create(ctx, &s, metav1.CreateOptions{})
		must(t, "create secret "+s.Namespace+"/"+s.Name, err)
	}
	_, err = core.ConfigMaps(e.prod).Create(ctx, &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: "app-config"}, Data: map[string]string{"endpoint": configMapValue},
	}, metav1.CreateOptions{})
	must(t, "create config map", err)
	awsAuth := &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "aws-auth"},
		Data: map[string]string{"mapRoles": strings.Join([]string{
			"- rolearn: arn:aws:iam::111122223333:role/eks-admin",
			"  username: eks-admin",
			"  groups:",
			"    - system:masters",
			"- rolearn: arn:aws:iam::111122223333:role/eks-node",
			"  username: system:node:{{EC2PrivateDNSName}}",
			"  groups:",
			"    - system:bootstrappers",
			"    - system:nodes",
		}, "\n") + "\n"},
	}
	if _, err := core.ConfigMaps("kube-system").Create(ctx, awsAuth, metav1.CreateOptions{}); err != nil {
		// Another test of the run made it: it is the same.
		_, err = core.ConfigMaps("kube-system").Update(ctx, awsAuth, metav1.UpdateOptions{})
		must(t, "write kube-system/aws-auth", err)
	}

	// Pods (no scheduler runs: bound to the node by nodeName, they stay
	// Pending) and workloads.
	yes, root := true, int64(0)
	expiry := int64(86400)
	_, err = core.Pods(e.dev).Create(ctx, &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "log-collector"},
		Spec: corev1.PodSpec{
			ServiceAccountName: "collector", NodeName: e.node,
			Containers: []corev1.Container{{Name: "collector", Image: "busybox:1.36",
				SecurityContext: &corev1.SecurityContext{Privileged: &yes, RunAsUser: &root},
				VolumeMounts:    []corev1.VolumeMount{{Name: "host", MountPath: "/host"}}}},
			Volumes: []corev1.Volume{{Name: "host", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/"}}}},
		},
	}, metav1.CreateOptions{})
	must(t, "create privileged pod", err)
	restricted := func() *corev1.SecurityContext {
		nonRoot, noEscalation := true, false
		return &corev1.SecurityContext{RunAsNonRoot: &nonRoot, AllowPrivilegeEscalation: &noEscalation,
			Capabilities:   &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
			SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}}
	}
	for _, name := range []string{"app-0", "app-1"} {
		_, err = core.Pods(e.prod).Create(ctx, &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: name},
			Spec: corev1.PodSpec{
				ServiceAccountName: "app", NodeName: e.node,
				Containers: []corev1.Container{{Name: "app", Image: "registry.example/app:1", SecurityContext: restricted(),
					VolumeMounts: []corev1.VolumeMount{{Name: "aws-iam-token", MountPath: "/var/run/secrets/eks.amazonaws.com/serviceaccount", ReadOnly: true}}}},
				// The volume EKS's pod identity webhook injects for IRSA.
				Volumes: []corev1.Volume{{Name: "aws-iam-token", VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{
					Sources: []corev1.VolumeProjection{{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{
						Audience: "sts.amazonaws.com", ExpirationSeconds: &expiry, Path: "token"}}}}}}},
			},
		}, metav1.CreateOptions{})
		must(t, "create app pod "+name+" (restricted)", err)
	}
	_, err = core.Pods(e.prod).Create(ctx, &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "batch-0"},
		Spec: corev1.PodSpec{ServiceAccountName: "batch", NodeName: e.node,
			Containers: []corev1.Container{{Name: "batch", Image: "registry.example/batch:1", SecurityContext: restricted()}}},
	}, metav1.CreateOptions{})
	must(t, "create batch pod (restricted)", err)

	replicas := int32(2)
	labels := map[string]string{"app": "web"}
	template := corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: labels},
		Spec: corev1.PodSpec{ServiceAccountName: "deployer",
			Containers: []corev1.Container{{Name: "web", Image: "registry.example/web:1"}}},
	}
	_, err = admin.AppsV1().Deployments(e.dev).Create(ctx, &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web"},
		Spec:       appsv1.DeploymentSpec{Replicas: &replicas, Selector: &metav1.LabelSelector{MatchLabels: labels}, Template: template},
	}, metav1.CreateOptions{})
	must(t, "create deployment", err)
	template.Spec.RestartPolicy = corev1.RestartPolicyOnFailure
	_, err = admin.BatchV1().CronJobs(e.dev).Create(ctx, &batchv1.CronJob{
		ObjectMeta: metav1.ObjectMeta{Name: "nightly"},
		Spec: batchv1.CronJobSpec{Schedule: "0 3 * * *", JobTemplate: batchv1.JobTemplateSpec{
			Spec: batchv1.JobSpec{Template: template}}},
	}, metav1.CreateOptions{})
	must(t, "create cron job", err)
	return e
}
