package aws

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"
	"time"

	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/internal/badinput"
)

// GAADFile is the name of the account authorization details export in an
// offline directory.
const GAADFile = "gaad.json"

// Offline reads an AWS account from a directory of CLI outputs (see the
// package doc for the layout).
type Offline struct {
	fsys   fs.FS
	origin string
	now    func() time.Time
}

// NewOffline returns a collector reading the directory fsys; origin is the
// directory's human name, used in messages and in Source.Origin
// ("offline:<origin>").
func NewOffline(fsys fs.FS, origin string) *Offline {
	return &Offline{fsys: fsys, origin: origin, now: time.Now}
}

// Name returns the registry name, "aws".
func (o *Offline) Name() string { return CollectorName }

// file returns the human path of a file of the directory.
func (o *Offline) file(name string) string {
	if o.origin == "" {
		return name
	}
	return strings.TrimRight(o.origin, `/\`) + "/" + name
}

// Collect reads gaad.json and converts it. A missing or unusable gaad.json is
// a *badinput.Error naming the file and the place in it.
func (o *Offline) Collect(ctx context.Context) (graphmodel.Fragment, error) {
	if err := ctx.Err(); err != nil {
		return graphmodel.Fragment{}, err
	}
	path := o.file(GAADFile)
	data, err := fs.ReadFile(o.fsys, GAADFile)
	if errors.Is(err, fs.ErrNotExist) {
		return graphmodel.Fragment{}, badinput.Newf(path, "",
			"no %s in %s (write it with: aws iam get-account-authorization-details > %s)", GAADFile, o.origin, GAADFile)
	}
	if err != nil {
		return graphmodel.Fragment{}, fmt.Errorf("read gaad %s: %w", path, err)
	}
	collectedAt := o.now().UTC()
	if info, err := fs.Stat(o.fsys, GAADFile); err == nil && !info.ModTime().IsZero() {
		collectedAt = info.ModTime().UTC()
	}
	if err := o.noteOthers(ctx); err != nil {
		return graphmodel.Fragment{}, err
	}
	details, err := DecodeAuthorizationDetails(path, data)
	if err != nil {
		return graphmodel.Fragment{}, err
	}
	if err := ctx.Err(); err != nil {
		return graphmodel.Fragment{}, err
	}
	frag, err := Convert(details, path)
	if err != nil {
		return graphmodel.Fragment{}, err
	}
	frag.Source.Origin = "offline:" + o.origin
	frag.Source.CollectedAt = collectedAt
	return frag, nil
}

// noteOthers logs every entry of the directory this reader does not use yet.
func (o *Offline) noteOthers(ctx context.Context) error {
	entries, err := fs.ReadDir(o.fsys, ".")
	if err != nil {
		return fmt.Errorf("list %s: %w", o.origin, err)
	}
	for _, e := range entries {
		if e.Name() == GAADFile {
			continue
		}
		slog.InfoContext(ctx, "ignoring unknown file", "file", o.file(e.Name()))
	}
	return nil
}
