package main

import (
	"os"

	"github.com/blastradius/blastradius/analysis"
	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/report"
	"github.com/blastradius/blastradius/viz"
)

// addReportContext gives the report formats that need more than the result
// what they need: the HTML page the estate's nodes (to name and colour the
// nodes of paths), SARIF the place of each administrator in the snapshot
// files (code scanning needs a file and a line).
func addReportContext(opts *report.Options, files []string, snap *graphmodel.Snapshot, res *analysis.Result) {
	switch opts.Format {
	case report.FormatHTML:
		opts.Nodes = viz.SnapshotNodes(snap)
	case report.FormatSARIF:
		opts.Locations = adminLocations(files, res)
	}
}

// adminLocations finds, in the snapshot files, the line defining each
// identity that administers or conditionally administers a scope: the
// first file that defines it wins. An identity no file defines (the
// analysis derived it: a federated principal, an outside account) is
// placed at line 1 of the first file, as code scanning needs a file.
// Standard input and unreadable files give none.
func adminLocations(files []string, res *analysis.Result) map[string]report.Location {
	want := map[string]bool{}
	for i := range res.Identities {
		if id := &res.Identities[i]; len(id.AdminOf)+len(id.ConditionalAdminOf) > 0 {
			want[id.ID] = true
		}
	}
	locs := make(map[string]report.Location, len(want))
	first := "" // the first file read
	for _, f := range files {
		if f == "-" || len(want) == len(locs) {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for id, line := range identityLines(data, want) {
			if _, ok := locs[id]; !ok {
				locs[id] = report.Location{File: f, Line: line}
			}
		}
		if first == "" {
			first = f
		}
	}
	if first != "" {
		for id := range want {
			if _, ok := locs[id]; !ok {
				locs[id] = report.Location{File: first, Line: 1}
			}
		}
	}
	return locs
}
