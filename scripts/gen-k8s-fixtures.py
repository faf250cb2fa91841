#!/usr/bin/env python3
"""Writes the Kubernetes technique fixtures: one small cluster per technique
and per near miss, in the exact format of

    kubectl get namespaces,clusterroles,clusterrolebindings,roles,rolebindings,serviceaccounts,pods,deployments,daemonsets,statefulsets,replicasets,jobs,cronjobs,secrets,nodes,configmaps -A -o json

under analysis/kubernetes/testdata/techniques/<case>.json, and the
cross-cloud fixtures (a cluster and the AWS offline directory of its
account) under analysis/crosscloud/testdata/<case>/.

The expected paths live in analysis/kubernetes/techniques_test.go and
analysis/crosscloud/bridges_test.go; this script only makes the inputs. Run
it from the repository root after changing a case:

    python3 scripts/gen-k8s-fixtures.py
"""
import copy
import json
import os
import shutil
import urllib.parse

K8S_OUT = os.path.join("analysis", "kubernetes", "testdata", "techniques")
XC_OUT = os.path.join("analysis", "crosscloud", "testdata")
TS = "2025-03-04T10:00:00Z"
ACCOUNT = "111122223333"
REGION = "eu-west-1"
OIDC_ID = "5E6B1D0C9A8F7E6D5C4B3A2918273645"
ISSUER_HOST = f"oidc.eks.{REGION}.amazonaws.com/id/{OIDC_ID}"
RBAC = "rbac.authorization.k8s.io"

_uid = [0]


def meta(name, namespace=None, labels=None, annotations=None, **extra):
    _uid[0] += 1
    m = {"creationTimestamp": TS, "name": name, "resourceVersion": str(1000 + _uid[0]),
         "uid": f"00000000-0000-4000-8000-{_uid[0]:012d}"}
    if namespace is not None:
        m["namespace"] = namespace
    if labels:
        m["labels"] = labels
    if annotations:
        m["annotations"] = annotations
    m.update(extra)
    return m


def rule(verbs, resources=None, groups=("",), names=None, urls=None):
    r = {"verbs": list(verbs)}
    if urls is not None:
        r["nonResourceURLs"] = list(urls)
        return r
    r["apiGroups"] = list(groups)
    r["resources"] = list(resources)
    if names:
        r["resourceNames"] = list(names)
    return r


class Cluster:
    """A small cluster: namespaces default, kube-system, dev (no Pod
    Security Admission label: privileged), prod (restricted) and ops
    (baseline); nodes node-a and node-b; in prod the service account app
    (its pod on node-a mounts its token, and a legacy token Secret
    app-token holds one) and batch (automountServiceAccountToken false,
    its pod on node-b); the attacker is service account dev/attacker."""

    def __init__(self, eks=False):
        self.items = []
        self.eks = eks
        for ns, level in [("default", None), ("kube-system", None), ("dev", None), ("prod", "restricted"), ("ops", "baseline")]:
            labels = {"kubernetes.io/metadata.name": ns}
            if level:
                labels["pod-security.kubernetes.io/enforce"] = level
                labels["pod-security.kubernetes.io/enforce-version"] = "latest"
            self.add("v1", "Namespace", meta(ns, labels=labels), spec={"finalizers": ["kubernetes"]}, status={"phase": "Active"})
            self.sa(ns, "default")
        for i, name in enumerate(["node-a", "node-b"]):
            labels = {"kubernetes.io/hostname": name, "kubernetes.io/os": "linux",
                      "node.kubernetes.io/instance-type": "m6i.large", "topology.kubernetes.io/zone": REGION + "a"}
            version = "v1.30.4"
            if eks:
                labels["eks.amazonaws.com/nodegroup"] = "general"
                version = "v1.30.4-eks-a737599"
            self.add("v1", "Node", meta(name, labels=labels),
                     spec={"providerID": f"aws:///{REGION}a/i-0a1b2c3d4e5f6000{i}"},
                     status={"nodeInfo": {"kubeletVersion": version, "osImage": "Amazon Linux 2023"}})
        self.cluster_role("cluster-admin", [rule(["*"], ["*"], ["*"]), rule(["*"], urls=["*"])])
        self.cluster_role("view", [rule(["get", "list", "watch"], ["pods", "configmaps", "services"])])
        self.crb("cluster-admin", "cluster-admin", [("Group", "system:masters", None)])
        self.sa("prod", "app")
        self.sa("prod", "batch", automount=False)
        self.sa("dev", "attacker")
        self.secret("prod", "app-token", "kubernetes.io/service-account-token", sa="app")
        self.secret("prod", "harmless-config", "Opaque")
        self.pod("prod", "app-7c9d8f6b5-k2x4q", "app", "node-a")
        self.pod("prod", "batch-28391040-q8xzt", "batch", "node-b", token=False)

    def add(self, api, kind, m, **fields):
        obj = {"apiVersion": api, "kind": kind, "metadata": m}
        obj.update(fields)
        self.items.append(obj)
        return obj

    def sa(self, ns, name, automount=None, annotations=None):
        fields = {}
        if automount is not None:
            fields["automountServiceAccountToken"] = automount
        return self.add("v1", "ServiceAccount", meta(name, ns, annotations=annotations), **fields)

    def secret(self, ns, name, typ, sa=None, data=True):
        ann = {"kubernetes.io/service-account.name": sa, "kubernetes.io/service-account.uid": "00000000-0000-4000-8000-000000000999"} if sa else None
        fields = {"type": typ}
        if data:
            # Never read: the collector drops data as it decodes.
            fields["data"] = {"token": "ZmFrZS10b2tlbi1ub3QtYS1zZWNyZXQ="} if sa else {"config": "ZmFrZQ=="}
        return self.add("v1", "Secret", meta(name, ns, annotations=ann), **fields)

    def cluster_role(self, name, rules, labels=None):
        return self.add(RBAC + "/v1", "ClusterRole", meta(name, labels=labels), rules=rules)

    def role(self, ns, name, rules):
        return self.add(RBAC + "/v1", "Role", meta(name, ns), rules=rules)

    @staticmethod
    def subjects(subjects):
        out = []
        for kind, name, ns in subjects:
            s = {"kind": kind, "name": name}
            if kind == "ServiceAccount":
                s["namespace"] = ns
            else:
                s["apiGroup"] = RBAC
            out.append(s)
        return out

    def crb(self, name, cluster_role, subjects):
        return self.add(RBAC + "/v1", "ClusterRoleBinding", meta(name),
                        roleRef={"apiGroup": RBAC, "kind": "ClusterRole", "name": cluster_role}, subjects=self.subjects(subjects))

    def rb(self, ns, name, kind, role, subjects):
        return self.add(RBAC + "/v1", "RoleBinding", meta(name, ns),
                        roleRef={"apiGroup": RBAC, "kind": kind, "name": role}, subjects=self.subjects(subjects))

    def grant(self, name, rules, ns=None, subject=("ServiceAccount", "attacker", "dev")):
        """Binds rules to the attacker: cluster-wide, or in namespace ns."""
        if ns is None:
            self.cluster_role(name, rules)
            self.crb(name, name, [subject])
        else:
            self.role(ns, name, rules)
            self.rb(ns, name, "Role", name, [subject])

    def pod(self, ns, name, sa, node, containers=None, volumes=None, automount=None, host_pid=False, host_network=False,
            security_context=None, audiences=(), token=True, phase="Running"):
        spec = {"serviceAccountName": sa, "serviceAccount": sa, "nodeName": node, "restartPolicy": "Always",
                "schedulerName": "default-scheduler", "enableServiceLinks": True}
        if automount is not None:
            spec["automountServiceAccountToken"] = automount
        if host_pid:
            spec["hostPID"] = True
        if host_network:
            spec["hostNetwork"] = True
        if security_context:
            spec["securityContext"] = security_context
        containers = copy.deepcopy(containers or [{"name": "main"}])
        vols = list(volumes or [])
        mounts = []
        if token:
            vols.append({"name": "kube-api-access-x7k2p", "projected": {"defaultMode": 420, "sources": [
                {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}}]}})
            mounts.append({"name": "kube-api-access-x7k2p", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "readOnly": True})
        for aud in audiences:
            vname = "aws-iam-token" if aud == "sts.amazonaws.com" else "token-" + aud.replace(".", "-")
            vols.append({"name": vname, "projected": {"defaultMode": 420, "sources": [
                {"serviceAccountToken": {"audience": aud, "expirationSeconds": 86400, "path": "token"}}]}})
            mounts.append({"name": vname, "mountPath": "/var/run/secrets/eks.amazonaws.com/serviceaccount", "readOnly": True})
        for c in containers:
            c.setdefault("image", "registry.example.com/" + name.split("-")[0] + ":1.4.2")
            c.setdefault("env", [{"name": "LOG_LEVEL", "value": "info"}])
            c["volumeMounts"] = c.get("volumeMounts", []) + mounts
        spec["containers"] = containers
        if vols:
            spec["volumes"] = vols
        return self.add("v1", "Pod", meta(name, ns, labels={"app": name.split("-")[0]}), spec=spec,
                        status={"phase": phase, "podIP": "10.0.1.17", "hostIP": "10.0.1.23"})

    def aws_auth(self, map_roles="", map_users=""):
        data = {}
        if map_roles:
            data["mapRoles"] = map_roles
        if map_users:
            data["mapUsers"] = map_users
        return self.add("v1", "ConfigMap", meta("aws-auth", "kube-system"), data=data)

    def write(self, path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            json.dump({"apiVersion": "v1", "items": self.items, "kind": "List", "metadata": {"resourceVersion": ""}}, f, indent=4)
            f.write("\n")


def privileged(name="main"):
    return {"name": name, "securityContext": {"privileged": True}}


def host_path_pod(c, sa, path, read_only, non_root=False, node="node-a"):
    c.sa("dev", sa)
    sc = {"runAsNonRoot": True, "runAsUser": 65534} if non_root else None
    ctr = {"name": "main", "volumeMounts": [{"name": "host", "mountPath": "/host", "readOnly": read_only}]}
    if sc:
        ctr["securityContext"] = sc
    c.pod("dev", sa + "-6d5f7c9b8-abcde", sa, node, containers=[ctr], volumes=[{"name": "host", "hostPath": {"path": path, "type": "Directory"}}])


def k8s_cases():
    cases = {}

    c = Cluster()
    c.grant("everything", [rule(["*"], ["*"], ["*"])])
    cases["cluster_admin"] = c

    # Pod creation in prod (restricted): the account, not the node.
    c = Cluster()
    c.grant("pod-creator", [rule(["create"], ["pods"])], ns="prod")
    cases["assign_sa"] = c

    # A Deployment in dev (no Pod Security Admission label): the nodes,
    # and the tokens on them.
    c = Cluster()
    c.grant("deployer", [rule(["create", "update", "patch"], ["deployments"], ["apps"])], ns="dev")
    cases["POD_CREATE"] = c

    c = Cluster()
    c.grant("token-minter", [rule(["create"], ["serviceaccounts/token"], names=["app"])], ns="prod")
    cases["token_request"] = c

    c = Cluster()
    c.grant("secret-writer", [rule(["create"], ["secrets"]), rule(["get"], ["secrets"])], ns="prod")
    cases["issue_token_secrets"] = c

    c = Cluster()
    c.grant("secret-lister", [rule(["list"], ["secrets"])], ns="prod")
    cases["TOKEN_LIST"] = c

    c = Cluster()
    c.grant("token-reader", [rule(["get"], ["secrets"], names=["app-token"])], ns="prod")
    cases["retrieve_token_secrets"] = c

    c = Cluster()
    c.grant("secret-getter", [rule(["get"], ["secrets"])], ns="prod")
    cases["TOKEN_BRUTEFORCE"] = c

    c = Cluster()
    c.cluster_role("admin", [rule(["*"], ["pods", "secrets", "serviceaccounts", "serviceaccounts/token"]),
                             rule(["*"], ["deployments"], ["apps"])])
    c.grant("binder", [rule(["create"], ["rolebindings"], [RBAC]), rule(["bind"], ["clusterroles"], [RBAC], names=["admin"])], ns="prod")
    cases["ROLE_BIND"] = c

    c = Cluster()
    c.cluster_role("self-managed", [rule(["get", "update", "escalate"], ["clusterroles"], [RBAC], names=["self-managed"])])
    c.crb("self-managed", "self-managed", [("ServiceAccount", "attacker", "dev")])
    cases["escalate_roles"] = c

    c = Cluster()
    c.grant("impersonator", [rule(["impersonate"], ["users"], names=["jane"]), rule(["impersonate"], ["groups"], names=["system:masters"])])
    c.rb("dev", "jane-view", "ClusterRole", "view", [("User", "jane", None)])
    cases["IDENTITY_IMPERSONATE"] = c

    c = Cluster()
    c.grant("exec", [rule(["get", "list"], ["pods"]), rule(["create"], ["pods/exec"])], ns="prod")
    cases["POD_EXEC"] = c

    c = Cluster()
    c.grant("attach", [rule(["get"], ["pods"]), rule(["create"], ["pods/attach"])], ns="prod")
    cases["POD_ATTACH"] = c

    c = Cluster()
    c.grant("patcher", [rule(["get", "list", "patch"], ["pods"])], ns="prod")
    cases["POD_PATCH"] = c

    # An ephemeral container in a pod of dev (privileged pods admitted)
    # takes its node.
    c = Cluster()
    c.sa("dev", "web")
    c.pod("dev", "web-5b8c7d9f4-zt6qp", "web", "node-b")
    c.grant("debugger", [rule(["get", "list"], ["pods"]), rule(["patch"], ["pods/ephemeralcontainers"])], ns="dev")
    cases["pods_ephemeral_ctrs"] = c

    c = Cluster()
    c.grant("kubelet-proxy", [rule(["get", "create"], ["nodes/proxy"], names=["node-a"])])
    cases["nodes_proxy"] = c

    c = Cluster()
    c.grant("csr-approver", [
        rule(["create", "get", "list"], ["certificatesigningrequests"], ["certificates.k8s.io"]),
        rule(["update"], ["certificatesigningrequests/approval"], ["certificates.k8s.io"]),
        rule(["approve"], ["signers"], ["certificates.k8s.io"], names=["kubernetes.io/kube-apiserver-client"])])
    cases["approve_csrs"] = c

    c = Cluster()
    c.grant("webhook-admin", [rule(["create", "update", "patch"], ["mutatingwebhookconfigurations"], ["admissionregistration.k8s.io"])])
    cases["control_webhooks"] = c

    c = Cluster(eks=True)
    c.aws_auth(map_roles=f"- rolearn: arn:aws:iam::{ACCOUNT}:role/eks-nodes\n  username: system:node:{{{{EC2PrivateDNSName}}}}\n  groups:\n    - system:bootstrappers\n    - system:nodes\n")
    c.grant("aws-auth-editor", [rule(["get", "update", "patch"], ["configmaps"], names=["aws-auth"])], ns="kube-system")
    cases["eks_modify_aws_auth"] = c

    # The attacker's own pods, each of one escape, on node-a with
    # prod/app's pod.
    c = Cluster()
    c.pod("dev", "priv-7d9c5b6f8-mmx2w", "attacker", "node-a", containers=[privileged()])
    cases["CE_PRIV_MOUNT"] = c

    c = Cluster()
    c.pod("dev", "nsenter-6f7d8c9b5-pq3rs", "attacker", "node-a", containers=[privileged()], host_pid=True)
    cases["CE_NSENTER"] = c

    c = Cluster()
    c.pod("dev", "pidns-6f7d8c9b5-pq3rs", "attacker", "node-a", host_pid=True)
    cases["EXPLOIT_HOST_PID"] = c

    c = Cluster()
    c.pod("dev", "hostnet-6f7d8c9b5-pq3rs", "attacker", "node-a", host_network=True)
    cases["EXPLOIT_HOST_NETWORK"] = c

    c = Cluster()
    c.pod("dev", "logs-6f7d8c9b5-pq3rs", "attacker", "node-a",
          containers=[{"name": "main", "volumeMounts": [{"name": "varlog", "mountPath": "/host/var/log"}]}],
          volumes=[{"name": "varlog", "hostPath": {"path": "/var/log", "type": ""}}])
    cases["EXPLOIT_HOST_WRITE"] = c

    c = Cluster()
    c.pod("dev", "etc-6f7d8c9b5-pq3rs", "attacker", "node-a",
          containers=[{"name": "main", "volumeMounts": [{"name": "etc", "mountPath": "/host/etc", "readOnly": True}]}],
          volumes=[{"name": "etc", "hostPath": {"path": "/etc", "type": "Directory"}}])
    cases["EXPLOIT_HOST_READ"] = c

    c = Cluster()
    c.pod("dev", "kubelet-6f7d8c9b5-pq3rs", "attacker", "node-a",
          containers=[{"name": "main", "volumeMounts": [{"name": "pods", "mountPath": "/host/pods", "readOnly": True}]}],
          volumes=[{"name": "pods", "hostPath": {"path": "/var/lib/kubelet/pods", "type": "Directory"}}])
    cases["EXPLOIT_HOST_TRAVERSE"] = c

    c = Cluster()
    c.pod("dev", "docker-6f7d8c9b5-pq3rs", "attacker", "node-a",
          containers=[{"name": "main", "volumeMounts": [{"name": "sock", "mountPath": "/run/containerd/containerd.sock", "readOnly": True}]}],
          volumes=[{"name": "sock", "hostPath": {"path": "/run/containerd/containerd.sock", "type": "Socket"}}])
    cases["EXPLOIT_CONTAINERD_SOCK"] = c

    # The attacker's pod mounts dev/legacy's token Secret.
    c = Cluster()
    c.sa("dev", "legacy")
    c.secret("dev", "legacy-token", "kubernetes.io/service-account-token", sa="legacy")
    c.pod("dev", "old-cron-28391040-h7v2d", "attacker", "node-b",
          containers=[{"name": "main", "volumeMounts": [{"name": "legacy", "mountPath": "/var/run/legacy", "readOnly": True}]}],
          volumes=[{"name": "legacy", "secret": {"secretName": "legacy-token", "defaultMode": 420}}])
    cases["TOKEN_STEAL"] = c

    c = Cluster()
    c.secret("dev", "db-password", "Opaque")
    c.pod("dev", "api-5f6d7c8b9-x1y2z", "attacker", "node-b",
          containers=[{"name": "main", "volumeMounts": [{"name": "db", "mountPath": "/etc/db", "readOnly": True}]}],
          volumes=[{"name": "db", "secret": {"secretName": "db-password"}}])
    cases["SECRET_VOLUME"] = c

    # Eight subjects run pods in dev: a permission set holds the edges.
    c = Cluster()
    c.cluster_role("pod-runner", [rule(["create"], ["pods"])])
    subjects = [("ServiceAccount", "attacker", "dev")] + [("User", f"dev{i}@example.com", None) for i in range(1, 8)]
    c.rb("dev", "pod-runners", "ClusterRole", "pod-runner", subjects)
    cases["k8s-permission-set"] = c

    # Near misses.
    c = Cluster()
    c.grant("config-reader", [rule(["get"], ["secrets"], names=["harmless-config"])], ns="prod")
    cases["near-miss-harmless-secret"] = c

    c = Cluster()
    c.cluster_role("secret-lister", [rule(["list", "get"], ["secrets"])])
    c.rb("dev", "secret-lister", "ClusterRole", "secret-lister", [("ServiceAccount", "attacker", "dev")])
    c.sa("dev", "ci")
    c.secret("dev", "ci-token", "kubernetes.io/service-account-token", sa="ci")
    cases["near-miss-rolebinding-scope"] = c

    c = Cluster()
    c.cluster_role("admin", [rule(["*"], ["pods", "secrets"])])
    c.grant("binder", [rule(["create"], ["rolebindings"], [RBAC])], ns="prod")
    cases["near-miss-create-rolebindings-without-bind"] = c

    c = Cluster()
    c.grant("pod-creator", [rule(["create"], ["pods"])], ns="ops")
    c.sa("ops", "runner")
    cases["near-miss-pod-create-baseline"] = c

    c = Cluster()
    c.grant("exec", [rule(["get", "list"], ["pods"]), rule(["create"], ["pods/exec"])], ns="prod")
    cases["near-miss-automount-off"] = c

    c = Cluster()
    host_path_pod(c, "reader", "/var/lib/kubelet/pods", read_only=True, non_root=True)
    cases["near-miss-non-root-hostpath"] = c

    c = Cluster(eks=True)
    c.grant("csr-approver", [
        rule(["create", "get", "list"], ["certificatesigningrequests"], ["certificates.k8s.io"]),
        rule(["update"], ["certificatesigningrequests/approval"], ["certificates.k8s.io"]),
        rule(["approve"], ["signers"], ["certificates.k8s.io"], names=["kubernetes.io/kube-apiserver-client"])])
    cases["near-miss-approve-csrs-on-eks"] = c
    return cases


# --- AWS side of the cross-cloud fixtures ---------------------------------

def aws_doc(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def enc(doc):
    return urllib.parse.quote(json.dumps(doc, separators=(",", ":")), safe="")


class Account:
    def __init__(self):
        self.roles, self.users, self.files = [], [], {}

    def role(self, name, trust, attached=(), inline=None, instance_profile=False):
        arn = f"arn:aws:iam::{ACCOUNT}:role/{name}"
        role_id = ("AROA" + name.upper().replace("-", "") + "0000000000000")[:21]
        profiles = []
        if instance_profile:
            profiles.append({"Path": "/", "InstanceProfileName": name, "InstanceProfileId": ("AIPA" + name.upper().replace("-", "") + "0000000000000")[:21],
                             "Arn": f"arn:aws:iam::{ACCOUNT}:instance-profile/{name}", "CreateDate": "2024-01-10T09:00:00Z",
                             "Roles": [{"Path": "/", "RoleName": name, "RoleId": role_id, "Arn": arn, "CreateDate": "2024-01-10T09:00:00Z",
                                        "AssumeRolePolicyDocument": enc(trust)}]})
        self.roles.append({
            "Path": "/", "RoleName": name, "RoleId": role_id, "Arn": arn,
            "CreateDate": "2024-01-10T09:00:00Z", "AssumeRolePolicyDocument": enc(trust),
            "InstanceProfileList": profiles, "RolePolicyList": [{"PolicyName": k, "PolicyDocument": enc(v)} for k, v in (inline or {}).items()],
            "AttachedManagedPolicies": [{"PolicyName": p.split("/")[-1], "PolicyArn": p} for p in attached],
            "Tags": [], "RoleLastUsed": {}})
        return arn

    def write(self, d):
        os.makedirs(d, exist_ok=True)
        gaad = {"UserDetailList": self.users, "GroupDetailList": [], "RoleDetailList": self.roles,
                "Policies": [{"PolicyName": "AdministratorAccess", "PolicyId": "ANPAIWMBCKSKIEE64ZLYK", "Arn": "arn:aws:iam::aws:policy/AdministratorAccess",
                              "Path": "/", "DefaultVersionId": "v1", "AttachmentCount": 1, "IsAttachable": True,
                              "CreateDate": "2015-02-06T18:39:46Z", "UpdateDate": "2015-02-06T18:39:46Z",
                              "PolicyVersionList": [{"Document": enc(aws_doc({"Effect": "Allow", "Action": "*", "Resource": "*"})),
                                                     "VersionId": "v1", "IsDefaultVersion": True, "CreateDate": "2015-02-06T18:39:46Z"}]}]}
        with open(os.path.join(d, "gaad.json"), "w") as f:
            json.dump(gaad, f, indent=4)
            f.write("\n")
        for name, content in self.files.items():
            with open(os.path.join(d, name), "w") as f:
                json.dump(content, f, indent=4)
                f.write("\n")


def eks_cluster(a, name="prod-eu"):
    a.files["eks-describe-cluster.json"] = [{"cluster": {
        "name": name, "arn": f"arn:aws:eks:{REGION}:{ACCOUNT}:cluster/{name}", "createdAt": "2024-01-10T09:00:00.000000+00:00",
        "version": "1.30", "endpoint": f"https://{OIDC_ID}.gr7.{REGION}.eks.amazonaws.com",
        "roleArn": f"arn:aws:iam::{ACCOUNT}:role/eks-cluster",
        "identity": {"oidc": {"issuer": "https://" + ISSUER_HOST}}, "status": "ACTIVE", "platformVersion": "eks.8",
        "accessConfig": {"authenticationMode": "API_AND_CONFIG_MAP"}}}]
    a.files["iam-list-open-id-connect-providers.json"] = {"OpenIDConnectProviderList": [
        {"Arn": f"arn:aws:iam::{ACCOUNT}:oidc-provider/{ISSUER_HOST}"}]}
    a.role("eks-cluster", aws_doc({"Effect": "Allow", "Principal": {"Service": "eks.amazonaws.com"}, "Action": "sts:AssumeRole"}))


def irsa_trust(sub, op="StringEquals"):
    return aws_doc({"Effect": "Allow", "Principal": {"Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/{ISSUER_HOST}"},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {op: {ISSUER_HOST + ":sub": sub, ISSUER_HOST + ":aud": "sts.amazonaws.com"}}})


ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
READ_S3 = aws_doc({"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::payments-reports/*"})


def xc_cases():
    cases = {}

    # IRSA, exact sub: prod/app is annotated with payments-admin, whose
    # trust names it; the role is an administrator of the account.
    c = Cluster(eks=True)
    for it in c.items:
        if it["kind"] == "ServiceAccount" and it["metadata"]["name"] == "app":
            it["metadata"]["annotations"] = {"eks.amazonaws.com/role-arn": f"arn:aws:iam::{ACCOUNT}:role/payments-admin"}
    c.pod("prod", "app-7c9d8f6b5-w9v8u", "app", "node-b", audiences=["sts.amazonaws.com"])
    a = Account()
    eks_cluster(a)
    a.role("payments-admin", irsa_trust("system:serviceaccount:prod:app"), attached=[ADMIN])
    a.role("reports-reader", irsa_trust("system:serviceaccount:prod:reports"), inline={"read": READ_S3})
    cases["irsa-exact"] = (c, a)

    # IRSA, wildcard sub: any service account of the cluster; only those
    # whose pods hold a token for sts.amazonaws.com use it, and whoever
    # can mint one.
    c = Cluster(eks=True)
    c.sa("dev", "uploader")
    c.pod("dev", "uploader-6c5d4b3a2-q1w2e", "uploader", "node-b", audiences=["sts.amazonaws.com"])
    c.grant("token-minter", [rule(["create"], ["serviceaccounts/token"], names=["batch"])], ns="prod")
    a = Account()
    eks_cluster(a)
    a.role("any-sa", irsa_trust("system:serviceaccount:*", "StringLike"), attached=[ADMIN])
    cases["irsa-wildcard"] = (c, a)

    # EKS Pod Identity: prod/app's pods get pod-identity-role.
    c = Cluster(eks=True)
    a = Account()
    eks_cluster(a)
    role = a.role("pod-identity-role", aws_doc({"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"},
                                                  "Action": ["sts:AssumeRole", "sts:TagSession"]}), attached=[ADMIN])
    a.files["eks-describe-pod-identity-association.json"] = [{"association": {
        "clusterName": "prod-eu", "namespace": "prod", "serviceAccount": "app", "roleArn": role,
        "associationArn": f"arn:aws:eks:{REGION}:{ACCOUNT}:podidentityassociation/prod-eu/a-0123456789abcdef0",
        "associationId": "a-0123456789abcdef0", "createdAt": "2024-05-01T10:00:00.000000+00:00",
        "modifiedAt": "2024-05-01T10:00:00.000000+00:00", "externalId": "00000000-0000-4000-8000-0000000000aa"}}]
    cases["pod-identity"] = (c, a)

    # aws-auth maps the ci-deployer role to system:masters.
    c = Cluster(eks=True)
    c.aws_auth(map_roles=f"- rolearn: arn:aws:iam::{ACCOUNT}:role/ci-deployer\n  username: ci-deployer\n  groups:\n    - system:masters\n"
                         f"- rolearn: arn:aws:iam::{ACCOUNT}:role/eks-nodes\n  username: system:node:{{{{EC2PrivateDNSName}}}}\n  groups:\n    - system:bootstrappers\n    - system:nodes\n")
    a = Account()
    eks_cluster(a)
    a.role("ci-deployer", aws_doc({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}),
           inline={"read": READ_S3})
    a.role("eks-nodes", aws_doc({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}),
           instance_profile=True)
    # node-a is the EC2 instance i-0a1b2c3d4e5f60000, which runs with the
    # node role.
    a.files["ec2-describe-instances.json"] = [{"Reservations": [{"Groups": [], "OwnerId": ACCOUNT, "ReservationId": "r-0123456789abcdef0", "Instances": [{
        "InstanceId": "i-0a1b2c3d4e5f60000", "InstanceType": "m6i.large", "ImageId": "ami-0abcdef1234567890",
        "LaunchTime": "2024-09-01T08:00:00+00:00", "Placement": {"AvailabilityZone": REGION + "a", "Tenancy": "default"},
        "PrivateDnsName": "node-a", "State": {"Code": 16, "Name": "running"},
        "IamInstanceProfile": {"Arn": f"arn:aws:iam::{ACCOUNT}:instance-profile/eks-nodes", "Id": "AIPAEKSNODES000000000"}}]}]}]
    cases["aws-auth-masters"] = (c, a)

    # An access entry with a namespace-scoped AmazonEKSEditPolicy (prod
    # only), and one with the cluster admin policy.
    c = Cluster(eks=True)
    c.cluster_role("edit", [rule(["create", "delete", "get", "list", "patch", "update", "watch"], ["pods", "pods/exec", "secrets", "serviceaccounts/token"])])
    a = Account()
    eks_cluster(a)
    dev_role = a.role("team-prod", aws_doc({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}))
    admin_role = a.role("platform-admin", aws_doc({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}))
    entries, policies = [], []
    for role_arn, name, pol in [(dev_role, "team-prod", "AmazonEKSEditPolicy@namespace:prod"), (admin_role, "platform-admin", "AmazonEKSClusterAdminPolicy@cluster")]:
        entries.append({"accessEntry": {"clusterName": "prod-eu", "principalArn": role_arn, "kubernetesGroups": [],
                                        "accessEntryArn": f"arn:aws:eks:{REGION}:{ACCOUNT}:access-entry/prod-eu/role/{ACCOUNT}/{name}/0ac5f2d1-1111-2222-3333-444455556666",
                                        "createdAt": "2024-06-01T10:00:00.000000+00:00", "modifiedAt": "2024-06-01T10:00:00.000000+00:00",
                                        "tags": {}, "username": f"arn:aws:sts::{ACCOUNT}:assumed-role/{name}/{{{{SessionName}}}}", "type": "STANDARD"}})
        policy, scope = pol.split("@")
        access_scope = {"type": "cluster"} if scope == "cluster" else {"type": "namespace", "namespaces": scope.split(":")[1].split(",")}
        policies.append({"clusterName": "prod-eu", "principalArn": role_arn, "associatedAccessPolicies": [
            {"policyArn": "arn:aws:eks::aws:cluster-access-policy/" + policy, "accessScope": access_scope,
             "associatedAt": "2024-06-01T10:00:00.000000+00:00", "modifiedAt": "2024-06-01T10:00:00.000000+00:00"}]})
    a.files["eks-describe-access-entry.json"] = entries
    a.files["eks-list-associated-access-policies.json"] = policies
    cases["access-entry-namespace"] = (c, a)

    # The third chain: pod creation in dev (privileged pods admitted) →
    # node-a → prod/app's token (IRSA-annotated, its pod on node-a holds
    # the sts.amazonaws.com token) → payments-admin.
    c = Cluster(eks=True)
    for it in c.items:
        if it["kind"] == "ServiceAccount" and it["metadata"]["name"] == "app":
            it["metadata"]["annotations"] = {"eks.amazonaws.com/role-arn": f"arn:aws:iam::{ACCOUNT}:role/payments-admin"}
        if it["kind"] == "Pod" and it["metadata"]["name"] == "app-7c9d8f6b5-k2x4q":
            c.items.remove(it)
    c.pod("prod", "app-7c9d8f6b5-k2x4q", "app", "node-a", audiences=["sts.amazonaws.com"])
    c.grant("deployer", [rule(["create", "update", "patch"], ["deployments"], ["apps"])], ns="dev")
    a = Account()
    eks_cluster(a)
    a.role("payments-admin", irsa_trust("system:serviceaccount:prod:app"), attached=[ADMIN])
    cases["privileged-namespace-chain"] = (c, a)
    return cases


def main():
    shutil.rmtree(K8S_OUT, ignore_errors=True)
    for name, c in sorted(k8s_cases().items()):
        c.write(os.path.join(K8S_OUT, name + ".json"))
    for name, (c, a) in sorted(xc_cases().items()):
        d = os.path.join(XC_OUT, name)
        shutil.rmtree(d, ignore_errors=True)
        c.write(os.path.join(d, "cluster.json"))
        a.write(os.path.join(d, "aws"))


if __name__ == "__main__":
    main()
