package synth

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Files written by WriteAWS, in the order it writes them.
const (
	GAADFile            = "gaad.json"
	LambdaFunctionsFile = "lambda-list-functions.json"
	EC2InstancesFile    = "ec2-describe-instances.json"
	S3BucketsFile       = "s3api-list-buckets.json"
	S3BucketPolicyFile  = "s3api-get-bucket-policy.json"
)

// WriteAWS generates the account spec describes and writes it into dir
// (created if needed) as an offline directory of AWS CLI outputs:
// gaad.json, and lambda-list-functions.json, ec2-describe-instances.json,
// s3api-list-buckets.json and s3api-get-bucket-policy.json when the spec
// has functions, instances, buckets and bucket policies. Existing files of
// those names are replaced; nothing else in dir is touched.
func WriteAWS(dir string, spec Spec) error {
	_, err := WriteAWSPlanted(dir, spec)
	return err
}

// WriteAWSPlanted is WriteAWS that also returns the principals planted
// with each finding, for tests and benchmarks that check an analysis
// finds them.
func WriteAWSPlanted(dir string, spec Spec) (Planted, error) {
	e, err := build(spec)
	if err != nil {
		return Planted{}, err
	}
	if err := writeFiles(dir, spec.Indent, e.files(spec.Buckets)); err != nil {
		return Planted{}, err
	}
	return e.planted, nil
}

// outFile is one output file of a writer: its name, its value, and
// whether it is left out (an empty list the export would not hold).
type outFile struct {
	name string
	v    any
	skip bool
}

// files returns the output files of e, those of WriteAWS; buckets is the
// number of buckets the spec asked for.
func (e *estate) files(buckets int) []outFile {
	return []outFile{
		{GAADFile, e.gaad, false},
		{LambdaFunctionsFile, e.functions, len(e.functions) == 0},
		{EC2InstancesFile, e.instances, len(e.instances) == 0},
		{S3BucketsFile, e.buckets, buckets == 0},
		{S3BucketPolicyFile, e.policies, len(e.policies) == 0},
	}
}

// writeFiles creates dir if needed and writes the files not skipped into
// it, indented by indent spaces.
func writeFiles(dir string, indent int, files []outFile) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("synth: create %s: %w", dir, err)
	}
	ind := strings.Repeat(" ", indent)
	for _, f := range files {
		if f.skip {
			continue
		}
		if err := writeJSON(filepath.Join(dir, f.name), f.v, ind); err != nil {
			return err
		}
	}
	return nil
}

// writeJSON writes v as the AWS CLI prints it: indented by indent (compact
// when empty), HTML characters unescaped, a final newline.
func writeJSON(path string, v any, indent string) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("synth: close %s: %w", path, cerr)
		}
	}()
	w := bufio.NewWriterSize(f, 1<<20)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if indent != "" {
		enc.SetIndent("", indent)
	}
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("synth: write %s: %w", path, err)
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("synth: write %s: %w", path, err)
	}
	return nil
}
