package analysis

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/blastradius/blastradius/graphmodel"
	"github.com/blastradius/blastradius/internal/badinput"
)

// Sensitivity rates resources for the score: how much it matters that an
// attacker reaches one. A resource's rating is, first match wins:
//  1. the Resources entry for its ID (exact, else the longest matching
//     pattern with * and ?);
//  2. the highest rating any of its tags gives (Tags: tag key, matched
//     without regard to case, then tag value, likewise);
//  3. the Types entry for "<service>/<type>", else for "<service>" (the
//     node's PropService and PropType, in the provider's own words);
//  4. the Classes entry for its provider-neutral resource class
//     (PropResourceClass: "secret", "object-store", …);
//  5. 1.0.
type Sensitivity struct {
	Types     map[string]float64            `yaml:"types" json:"types"`
	Classes   map[string]float64            `yaml:"classes" json:"classes"`
	Tags      map[string]map[string]float64 `yaml:"tags" json:"tags"`
	Resources map[string]float64            `yaml:"resources" json:"resources"`
}

// DefaultSensitivity rates resources with DefaultSensitivityModel.
func DefaultSensitivity(n *graphmodel.Node) float64 { return defaultModel.Rate(n) }

var defaultModel = DefaultSensitivityModel()

// DefaultSensitivityModel is the rating blastradius uses unless a
// sensitivity file says otherwise: secrets and keys highest, then databases
// and data stores, then code and messaging; classification tags raise or
// lower it.
func DefaultSensitivityModel() *Sensitivity {
	classification := map[string]float64{
		"public": 0.5, "internal": 1, "confidential": 3, "pii": 4, "restricted": 5, "secret": 5, "critical": 5,
	}
	return &Sensitivity{
		Types: map[string]float64{},
		Classes: map[string]float64{
			string(graphmodel.ResourceSecret):            5,
			string(graphmodel.ResourceEncryptionKey):     5,
			string(graphmodel.ResourceSecretParameter):   4,
			string(graphmodel.ResourceDatabase):          4,
			string(graphmodel.ResourceTable):             3,
			string(graphmodel.ResourceObjectStore):       3,
			string(graphmodel.ResourceParameter):         2,
			string(graphmodel.ResourceContainerRegistry): 2,
			string(graphmodel.ResourceFunction):          2,
			string(graphmodel.ResourceComputeInstance):   2,
			string(graphmodel.ResourceQueue):             1.5,
			string(graphmodel.ResourceTopic):             1,
		},
		Tags: map[string]map[string]float64{
			"data-classification": classification,
			"dataclassification":  classification,
			"classification":      classification,
			"sensitivity":         classification,
			"confidentiality":     classification,
		},
		Resources: map[string]float64{},
	}
}

// Rate returns the sensitivity of a resource node.
func (s *Sensitivity) Rate(n *graphmodel.Node) float64 {
	if v, ok := s.Resources[n.ID]; ok {
		return v
	}
	best, bestLen := 0.0, -1
	for pattern, v := range s.Resources {
		if len(pattern) > bestLen && strings.ContainsAny(pattern, "*?") && glob(pattern, n.ID) {
			best, bestLen = v, len(pattern)
		}
	}
	if bestLen >= 0 {
		return best
	}
	tagged, found := 0.0, false
	for k, v := range n.Tags {
		for key, values := range s.Tags {
			if !strings.EqualFold(k, key) {
				continue
			}
			for value, rating := range values {
				if strings.EqualFold(v, value) && (!found || rating > tagged) {
					tagged, found = rating, true
				}
			}
		}
	}
	if found {
		return tagged
	}
	service, typ := n.Prop(graphmodel.PropService), n.Prop(graphmodel.PropType)
	if v, ok := s.Types[service+"/"+typ]; ok && service != "" {
		return v
	}
	if v, ok := s.Types[service]; ok && service != "" {
		return v
	}
	if v, ok := s.Classes[n.Prop(graphmodel.PropResourceClass)]; ok {
		return v
	}
	return 1
}

// Func returns Rate as a SensitivityFunc for Options.
func (s *Sensitivity) Func() SensitivityFunc { return s.Rate }

// LoadSensitivity reads a sensitivity file (YAML, or JSON, which is YAML)
// and lays it over the defaults: each entry it gives replaces the default
// one. A malformed file, an unknown field or a negative rating is bad input
// naming the file and the line.
func LoadSensitivity(name string, data []byte) (*Sensitivity, error) {
	var file Sensitivity
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&file); err != nil && !errors.Is(err, io.EOF) {
		return nil, badinput.New(name, yamlPlace(err), fmt.Errorf("sensitivity file: %v", yamlMessage(err)))
	}
	s := DefaultSensitivityModel()
	for k, v := range file.Types {
		if v < 0 {
			return nil, badinput.Newf(name, "types: "+k, "sensitivity must not be negative (%g)", v)
		}
		s.Types[k] = v
	}
	for k, v := range file.Classes {
		if v < 0 {
			return nil, badinput.Newf(name, "classes: "+k, "sensitivity must not be negative (%g)", v)
		}
		s.Classes[k] = v
	}
	for key, values := range file.Tags {
		for value, v := range values {
			if v < 0 {
				return nil, badinput.Newf(name, "tags: "+key+": "+value, "sensitivity must not be negative (%g)", v)
			}
		}
		s.Tags[strings.ToLower(key)] = values
	}
	keys := make([]string, 0, len(file.Resources))
	for k := range file.Resources {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if file.Resources[k] < 0 {
			return nil, badinput.Newf(name, "resources: "+k, "sensitivity must not be negative (%g)", file.Resources[k])
		}
		s.Resources[k] = file.Resources[k]
	}
	return s, nil
}

// yamlPlace extracts "line N" from a yaml.v3 error.
func yamlPlace(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "line "); i >= 0 {
		rest := msg[i:]
		if j := strings.IndexAny(rest, ":"); j >= 0 {
			return rest[:j]
		}
		return rest
	}
	return ""
}

// yamlMessage drops the "yaml: line N:" prefix that yamlPlace reports.
func yamlMessage(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if strings.HasPrefix(msg, "unmarshal errors:\n") {
		msg = strings.TrimSpace(strings.TrimPrefix(msg, "unmarshal errors:\n"))
	}
	if i := strings.Index(msg, ": "); i >= 0 && strings.HasPrefix(msg, "line ") {
		msg = msg[i+2:]
	}
	return msg
}

// glob matches s against a pattern with * (any run) and ? (one byte), in
// linear time: on a mismatch it backtracks only to the last star.
func glob(pattern, s string) bool {
	p, i, star, mark := 0, 0, -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p, mark = star+1, mark+1
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}
