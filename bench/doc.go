// Package bench holds the scale benchmarks of blastradius and their tools:
//
//   - bench_test.go: BenchmarkCollectAnalyzeSmall (always),
//     BenchmarkCollectAnalyzeMedium (BLASTRADIUS_BENCH_MEDIUM=1, 3,000
//     roles) and BenchmarkCollectAnalyzeLarge (BLASTRADIUS_BENCH_LARGE=1,
//     25,000 principals) time the offline collector, the analysis and the
//     table report on a synthetic estate (internal/synth) generated once,
//     outside the timer; BenchmarkJSONDecodeBaseline decodes gaad.json into
//     any, the in-Go baseline.
//   - gen-estate: writes a synthetic estate directory
//     (go run ./bench/gen-estate -size large -o DIR).
//   - compare-json-load.sh: times "blastradius collect" and "analyze" on a
//     directory against Python's json.load of its gaad.json, with peak RSS
//     and a time limit.
//
// Run:
//
//	go test -run '^$' -bench CollectAnalyzeSmall ./bench
//	BLASTRADIUS_BENCH_LARGE=1 go test -run '^$' -bench . -timeout 2h ./bench
//
// Speed targets (the scale issue): on a 2-core machine, collect + analyze
// of the large estate within 3× (aim 2×) of Python's json.load of its
// gaad.json, peak memory under 2 GiB. They live in these benchmarks'
// metrics, never in timed unit tests.
package bench
