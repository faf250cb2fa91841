// Package bench holds the scale benchmarks of blastradius and their tools:
//
//   - bench_test.go: BenchmarkCollectAnalyzeSmall (always),
//     BenchmarkCollectAnalyzeMedium (BLASTRADIUS_BENCH_MEDIUM=1, 3,000
//     roles) and BenchmarkCollectAnalyzeLarge (BLASTRADIUS_BENCH_LARGE=1,
//     25,000 principals) time the offline collector, the analysis and the
//     table report on a synthetic estate (internal/synth) generated once,
//     outside the timer; BenchmarkCollectAnalyzeDenseSmall (always, 1,250
//     principals) and BenchmarkCollectAnalyzeDense
//     (BLASTRADIUS_BENCH_LARGE=1; 5,000, 10,000 and 25,000 principals, the
//     growth curve) do the same on the dense shape (synth.DenseSpec:
//     policies mixed at random, few shared policy sets, 14% IAM write and
//     6% sts wildcards); BenchmarkJSONDecodeBaseline decodes gaad.json into
//     any, the in-Go baseline.
//   - gen-estate: writes a synthetic estate directory
//     (go run ./bench/gen-estate -size large -o DIR; the dense shape with
//     -shape dense, scaled with -principals N).
//   - derived-edges: counts the edges the AWS analysis derives from a
//     snapshot, as the attack graph holds them (target sets grouping the
//     targets several sources reach alike), by technique, set-held or not,
//     into a target set or not, and certainty, with the target sets, their
//     includes edges and the edges one per source and target (the dense
//     shape's edge curve), a CPU profile and the principals behind one
//     technique's own edges on request.
//   - compare-json-load.sh: times "blastradius collect" and "analyze" on a
//     directory against Python's json.load of its gaad.json, with peak RSS
//     and a time limit.
//
// Run:
//
//	go test -run '^$' -bench 'CollectAnalyze(Small|DenseSmall)' ./bench
//	BLASTRADIUS_BENCH_LARGE=1 go test -run '^$' -bench . -timeout 2h ./bench
//	go run ./bench/gen-estate -shape dense -o /tmp/dense && bench/compare-json-load.sh /tmp/dense
//
// Speed targets (the scale issues): on a 2-core machine, collect + analyze
// of the large estate within 3× (aim 2×) of Python's json.load of its
// gaad.json, peak memory under 2 GiB; the dense estate within 10× with
// the same memory, its derived edges growing at most linearly from 5,000
// to 25,000 principals. They live in these benchmarks' metrics, never in
// timed unit tests.
package bench
