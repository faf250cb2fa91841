package memlimit

import (
	"runtime/debug"
	"testing"
)

func TestApply(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	before := debug.SetMemoryLimit(-1)
	prev := Apply()
	if prev != before {
		t.Errorf("Apply returned %d, want the limit before (%d)", prev, before)
	}
	if got := debug.SetMemoryLimit(-1); got != Default {
		t.Errorf("limit %d after Apply, want %d", got, Default)
	}
	Restore(prev)
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("limit %d after Restore, want %d", got, before)
	}
}

func TestApplyLeavesGOMEMLIMIT(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "8GiB")
	before := debug.SetMemoryLimit(-1)
	Apply()
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("limit %d with GOMEMLIMIT set, want it untouched (%d)", got, before)
	}
}
