package workspace

import (
	"context"
	"io/fs"
	"strings"
	"time"

	"github.com/blastradius/blastradius/collectors"
	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/internal/badinput"
)

// Offline reads saved users.list and tokens.list items (see the package doc).
type Offline struct {
	paths    []string
	customer string
	fsys     fs.FS // nil: the operating system's files
	now      func() time.Time
}

// NewOffline returns a collector reading the files paths; customer names
// the scope when no user carries a customerId ("" to take it from them).
func NewOffline(paths []string, customer string) *Offline {
	return &Offline{paths: append([]string(nil), paths...), customer: customer, now: time.Now}
}

// NewOfflineFS is NewOffline reading the paths from fsys.
func NewOfflineFS(fsys fs.FS, paths []string, customer string) *Offline {
	o := NewOffline(paths, customer)
	o.fsys = fsys
	return o
}

// Name returns the registry name, "workspace".
func (o *Offline) Name() string { return CollectorName }

// Collect reads every file and converts them together. A file that cannot
// be read or used is a *badinput.Error naming it (and the line).
func (o *Offline) Collect(ctx context.Context) (graphmodel.Fragment, error) {
	if len(o.paths) == 0 {
		return graphmodel.Fragment{}, badinput.Newf("", "", "no file given (save the items of users.list and tokens.list, see collect workspace --help)")
	}
	all := &Records{}
	newest, err := collectors.ReadFiles(ctx, o.fsys, o.paths, func(p string, data []byte) error {
		recs, err := ReadRecords(p, data)
		if err != nil {
			return err
		}
		all.Users = append(all.Users, recs.Users...)
		all.Tokens = append(all.Tokens, recs.Tokens...)
		all.Gaps = append(all.Gaps, recs.Gaps...)
		return nil
	})
	if err != nil {
		return graphmodel.Fragment{}, err
	}
	frag := Convert(all, o.customer)
	frag.Source.Origin = "offline:" + strings.Join(o.paths, ",")
	frag.Source.CollectedAt = newest.UTC()
	if frag.Source.CollectedAt.IsZero() {
		frag.Source.CollectedAt = o.now().UTC()
	}
	return frag, nil
}
