package gcppolicy

import (
	"bytes"
	"compress/gzip"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
)

//go:embed data/roles.json.gz data/permission-tags.json data/NOTICE.md
var dataFS embed.FS

const (
	rolesFile = "data/roles.json.gz"
	tagsFile  = "data/permission-tags.json"
)

// PredefinedRole is one predefined role of the embedded copy.
type PredefinedRole struct {
	// Name is "roles/<id>".
	Name  string
	Title string
	// Stage is the launch stage: GA, BETA, ALPHA or DEPRECATED.
	Stage string
	// Permissions are the included permissions, sorted.
	Permissions []string
}

type roleData struct {
	version string
	roles   map[string]*PredefinedRole
	names   []string
}

var (
	rolesOnce sync.Once
	rolesData *roleData
	rolesErr  error
)

type rawRoles struct {
	Source      string   `json:"source"`
	Version     string   `json:"version"`
	Permissions []string `json:"permissions"`
	Roles       map[string]struct {
		T string `json:"t"`
		S string `json:"s"`
		P []int  `json:"p"`
	} `json:"roles"`
}

func loadRoles() (*roleData, error) {
	rolesOnce.Do(func() {
		raw, err := dataFS.ReadFile(rolesFile)
		if err == nil {
			rolesData, err = decodeRoles(raw)
		}
		if err != nil {
			rolesErr = fmt.Errorf("decode %s: %w", rolesFile, err)
		}
	})
	return rolesData, rolesErr
}

func decodeRoles(gz []byte) (*roleData, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, err
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	var r rawRoles
	if err := json.Unmarshal(plain, &r); err != nil {
		return nil, err
	}
	d := &roleData{version: r.Version, roles: make(map[string]*PredefinedRole, len(r.Roles))}
	for name, raw := range r.Roles {
		role := &PredefinedRole{Name: name, Title: raw.T, Stage: raw.S, Permissions: make([]string, 0, len(raw.P))}
		at := 0
		for i, delta := range raw.P {
			at += delta
			if delta < 0 || (i > 0 && delta == 0) || at >= len(r.Permissions) {
				return nil, fmt.Errorf("role %s: permission index %d out of range", name, at)
			}
			role.Permissions = append(role.Permissions, r.Permissions[at])
		}
		d.roles[name] = role
		d.names = append(d.names, name)
	}
	sort.Strings(d.names)
	return d, nil
}

// Predefined returns the predefined role name ("roles/…"), or false when the
// embedded copy does not know it. The returned role must not be modified.
func Predefined(name string) (*PredefinedRole, bool) {
	d, err := loadRoles()
	if err != nil {
		return nil, false
	}
	r, ok := d.roles[name]
	return r, ok
}

// PredefinedNames returns the names of every predefined role, sorted.
func PredefinedNames() []string {
	d, err := loadRoles()
	if err != nil {
		return nil
	}
	return append([]string(nil), d.names...)
}

// LoadData decodes the embedded data now and reports whether it is usable;
// lookups report "not found" when it is not.
func LoadData() error {
	if _, err := loadRoles(); err != nil {
		return err
	}
	_, err := loadTags()
	return err
}

// DataVersion names the source of the embedded role data.
func DataVersion() string {
	d, err := loadRoles()
	if err != nil {
		return ""
	}
	return d.version
}

// Tag is a label of the permission tags data set.
type Tag string

// The tags of the embedded permission tags.
const (
	TagPrivEsc            Tag = "PrivEsc"
	TagCredentialExposure Tag = "CredentialExposure"
	TagDataAccess         Tag = "DataAccess"
)

var (
	tagsOnce sync.Once
	tagsData map[string][]Tag
	tagsList map[Tag][]string
	tagsErr  error
)

func loadTags() (map[string][]Tag, error) {
	tagsOnce.Do(func() {
		raw, err := dataFS.ReadFile(tagsFile)
		if err != nil {
			tagsErr = fmt.Errorf("read %s: %w", tagsFile, err)
			return
		}
		var doc struct {
			Tags map[Tag][]string `json:"tags"`
		}
		if err := json.Unmarshal(raw, &doc); err != nil {
			tagsErr = fmt.Errorf("decode %s: %w", tagsFile, err)
			return
		}
		tagsData, tagsList = map[string][]Tag{}, doc.Tags
		tags := make([]Tag, 0, len(doc.Tags))
		for t := range doc.Tags {
			tags = append(tags, t)
		}
		sort.Slice(tags, func(i, j int) bool { return tags[i] < tags[j] })
		for _, t := range tags {
			for _, p := range doc.Tags[t] {
				tagsData[p] = append(tagsData[p], t)
			}
		}
	})
	return tagsData, tagsErr
}

// PermissionTags returns the tags of a permission, sorted (nil when untagged).
func PermissionTags(permission string) []Tag {
	d, err := loadTags()
	if err != nil {
		return nil
	}
	return d[permission]
}

// TaggedPermissions returns the permissions carrying tag, sorted.
func TaggedPermissions(tag Tag) []string {
	if _, err := loadTags(); err != nil {
		return nil
	}
	return append([]string(nil), tagsList[tag]...)
}

// Roles resolves role names to permissions: predefined roles from the
// embedded copy, custom roles ("projects/<p>/roles/<r>",
// "organizations/<n>/roles/<r>") from the collection. The zero value knows
// the predefined roles only.
type Roles struct {
	custom map[string][]string
}

// AddCustom records a custom role and its included permissions.
func (r *Roles) AddCustom(name string, permissions []string) {
	if r.custom == nil {
		r.custom = map[string][]string{}
	}
	p := append([]string(nil), permissions...)
	sort.Strings(p)
	r.custom[name] = p
}

// Permissions returns the permissions of role, sorted, and whether the role
// is known. The returned slice must not be modified.
func (r *Roles) Permissions(role string) ([]string, bool) {
	if strings.HasPrefix(role, "roles/") {
		if p, ok := Predefined(role); ok {
			return p.Permissions, true
		}
		return nil, false
	}
	if r == nil {
		return nil, false
	}
	p, ok := r.custom[role]
	return p, ok
}

// Has reports whether role includes permission (false when the role is unknown).
func (r *Roles) Has(role, permission string) bool {
	perms, _ := r.Permissions(role)
	i := sort.SearchStrings(perms, permission)
	return i < len(perms) && perms[i] == permission
}

// CustomRole is a custom role's definition as the collector stores it
// (graphmodel.DocGCPRole) and the IAM API returns it.
type CustomRole struct {
	// Name is how bindings name the role: projects/<p>/roles/<r> or
	// organizations/<n>/roles/<r>.
	Name                string   `json:"name"`
	Title               string   `json:"title,omitempty"`
	Stage               string   `json:"stage,omitempty"`
	IncludedPermissions []string `json:"includedPermissions"`
}

// ParseCustomRole decodes a custom role definition; it must have a name.
func ParseCustomRole(data []byte) (*CustomRole, error) {
	var r CustomRole
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("custom role: %w", err)
	}
	if r.Name == "" {
		return nil, fmt.Errorf("custom role: no name")
	}
	return &r, nil
}
