package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "estate")
	var out, errOut bytes.Buffer
	args := []string{"-size", "small", "-roles", "120", "-users", "30", "-policies", "40", "-groups", "8",
		"-functions", "5", "-instances", "4", "-buckets", "3", "-seed", "9", "-o", dir}
	if err := run(args, &out, &errOut); err != nil {
		t.Fatalf("run: %v\n%s", err, errOut.String())
	}
	for _, want := range []string{"120 roles, 30 users, 8 groups, 40 customer-managed policies", "gaad.json", "planted: "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	for _, name := range []string{"gaad.json", "lambda-list-functions.json", "ec2-describe-instances.json", "s3api-list-buckets.json"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestRunDense(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "dense")
	var out, errOut bytes.Buffer
	args := []string{"-shape", "dense", "-principals", "250", "-functions", "5", "-instances", "4", "-buckets", "3", "-seed", "9", "-o", dir}
	if err := run(args, &out, &errOut); err != nil {
		t.Fatalf("run: %v\n%s", err, errOut.String())
	}
	for _, want := range []string{"(dense)", "200 roles, 50 users", "5 functions, 4 instances, 3 buckets",
		"3 administrators", "IAM write wildcards 35 (14.0%)", "sts:* 15 (6.0%)", "190 distinct managed-policy combinations",
		"80 roles (40.0%) trust roles by ARN", "20 (10.0%) an outside account", "7.0% Deny", "10.0% under aws:ResourceTag"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	for _, name := range []string{"gaad.json", "secretsmanager-list-secrets.json", "ec2-describe-launch-templates.json",
		"ec2-describe-launch-template-versions.json", "glue-get-jobs.json"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if !strings.Contains(out.String(), name) {
			t.Errorf("output does not list %s", name)
		}
	}
}

func TestRunUsageErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"no output", []string{"-size", "small"}, "-o DIR is required"},
		{"bad size", []string{"-size", "huge", "-o", "x"}, "want small or large"},
		{"argument", []string{"-o", "x", "extra"}, "unexpected argument"},
		{"bad flag", []string{"-nope"}, "not defined"},
		{"invalid spec", []string{"-groups", "2", "-o", "x"}, "at least 6"},
		{"bad shape", []string{"-shape", "round", "-o", "x"}, "want standard or dense"},
		{"principals of the standard shape", []string{"-principals", "100", "-o", "x"}, "dense shape only"},
		{"principals and size", []string{"-shape", "dense", "-size", "small", "-principals", "100", "-o", "x"}, "give one"},
		{"invalid dense spec", []string{"-shape", "dense", "-principals", "1000", "-groups", "2", "-o", "x"}, "at least 6"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(c.args, &out, &errOut)
			var u usageError
			if !errors.As(err, &u) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("run: %v, want a usage error with %q", err, c.want)
			}
		})
	}
}
