package gcp

import (
	"encoding/json"
	"errors"
)

func errorsAs(err error, target any) bool { return err != nil && errors.As(err, target) }

func jsonUnmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }
