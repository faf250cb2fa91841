package gcp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/blastradius/blastradius/collectors"
	"github.com/blastradius/blastradius/gcppolicy"
	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/internal/badinput"
)

// Asset is one Cloud Asset Inventory record: a resource, its allow policy,
// or both (records of one name from several files are merged).
type Asset struct {
	// Name is the Cloud Asset name ("//storage.googleapis.com/my-bucket").
	Name string
	// Type is the asset type ("storage.googleapis.com/Bucket").
	Type string
	// Data is the resource's own JSON (resource.data), nil when the record
	// carries no resource.
	Data json.RawMessage
	// Parent is resource.parent, the full name of the parent.
	Parent string
	// Location is resource.location.
	Location string
	// Policy is the allow policy set on the resource (iam_policy), nil when none.
	Policy *gcppolicy.AllowPolicy
	// Ancestors are the relative names of the ancestry, nearest first
	// ("projects/123", "folders/45", "organizations/6").
	Ancestors []string
	// UpdateTime is update_time as written.
	UpdateTime string
	// File and Place locate the record: the export file (or the API call)
	// and "line <n>" in it.
	File, Place string
	// Where is File and Place together, for gaps and messages.
	Where string
}

// bad returns bad input located at the asset's record.
func (a *Asset) bad(format string, args ...any) error {
	return badinput.Newf(a.File, a.Place, format, args...)
}

// DenyPolicy is one deny policy read from a file or the IAM v2 API.
type DenyPolicy struct {
	Policy *gcppolicy.DenyPolicy
	// Raw is the policy as read, compact.
	Raw json.RawMessage
	// Where locates it.
	Where string
}

// Records is what the readers produce for the converter.
type Records struct {
	Assets []Asset
	Deny   []DenyPolicy
	// Gaps are the gaps of a live collection saved with its records
	// (lines {"gap": {"what", "reason", "where"}}).
	Gaps []graphmodel.Gap
}

// maxLineBytes bounds one record, far above any real asset.
const maxRecordBytes = 64 << 20

// ReadRecords decodes one export file: JSON Lines (one asset per line, as
// gcloud asset export writes), a JSON array (gcloud asset list
// --format=json) or a stream of JSON objects. Field names may be
// snake_case (asset_type, iam_policy, update_time) or camelCase (assetType,
// iamPolicy, updateTime). Objects with "rules" and a policies/… name are
// deny policies (gcloud iam policies get --format=json). Anything else is a
// *badinput.Error naming file and line.
func ReadRecords(file string, data []byte) (*Records, error) {
	out := &Records{}
	err := collectors.JSONRecords(file, data, maxRecordBytes, func(place string, raw json.RawMessage) error {
		return readOne(out, file, place, raw)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// readOne reads one record: an asset, a deny policy or a gap.
func readOne(out *Records, file, place string, raw json.RawMessage) error {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		return badinput.Newf(file, place, "expected a JSON object (an asset or a deny policy)")
	}
	where := file + ": " + place
	if g, ok := fields["gap"]; ok && len(fields) == 1 {
		var gap graphmodel.Gap
		if err := json.Unmarshal(g, &gap); err != nil || gap.What == "" {
			return badinput.Newf(file, place, "a gap record needs {\"what\", \"reason\", \"where\"} strings")
		}
		out.Gaps = append(out.Gaps, gap)
		return nil
	}
	if isDenyPolicy(fields) {
		p, err := gcppolicy.ParseDenyPolicy(raw)
		if err != nil {
			return badinput.New(file, place, err)
		}
		if p.AttachmentPoint() == "" {
			return badinput.Newf(file, place, "deny policy %q: name is not policies/<attachment point>/denypolicies/<id>", p.Name)
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, raw); err != nil {
			return badinput.New(file, place, err)
		}
		out.Deny = append(out.Deny, DenyPolicy{Policy: p, Raw: buf.Bytes(), Where: where})
		return nil
	}
	a, err := decodeAsset(fields)
	if err != nil {
		return badinput.New(file, place, err)
	}
	a.File, a.Place, a.Where = file, place, where
	out.Assets = append(out.Assets, a)
	return nil
}

func isDenyPolicy(f map[string]json.RawMessage) bool {
	var name, kind string
	_ = json.Unmarshal(f["name"], &name)
	_ = json.Unmarshal(f["kind"], &kind)
	_, rules := f["rules"]
	return kind == "DenyPolicy" || (rules && strings.HasPrefix(name, "policies/"))
}

// field returns the first of the spellings present in f.
func field(f map[string]json.RawMessage, names ...string) json.RawMessage {
	for _, n := range names {
		if v, ok := f[n]; ok && string(v) != "null" {
			return v
		}
	}
	return nil
}

func stringField(f map[string]json.RawMessage, what string, names ...string) (string, error) {
	v := field(f, names...)
	if v == nil {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return "", fmt.Errorf("%s is not a string", what)
	}
	return s, nil
}

func decodeAsset(f map[string]json.RawMessage) (Asset, error) {
	var a Asset
	var err error
	if a.Name, err = stringField(f, "name", "name"); err != nil {
		return a, err
	}
	if a.Name == "" {
		return a, errors.New("asset has no name")
	}
	if a.Type, err = stringField(f, "asset type", "asset_type", "assetType"); err != nil {
		return a, err
	}
	if a.UpdateTime, err = stringField(f, "update time", "update_time", "updateTime"); err != nil {
		return a, err
	}
	if v := field(f, "ancestors"); v != nil {
		if err := json.Unmarshal(v, &a.Ancestors); err != nil {
			return a, fmt.Errorf("asset %s: ancestors is not a list of strings", a.Name)
		}
	}
	if v := field(f, "resource"); v != nil {
		var res map[string]json.RawMessage
		if err := json.Unmarshal(v, &res); err != nil || res == nil {
			return a, fmt.Errorf("asset %s: resource is not an object", a.Name)
		}
		if a.Parent, err = stringField(res, "resource parent", "parent"); err != nil {
			return a, err
		}
		if a.Location, err = stringField(res, "resource location", "location"); err != nil {
			return a, err
		}
		if d := field(res, "data"); d != nil {
			if len(bytes.TrimSpace(d)) == 0 || bytes.TrimSpace(d)[0] != '{' {
				return a, fmt.Errorf("asset %s: resource.data is not an object", a.Name)
			}
			a.Data = d
		} else {
			a.Data = json.RawMessage(`{}`)
		}
	}
	if v := field(f, "iam_policy", "iamPolicy"); v != nil {
		p, err := gcppolicy.ParseAllowPolicy(v)
		if err != nil {
			return a, fmt.Errorf("asset %s: %w", a.Name, err)
		}
		a.Policy = p
	}
	if a.Type == "" && a.Data != nil {
		return a, fmt.Errorf("asset %s has a resource but no asset type", a.Name)
	}
	return a, nil
}
