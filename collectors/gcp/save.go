package gcp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/blastradius/blastradius/internal/atomicfile"
)

// The files SaveRecords writes.
const (
	SavedAssetsFile = "assets.jsonl"
	SavedDenyFile   = "deny-policies.jsonl"
	SavedGapsFile   = "gaps.jsonl"
)

// savedAsset is an asset line as gcloud asset export writes it, resource
// and policy together.
type savedAsset struct {
	Name       string         `json:"name"`
	AssetType  string         `json:"asset_type"`
	Resource   *savedResource `json:"resource,omitempty"`
	IAMPolicy  any            `json:"iam_policy,omitempty"`
	Ancestors  []string       `json:"ancestors,omitempty"`
	UpdateTime string         `json:"update_time,omitempty"`
}

type savedResource struct {
	Data     json.RawMessage `json:"data"`
	Parent   string          `json:"parent,omitempty"`
	Location string          `json:"location,omitempty"`
}

// SaveRecords writes recs into dir in the offline layout: assets.jsonl
// (one gcloud asset export line per asset, resource and iam_policy
// together), deny-policies.jsonl and gaps.jsonl ({"gap": {…}} lines).
// "collect gcp --from-file" on the three files replays the collection.
// Files are written with mode 0600 and replaced atomically; dir is created
// when missing.
func SaveRecords(dir string, recs *Records) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("save records: %w", err)
	}
	var assets, deny, gaps bytes.Buffer
	for _, a := range recs.Assets {
		line := savedAsset{Name: a.Name, AssetType: a.Type, Ancestors: a.Ancestors, UpdateTime: a.UpdateTime}
		if a.Data != nil {
			line.Resource = &savedResource{Data: a.Data, Parent: a.Parent, Location: a.Location}
		}
		if a.Policy != nil {
			line.IAMPolicy = a.Policy
		}
		if err := writeLine(&assets, line); err != nil {
			return fmt.Errorf("save %s: %w", a.Name, err)
		}
	}
	for _, d := range recs.Deny {
		if err := json.Compact(&deny, d.Raw); err != nil {
			return fmt.Errorf("save deny policy %s: %w", d.Policy.Name, err)
		}
		deny.WriteByte('\n')
	}
	for _, g := range recs.Gaps {
		if err := writeLine(&gaps, map[string]any{"gap": g}); err != nil {
			return err
		}
	}
	for name, data := range map[string][]byte{SavedAssetsFile: assets.Bytes(), SavedDenyFile: deny.Bytes(), SavedGapsFile: gaps.Bytes()} {
		if err := atomicfile.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			return err
		}
	}
	return nil
}

func writeLine(buf *bytes.Buffer, v any) error {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
