package kubernetes

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"

	"github.com/blastradius/blastradius/internal/atomicfile"
)

// savedList is the shape of a saved List: kubectl's, plus SavedMember.
type savedList struct {
	APIVersion string            `json:"apiVersion"`
	Items      []any             `json:"items"`
	Kind       string            `json:"kind"`
	Metadata   map[string]string `json:"metadata"`
	Saved      *Saved            `json:"blastradius,omitempty"`
}

// WriteList writes inv as a kubectl List, its items in the collector's
// order of kinds, with saved (nil for none) as SavedMember; DecodeList
// and the offline collector read it back to the same inventory. Only
// what the inventory holds is written: never Secret data.
func WriteList(w io.Writer, inv *Inventory, saved *Saved) error {
	l := savedList{APIVersion: "v1", Kind: "List", Metadata: map[string]string{"resourceVersion": ""}, Items: []any{}, Saved: saved}
	add := func(n int, item func(int) any) {
		for i := 0; i < n; i++ {
			l.Items = append(l.Items, item(i))
		}
	}
	add(len(inv.Namespaces), func(i int) any { return &inv.Namespaces[i] })
	add(len(inv.Nodes), func(i int) any { return &inv.Nodes[i] })
	add(len(inv.ClusterRoles), func(i int) any { return &inv.ClusterRoles[i] })
	add(len(inv.ClusterRoleBindings), func(i int) any { return &inv.ClusterRoleBindings[i] })
	add(len(inv.Roles), func(i int) any { return &inv.Roles[i] })
	add(len(inv.RoleBindings), func(i int) any { return &inv.RoleBindings[i] })
	add(len(inv.ServiceAccounts), func(i int) any { return &inv.ServiceAccounts[i] })
	add(len(inv.Secrets), func(i int) any { return &inv.Secrets[i] })
	add(len(inv.ConfigMaps), func(i int) any { return &inv.ConfigMaps[i] })
	add(len(inv.Pods), func(i int) any { return &inv.Pods[i] })
	add(len(inv.Workloads), func(i int) any { return &inv.Workloads[i] })
	if saved != nil && saved.Unlisted == nil {
		for k := range inv.Unlisted {
			saved.Unlisted = append(saved.Unlisted, k)
		}
		sort.Strings(saved.Unlisted)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(l); err != nil {
		return fmt.Errorf("write list: %w", err)
	}
	return nil
}

// SaveList writes the List (see WriteList) to path, replacing it
// atomically, with mode 0600: it describes the cluster.
func SaveList(path string, inv *Inventory, saved *Saved) error {
	var buf bytes.Buffer
	if err := WriteList(&buf, inv, saved); err != nil {
		return err
	}
	return atomicfile.WriteFile(path, buf.Bytes(), 0o600)
}
