#!/usr/bin/env bash
# vendor-js.sh: refresh the JavaScript libraries the HTML report embeds
# (viz/assets/vendor/), so that building blastradius needs no npm.
#
#   scripts/vendor-js.sh          fetch the pinned versions with npm pack into a
#                                 temporary directory, copy the minified bundles
#                                 and every licence, and rewrite MANIFEST
#   scripts/vendor-js.sh --check  the same into a temporary directory, then
#                                 compare with viz/assets/vendor/ (exit 1 on a
#                                 difference)
#
# Pinned versions (edit them here, run the script, review the diff, run
# go test ./viz/):
#   cytoscape        Cytoscape.js, the graph view
#   cytoscape-dagre  the layered (dagre) layout extension; its dist bundle
#                    carries @dagrejs/dagre and @dagrejs/graphlib, whose
#                    versions are named here for their licences only
#
# npm pack checks each tarball against the registry's integrity hash. The
# bundles are copied unchanged but for their last line when it is a
# sourceMappingURL comment (the page must make no request, not even for a
# source map). Requires npm and sha256sum.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

CYTOSCAPE_VERSION=3.35.0
CYTOSCAPE_DAGRE_VERSION=4.0.1
DAGRE_VERSION=3.0.0    # bundled in cytoscape-dagre 4.0.1
GRAPHLIB_VERSION=4.0.1 # bundled in cytoscape-dagre 4.0.1

DEST=viz/assets/vendor
check=0
case "${1:-}" in
--check) check=1 ;;
"") ;;
*) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

command -v npm >/dev/null 2>&1 || { echo "vendor-js: npm not found" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

pack() { # pack NAME VERSION DIR: unpack NAME@VERSION into $work/DIR
	local tgz
	tgz="$(cd "$work" && npm pack --silent "$1@$2")"
	mkdir -p "$work/$3"
	tar -xzf "$work/$tgz" -C "$work/$3" --strip-components=1
}
pack cytoscape "$CYTOSCAPE_VERSION" cytoscape
pack cytoscape-dagre "$CYTOSCAPE_DAGRE_VERSION" cytoscape-dagre
pack @dagrejs/dagre "$DAGRE_VERSION" dagre
pack @dagrejs/graphlib "$GRAPHLIB_VERSION" graphlib

out="$work/out"
mkdir -p "$out"
# strip drops a trailing sourceMappingURL comment.
strip() { sed -e '/^\/\/# sourceMappingURL=/d' "$1" >"$2"; }
strip "$work/cytoscape/dist/cytoscape.min.js" "$out/cytoscape.min.js"
strip "$work/cytoscape-dagre/dist/cytoscape-dagre.min.js" "$out/cytoscape-dagre.min.js"
cp "$work/cytoscape/LICENSE" "$out/LICENSE.cytoscape"
cp "$work/cytoscape-dagre/LICENSE" "$out/LICENSE.cytoscape-dagre"
cp "$work/dagre/LICENSE" "$out/LICENSE.dagre"
cp "$work/graphlib/LICENSE" "$out/LICENSE.graphlib"

for f in "$out"/*.js; do
	if grep -qiE '</script|<!--' "$f"; then
		echo "vendor-js: $(basename "$f") holds </script or <!--: it cannot be inlined as is" >&2
		exit 1
	fi
done

{
	echo "# Vendored by scripts/vendor-js.sh; do not edit by hand. sha256 and origin of each file."
	echo "cytoscape ${CYTOSCAPE_VERSION} (MIT) https://www.npmjs.com/package/cytoscape"
	echo "cytoscape-dagre ${CYTOSCAPE_DAGRE_VERSION} (MIT) https://www.npmjs.com/package/cytoscape-dagre"
	echo "@dagrejs/dagre ${DAGRE_VERSION} (MIT, bundled in cytoscape-dagre) https://www.npmjs.com/package/@dagrejs/dagre"
	echo "@dagrejs/graphlib ${GRAPHLIB_VERSION} (MIT, bundled in cytoscape-dagre) https://www.npmjs.com/package/@dagrejs/graphlib"
	(cd "$out" && sha256sum cytoscape.min.js cytoscape-dagre.min.js LICENSE.cytoscape LICENSE.cytoscape-dagre LICENSE.dagre LICENSE.graphlib)
} >"$out/MANIFEST"

if [ "$check" = 1 ]; then
	if diff -r "$out" "$DEST" >/dev/null; then
		echo "vendor-js: $DEST is up to date"
		exit 0
	fi
	diff -r "$out" "$DEST" | head -20 >&2 || true
	echo "vendor-js: $DEST differs from the pinned packages: run scripts/vendor-js.sh" >&2
	exit 1
fi
mkdir -p "$DEST"
rm -f "$DEST"/*
cp "$out"/* "$DEST"/
echo "vendor-js: wrote $DEST" >&2
cat "$DEST/MANIFEST"
