package gcp

import (
	"context"
	"io/fs"
	"strings"
	"time"

	"github.com/blastradius/blastradius/collectors"
	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/internal/badinput"
)

// Offline reads Cloud Asset Inventory exports (see the package doc).
type Offline struct {
	paths []string
	fsys  fs.FS // nil: the operating system's files
	now   func() time.Time
}

// NewOffline returns a collector reading the export files paths, in any
// order: resource and IAM policy exports, combined ones, gcloud asset list
// outputs and deny policies.
func NewOffline(paths []string) *Offline {
	return &Offline{paths: append([]string(nil), paths...), now: time.Now}
}

// NewOfflineFS is NewOffline reading the paths from fsys.
func NewOfflineFS(fsys fs.FS, paths []string) *Offline {
	o := NewOffline(paths)
	o.fsys = fsys
	return o
}

// Name returns the registry name, "gcp".
func (o *Offline) Name() string { return CollectorName }

// Collect reads every file and converts them together. A file that cannot
// be read or used is a *badinput.Error naming it (and the line).
func (o *Offline) Collect(ctx context.Context) (graphmodel.Fragment, error) {
	if len(o.paths) == 0 {
		return graphmodel.Fragment{}, badinput.Newf("", "", "no export file given (write one with: gcloud asset export … --output-path=gs://…/assets.jsonl)")
	}
	all := &Records{}
	newest, err := collectors.ReadFiles(ctx, o.fsys, o.paths, func(p string, data []byte) error {
		recs, err := ReadRecords(p, data)
		if err != nil {
			return err
		}
		all.Assets = append(all.Assets, recs.Assets...)
		all.Deny = append(all.Deny, recs.Deny...)
		all.Gaps = append(all.Gaps, recs.Gaps...)
		return nil
	})
	if err != nil {
		return graphmodel.Fragment{}, err
	}
	frag, err := Convert(all)
	if err != nil {
		return graphmodel.Fragment{}, err
	}
	frag.Source.Origin = "offline:" + strings.Join(o.paths, ",")
	if frag.Source.CollectedAt.IsZero() {
		frag.Source.CollectedAt = newest.UTC()
	}
	if frag.Source.CollectedAt.IsZero() {
		frag.Source.CollectedAt = o.now().UTC()
	}
	return frag, nil
}
