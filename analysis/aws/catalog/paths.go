package catalog

import (
	"encoding/json"
	"fmt"
	"sort"
	"sync"
)

// Permission is one permission a path requires.
type Permission struct {
	// Permission is the action, "iam:PassRole".
	Permission string
	// ResourceConstraints says which resources the permission must cover.
	ResourceConstraints string
}

// Path is one known AWS privilege-escalation path (pathfinding.cloud).
type Path struct {
	ID       string // "iam-001"
	Name     string // "iam:CreatePolicyVersion"
	Category string // "self-escalation", "principal-access", "new-passrole", "existing-passrole"
	Services []string
	// Required are the permissions the path needs, all of them.
	Required []Permission
	// Additional are permissions that help (discovery, cleanup) but are not needed.
	Additional []string
	// Prerequisites are the conditions the path needs, by outcome ("admin",
	// "lateral"); a path whose source gives one list for every outcome has
	// it under "all". Nil when the source gives none.
	Prerequisites map[string][]string
}

// pathData is the decoded escalation-paths.json.
type pathData struct {
	version string
	paths   []Path
	byID    map[string]int
}

var (
	pathsOnce sync.Once
	pathsData *pathData
	pathsErr  error
)

// loadPaths decodes escalation-paths.json once.
func loadPaths() (*pathData, error) {
	pathsOnce.Do(func() {
		raw, err := dataFS.ReadFile(pathsFile)
		if err != nil {
			pathsErr = fmt.Errorf("read %s: %w", pathsFile, err)
			return
		}
		pathsData, pathsErr = decodePaths(raw)
		if pathsErr != nil {
			pathsErr = fmt.Errorf("decode %s: %w", pathsFile, pathsErr)
		}
	})
	return pathsData, pathsErr
}

// rawPaths is the layout of escalation-paths.json.
type rawPaths struct {
	Source  string `json:"source"`
	Version string `json:"version"`
	Paths   []struct {
		ID       string   `json:"id"`
		Name     string   `json:"name"`
		Category string   `json:"category"`
		Services []string `json:"services"`
		Required []struct {
			Permission          string `json:"permission"`
			ResourceConstraints string `json:"resource_constraints"`
		} `json:"required"`
		Additional    []string        `json:"additional"`
		Prerequisites json.RawMessage `json:"prerequisites"`
	} `json:"paths"`
}

// decodePaths decodes the escalation paths and sorts them by id.
func decodePaths(text []byte) (*pathData, error) {
	var doc rawPaths
	if err := json.Unmarshal(text, &doc); err != nil {
		return nil, err
	}
	d := &pathData{version: doc.Version, byID: make(map[string]int, len(doc.Paths))}
	for _, rp := range doc.Paths {
		if rp.ID == "" {
			return nil, fmt.Errorf("path %q: no id", rp.Name)
		}
		p := Path{
			ID:         rp.ID,
			Name:       rp.Name,
			Category:   rp.Category,
			Services:   rp.Services,
			Additional: rp.Additional,
		}
		for _, r := range rp.Required {
			p.Required = append(p.Required, Permission{Permission: r.Permission, ResourceConstraints: r.ResourceConstraints})
		}
		pre, err := decodePrerequisites(rp.Prerequisites)
		if err != nil {
			return nil, fmt.Errorf("path %s: prerequisites: %w", rp.ID, err)
		}
		p.Prerequisites = pre
		d.paths = append(d.paths, p)
	}
	sort.Slice(d.paths, func(i, j int) bool { return d.paths[i].ID < d.paths[j].ID })
	for i, p := range d.paths {
		if _, dup := d.byID[p.ID]; dup {
			return nil, fmt.Errorf("path %s: duplicate id", p.ID)
		}
		d.byID[p.ID] = i
	}
	return d, nil
}

// decodePrerequisites accepts an object of lists by outcome, one list (kept
// under "all"), or null.
func decodePrerequisites(raw json.RawMessage) (map[string][]string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var byOutcome map[string][]string
	if err := json.Unmarshal(raw, &byOutcome); err == nil {
		return byOutcome, nil
	}
	var all []string
	if err := json.Unmarshal(raw, &all); err != nil {
		return nil, err
	}
	return map[string][]string{"all": all}, nil
}

// clone returns a copy of p that shares nothing with the catalog.
func (p Path) clone() Path {
	p.Services = append([]string(nil), p.Services...)
	p.Required = append([]Permission(nil), p.Required...)
	p.Additional = append([]string(nil), p.Additional...)
	if p.Prerequisites != nil {
		pre := make(map[string][]string, len(p.Prerequisites))
		for k, v := range p.Prerequisites {
			pre[k] = append([]string(nil), v...)
		}
		p.Prerequisites = pre
	}
	return p
}

// Paths returns every escalation path, sorted by id.
func Paths() []Path {
	d, err := loadPaths()
	if err != nil {
		return nil
	}
	out := make([]Path, len(d.paths))
	for i, p := range d.paths {
		out[i] = p.clone()
	}
	return out
}

// PathByID returns the escalation path with that id ("iam-001").
func PathByID(id string) (Path, bool) {
	d, err := loadPaths()
	if err != nil {
		return Path{}, false
	}
	i, ok := d.byID[id]
	if !ok {
		return Path{}, false
	}
	return d.paths[i].clone(), true
}
