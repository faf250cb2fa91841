package kubernetes

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"testing"
)

// secretValues are values of the fixture that no output may hold: Secret
// data and stringData (encoded and decoded), a Secret's data copied into
// kubectl's last-applied annotation, a ConfigMap other than aws-auth,
// container environment.
var secretValues = []string{
	"c3VwZXItc2VjcmV0LXBhc3N3b3JkLTQyCg==",
	"c3VwZXItc2VjcmV0LXBhc3N3b3JkLTQy",
	"hunter2-plaintext-password",
	"LS0tLS1CRUdJTi1DRVJU",
	"eyJhdXRocyI6e319",
	"configmap-plaintext-password",
	"env-plaintext-api-key",
	"statefulset-plaintext-password",
	"last-applied-configuration",
	"Corefile",
}

// TestSecretValuesNeverKept checks that the fixture holds the secret
// values and that neither the inventory read from it, nor the fragment,
// nor the encoded snapshot, nor a saved List does.
func TestSecretValuesNeverKept(t *testing.T) {
	input, err := os.ReadFile("testdata/cluster.json")
	if err != nil {
		t.Fatal(err)
	}
	// The data decoded must not appear either.
	const decoded = "super-secret-password-42"
	if dec, _ := base64.StdEncoding.DecodeString(secretValues[0]); !bytes.Contains(dec, []byte(decoded)) {
		t.Fatal("the fixture's secret does not decode to the value checked")
	}
	for _, v := range secretValues {
		if !bytes.Contains(input, []byte(v)) {
			t.Fatalf("the fixture lacks %q: the test would prove nothing", v)
		}
	}
	inv, _, err := DecodeList("cluster.json", input)
	if err != nil {
		t.Fatal(err)
	}
	invJSON, err := json.Marshal(inv)
	if err != nil {
		t.Fatal(err)
	}
	frag := collectFixture(t)
	fragJSON, err := json.Marshal(frag)
	if err != nil {
		t.Fatal(err)
	}
	var saved bytes.Buffer
	if err := WriteList(&saved, inv, &Saved{Cluster: "prod-eu"}); err != nil {
		t.Fatal(err)
	}
	outputs := map[string][]byte{
		"inventory": invJSON, "fragment": fragJSON, "snapshot": encode(t, frag), "saved List": saved.Bytes(),
	}
	for name, out := range outputs {
		for _, v := range append(secretValues, decoded) {
			if bytes.Contains(out, []byte(v)) {
				t.Errorf("the %s holds %q", name, v)
			}
		}
	}
	// The Secrets themselves are kept, as metadata and type.
	if len(inv.Secrets) != 3 || inv.Secrets[0].Type == "" {
		t.Errorf("secrets = %+v", inv.Secrets)
	}
}

// TestSecretDataDroppedOnRead decodes Secrets whose data takes every
// shape the API allows, and a few it does not, and finds none of it in
// what was decoded.
func TestSecretDataDroppedOnRead(t *testing.T) {
	input := `{"kind": "List", "items": [
	  {"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
	   "metadata": {"name": "a", "namespace": "n", "annotations": {"note": "TOPSECRET-annotation"}},
	   "data": {"k": "VE9QU0VDUkVULWRhdGE="}, "stringData": {"k": "TOPSECRET-stringData"}},
	  {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "b", "namespace": "n"},
	   "data": null, "stringData": {"nested": {"deep": "TOPSECRET-nested"}}, "immutable": true},
	  {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "c", "namespace": "n"}, "data": ["TOPSECRET-array"]}
	]}`
	inv, _, err := DecodeList("s.json", []byte(input))
	if err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(inv)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte("TOPSECRET")) || bytes.Contains(out, []byte("VE9QU0VDUkVU")) {
		t.Errorf("decoded secrets hold their data: %s", out)
	}
	frag, err := Convert(inv, "c", "s.json")
	if err != nil {
		t.Fatal(err)
	}
	if got := encode(t, frag); bytes.Contains(got, []byte("TOPSECRET")) || bytes.Contains(got, []byte("VE9QU0VDUkVU")) {
		t.Errorf("the snapshot holds secret data")
	}
	if len(inv.Secrets) != 3 {
		t.Errorf("%d secrets, want 3", len(inv.Secrets))
	}
}
