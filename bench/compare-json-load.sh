#!/usr/bin/env bash
# compare-json-load.sh: how long blastradius takes on an offline AWS
# directory, compared with Python merely parsing its gaad.json.
#
# Usage:
#   bench/compare-json-load.sh [-t SECONDS] [-b BLASTRADIUS] [-k] DIR
#
#   DIR   an offline directory holding gaad.json, e.g. written by
#         go run ./bench/gen-estate -size large -o DIR
#         (the dense shape: go run ./bench/gen-estate -shape dense -o DIR)
#   -t    time limit of each blastradius step in seconds (default 600); a
#         step that runs longer is killed and reported as "timed out"
#   -b    blastradius binary to run (default: built from this repository
#         into a temporary directory)
#   -k    keep the snapshot and the report (their paths are printed)
#
# It prints Python's json.load time for DIR/gaad.json (best of 3), then the
# wall time and peak RSS of
#   blastradius collect aws --from-dir DIR -o SNAP
#   blastradius analyze SNAP --top 20
# measured with GNU /usr/bin/time -v when available (else with Python's
# resource.getrusage), and the ratio of the two steps' total to json.load.
# The scale target of the project is a ratio of at most 3 (aim 2) and a
# peak RSS under 2 GiB for the large estate.
set -euo pipefail

timeout_s=600
bin=""
keep=0
usage() { sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 2; }
while getopts "t:b:kh" opt; do
	case "$opt" in
	t) timeout_s="$OPTARG" ;;
	b) bin="$OPTARG" ;;
	k) keep=1 ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || usage
dir="$1"
case "$timeout_s" in '' | *[!0-9]*) echo "compare-json-load: -t $timeout_s: want whole seconds" >&2; exit 2 ;; esac
if [ ! -f "$dir/gaad.json" ]; then
	echo "compare-json-load: no gaad.json in $dir (write one with: go run ./bench/gen-estate -size large -o $dir)" >&2
	exit 2
fi
command -v python3 >/dev/null || { echo "compare-json-load: python3 is required" >&2; exit 2; }
command -v timeout >/dev/null || { echo "compare-json-load: timeout (coreutils) is required" >&2; exit 2; }

work="$(mktemp -d)"
cleanup() { if [ "$keep" = 0 ]; then rm -rf "$work"; fi; }
trap cleanup EXIT

if [ -z "$bin" ]; then
	repo="$(cd "$(dirname "$0")/.." && pwd)"
	echo "building blastradius from $repo ..." >&2
	(cd "$repo" && go build -o "$work/blastradius" ./cmd/blastradius)
	bin="$work/blastradius"
fi

gaad="$dir/gaad.json"
size_mb="$(python3 -c 'import os,sys; print("%.1f" % (os.path.getsize(sys.argv[1]) / 1e6))' "$gaad")"

# Python's json.load, best of 3.
py_s="$(python3 -c '
import json, sys, time
best = float("inf")
for _ in range(3):
    with open(sys.argv[1], "rb") as f:
        t = time.perf_counter()
        json.load(f)
        best = min(best, time.perf_counter() - t)
print("%.3f" % best)
' "$gaad")"

gnu_time=0
if [ -x /usr/bin/time ] && /usr/bin/time -v true >/dev/null 2>&1; then
	gnu_time=1
fi

# measure NAME CMD...: runs CMD under the time limit; sets step_s (wall
# seconds), step_rss (peak RSS in MiB) and step_status (ok, timed out,
# failed (exit N)). CMD's stderr goes to $work/NAME.err. Besides the
# timer's own figure, the peak RSS (VmHWM) of CMD is sampled from /proc
# twice a second, so that a step killed at the time limit still has one.
measure() {
	local name="$1"
	shift
	local stats="$work/$name.time" pidfile="$work/$name.pid" rc=0 hwm=0 runner pid kb
	rm -f "$pidfile"
	# The wrapper records CMD's pid, then becomes CMD.
	local cmd=(sh -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@")
	if [ "$gnu_time" = 1 ]; then
		/usr/bin/time -v -o "$stats" timeout --kill-after=10 "$timeout_s" "${cmd[@]}" 2>"$work/$name.err" &
	else
		python3 - "$stats" "$timeout_s" "${cmd[@]}" 2>"$work/$name.err" <<'PY' &
import resource, subprocess, sys, time
out, limit, cmd = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
t = time.perf_counter()
try:
    rc = subprocess.run(cmd, timeout=limit).returncode
except subprocess.TimeoutExpired:
    rc = 124
wall = time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
with open(out, "w") as f:
    f.write("%.2f %.0f\n" % (wall, rss / 1024))
sys.exit(rc)
PY
	fi
	runner=$!
	while kill -0 "$runner" 2>/dev/null; do
		if [ -s "$pidfile" ]; then
			pid="$(cat "$pidfile")"
			kb="$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)"
			if [ -n "$kb" ] && [ "$kb" -gt "$hwm" ]; then hwm="$kb"; fi
		fi
		sleep 0.5
	done
	wait "$runner" || rc=$?
	if [ "$gnu_time" = 1 ]; then
		step_s="$(awk -F': ' '/Elapsed \(wall clock\)/ {
			n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s }' "$stats")"
		step_rss="$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$stats")"
	else
		read -r step_s step_rss <"$stats"
	fi
	if [ $((hwm / 1024)) -gt "${step_rss:-0}" ]; then
		step_rss=$((hwm / 1024))
	fi
	case "$rc" in
	0) step_status="ok" ;;
	124 | 137) step_status="timed out after ${timeout_s}s (killed; peak RSS sampled until then)" ;;
	*) step_status="failed (exit $rc; see below)" ;;
	esac
}

snap="$work/snapshot.json"
report="$work/report.txt"
echo "gaad.json: $gaad ($size_mb MB)"
echo "python3 json.load (best of 3): ${py_s}s"

measure collect "$bin" collect aws --from-dir "$dir" -o "$snap"
collect_s="$step_s" collect_rss="$step_rss" collect_status="$step_status"
printf 'blastradius collect: %ss, peak RSS %s MiB, %s\n' "$collect_s" "$collect_rss" "$collect_status"

analyze_status="skipped (collect did not finish)" analyze_s="" analyze_rss=""
if [ "$collect_status" = ok ]; then
	measure analyze "$bin" analyze "$snap" --top 20 -o "$report"
	analyze_s="$step_s" analyze_rss="$step_rss" analyze_status="$step_status"
	printf 'blastradius analyze --top 20: %ss, peak RSS %s MiB, %s\n' "$analyze_s" "$analyze_rss" "$analyze_status"
else
	echo "blastradius analyze: $analyze_status"
fi

for step in collect analyze; do
	status_var="${step}_status"
	case "${!status_var}" in
	failed*)
		echo "--- $step stderr (last lines):"
		tail -n 5 "$work/$step.err"
		;;
	esac
done

if [ "$collect_status" = ok ] && [ "$analyze_status" = ok ]; then
	python3 - "$py_s" "$collect_s" "$analyze_s" "$collect_rss" "$analyze_rss" <<'PY'
import sys
py, c, a, rc, ra = (float(x) for x in sys.argv[1:])
total = c + a
ratio = total / py if py > 0 else float("inf")
peak = max(rc, ra)
print("total collect + analyze: %.2fs = %.1fx json.load (target <= 3x, aim 2x): %s" %
      (total, ratio, "met" if ratio <= 3 else "NOT met"))
print("peak RSS: %.0f MiB (target < 2048 MiB): %s" % (peak, "met" if peak < 2048 else "NOT met"))
PY
else
	python3 - "$py_s" "$collect_s" "$timeout_s" "$collect_status" "$analyze_status" <<'PY'
import sys
py, c, limit = float(sys.argv[1]), sys.argv[2], float(sys.argv[3])
print("total collect + analyze: did not finish (collect: %s, analyze: %s)" % (sys.argv[4], sys.argv[5]))
if c and sys.argv[4] == "ok":
    print("ratio: more than %.0fx json.load (collect %.2fs plus analyze over %.0fs)" % ((float(c) + limit) / py, float(c), limit))
PY
	rc=1
fi
if [ "$keep" = 1 ]; then
	echo "kept: $snap $report"
fi
exit "${rc:-0}"
