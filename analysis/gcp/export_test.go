package gcp

import "time"

// NewPerPrincipal returns the reference analyzer: every target decided
// principal by principal, no uniform decision of a project, no permission
// set.
func NewPerPrincipal(now time.Time) *Analyzer { return &Analyzer{now: now, perPrincipal: true} }

// NewWithMinSet returns an analyzer that makes permission sets of min
// members.
func NewWithMinSet(now time.Time, min int) *Analyzer { return &Analyzer{now: now, minSet: min} }

// RulePermissions returns every permission a rule reads.
func RulePermissions() []string { return relevantPermissions() }
