package kubernetes

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/blastradius/blastradius/internal/badinput"
)

func TestDecodeListBadInput(t *testing.T) {
	tests := []struct {
		name, input string
		// want are substrings of the error; every error names list.json.
		want []string
	}{
		{"empty", "", []string{"empty input"}},
		{"not JSON", "apiVersion: v1\nkind: List\n", []string{"line 1, column 1", "not JSON", "-o json"}},
		{"a JSON array", `[{"kind": "Pod"}]`, []string{"line 1, column 1", "JSON array, not an object"}},
		{"truncated", "{\"apiVersion\": \"v1\", \"items\": [\n  {\"kind\": \"Namespace\", \"metadata\": {\"na", []string{"line 2", "truncated"}},
		{"truncated after items", `{"apiVersion": "v1", "items": []`, []string{"truncated"}},
		{"no kind", `{"apiVersion": "v1", "items": []}`, []string{"no kind"}},
		{"not a List", `{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x"}}`, []string{"line 1, column 30", `kind is "Pod"`}},
		{"a list of an unknown kind", `{"kind": "ServiceList", "items": []}`, []string{`kind is "ServiceList"`}},
		{"wrong kind of item", "{\"kind\": \"List\", \"items\": [\n  {\"apiVersion\": \"v1\", \"kind\": \"Service\", \"metadata\": {\"name\": \"web\", \"namespace\": \"dev\"}}]}",
			[]string{"line 2, column 3 (items[0])", "kind Service (apiVersion v1) is not one the collector reads", "clusterroles"}},
		{"kind of another group", `{"kind": "List", "items": [{"apiVersion": "example.com/v1", "kind": "Role", "metadata": {"name": "r", "namespace": "d"}}]}`,
			[]string{"items[0]", "kind Role (apiVersion example.com/v1)"}},
		{"item without kind", `{"kind": "List", "items": [{"metadata": {"name": "x"}}]}`, []string{"items[0]", "no kind"}},
		{"item not an object", `{"kind": "List", "items": [{"kind": "Namespace", "metadata": {"name": "a"}}, "b"]}`, []string{"items[1]", "string"}},
		{"items not an array", `{"kind": "List", "items": {}}`, []string{"items"}},
		{"item without name", `{"kind": "List", "items": [{"kind": "Namespace", "apiVersion": "v1", "metadata": {}}]}`, []string{"items[0] (Namespace)", "metadata.name is empty"}},
		{"namespaced item without namespace", `{"kind": "List", "items": [{"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "web"}}]}`,
			[]string{"items[0] (Pod web)", "metadata.namespace is empty"}},
		{"field of the wrong type", "{\"kind\": \"List\", \"items\": [\n{\"kind\": \"ClusterRole\", \"apiVersion\": \"rbac.authorization.k8s.io/v1\", \"metadata\": {\"name\": \"r\"},\n \"rules\": [{\"verbs\": \"get\"}]}]}",
			[]string{"line 3", "items[0] (ClusterRole r) rules.verbs", "expected []string"}},
		{"kind of another list", `{"kind": "PodList", "items": [{"kind": "Namespace", "metadata": {"name": "a"}}]}`, []string{"kind Namespace in a list of pods"}},
		{"two values", `{"kind": "List", "items": []} {"kind": "List"}`, []string{"data after the List"}},
		{"saved gap without reason", `{"kind": "List", "items": [], "blastradius": {"gaps": [{"what": "list secrets"}]}}`, []string{"blastradius.gaps[0]"}},
		{"saved unlisted kind unknown", `{"kind": "List", "items": [], "blastradius": {"unlisted": ["Service"]}}`, []string{"blastradius.unlisted"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := DecodeList("list.json", []byte(tc.input))
			if err == nil {
				t.Fatal("want an error")
			}
			var b *badinput.Error
			if !errors.As(err, &b) {
				t.Fatalf("error %v (%T) is not bad input", err, err)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "list.json: ") {
				t.Errorf("error %q does not name the file first", msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q lacks %q", msg, w)
				}
			}
		})
	}
}

func TestDecodeListAccepts(t *testing.T) {
	tests := []struct {
		name, input string
		check       func(*Inventory) bool
	}{
		{"empty List", `{"apiVersion": "v1", "kind": "List", "items": [], "metadata": {"resourceVersion": ""}}`,
			func(inv *Inventory) bool { return len(inv.Pods) == 0 }},
		{"items null", `{"kind": "List", "items": null}`, func(inv *Inventory) bool { return true }},
		{"kind after items, as kubectl sorts keys", `{"items": [{"kind": "Namespace", "apiVersion": "v1", "metadata": {"name": "a"}}], "kind": "List"}`,
			func(inv *Inventory) bool { return len(inv.Namespaces) == 1 }},
		{"an API list of one kind, items without kind", `{"kind": "PodList", "apiVersion": "v1", "items": [{"metadata": {"name": "p", "namespace": "d"}, "spec": {}}]}`,
			func(inv *Inventory) bool {
				return len(inv.Pods) == 1 && inv.Pods[0].Kind == "Pod" && inv.Pods[0].APIVersion == "v1"
			}},
		{"an older apiVersion of a known group", `{"kind": "List", "items": [{"apiVersion": "batch/v1beta1", "kind": "CronJob", "metadata": {"name": "c", "namespace": "d"}}]}`,
			func(inv *Inventory) bool { return len(inv.Workloads) == 1 && inv.Workloads[0].APIVersion == "batch/v1" }},
		{"ConfigMaps other than aws-auth are dropped", `{"kind": "List", "items": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "d"}, "data": {"k": "v"}},
			{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "aws-auth", "namespace": "kube-system"}, "data": {"mapRoles": ""}}]}`,
			func(inv *Inventory) bool {
				return len(inv.ConfigMaps) == 1 && inv.ConfigMaps[0].Metadata.Name == "aws-auth"
			}},
		{"unknown fields ignored", `{"kind": "List", "extra": [1, {"a": null}], "items": [{"kind": "Node", "apiVersion": "v1", "metadata": {"name": "n"}, "spec": {"taints": []}}]}`,
			func(inv *Inventory) bool { return len(inv.Nodes) == 1 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inv, _, err := DecodeList("list.json", []byte(tc.input))
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(inv) {
				t.Errorf("unexpected inventory %+v", inv)
			}
		})
	}
}

func TestOfflineBadFileNamesFile(t *testing.T) {
	_, err := NewOffline([]string{"testdata/cluster.json", "testdata/truncated.json"}, "c").Collect(context.Background())
	if !badinput.Is(err) || !strings.HasPrefix(err.Error(), "testdata/truncated.json: line ") {
		t.Fatalf("error %v: want bad input naming testdata/truncated.json and a line", err)
	}
	_, err = NewOffline([]string{"testdata/missing.json"}, "c").Collect(context.Background())
	if err == nil || badinput.Is(err) || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a missing file: %v", err)
	}
}
