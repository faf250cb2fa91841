package bench

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/blastradius/blastradius/analysis"
	awsanalysis "github.com/blastradius/blastradius/analysis/aws"
	"github.com/blastradius/blastradius/collectors"
	awscollect "github.com/blastradius/blastradius/collectors/aws"
	"github.com/blastradius/blastradius/internal/memlimit"
	"github.com/blastradius/blastradius/internal/synth"
	"github.com/blastradius/blastradius/report"
)

// Environment variables that enable the long benchmarks.
const (
	envLarge  = "BLASTRADIUS_BENCH_LARGE"
	envMedium = "BLASTRADIUS_BENCH_MEDIUM"
)

// medium is a tenth-and-a-half of Large: 3,000 roles, 750 users, 750
// customer-managed policies; the size of CPU profiles.
func medium() synth.Spec {
	s := synth.Large()
	s.Roles, s.Users, s.Groups, s.ManagedPolicies = 3000, 750, 40, 750
	s.Functions, s.Instances, s.Buckets = 375, 225, 180
	return s
}

// estate writes spec into a temporary directory of b, outside the timer,
// and returns the directory.
func estate(b *testing.B, spec synth.Spec) string {
	b.Helper()
	dir := b.TempDir()
	start := time.Now()
	if err := synth.WriteAWS(dir, spec); err != nil {
		b.Fatalf("generate estate: %v", err)
	}
	info, err := os.Stat(filepath.Join(dir, synth.GAADFile))
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("generated %d roles, %d users (%.1f MB of gaad.json) in %v",
		spec.Roles, spec.Users, float64(info.Size())/1e6, time.Since(start).Round(time.Millisecond))
	return dir
}

func BenchmarkCollectAnalyzeSmall(b *testing.B) {
	benchCollectAnalyze(b, synth.Small())
}

// BenchmarkCollectAnalyzeMedium runs only with BLASTRADIUS_BENCH_MEDIUM=1.
func BenchmarkCollectAnalyzeMedium(b *testing.B) {
	if os.Getenv(envMedium) != "1" {
		b.Skipf("set %s=1 to run (3,000 roles, 750 users)", envMedium)
	}
	benchCollectAnalyze(b, medium())
}

// denseEstate writes a dense spec into a temporary directory of b,
// outside the timer, and returns the directory.
func denseEstate(b *testing.B, spec synth.DenseSpec) string {
	b.Helper()
	dir := b.TempDir()
	start := time.Now()
	sum, err := synth.WriteAWSDense(dir, spec)
	if err != nil {
		b.Fatalf("generate dense estate: %v", err)
	}
	info, err := os.Stat(filepath.Join(dir, synth.GAADFile))
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("generated dense %d roles, %d users (%.1f MB of gaad.json; %d IAM write, %d sts wildcards; %d distinct managed-policy sets) in %v",
		spec.Roles, spec.Users, float64(info.Size())/1e6, len(sum.IAMWrite), len(sum.STSWildcard), sum.PolicySets,
		time.Since(start).Round(time.Millisecond))
	return dir
}

// BenchmarkCollectAnalyzeDenseSmall is the dense shape at 1,250
// principals (1,000 roles, 250 users), the smallest account of the scale
// issue's table.
func BenchmarkCollectAnalyzeDenseSmall(b *testing.B) {
	spec := synth.DenseScaled(1250)
	benchCollectAnalyzeDir(b, denseEstate(b, spec), spec.Principals())
}

// BenchmarkCollectAnalyzeDense is the dense shape at 5,000, 10,000 and
// 25,000 principals (the growth curve the scale issue asks for); it runs
// only with BLASTRADIUS_BENCH_LARGE=1.
func BenchmarkCollectAnalyzeDense(b *testing.B) {
	if os.Getenv(envLarge) != "1" {
		b.Skipf("set %s=1 to run (dense shape, 5,000 to 25,000 principals; long)", envLarge)
	}
	for _, n := range []int{5000, 10000, synth.DensePrincipals} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			spec := synth.DenseScaled(n)
			benchCollectAnalyzeDir(b, denseEstate(b, spec), spec.Principals())
		})
	}
}

// BenchmarkCollectAnalyzeLarge is the scale benchmark of the project
// (25,000 principals); it runs only with BLASTRADIUS_BENCH_LARGE=1.
func BenchmarkCollectAnalyzeLarge(b *testing.B) {
	if os.Getenv(envLarge) != "1" {
		b.Skipf("set %s=1 to run (20,000 roles, 5,000 users; long)", envLarge)
	}
	benchCollectAnalyze(b, synth.Large())
}

// benchCollectAnalyze times what "collect aws --from-dir" then "analyze
// --top 20" do, in process: the offline collector, the analysis with the
// AWS deriver at summary detail, and the table report. It reports
// principals/s, ms/op, the time of each phase, and peak-MiB: the largest
// Sys - HeapReleased of runtime.MemStats seen while timing (the memory the
// Go runtime holds from the OS, close to the resident set).
func benchCollectAnalyze(b *testing.B, spec synth.Spec) {
	benchCollectAnalyzeDir(b, estate(b, spec), spec.Principals())
}

// benchCollectAnalyzeDir is benchCollectAnalyze on an estate written in
// dir with principals roles and users.
func benchCollectAnalyzeDir(b *testing.B, dir string, principals int) {
	ctx := context.Background()
	defer memlimit.Restore(memlimit.Apply()) // as the command runs
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	runtime.GC()

	peak := sampleMemory()
	var collectT, analyzeT, reportT time.Duration
	iterations := 0
	for b.Loop() {
		t0 := time.Now()
		snap, err := collectors.Run(ctx, awscollect.NewOffline(os.DirFS(dir), dir))
		if err != nil {
			b.Fatalf("collect: %v", err)
		}
		t1 := time.Now()
		res, err := analysis.Analyze(ctx, snap, analysis.Options{
			Derivers: []analysis.Deriver{awsanalysis.New()}, Detail: analysis.DetailSummary, Now: now,
		})
		if err != nil {
			b.Fatalf("analyze: %v", err)
		}
		t2 := time.Now()
		if err := report.Write(io.Discard, res, report.Options{Format: report.FormatTable, Top: 20, Detail: analysis.DetailSummary}); err != nil {
			b.Fatalf("report: %v", err)
		}
		t3 := time.Now()
		collectT, analyzeT, reportT = collectT+t1.Sub(t0), analyzeT+t2.Sub(t1), reportT+t3.Sub(t2)
		if len(res.Identities) < principals {
			b.Fatalf("%d identities ranked, want at least the %d principals", len(res.Identities), principals)
		}
		iterations++
	}
	peakBytes := peak()
	n := float64(iterations)
	b.ReportMetric(float64(principals)*n/b.Elapsed().Seconds(), "principals/s")
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/n, "ms/op")
	b.ReportMetric(float64(collectT.Milliseconds())/n, "collect-ms/op")
	b.ReportMetric(float64(analyzeT.Milliseconds())/n, "analyze-ms/op")
	b.ReportMetric(float64(reportT.Milliseconds())/n, "report-ms/op")
	b.ReportMetric(float64(peakBytes)/(1<<20), "peak-MiB")
}

// sampleMemory samples runtime.MemStats every 10 ms until the returned
// function is called, which returns the largest Sys - HeapReleased seen.
func sampleMemory() func() uint64 {
	var (
		mu   sync.Mutex
		peak uint64
	)
	read := func() {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		mu.Lock()
		peak = max(peak, m.Sys-m.HeapReleased)
		mu.Unlock()
	}
	read()
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				read()
			}
		}
	}()
	return func() uint64 {
		close(stop)
		<-done
		read()
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}

// BenchmarkJSONDecodeBaseline decodes gaad.json into any: the in-Go
// baseline of what merely parsing the export costs (Python's json.load is
// the other, in compare-json-load.sh). The large and dense cases run only
// with BLASTRADIUS_BENCH_LARGE=1.
func BenchmarkJSONDecodeBaseline(b *testing.B) {
	for _, c := range []struct {
		name  string
		write func(*testing.B) string
		large bool
	}{
		{"small", func(b *testing.B) string { return estate(b, synth.Small()) }, false},
		{"large", func(b *testing.B) string { return estate(b, synth.Large()) }, true},
		{"dense", func(b *testing.B) string { return denseEstate(b, synth.Dense()) }, true},
	} {
		b.Run(c.name, func(b *testing.B) {
			if c.large && os.Getenv(envLarge) != "1" {
				b.Skipf("set %s=1 to run", envLarge)
			}
			dir := c.write(b)
			data, err := os.ReadFile(filepath.Join(dir, synth.GAADFile))
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(data)))
			iterations := 0
			for b.Loop() {
				var v any
				if err := json.Unmarshal(data, &v); err != nil {
					b.Fatal(err)
				}
				iterations++
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(iterations), "ms/op")
		})
	}
}
