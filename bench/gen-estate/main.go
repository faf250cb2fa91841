// Command gen-estate writes a synthetic AWS estate (internal/synth) as an
// offline directory for "blastradius collect aws --from-dir":
//
//	go run ./bench/gen-estate -size large -o /tmp/estate-large
//	go run ./bench/gen-estate -size small -seed 7 -roles 1000 -o /tmp/estate
//
// -size picks the base spec (small or large); -seed, -roles, -users,
// -policies, -groups, -functions, -instances, -buckets and -indent
// override its fields, -objects writes policy documents as JSON objects
// instead of URL-encoded strings. It prints the files written with their
// sizes, the counts and the planted findings.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/blastradius/blastradius/internal/synth"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "gen-estate:", err)
		var u usageError
		if errors.As(err, &u) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// usageError is a bad command line (exit 2).
type usageError struct{ error }

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gen-estate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	size := fs.String("size", "small", "base spec: small or large")
	out := fs.String("o", "", "output `DIR` (created if needed; required)")
	seed := fs.Int64("seed", -1, "seed (default: the spec's)")
	roles := fs.Int("roles", -1, "number of roles")
	users := fs.Int("users", -1, "number of users")
	policies := fs.Int("policies", -1, "number of customer-managed policies")
	groups := fs.Int("groups", -1, "number of groups")
	functions := fs.Int("functions", -1, "number of Lambda functions")
	instances := fs.Int("instances", -1, "number of EC2 instances")
	buckets := fs.Int("buckets", -1, "number of S3 buckets")
	indent := fs.Int("indent", -1, "JSON indentation in spaces (0: compact; the AWS CLI uses 4)")
	objects := fs.Bool("objects", false, "write gaad.json policy documents as JSON objects, not URL-encoded strings")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	if *out == "" {
		return usageError{errors.New("-o DIR is required")}
	}
	var spec synth.Spec
	switch *size {
	case "small":
		spec = synth.Small()
	case "large":
		spec = synth.Large()
	default:
		return usageError{fmt.Errorf("-size %q: want small or large", *size)}
	}
	if *seed >= 0 {
		spec.Seed = *seed
	}
	for _, o := range []struct {
		v   int
		dst *int
	}{
		{*roles, &spec.Roles}, {*users, &spec.Users}, {*policies, &spec.ManagedPolicies}, {*groups, &spec.Groups},
		{*functions, &spec.Functions}, {*instances, &spec.Instances}, {*buckets, &spec.Buckets}, {*indent, &spec.Indent},
	} {
		if o.v >= 0 {
			*o.dst = o.v
		}
	}
	spec.ObjectDocuments = *objects
	if err := spec.Validate(); err != nil {
		return usageError{err}
	}

	start := time.Now()
	planted, err := synth.WriteAWSPlanted(*out, spec)
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	fmt.Fprintf(stdout, "wrote %s in %.2fs: %d roles, %d users, %d groups, %d customer-managed policies, %d functions, %d instances, %d buckets\n",
		*out, elapsed.Seconds(), spec.Roles, spec.Users, spec.Groups, spec.ManagedPolicies, spec.Functions, spec.Instances, spec.Buckets)
	fmt.Fprintf(stdout, "planted: %d administrators, %d self-escalations, %d PassRole+Lambda\n",
		len(planted.Admins), len(planted.SelfEscalation), len(planted.PassRoleLambda))
	for _, name := range []string{synth.GAADFile, synth.LambdaFunctionsFile, synth.EC2InstancesFile, synth.S3BucketsFile, synth.S3BucketPolicyFile} {
		info, err := os.Stat(filepath.Join(*out, name))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "  %-32s %10d bytes (%.1f MB)\n", name, info.Size(), float64(info.Size())/1e6)
	}
	return nil
}
