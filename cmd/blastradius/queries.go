package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/blastradius/blastradius/queries"
)

func queriesCommand() *cli.Command {
	return &cli.Command{
		Name:      "queries",
		Usage:     "print the Cypher analyst queries and the Neo4j Browser style for an exported graph",
		UsageText: "blastradius queries list\nblastradius queries show NAME\nblastradius queries style",
		Description: `The queries run on a graph written by "blastradius export neo4j". Each
starts with a comment saying what it answers and which parameters it takes;
in Neo4j Browser set them first, e.g.
   :param id => 'arn:aws:iam::111122223333:user/carol.diaz'
   :param limit => 50    (a query that lists rows takes $limit; its header gives the default)

Examples:
   blastradius queries list
   blastradius queries show shortest-path-to-admin
   blastradius queries style > blastradius.grass   (then :style in Neo4j Browser and drop the file)`,
		Subcommands: []*cli.Command{
			{
				Name:      "list",
				Usage:     "list the queries: name, what they answer, parameters",
				UsageText: "blastradius queries list",
				Flags:     withLogFlags(),
				Action: func(cCtx *cli.Context) error {
					if cCtx.Args().Present() {
						return usageErrorf("queries list: unexpected argument %q", cCtx.Args().First())
					}
					return runQueriesList(cCtx.App.Writer)
				},
			},
			{
				Name:      "show",
				Usage:     "print one query, header comment included, ready to paste",
				UsageText: "blastradius queries show NAME",
				Flags:     withLogFlags(),
				Action: func(cCtx *cli.Context) error {
					if cCtx.Args().Len() != 1 {
						return usageErrorf("queries show: give exactly one query name (run 'blastradius queries list')")
					}
					return runQueriesShow(cCtx.App.Writer, cCtx.Args().First())
				},
			},
			{
				Name:      "style",
				Usage:     "print the Neo4j Browser style file (blastradius.grass)",
				UsageText: "blastradius queries style > blastradius.grass",
				Flags:     withLogFlags(),
				Action: func(cCtx *cli.Context) error {
					if cCtx.Args().Present() {
						return usageErrorf("queries style: unexpected argument %q", cCtx.Args().First())
					}
					if _, err := cCtx.App.Writer.Write(queries.Style()); err != nil {
						return fmt.Errorf("queries style: write standard output: %w", err)
					}
					return nil
				},
			},
		},
		Action: func(cCtx *cli.Context) error {
			if cCtx.Args().Present() {
				return usageErrorf("queries: unknown command %q (want list, show NAME or style)", cCtx.Args().First())
			}
			return usageErrorf("queries: missing command (want list, show NAME or style)")
		},
	}
}

// runQueriesList prints one line per query.
func runQueriesList(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tPARAMETERS\tTITLE")
	for _, q := range queries.All() {
		params := "-"
		if len(q.Params) > 0 {
			params = "$" + strings.Join(q.Params, " $")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", q.Name, params, q.Title)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("queries list: %w", err)
	}
	return nil
}

// runQueriesShow prints the query called name; an unknown name is bad usage.
func runQueriesShow(w io.Writer, name string) error {
	q, ok := queries.Get(strings.TrimSuffix(name, ".cypher"))
	if !ok {
		return usageErrorf("queries show: no query %q; the queries are: %s", name, strings.Join(queries.Names(), ", "))
	}
	if _, err := io.WriteString(w, q.Text); err != nil {
		return fmt.Errorf("queries show: write standard output: %w", err)
	}
	return nil
}
