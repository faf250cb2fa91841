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
	// region is the region of the outputs that carry none (--region).
	region string
	now    func() time.Time
}

// WithRegion makes region the region of every output that carries none and
// whose file is not in a region's subdirectory (the AWS CLI prints no region
// in describe-launch-templates, get-jobs, …). It returns o.
func (o *Offline) WithRegion(region string) *Offline {
	o.region = region
	return o
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

// Collect reads gaad.json and every supported output file of the
// directory (OfflineFiles) and converts them. A missing or unusable
// gaad.json, and a supported file that cannot be used, is a
// *badinput.Error naming the file and the place in it. Other files are
// logged and ignored.
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
	details, err := DecodeAuthorizationDetails(path, data)
	if err != nil {
		return graphmodel.Fragment{}, err
	}
	res, err := o.readOutputs(ctx)
	if err != nil {
		return graphmodel.Fragment{}, err
	}
	if err := ctx.Err(); err != nil {
		return graphmodel.Fragment{}, err
	}
	frag, err := convertAccount(details, path, res, o.region)
	if err != nil {
		return graphmodel.Fragment{}, err
	}
	frag.Source.Origin = "offline:" + o.origin
	frag.Source.CollectedAt = collectedAt
	return frag, nil
}

// readOutputs reads every supported output file of the directory, in name
// order, and of its subdirectories named after a region (what looping the
// CLI over regions gives: DIR/eu-west-1/…), and logs every other entry. An
// output of a region's subdirectory that carries no region takes the
// subdirectory's; the converter falls back on o.region.
func (o *Offline) readOutputs(ctx context.Context) (*Resources, error) {
	return o.readDir(ctx, ".")
}

// readDir reads the output files of directory dir of the export (and, at
// its top, of its region subdirectories).
func (o *Offline) readDir(ctx context.Context, dir string) (*Resources, error) {
	entries, err := fs.ReadDir(o.fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", o.file(dir), err)
	}
	res := &Resources{}
	for _, e := range entries {
		name := e.Name()
		if dir != "." {
			name = dir + "/" + name
		}
		if name == GAADFile {
			continue
		}
		if e.IsDir() && dir == "." && ValidRegion(e.Name()) {
			sub, err := o.readDir(ctx, name)
			if err != nil {
				return nil, err
			}
			setRegion(sub, e.Name())
			appendResources(res, sub)
			continue
		}
		f, ok := offlineFileNamed(e.Name())
		if !ok || e.IsDir() {
			slog.InfoContext(ctx, "ignoring unknown file", "file", o.file(name))
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		path := o.file(name)
		data, err := fs.ReadFile(o.fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		if err := f.read(res, path, f.command, data); err != nil {
			return nil, err
		}
		slog.DebugContext(ctx, "read output file", "file", path)
	}
	return res, nil
}
