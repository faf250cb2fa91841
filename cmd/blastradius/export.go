package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/urfave/cli/v2"

	"github.com/blastradius/blastradius/analysis"
	"github.com/blastradius/blastradius/neo4jexport"
	"github.com/blastradius/blastradius/providers"
)

// neo4jPasswordEnv names the environment variable that holds the Neo4j
// password; it is never a flag, so that it stays out of shell history and
// process listings, and it is never logged.
const neo4jPasswordEnv = "NEO4J_PASSWORD"

// exportNeo4jOptions are the options of "export neo4j".
type exportNeo4jOptions struct {
	Source      analyzeOptions
	URI         string
	User        string
	Password    string
	Database    string
	BatchSize   int
	Sensitivity string
	Stderr      io.Writer
}

func exportCommand() *cli.Command {
	return &cli.Command{
		Name:      "export",
		Usage:     "write the attack graph to another tool (neo4j)",
		UsageText: "blastradius export neo4j SNAP... --uri bolt://HOST:7687 [--user U] [--database D]",
		Subcommands: []*cli.Command{{
			Name:      "neo4j",
			Usage:     "write identities, resources, facts, attack edges and blast radius figures to Neo4j",
			UsageText: "blastradius export neo4j SNAP... --uri bolt://HOST:7687 [--user neo4j] [--database neo4j]\nblastradius export neo4j --demo --uri bolt://HOST:7687",
			Description: `Analyzes the snapshots (or the demo) and writes the attack graph to Neo4j:
every node with labels for its kind (AwsRole, …) and class (Identity,
NonHuman, Resource, Scope, Group, Policy), the fact relationships
(MEMBER_OF, ATTACHED_POLICY, …), the attack relationships (CAN_BECOME,
CAN_ACCESS, ADMIN_OF, CAN_GRANT_ADMIN) with technique, evidence and
conditional, and each identity's score, rank and admin scopes.

The password is read from the environment variable NEO4J_PASSWORD.

Exporting the same snapshot again leaves the same graph. A new export of
the same scopes replaces the previous one: what the snapshots no longer
have is deleted. Uniqueness constraints are created first; writes go in
batches of --batch-size rows per transaction. "blastradius queries list"
shows analyst queries to run on the result.

Examples:
   NEO4J_PASSWORD=... blastradius export neo4j --demo --uri bolt://127.0.0.1:7687
   NEO4J_PASSWORD=... blastradius export neo4j aws.snap.json --uri neo4j://graph.internal:7687 --database blastradius`,
			Flags: withLogFlags(
				&cli.BoolFlag{Name: "demo", Usage: "export the embedded demo estate instead of snapshot files"},
				&cli.StringFlag{Name: "uri", Usage: "Neo4j `URI` (bolt://, neo4j://, with +s or +ssc for TLS)", Required: true},
				&cli.StringFlag{Name: "user", Value: "neo4j", Usage: "Neo4j `USER`"},
				&cli.StringFlag{Name: "database", Usage: "`DATABASE` to write to (default: the server's default database)"},
				&cli.IntFlag{Name: "batch-size", Value: neo4jexport.DefaultBatchSize, Usage: "rows per write `TRANSACTION`"},
				&cli.StringFlag{Name: "sensitivity", Usage: "rate resources for the score from `FILE` (as analyze)"},
			),
			Action: func(cCtx *cli.Context) error {
				opts := exportNeo4jOptions{
					Source:      analyzeOptions{Providers: providerList(cCtx), Snapshots: cCtx.Args().Slice(), Demo: cCtx.Bool("demo"), Stdin: os.Stdin, Stdout: cCtx.App.Writer},
					URI:         cCtx.String("uri"),
					User:        cCtx.String("user"),
					Password:    os.Getenv(neo4jPasswordEnv),
					Database:    cCtx.String("database"),
					BatchSize:   cCtx.Int("batch-size"),
					Sensitivity: cCtx.String("sensitivity"),
					Stderr:      cCtx.App.ErrWriter,
				}
				if err := checkExportNeo4j(opts); err != nil {
					return err
				}
				return runExportNeo4j(cCtx.Context, opts)
			},
		}},
		Action: func(cCtx *cli.Context) error {
			if cCtx.Args().Present() {
				return usageErrorf("export: unknown target %q (did you mean 'export neo4j'?)", cCtx.Args().First())
			}
			return usageErrorf("export: missing target (did you mean 'export neo4j'?)")
		},
	}
}

// checkExportNeo4j validates the options before anything is read.
func checkExportNeo4j(opts exportNeo4jOptions) error {
	if err := checkSource(opts.Source, "export neo4j"); err != nil {
		return err
	}
	u, err := url.Parse(opts.URI)
	if err != nil || u.Host == "" {
		return usageErrorf("export neo4j: --uri %q: want scheme://host:port, e.g. bolt://127.0.0.1:7687", opts.URI)
	}
	switch u.Scheme {
	case "bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc":
	default:
		return usageErrorf("export neo4j: --uri %q: scheme %q is not one of bolt, bolt+s, bolt+ssc, neo4j, neo4j+s, neo4j+ssc", opts.URI, u.Scheme)
	}
	if u.User != nil {
		return usageErrorf("export neo4j: --uri must not carry credentials: give --user, and the password in %s", neo4jPasswordEnv)
	}
	if opts.Password == "" {
		return usageErrorf("export neo4j: %s is not set: put the password of %q in it", neo4jPasswordEnv, opts.User)
	}
	if opts.BatchSize <= 0 {
		return usageErrorf("export neo4j: --batch-size %d: must be 1 or more", opts.BatchSize)
	}
	return nil
}

// runExportNeo4j analyzes the estate and writes it to Neo4j. It prints one
// summary line on the source's stdout.
func runExportNeo4j(ctx context.Context, opts exportNeo4jOptions) error {
	snap, err := loadSnapshots(ctx, opts.Source)
	if err != nil {
		return err
	}
	sens, err := loadSensitivity(opts.Sensitivity)
	if err != nil {
		return err
	}
	g, err := neo4jexport.Build(ctx, snap, analysis.Options{Derivers: providers.Derivers(opts.Source.Providers), Sensitivity: sens})
	if err != nil {
		return fmt.Errorf("export neo4j: %w", err)
	}
	if g.Scope == "" {
		return usageErrorf("export neo4j: the snapshots name no scope (no sources): nothing to replace on a later export")
	}

	driver, err := neo4j.NewDriverWithContext(opts.URI, neo4j.BasicAuth(opts.User, opts.Password, ""))
	if err != nil {
		return usageErrorf("export neo4j: --uri %s: %v", opts.URI, err)
	}
	defer driver.Close(context.WithoutCancel(ctx))
	vctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	err = driver.VerifyConnectivity(vctx)
	cancel()
	if err != nil {
		return fmt.Errorf("export neo4j: connect to %s as %s: %w", opts.URI, opts.User, err)
	}

	run := neo4jexport.NewRunID(time.Now())
	eo := neo4jexport.Options{BatchSize: opts.BatchSize}
	if p := newProgress(opts.Stderr); p != nil {
		eo.Progress = p.export
		defer p.end()
	}
	slog.InfoContext(ctx, "exporting to neo4j", "uri", opts.URI, "database", opts.Database, "scope", g.Scope, "run", run)
	st, err := neo4jexport.Export(ctx, driver, opts.Database, run, g, eo)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(opts.Source.Stdout,
		"exported %s to %s: %d nodes, %d relationships; removed %d stale nodes, %d stale relationships (run %s, %s)\n",
		g.Scope, opts.URI, st.Nodes, st.Relationships, st.DeletedNodes, st.DeletedRelationships, run, st.Elapsed.Round(time.Millisecond))
	if err != nil {
		return fmt.Errorf("export neo4j: write standard output: %w", err)
	}
	return nil
}
