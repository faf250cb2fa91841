package synth

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Words the generator builds names from. They only have to look like the
// names of a real company's estate.
var (
	appWords = []string{
		"orders", "billing", "catalog", "payments", "search", "checkout", "invoices", "ledger",
		"profile", "identity", "notify", "mailer", "reports", "analytics", "ingest", "export",
		"pricing", "inventory", "shipping", "returns", "loyalty", "reviews", "media", "thumbnails",
		"fraud", "risk", "kyc", "onboarding", "support", "tickets", "chat", "feeds", "ranking",
		"recs", "geo", "maps", "routing", "fleet", "telemetry", "metrics", "audit", "archive",
		"backup", "etl", "lake", "warehouse", "ml", "training", "scoring", "pdf", "webhooks",
		"gateway", "auth", "sessions", "cart", "wishlist", "coupons", "tax", "payroll", "hr",
	}
	appSuffixes = []string{
		"api", "svc", "worker", "jobs", "core", "engine", "sync", "stream", "batch", "hub",
		"portal", "backend", "processor", "service", "pipeline", "scheduler", "bridge", "store",
	}
	teams = []string{
		"platform", "payments", "growth", "data", "ml", "security", "sre", "mobile", "web",
		"commerce", "logistics", "finance", "support", "identity", "infra", "analytics",
	}
	envs       = []string{"prod", "staging", "dev", "test"}
	regions    = []string{"us-east-1", "eu-west-1", "us-west-2"}
	firstNames = []string{
		"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
		"mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "yara",
		"zoe", "liam", "noah", "emma", "ava", "mia", "lucas", "ethan", "amir", "chen", "priya",
		"sofia", "mateo", "hana", "kenji", "fatima", "omar", "ines", "lena", "jonas",
	}
	lastNames = []string{
		"smith", "jones", "garcia", "miller", "davis", "lopez", "wilson", "anderson", "thomas",
		"taylor", "moore", "martin", "lee", "perez", "white", "harris", "clark", "lewis", "young",
		"walker", "hall", "allen", "king", "wright", "scott", "green", "baker", "adams", "nelson",
		"hill", "campbell", "mitchell", "roberts", "carter", "phillips", "evans", "turner", "torres",
	}
)

// idChars are the characters of the random part of IAM unique ids.
const idChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

// uniqueID returns an IAM unique id: the prefix (AIDA users, AROA roles,
// AGPA groups, ANPA policies, AIPA instance profiles) and 17 characters.
func uniqueID(r *rand.Rand, prefix string) string {
	b := make([]byte, 0, len(prefix)+17)
	b = append(b, prefix...)
	for range 17 {
		b = append(b, idChars[r.IntN(len(idChars))])
	}
	return string(b)
}

// hexString returns n random lowercase hex digits.
func hexString(r *rand.Rand, n int) string {
	const hex = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = hex[r.IntN(16)]
	}
	return string(b)
}

// epoch is the base of every generated date: the export is "taken" at
// exportTime, and things were created in the five years before.
var (
	epoch      = time.Date(2020, 1, 6, 9, 0, 0, 0, time.UTC)
	exportTime = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
)

// dateAfter returns a random time between t and the export time.
func dateAfter(r *rand.Rand, t time.Time) time.Time {
	span := exportTime.Sub(t)
	if span <= 0 {
		return t
	}
	return t.Add(time.Duration(r.Int64N(int64(span/time.Second))) * time.Second)
}

// cliDate formats t as the AWS CLI prints IAM dates.
func cliDate(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05+00:00") }

// lambdaDate formats t as Lambda prints LastModified.
func lambdaDate(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000+0000") }

// pick returns a random element of list.
func pick[T any](r *rand.Rand, list []T) T { return list[r.IntN(len(list))] }

// chance reports true with probability percent/100.
func chance(r *rand.Rand, percent float64) bool { return r.Float64()*100 < percent }

// between returns a random int in [lo, hi].
func between(r *rand.Rand, lo, hi int) int { return lo + r.IntN(hi-lo+1) }

// namer hands out unique names, adding "-2", "-3", … to repeats.
type namer struct{ used map[string]int }

func newNamer() *namer { return &namer{used: map[string]int{}} }

// name returns base, or base with a counter when base was handed out before.
func (n *namer) name(base string) string {
	base = strings.ToLower(base)
	c := n.used[base]
	n.used[base] = c + 1
	if c == 0 {
		return base
	}
	name := fmt.Sprintf("%s-%d", base, c+1)
	if _, taken := n.used[name]; taken {
		return n.name(name)
	}
	n.used[name] = 1
	return name
}
