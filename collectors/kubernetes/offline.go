package kubernetes

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/blastradius/blastradius/internal/badinput"

	"github.com/blastradius/blastradius/graphmodel"
)

// ErrNoClusterName is returned when no cluster name is given and the
// input does not name one.
var ErrNoClusterName = errors.New("no cluster name: give one (--cluster-name); IDs are k8s:<cluster>:…")

// alwaysListed are the kinds every cluster has objects of: a List without
// any was not written with KubectlCommand, and their absence is a gap.
var alwaysListed = []string{"Namespace", "ClusterRole", "ClusterRoleBinding", "ServiceAccount"}

// Offline reads one cluster from files written by KubectlCommand (or by a
// live collection's SaveFile).
type Offline struct {
	paths   []string
	cluster string
	// readFile and stat are os.ReadFile and os.Stat, replaceable in tests.
	readFile func(string) ([]byte, error)
	stat     func(string) (os.FileInfo, error)
	now      func() time.Time
}

// NewOffline returns a collector reading the List files at paths, merged,
// as the cluster named cluster ("" takes the name a saved List carries).
func NewOffline(paths []string, cluster string) *Offline {
	return &Offline{paths: append([]string(nil), paths...), cluster: cluster,
		readFile: os.ReadFile, stat: os.Stat, now: time.Now}
}

// Name returns the registry name, "kubernetes".
func (o *Offline) Name() string { return CollectorName }

// Collect reads and merges every file and converts them. A file that
// cannot be used is a *badinput.Error naming it and the place in it; an
// object in several files is kept once. Kinds every cluster has
// (namespaces, ClusterRoles, ClusterRoleBindings, service accounts) that
// no file holds are gaps.
func (o *Offline) Collect(ctx context.Context) (graphmodel.Fragment, error) {
	if len(o.paths) == 0 {
		return graphmodel.Fragment{}, errors.New("no input file: give the output of " + KubectlCommand)
	}
	inv := &Inventory{}
	cluster := o.cluster
	var collectedAt time.Time
	for _, path := range o.paths {
		if err := ctx.Err(); err != nil {
			return graphmodel.Fragment{}, err
		}
		data, err := o.readFile(path)
		if err != nil {
			return graphmodel.Fragment{}, fmt.Errorf("read %s: %w", path, err)
		}
		if info, err := o.stat(path); err == nil && info.ModTime().After(collectedAt) {
			collectedAt = info.ModTime()
		}
		part, saved, err := DecodeList(path, data)
		if err != nil {
			return graphmodel.Fragment{}, err
		}
		if saved != nil {
			part.Facts = saved.Facts
			part.Gaps = append(part.Gaps, saved.Gaps...)
			for _, k := range saved.Unlisted {
				part.unlist(k)
			}
			if cluster == "" {
				cluster = saved.Cluster
			}
		}
		inv.Merge(part)
		slog.DebugContext(ctx, "read kubernetes list", "file", path)
	}
	if cluster == "" {
		return graphmodel.Fragment{}, ErrNoClusterName
	}
	if err := CheckClusterName(cluster); err != nil {
		return graphmodel.Fragment{}, badinput.New("", "cluster name", err)
	}
	where := strings.Join(o.paths, ", ")
	for _, kind := range alwaysListed {
		if inv.Unlisted[kind] || count(inv, kind) > 0 {
			continue
		}
		inv.unlist(kind)
		inv.Gaps = append(inv.Gaps, graphmodel.Gap{What: "list " + kindByName[kind].resource,
			Reason: "the input has no " + kind + ", which every cluster has: write it with " + KubectlCommand, Where: where})
	}
	frag, err := Convert(inv, cluster, where)
	if err != nil {
		return graphmodel.Fragment{}, err
	}
	if collectedAt.IsZero() {
		collectedAt = o.now()
	}
	frag.Source.Origin = "offline:" + strings.Join(o.paths, ",")
	frag.Source.CollectedAt = collectedAt.UTC()
	return frag, nil
}

// count returns how many objects of kind the inventory holds.
func count(inv *Inventory, kind string) int {
	switch kind {
	case "Namespace":
		return len(inv.Namespaces)
	case "ClusterRole":
		return len(inv.ClusterRoles)
	case "ClusterRoleBinding":
		return len(inv.ClusterRoleBindings)
	case "ServiceAccount":
		return len(inv.ServiceAccounts)
	}
	return 0
}
