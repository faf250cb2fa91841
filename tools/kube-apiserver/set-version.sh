#!/usr/bin/env bash
# set-version.sh: pin this tool module to a released Kubernetes.
#
#   tools/kube-apiserver/set-version.sh 1.37.2
#
# k8s.io/kubernetes requires its staging modules (k8s.io/api,
# k8s.io/apimachinery, ...) at v0.0.0 and replaces them with ./staging
# directories that a module download does not have, so a module that
# requires k8s.io/kubernetes must replace each of them with the published
# release of the same number: Kubernetes v1.X.Y ships them as v0.X.Y. This
# script reads that list from k8s.io/kubernetes's own go.mod, rewrites the
# require and replace directives of go.mod here and runs go mod tidy. The
# etcd server (embedded by main.go) is pinned to the etcd version that
# Kubernetes release requires of its etcd client.
set -euo pipefail

[[ $# -eq 1 && $1 =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || {
	echo "usage: $0 MAJOR.MINOR.PATCH (a released Kubernetes, e.g. 1.37.2)" >&2
	exit 2
}
kube="v$1"
staging="v0.${1#*.}"
cd "$(dirname "${BASH_SOURCE[0]}")"

modfile="$(go mod download -json "k8s.io/kubernetes@$kube" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')"
[[ -f $modfile ]] || { echo "$0: no go.mod for k8s.io/kubernetes@$kube" >&2; exit 1; }

# The staging modules: every "k8s.io/X => ./staging/src/k8s.io/X".
mapfile -t mods < <(sed -n 's#^[[:space:]]*\(k8s\.io/[^ ]*\) => \./staging/.*#\1#p' "$modfile")
((${#mods[@]} > 0)) || { echo "$0: no staging replacements in $modfile" >&2; exit 1; }
etcd="$(sed -n 's#^[[:space:]]*go\.etcd\.io/etcd/client/v3 \(v[^ ]*\).*#\1#p' "$modfile")"
[[ -n $etcd ]] || { echo "$0: no etcd client version in $modfile" >&2; exit 1; }

args=(-require="k8s.io/kubernetes@$kube" -require="go.etcd.io/etcd/server/v3@$etcd")
for m in "${mods[@]}"; do
	args+=(-replace="$m=$m@$staging")
done
go mod edit "${args[@]}"
go mod tidy
echo "pinned k8s.io/kubernetes $kube, staging modules $staging (${#mods[@]}), etcd $etcd" >&2
