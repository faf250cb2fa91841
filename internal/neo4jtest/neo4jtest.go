// Package neo4jtest connects integration tests to the throwaway Neo4j named
// by BLASTRADIUS_NEO4J_URI (user BLASTRADIUS_NEO4J_USER, default neo4j;
// password NEO4J_PASSWORD, default DefaultPassword), as "make test-neo4j"
// starts it with scripts/neo4j-local. Without the variable a test is
// skipped, unless CI is set: then it fails.
//
// Tests of several packages share that database and go test runs packages
// in parallel, so each test holds an exclusive lock (a file lock named
// after the URI) from Connect until it ends.
package neo4jtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// DefaultPassword is the password scripts/neo4j-local sets when
// NEO4J_PASSWORD is unset.
const DefaultPassword = "blastradius-test"

// URI returns the Bolt URI of the test database and holds the database's
// lock until tb ends; it skips tb, or fails it when CI is set, when
// BLASTRADIUS_NEO4J_URI is unset.
func URI(tb testing.TB) string {
	tb.Helper()
	uri := os.Getenv("BLASTRADIUS_NEO4J_URI")
	if uri == "" {
		if os.Getenv("CI") != "" {
			tb.Fatal("BLASTRADIUS_NEO4J_URI is not set but CI is: the Neo4j integration tests must run (make test-neo4j)")
		}
		tb.Skip("BLASTRADIUS_NEO4J_URI is not set: run scripts/neo4j-local start and set it to the printed URI")
	}
	sum := sha256.Sum256([]byte(uri))
	path := filepath.Join(os.TempDir(), "blastradius-neo4j-"+hex.EncodeToString(sum[:8])+".lock")
	unlock, err := lock(path)
	if err != nil {
		tb.Fatalf("lock %s: %v", path, err)
	}
	tb.Cleanup(unlock)
	return uri
}

// User returns the user name for the test database.
func User() string {
	if u := os.Getenv("BLASTRADIUS_NEO4J_USER"); u != "" {
		return u
	}
	return "neo4j"
}

// Password returns the password for the test database.
func Password() string {
	if p := os.Getenv("NEO4J_PASSWORD"); p != "" {
		return p
	}
	return DefaultPassword
}

// Connect returns a verified driver for the test database (see URI), closed
// when tb ends.
func Connect(tb testing.TB) neo4j.DriverWithContext {
	tb.Helper()
	uri := URI(tb)
	driver, err := neo4j.NewDriverWithContext(uri, neo4j.BasicAuth(User(), Password(), ""))
	if err != nil {
		tb.Fatalf("driver for %s: %v", uri, err)
	}
	tb.Cleanup(func() { _ = driver.Close(context.Background()) })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := driver.VerifyConnectivity(ctx); err != nil {
		tb.Fatalf("connect to %s: %v", uri, err)
	}
	return driver
}

// Wipe empties the database: relationships first, then nodes, in bounded
// transactions.
func Wipe(tb testing.TB, driver neo4j.DriverWithContext) {
	tb.Helper()
	ctx := context.Background()
	s := driver.NewSession(ctx, neo4j.SessionConfig{})
	defer s.Close(ctx)
	for _, q := range []string{
		"MATCH ()-[r]->() CALL { WITH r DELETE r } IN TRANSACTIONS OF 10000 ROWS",
		"MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS",
	} {
		res, err := s.Run(ctx, q, nil)
		if err == nil {
			_, err = res.Consume(ctx)
		}
		if err != nil {
			tb.Fatalf("wipe: %v", err)
		}
	}
}
