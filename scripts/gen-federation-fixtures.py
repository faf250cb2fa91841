#!/usr/bin/env python3
"""Writes the fixtures of the GKE Workload Identity and GitHub Actions
bridges under analysis/crosscloud/testdata/<case>/: a GKE cluster's
kubectl List (cluster.json, as scripts/gen-k8s-fixtures.py makes them),
its GCP organization's Cloud Asset Inventory export (gcp/resources.jsonl
and gcp/iam-policy.jsonl, as `gcloud asset export` writes them) and, for
GitHub Actions into AWS, an account's offline directory (aws/).

The expected paths live in analysis/crosscloud/federation_test.go and
cmd/blastradius/federation_e2e_test.go; this script only makes the inputs.
Run it from the repository root after changing a case:

    python3 scripts/gen-federation-fixtures.py
"""
import importlib.util
import json
import os
import shutil

spec = importlib.util.spec_from_file_location("k8sfx", os.path.join(os.path.dirname(__file__), "gen-k8s-fixtures.py"))
k8sfx = importlib.util.module_from_spec(spec)
spec.loader.exec_module(k8sfx)
Cluster, Account, aws_doc, rule, ADMIN, ACCOUNT = k8sfx.Cluster, k8sfx.Account, k8sfx.aws_doc, k8sfx.rule, k8sfx.ADMIN, k8sfx.ACCOUNT

OUT = os.path.join("analysis", "crosscloud", "testdata")
TS = "2026-11-30T09:00:00Z"
ORG = "123456789012"
FOLDER = "345678901234"
PROJECT, PROJECT_NUM = "prod-app", "400000000011"
CI, CI_NUM = "shared-ci", "400000000022"
POOL = f"{PROJECT}.svc.id.goog"
GKE_NAME, GKE_LOCATION, GKE_ZONE = "prod-gke", "europe-west1", "europe-west1-b"
GITHUB = "https://token.actions.githubusercontent.com"
GH_POOL = f"projects/{CI_NUM}/locations/global/workloadIdentityPools/github"
GH_MAPPING = {"google.subject": "assertion.sub", "attribute.repository": "assertion.repository",
              "attribute.repository_owner": "assertion.repository_owner", "attribute.ref": "assertion.ref"}


def sa_email(name, project=PROJECT):
    return f"{name}@{project}.iam.gserviceaccount.com"


class GCP:
    """An organization with a folder (production) holding the project
    prod-app, and the project shared-ci under the organization."""

    def __init__(self):
        self.resources, self.policies = [], []
        self._uid = 0
        self.asset("//cloudresourcemanager.googleapis.com/organizations/" + ORG, "cloudresourcemanager.googleapis.com/Organization",
                   {"name": "organizations/" + ORG, "displayName": "example.com", "owner": {"directoryCustomerId": "C03xmpl12"}, "lifecycleState": "ACTIVE"},
                   ["organizations/" + ORG], discovery="Organization")
        self.asset("//cloudresourcemanager.googleapis.com/folders/" + FOLDER, "cloudresourcemanager.googleapis.com/Folder",
                   {"name": "folders/" + FOLDER, "parent": "organizations/" + ORG, "displayName": "production", "lifecycleState": "ACTIVE"},
                   ["folders/" + FOLDER, "organizations/" + ORG], parent="//cloudresourcemanager.googleapis.com/organizations/" + ORG, discovery="Folder")
        for pid, num, anc in [(PROJECT, PROJECT_NUM, ["folders/" + FOLDER]), (CI, CI_NUM, [])]:
            parent = "//cloudresourcemanager.googleapis.com/" + (anc[0] if anc else "organizations/" + ORG)
            self.asset("//cloudresourcemanager.googleapis.com/projects/" + num, "cloudresourcemanager.googleapis.com/Project",
                       {"projectNumber": num, "projectId": pid, "lifecycleState": "ACTIVE", "name": pid},
                       self.ancestors(pid), parent=parent, discovery="Project")

    @staticmethod
    def ancestors(project):
        if project == PROJECT:
            return ["projects/" + PROJECT_NUM, "folders/" + FOLDER, "organizations/" + ORG]
        return ["projects/" + CI_NUM, "organizations/" + ORG]

    def asset(self, name, typ, data, ancestors, parent=None, discovery=None, location="global"):
        res = {"version": "v1", "discovery_name": discovery or typ.split("/")[1], "data": data, "location": location}
        if parent:
            res["parent"] = parent
        self.resources.append({"name": name, "asset_type": typ, "resource": res, "ancestors": ancestors, "update_time": TS})

    def policy(self, name, typ, ancestors, bindings):
        self.policies.append({"name": name, "asset_type": typ, "iam_policy": {"version": 1, "bindings": bindings, "etag": "BwYabc123="},
                              "ancestors": ancestors, "update_time": TS})

    def project_policy(self, project, bindings):
        num = PROJECT_NUM if project == PROJECT else CI_NUM
        self.policy("//cloudresourcemanager.googleapis.com/projects/" + num, "cloudresourcemanager.googleapis.com/Project", self.ancestors(project), bindings)

    def folder_policy(self, bindings):
        self.policy("//cloudresourcemanager.googleapis.com/folders/" + FOLDER, "cloudresourcemanager.googleapis.com/Folder",
                    ["folders/" + FOLDER, "organizations/" + ORG], bindings)

    def service_account(self, name, project=PROJECT, bindings=None):
        self._uid += 1
        uid = f"1100000000000000000{self._uid:02d}"
        asset = f"//iam.googleapis.com/projects/{project}/serviceAccounts/{uid}"
        num = PROJECT_NUM if project == PROJECT else CI_NUM
        self.asset(asset, "iam.googleapis.com/ServiceAccount",
                   {"name": f"projects/{project}/serviceAccounts/{sa_email(name, project)}", "projectId": project, "uniqueId": uid,
                    "email": sa_email(name, project), "displayName": name},
                   self.ancestors(project), parent="//cloudresourcemanager.googleapis.com/projects/" + num, discovery="ServiceAccount")
        if bindings:
            self.policy(asset, "iam.googleapis.com/ServiceAccount", self.ancestors(project), bindings)
        return sa_email(name, project)

    def gke(self, workload_pool=POOL):
        data = {"name": GKE_NAME, "location": GKE_LOCATION, "status": "RUNNING",
                "nodePools": [{"name": "default-pool", "config": {"serviceAccount": sa_email("gke-nodes"), "oauthScopes": ["https://www.googleapis.com/auth/cloud-platform"]}}],
                "resourceLabels": {"env": "prod"}}
        if workload_pool:
            data["workloadIdentityConfig"] = {"workloadPool": workload_pool}
            data["nodePools"][0]["config"]["workloadMetadataConfig"] = {"mode": "GKE_METADATA"}
        self.service_account("gke-nodes")
        self.asset(f"//container.googleapis.com/projects/{PROJECT}/locations/{GKE_LOCATION}/clusters/{GKE_NAME}", "container.googleapis.com/Cluster",
                   data, self.ancestors(PROJECT), parent="//cloudresourcemanager.googleapis.com/projects/" + PROJECT_NUM, location=GKE_LOCATION)

    def github_pool(self, condition, mapping=None, issuer=GITHUB):
        pool = "//iam.googleapis.com/" + GH_POOL
        parent = "//cloudresourcemanager.googleapis.com/projects/" + CI_NUM
        self.asset(pool, "iam.googleapis.com/WorkloadIdentityPool", {"name": GH_POOL, "displayName": "GitHub Actions", "state": "ACTIVE"},
                   self.ancestors(CI), parent=parent, discovery="WorkloadIdentityPool")
        data = {"name": GH_POOL + "/providers/github-actions", "displayName": "GitHub", "state": "ACTIVE",
                "attributeMapping": mapping or GH_MAPPING, "oidc": {"issuerUri": issuer}}
        if condition:
            data["attributeCondition"] = condition
        self.asset(pool + "/providers/github-actions", "iam.googleapis.com/WorkloadIdentityPoolProvider", data,
                   self.ancestors(CI), parent=pool, discovery="WorkloadIdentityPoolProvider")

    def bucket(self, name, bindings):
        asset = "//storage.googleapis.com/" + name
        self.asset(asset, "storage.googleapis.com/Bucket", {"name": name, "location": "EU", "storageClass": "STANDARD"},
                   self.ancestors(PROJECT), parent="//cloudresourcemanager.googleapis.com/projects/" + PROJECT_NUM, location="eu")
        self.policy(asset, "storage.googleapis.com/Bucket", self.ancestors(PROJECT), bindings)

    def write(self, d):
        os.makedirs(d, exist_ok=True)
        for fname, lines in [("resources.jsonl", self.resources), ("iam-policy.jsonl", self.policies)]:
            with open(os.path.join(d, fname), "w") as f:
                for line in lines:
                    f.write(json.dumps(line, separators=(",", ":")) + "\n")


def gke_cluster():
    """The cluster of gen-k8s-fixtures' Cluster, as GKE runs it: its nodes
    are instances of prod-app in europe-west1-b."""
    c = Cluster()
    for i, it in enumerate(x for x in c.items if x["kind"] == "Node"):
        name = it["metadata"]["name"]
        it["metadata"]["labels"] = {"kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "cloud.google.com/gke-nodepool": "default-pool",
                                    "topology.kubernetes.io/zone": GKE_ZONE, "iam.gke.io/gke-metadata-server-enabled": "true"}
        it["spec"]["providerID"] = f"gce://{PROJECT}/{GKE_ZONE}/gke-{GKE_NAME}-default-pool-5f2c9a1b-{i:04d}"
        it["status"]["nodeInfo"] = {"kubeletVersion": "v1.30.5-gke.1014001", "osImage": "Container-Optimized OS from Google"}
    return c


def annotate(c, ns, name, gsa):
    for it in c.items:
        if it["kind"] == "ServiceAccount" and it["metadata"]["name"] == name and it["metadata"].get("namespace") == ns:
            it["metadata"]["annotations"] = {"iam.gke.io/gcp-service-account": gsa}
            return
    c.sa(ns, name, annotations={"iam.gke.io/gcp-service-account": gsa})


def ksa(ns, name):
    return f"serviceAccount:{POOL}[{ns}/{name}]"


WI_USER = "roles/iam.workloadIdentityUser"


def cases():
    out = {}

    # prod/app is annotated with deployer, whose policy lets its
    # principal have its tokens; deployer owns the project. The attacker
    # (dev) may create pods in prod: it becomes prod/app first.
    c = gke_cluster()
    g = GCP()
    g.gke()
    deployer = g.service_account("deployer", bindings=[{"role": WI_USER, "members": [ksa("prod", "app")]}])
    annotate(c, "prod", "app", deployer)
    c.grant("pod-creator", [rule(["create"], ["pods"])], ns="prod")
    g.project_policy(PROJECT, [{"role": "roles/owner", "members": ["serviceAccount:" + deployer]}])
    out["gke-workload-identity"] = (c, g, None)

    # The workloadIdentityUser binding is on the folder: inherited by
    # every service account below it.
    c = gke_cluster()
    g = GCP()
    g.gke()
    deployer = g.service_account("deployer")
    annotate(c, "prod", "app", deployer)
    g.folder_policy([{"role": WI_USER, "members": [ksa("prod", "app")]}])
    g.project_policy(PROJECT, [{"role": "roles/owner", "members": ["serviceAccount:" + deployer]}])
    out["gke-inherited-binding"] = (c, g, None)

    # Direct grants, no GCP service account: prod/app's principal (the
    # principal:// spelling) administers the project; the principal set of
    # namespace prod reads a bucket.
    c = gke_cluster()
    g = GCP()
    g.gke()
    principal = f"principal://iam.googleapis.com/projects/{PROJECT_NUM}/locations/global/workloadIdentityPools/{POOL}/subject/ns/prod/sa/app"
    ns_set = f"principalSet://iam.googleapis.com/projects/{PROJECT_NUM}/locations/global/workloadIdentityPools/{POOL}/namespace/prod"
    g.project_policy(PROJECT, [{"role": "roles/resourcemanager.projectIamAdmin", "members": [principal]}])
    g.bucket("prod-reports", [{"role": "roles/storage.objectViewer", "members": [ns_set]}])
    out["gke-direct-principal"] = (c, g, None)

    # Near miss: annotated, but no binding names prod/app's principal.
    c = gke_cluster()
    g = GCP()
    g.gke()
    deployer = g.service_account("deployer", bindings=[{"role": "roles/iam.serviceAccountUser", "members": ["user:ops@example.com"]}])
    annotate(c, "prod", "app", deployer)
    g.project_policy(PROJECT, [{"role": "roles/owner", "members": ["serviceAccount:" + deployer]}])
    out["gke-near-miss-annotation-only"] = (c, g, None)

    # Near miss: the binding names app of namespace dev; prod/app is
    # annotated, dev/app is not, yet dev/app is the one that has it.
    c = gke_cluster()
    c.sa("dev", "app")
    g = GCP()
    g.gke()
    deployer = g.service_account("deployer", bindings=[{"role": WI_USER, "members": [ksa("dev", "app")]}])
    annotate(c, "prod", "app", deployer)
    g.project_policy(PROJECT, [{"role": "roles/owner", "members": ["serviceAccount:" + deployer]}])
    out["gke-near-miss-other-namespace"] = (c, g, None)

    # GitHub Actions into GCP: the provider admits acme's repositories;
    # acme/deploy's set may act as deployer, which owns the project. Only
    # the repository is pinned: any branch.
    g = GCP()
    g.github_pool("assertion.repository_owner == 'acme'")
    gh_set = f"principalSet://iam.googleapis.com/{GH_POOL}/attribute.repository/acme/deploy"
    deployer = g.service_account("deployer", bindings=[{"role": WI_USER, "members": [gh_set]}])
    g.project_policy(PROJECT, [{"role": "roles/owner", "members": ["serviceAccount:" + deployer]}])
    out["github-gcp-repository"] = (None, g, None)

    # The condition pins one repository and its main branch; the whole
    # pool may act as deployer, and acme/other's set reads a bucket:
    # acme/other reaches nothing, nor does any other repository.
    g = GCP()
    g.github_pool("assertion.repository == 'acme/deploy' && assertion.ref == 'refs/heads/main'")
    deployer = g.service_account("deployer", bindings=[{"role": WI_USER, "members": [f"principalSet://iam.googleapis.com/{GH_POOL}/*"]}])
    g.project_policy(PROJECT, [{"role": "roles/owner", "members": ["serviceAccount:" + deployer]}])
    g.bucket("prod-reports", [{"role": "roles/storage.objectViewer", "members": [f"principalSet://iam.googleapis.com/{GH_POOL}/attribute.repository/acme/other"]}])
    out["github-gcp-pinned-repository"] = (None, g, None)

    # No condition and the whole pool: any repository on GitHub.
    g = GCP()
    g.github_pool("")
    deployer = g.service_account("deployer", bindings=[{"role": WI_USER, "members": [f"principalSet://iam.googleapis.com/{GH_POOL}/*"]}])
    g.project_policy(PROJECT, [{"role": "roles/owner", "members": ["serviceAccount:" + deployer]}])
    out["github-gcp-any-repository"] = (None, g, None)

    # The binding names one subject: acme/deploy's main branch.
    g = GCP()
    g.github_pool("assertion.repository_owner == 'acme'")
    subject = f"principal://iam.googleapis.com/{GH_POOL}/subject/repo:acme/deploy:ref:refs/heads/main"
    deployer = g.service_account("deployer", bindings=[{"role": WI_USER, "members": [subject]}])
    g.project_policy(PROJECT, [{"role": "roles/owner", "members": ["serviceAccount:" + deployer]}])
    out["github-gcp-subject"] = (None, g, None)

    # GitHub Actions into AWS: the OIDC provider of GitHub; deploy trusts
    # acme/deploy's main branch and administers the account; preview
    # trusts any ref of acme/deploy (a finding) and reads a bucket.
    a = github_account()
    a.role("deploy", github_trust("repo:acme/deploy:ref:refs/heads/main"), attached=[ADMIN])
    a.role("preview", github_trust("repo:acme/deploy:*", "StringLike"), inline={"read": k8sfx.READ_S3})
    out["github-aws-branch"] = (None, None, a)

    # Both clouds: AWS pins main, GCP admits any branch: one node for
    # acme/deploy, marked by the GCP trust.
    a = github_account()
    a.role("deploy", github_trust("repo:acme/deploy:ref:refs/heads/main"), attached=[ADMIN])
    g = GCP()
    g.github_pool("assertion.repository_owner == 'acme'")
    deployer = g.service_account("deployer", bindings=[{"role": WI_USER, "members": [gh_set]}])
    g.project_policy(PROJECT, [{"role": "roles/owner", "members": ["serviceAccount:" + deployer]}])
    out["github-both-clouds"] = (None, g, a)
    return out


def github_account():
    a = Account()
    a.files["iam-list-open-id-connect-providers.json"] = {"OpenIDConnectProviderList": [
        {"Arn": f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"}]}
    return a


def github_trust(sub, op="StringEquals"):
    host = "token.actions.githubusercontent.com"
    cond = {"StringEquals": {host + ":aud": "sts.amazonaws.com"}}
    cond.setdefault(op, {})[host + ":sub"] = sub
    return aws_doc({"Effect": "Allow", "Principal": {"Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/{host}"},
                    "Action": "sts:AssumeRoleWithWebIdentity", "Condition": cond})


def main():
    for name, (c, g, a) in sorted(cases().items()):
        d = os.path.join(OUT, name)
        shutil.rmtree(d, ignore_errors=True)
        if c is not None:
            c.write(os.path.join(d, "cluster.json"))
        if g is not None:
            g.write(os.path.join(d, "gcp"))
        if a is not None:
            a.write(os.path.join(d, "aws"))


if __name__ == "__main__":
    main()
