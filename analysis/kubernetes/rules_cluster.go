package kubernetes

import (
	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/k8srbac"
)

// certificates is the API group of certificate signing requests.
const certificates = "certificates.k8s.io"

// approveCSRs (approve_csrs): create a CertificateSigningRequest for the
// kubernetes.io/kube-apiserver-client signer, approve it (update its
// approval subresource, and approve on the signer) and read it back: a
// client certificate naming group system:masters. EKS issues no
// certificate for that signer.
func (e *engine) approveCSRs(u *unit) {
	c := e.c
	if c.eks {
		return
	}
	create := whereCluster(u.rs, "create", certificates, "certificatesigningrequests", "")
	if len(create.cluster) == 0 {
		return
	}
	approval := whereClusterAny(u.rs, []string{"update", "patch"}, certificates, "certificatesigningrequests", "approval")
	signer := whereCluster(u.rs, "approve", certificates, "signers", "")
	read := whereClusterAny(u.rs, []string{"get", "list", "watch"}, certificates, "certificatesigningrequests", "")
	approve := signer.object("", "kubernetes.io/kube-apiserver-client")
	if len(approve) == 0 {
		approve = signer.object("", "kubernetes.io/*")
	}
	if !approval.any() || len(approve) == 0 || !read.any() {
		return
	}
	ev := append(append([]k8srbac.Evidence(nil), create.cluster...), approve...)
	ev = append(append(ev, firstNamed(approval)...), approval.cluster...)
	ev = append(append(ev, firstNamed(read)...), read.cluster...)
	e.become(u, graphmodel.K8sGroup(c.name, k8srbac.GroupMasters), TechApproveCSRs,
		c.ruleEvidence(ev, "create, approve and read a kube-apiserver-client certificate for group system:masters"))
}

// webhooks (control_webhooks): create (or update, patch) mutating
// webhook configurations: change every object admitted, bindings
// included, when one is next written (conditional administrator);
// validating ones see every object admitted, Secrets included.
func (e *engine) webhooks(u *unit) {
	c := e.c
	const admission = "admissionregistration.k8s.io"
	mut := whereClusterAny(u.rs, []string{"create", "update", "patch"}, admission, "mutatingwebhookconfigurations", "")
	if len(mut.cluster) > 0 {
		e.admin(u, TechControlWebhooks, c.ruleEvidence(mut.cluster, "register a mutating webhook that rewrites every object admitted"),
			"a binding or pod must be created or updated while the webhook is registered")
	}
	val := whereClusterAny(u.rs, []string{"create", "update", "patch"}, admission, "validatingwebhookconfigurations", "")
	if len(val.cluster) > 0 {
		e.capability(u, capSeeAdmitted, "*", c.ruleEvidence(val.cluster, "register a validating webhook that receives every object admitted"))
	}
}

// modifyAWSAuth (eks_modify_aws_auth): on EKS, update or patch
// kube-system/aws-auth (or create it when the collection holds none):
// map an IAM principal the attacker holds, of any account, to
// system:masters. The path leaves the cluster for an AWS identity and
// comes back as cluster-admin.
func (e *engine) modifyAWSAuth(u *unit) {
	c := e.c
	if !c.eks {
		return
	}
	ev := whereAny(u.rs, []string{"update", "patch"}, "", "configmaps", "").object("kube-system", "aws-auth")
	var conditions []string
	if c.awsAuth == nil && len(ev) == 0 {
		ev = where(u.rs, "create", "", "configmaps", "").wide("kube-system")
		conditions = []string{"the cluster's authentication mode must include CONFIG_MAP (no aws-auth was collected)"}
	}
	if len(ev) == 0 {
		return
	}
	rendered := c.ruleEvidence(ev, "rewrite kube-system/aws-auth: map an IAM principal the attacker holds (of any account) to group system:masters")
	e.become(u, graphmodel.K8sGroup(c.name, k8srbac.GroupMasters), TechModifyAWSAuth, rendered, conditions...)
	if c.awsAuth != nil {
		e.access(u, c.awsAuth.ID, TechModifyAWSAuth, graphmodel.AccessWrite, rendered)
	}
}
