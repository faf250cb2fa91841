package gcp

import (
	"errors"

	"github.com/blastradius/blastradius/collectors"
)

func errorsAs(err error, target any) bool { return err != nil && errors.As(err, target) }

// Both readers are collectors.
var (
	_ collectors.Collector = (*Offline)(nil)
	_ collectors.Collector = (*Live)(nil)
)
