package k8srbac

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Label selector operators.
const (
	OpIn           = "In"
	OpNotIn        = "NotIn"
	OpExists       = "Exists"
	OpDoesNotExist = "DoesNotExist"
)

// Matches reports whether labels satisfy the selector: every matchLabels
// pair is present, and every expression holds (In: the key is present
// with one of the values; NotIn: the key is absent or its value is none
// of them; Exists; DoesNotExist). An empty selector matches every set of
// labels. A selector the API server could not compile (an unknown
// operator, values where none belong or none where some must be, a key
// or value that is not a valid label) is an error and matches nothing.
func (s LabelSelector) Matches(labels map[string]string) (bool, error) {
	if err := s.Validate(); err != nil {
		return false, err
	}
	return s.matches(labels), nil
}

// matches is Matches for a selector known valid.
func (s LabelSelector) matches(labels map[string]string) bool {
	for k, v := range s.MatchLabels {
		if got, ok := labels[k]; !ok || got != v {
			return false
		}
	}
	for _, e := range s.MatchExpressions {
		v, ok := labels[e.Key]
		var holds bool
		switch e.Operator {
		case OpIn:
			holds = ok && slices.Contains(e.Values, v)
		case OpNotIn:
			holds = !ok || !slices.Contains(e.Values, v)
		case OpExists:
			holds = ok
		case OpDoesNotExist:
			holds = !ok
		}
		if !holds {
			return false
		}
	}
	return true
}

// Validate reports why the API server could not compile the selector, or
// nil.
func (s LabelSelector) Validate() error {
	for k, v := range s.MatchLabels {
		if err := validLabelKey(k); err != nil {
			return fmt.Errorf("matchLabels key %q: %w", k, err)
		}
		if err := validLabelValue(v); err != nil {
			return fmt.Errorf("matchLabels %q value %q: %w", k, v, err)
		}
	}
	for i, e := range s.MatchExpressions {
		if err := validLabelKey(e.Key); err != nil {
			return fmt.Errorf("matchExpressions[%d] key %q: %w", i, e.Key, err)
		}
		switch e.Operator {
		case OpIn, OpNotIn:
			if len(e.Values) == 0 {
				return fmt.Errorf("matchExpressions[%d]: operator %s needs values", i, e.Operator)
			}
		case OpExists, OpDoesNotExist:
			if len(e.Values) != 0 {
				return fmt.Errorf("matchExpressions[%d]: operator %s takes no values", i, e.Operator)
			}
		default:
			return fmt.Errorf("matchExpressions[%d]: %q is not a valid label selector operator", i, e.Operator)
		}
		for _, v := range e.Values {
			if err := validLabelValue(v); err != nil {
				return fmt.Errorf("matchExpressions[%d] value %q: %w", i, v, err)
			}
		}
	}
	return nil
}

var (
	labelNameRE = regexp.MustCompile(`^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$`)
	dnsLabelRE  = `[a-z0-9]([-a-z0-9]*[a-z0-9])?`
	subdomainRE = regexp.MustCompile(`^` + dnsLabelRE + `(\.` + dnsLabelRE + `)*$`)
)

// validLabelKey checks a label key: an optional DNS subdomain prefix and
// "/", then a name of at most 63 characters.
func validLabelKey(k string) error {
	name := k
	if i := strings.IndexByte(k, '/'); i >= 0 {
		prefix := k[:i]
		name = k[i+1:]
		if prefix == "" || len(prefix) > 253 || !subdomainRE.MatchString(prefix) {
			return fmt.Errorf("prefix %q is not a DNS subdomain", prefix)
		}
	}
	if name == "" || len(name) > 63 || !labelNameRE.MatchString(name) {
		return fmt.Errorf("name %q is not a valid label name", name)
	}
	return nil
}

// validLabelValue checks a label value: empty, or at most 63 characters
// of the label name alphabet.
func validLabelValue(v string) error {
	if v == "" {
		return nil
	}
	if len(v) > 63 || !labelNameRE.MatchString(v) {
		return fmt.Errorf("not a valid label value")
	}
	return nil
}
