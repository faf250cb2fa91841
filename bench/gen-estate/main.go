// Command gen-estate writes a synthetic AWS estate (internal/synth) as an
// offline directory for "blastradius collect aws --from-dir":
//
//	go run ./bench/gen-estate -size large -o /tmp/estate-large
//	go run ./bench/gen-estate -size small -seed 7 -roles 1000 -o /tmp/estate
//	go run ./bench/gen-estate -shape dense -o /tmp/estate-dense
//	go run ./bench/gen-estate -shape dense -principals 5000 -o /tmp/estate-dense-5k
//
// -shape picks the shape: standard (synth.Spec, the default) or dense
// (synth.DenseSpec: policies mixed at random, few shared policy sets, the
// scale issue's badly run account). -size picks the base spec of the
// shape: small (500 principals; dense: 1,250) or large (25,000; the
// default for dense). -principals N scales the dense shape to N
// principals (four fifths roles), the sizes being 1250, 2500,
// 5000, 10000 and 25000. -seed, -roles, -users, -policies, -groups,
// -functions, -instances, -buckets and -indent override fields of either
// shape, -objects writes policy documents as JSON objects instead of
// URL-encoded strings. It prints the files written with their sizes, the
// counts and the planted findings (dense: the mix it generated).
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
	shape := fs.String("shape", "standard", "estate shape: standard or dense")
	size := fs.String("size", "", "base spec: small or large (default: small for standard, large for dense)")
	principals := fs.Int("principals", -1, "dense shape only: scale it to `N` principals (four fifths roles)")
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
	if *size != "" && *size != "small" && *size != "large" {
		return usageError{fmt.Errorf("-size %q: want small or large", *size)}
	}
	var (
		spec  synth.Spec
		dense synth.DenseSpec
		seedP *int64
		ints  []*int
		objP  *bool
	)
	switch *shape {
	case "standard":
		if *principals >= 0 {
			return usageError{errors.New("-principals scales the dense shape only (-shape dense); set -roles and -users")}
		}
		spec = synth.Small()
		if *size == "large" {
			spec = synth.Large()
		}
		seedP, objP = &spec.Seed, &spec.ObjectDocuments
		ints = []*int{&spec.Roles, &spec.Users, &spec.ManagedPolicies, &spec.Groups, &spec.Functions, &spec.Instances, &spec.Buckets, &spec.Indent}
	case "dense":
		switch {
		case *principals >= 0 && *size != "":
			return usageError{errors.New("-principals and -size: give one")}
		case *principals >= 0:
			dense = synth.DenseScaled(*principals)
		case *size == "small":
			dense = synth.DenseScaled(1250)
		default:
			dense = synth.Dense()
		}
		seedP, objP = &dense.Seed, &dense.ObjectDocuments
		ints = []*int{&dense.Roles, &dense.Users, &dense.ManagedPolicies, &dense.Groups, &dense.Functions, &dense.Instances, &dense.Buckets, &dense.Indent}
	default:
		return usageError{fmt.Errorf("-shape %q: want standard or dense", *shape)}
	}
	if *seed >= 0 {
		*seedP = *seed
	}
	for i, v := range []int{*roles, *users, *policies, *groups, *functions, *instances, *buckets, *indent} {
		if v >= 0 {
			*ints[i] = v
		}
	}
	*objP = *objects
	if *shape == "dense" {
		if err := dense.Validate(); err != nil {
			return usageError{err}
		}
		return writeDense(*out, dense, stdout)
	}
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
	return printFiles(stdout, *out, []string{synth.GAADFile, synth.LambdaFunctionsFile, synth.EC2InstancesFile, synth.S3BucketsFile, synth.S3BucketPolicyFile})
}

// writeDense writes a dense estate and prints what it holds.
func writeDense(out string, spec synth.DenseSpec, stdout io.Writer) error {
	start := time.Now()
	sum, err := synth.WriteAWSDense(out, spec)
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	p := spec.Principals()
	pct := func(n, of int) float64 { return 100 * float64(n) / float64(max(of, 1)) }
	fmt.Fprintf(stdout, "wrote %s (dense) in %.2fs: %d roles, %d users, %d groups, %d customer-managed policies, %d functions, %d instances, %d buckets, %d secrets, %d launch templates, %d glue jobs\n",
		out, elapsed.Seconds(), spec.Roles, spec.Users, spec.Groups, spec.ManagedPolicies, spec.Functions, spec.Instances,
		spec.Buckets, spec.Secrets, spec.LaunchTemplates, spec.GlueJobs)
	fmt.Fprintf(stdout, "mix: %d administrators; IAM write wildcards %d (%.1f%%); sts:* %d (%.1f%%); %d distinct managed-policy combinations, %d principals (%.1f%%) with their own\n",
		len(sum.Admins), len(sum.IAMWrite), pct(len(sum.IAMWrite), p), len(sum.STSWildcard), pct(len(sum.STSWildcard), p),
		sum.PolicySets, sum.UniquePolicySets, pct(sum.UniquePolicySets, p))
	fmt.Fprintf(stdout, "mix: %d roles (%.1f%%) trust roles by ARN, %d (%.1f%%) an outside account under sts:ExternalId; %d statements, %.1f%% Deny, %.1f%% under aws:ResourceTag; %d permissions boundaries\n",
		sum.RoleTrusting, pct(sum.RoleTrusting, spec.Roles), sum.ExternalID, pct(sum.ExternalID, spec.Roles),
		sum.Statements, pct(sum.DenyStatements, sum.Statements), pct(sum.ResourceTagStatements, sum.Statements), sum.Boundaries)
	return printFiles(stdout, out, synth.DenseFiles)
}

// printFiles prints the size of each file of names that dir holds.
func printFiles(stdout io.Writer, dir string, names []string) error {
	for _, name := range names {
		info, err := os.Stat(filepath.Join(dir, name))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "  %-44s %10d bytes (%.1f MB)\n", name, info.Size(), float64(info.Size())/1e6)
	}
	return nil
}
