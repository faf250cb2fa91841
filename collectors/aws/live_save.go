package aws

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sync"

	"github.com/blastradius/blastradius/internal/atomicfile"
)

// SaveOutputs writes an export and raw outputs in the offline layout that
// NewOffline reads: d as gaad.json, and every field of res that an offline
// file holds as that file, a JSON array of outputs, each carrying
// "Region" beside its own fields when the output has one. The file of an
// empty field is removed, so that a directory saved twice holds the
// second run only. Files are
// written with mode 0600 (they describe the account) and replaced
// atomically; dir is created when missing.
func SaveOutputs(dir string, d *AuthorizationDetails, res *Resources) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("save outputs: %w", err)
	}
	if d == nil {
		d = &AuthorizationDetails{}
	}
	data, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return fmt.Errorf("save %s: %w", GAADFile, err)
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, GAADFile), append(data, '\n'), 0o600); err != nil {
		return err
	}
	if res == nil {
		return nil
	}
	fields, err := offlineFields()
	if err != nil {
		return err
	}
	rv := reflect.ValueOf(res).Elem()
	for _, f := range offlineFiles {
		outs := rv.Field(fields[f.name])
		if outs.Len() == 0 {
			// A file left by an earlier save would be replayed as if
			// this run had collected it.
			if err := os.Remove(filepath.Join(dir, f.name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("save outputs: %w", err)
			}
			continue
		}
		data, err := encodeOutputs(outs)
		if err != nil {
			return fmt.Errorf("save %s: %w", f.name, err)
		}
		if err := atomicfile.WriteFile(filepath.Join(dir, f.name), data, 0o600); err != nil {
			return err
		}
	}
	return nil
}

// encodeOutputs renders a []Output[T] as a JSON array of the values, with
// "Region" added to each value that has one.
func encodeOutputs(outs reflect.Value) ([]byte, error) {
	elems := make([]json.RawMessage, outs.Len())
	for i := range elems {
		o := outs.Index(i)
		v, err := json.Marshal(o.FieldByName("Value").Interface())
		if err != nil {
			return nil, err
		}
		if region := o.FieldByName("Region").String(); region != "" {
			v, err = withRegion(v, region)
			if err != nil {
				return nil, err
			}
		}
		elems[i] = v
	}
	data, err := json.MarshalIndent(elems, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// withRegion adds "Region" as the last member of the JSON object obj.
func withRegion(obj []byte, region string) ([]byte, error) {
	obj = bytes.TrimSpace(obj)
	if len(obj) < 2 || obj[0] != '{' || obj[len(obj)-1] != '}' {
		return nil, fmt.Errorf("output is not a JSON object: %.40s", obj)
	}
	member, err := json.Marshal(region)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.Write(obj[:len(obj)-1])
	if len(bytes.TrimSpace(obj[1:len(obj)-1])) > 0 {
		b.WriteByte(',')
	}
	b.WriteString(`"Region":`)
	b.Write(member)
	b.WriteByte('}')
	return b.Bytes(), nil
}

var (
	offlineFieldsOnce sync.Once
	offlineFieldIndex map[string]int
	offlineFieldsErr  error
)

// offlineFields maps each offline file name to the index of the Resources
// field its reader fills. The mapping is found by reading "[{}]" with each
// file's reader, so that the table in offline_files.go stays the only
// list of files.
func offlineFields() (map[string]int, error) {
	offlineFieldsOnce.Do(func() {
		offlineFieldIndex = map[string]int{}
		for _, f := range offlineFiles {
			var r Resources
			if err := f.read(&r, f.name, f.command, []byte("[{}]")); err != nil {
				offlineFieldsErr = fmt.Errorf("offline file %s: reader rejects an empty output: %w", f.name, err)
				return
			}
			rv := reflect.ValueOf(r)
			found := -1
			for i := 0; i < rv.NumField(); i++ {
				if rv.Field(i).Len() == 0 {
					continue
				}
				if found >= 0 {
					offlineFieldsErr = fmt.Errorf("offline file %s fills two Resources fields", f.name)
					return
				}
				found = i
			}
			if found < 0 {
				offlineFieldsErr = fmt.Errorf("offline file %s fills no Resources field", f.name)
				return
			}
			offlineFieldIndex[f.name] = found
		}
	})
	return offlineFieldIndex, offlineFieldsErr
}

// appendResources appends every output of src to dst, field by field.
func appendResources(dst, src *Resources) {
	dv, sv := reflect.ValueOf(dst).Elem(), reflect.ValueOf(src).Elem()
	for i := 0; i < dv.NumField(); i++ {
		if sv.Field(i).Len() > 0 {
			dv.Field(i).Set(reflect.AppendSlice(dv.Field(i), sv.Field(i)))
		}
	}
}

// setRegion gives region to every output of res that carries none.
func setRegion(res *Resources, region string) {
	if region == "" {
		return
	}
	rv := reflect.ValueOf(res).Elem()
	for i := 0; i < rv.NumField(); i++ {
		outs := rv.Field(i)
		for j := 0; j < outs.Len(); j++ {
			if r := outs.Index(j).FieldByName("Region"); r.String() == "" {
				r.SetString(region)
			}
		}
	}
}
