package awspolicy

import (
	"slices"
	"strings"
)

// ActionService returns the service prefix of an action or action pattern,
// lower-cased: "s3" of "S3:GetObject", "s*" of "s*:Get*". ok is false when
// the value has no prefix ("*", or no colon); service is then the whole
// value, lower-cased.
func ActionService(action string) (service string, ok bool) {
	service, _, ok = strings.Cut(strings.ToLower(action), ":")
	return service, ok
}

// Services returns the services the statement's Action element names by
// name, lower-cased, once each, in order, and every = true when it may name
// an action of any service: a NotAction, a value without a service prefix
// ("*"), or a prefix with a wildcard ("s3*", "*"). It answers coarsely
// where a prefix holds a wildcard (every service); ConcernsService answers
// the same question for one service precisely.
func (s *Statement) Services() (names []string, every bool) {
	if s.Action.Negated {
		return nil, true
	}
	for _, a := range s.Action.Values {
		service, ok := ActionService(a)
		switch {
		case !ok || strings.ContainsAny(service, "*?"):
			every = true
		case !slices.Contains(names, service):
			names = append(names, service)
		}
	}
	return names, every
}

// ConcernsService reports whether the statement's Action (or NotAction)
// element may name an action of service (lower-case): a NotAction, a value
// without a service prefix, or a prefix that matches service as a pattern
// ("s*" concerns s3, not kms).
func (s *Statement) ConcernsService(service string) bool {
	if s.Action.Negated {
		return true
	}
	for _, a := range s.Action.Values {
		prefix, ok := ActionService(a)
		if !ok || MatchActionPattern(prefix+":x", service+":x") {
			return true
		}
	}
	return false
}
