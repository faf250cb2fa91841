package k8srbac

import (
	"reflect"
	"testing"
)

func TestEKSAccessBindings(t *testing.T) {
	const entry = "arn:aws:iam::111122223333:role/ci"
	const user = "arn:aws:sts::111122223333:assumed-role/ci/{{SessionName}}"
	crbs, rbs, unknown := EKSAccessBindings(entry, user, []string{
		EKSClusterAdminPolicy + "@cluster",
		EKSAccessPolicyPrefix + "AmazonEKSEditPolicy@namespace:team-b,team-a",
		EKSAccessPolicyPrefix + "AmazonEKSBlockStoragePolicy@cluster",
		"arn:aws:iam::aws:policy/AdministratorAccess@cluster",
	})
	if len(crbs) != 1 || crbs[0].RoleRef.Name != EKSAccessRolePrefix+"AmazonEKSClusterAdminPolicy" ||
		crbs[0].Name != EKSAccessBindingPrefix+entry+":AmazonEKSClusterAdminPolicy" ||
		!reflect.DeepEqual(crbs[0].Subjects, []Subject{{Kind: KindUser, APIGroup: GroupName, Name: user}}) {
		t.Errorf("cluster bindings = %+v", crbs)
	}
	if len(rbs) != 2 || rbs[0].Namespace != "team-a" || rbs[1].Namespace != "team-b" || rbs[0].RoleRef.Name != "edit" {
		t.Errorf("namespace bindings = %+v", rbs)
	}
	if len(unknown) != 2 {
		t.Errorf("unknown = %v", unknown)
	}

	// The bindings decide as the access policies do: the cluster admin
	// policy allows everything everywhere, a namespace-scoped policy only
	// in its namespaces.
	o := fixture()
	o.ClusterRoles = append(o.ClusterRoles, EKSAccessPolicyRoles()...)
	_, nsBindings, _ := EKSAccessBindings("arn:aws:iam::111122223333:role/dev", "dev-user",
		[]string{EKSAccessPolicyPrefix + "AmazonEKSEditPolicy@namespace:dev"})
	o.ClusterRoleBindings = append(o.ClusterRoleBindings, crbs...)
	o.RoleBindings = append(o.RoleBindings, nsBindings...)
	p := NewPolicy(o)
	admin := AuthenticatedUser(user)
	if ok, _ := p.Allows(admin, "escalate", GroupName, "clusterroles", "", "", "anything"); !ok {
		t.Error("the cluster admin policy does not allow escalate")
	}
	if ok, _ := p.Authorize(admin, NonResourceRequest("get", "/metrics")); !ok {
		t.Error("the cluster admin policy does not allow non-resource URLs")
	}
	dev := AuthenticatedUser("dev-user")
	if ok, ev := p.Allows(dev, "create", "", "pods", "exec", "dev", "web"); !ok || ev[0].Binding.Kind != KindRoleBinding {
		t.Errorf("edit in dev: %v %v", ok, ev)
	}
	if ok, _ := p.Allows(dev, "create", "", "pods", "exec", "prod", "web"); ok {
		t.Error("a namespace-scoped access policy grants outside its namespace")
	}
	for _, is := range p.Issues() {
		if is.Object.Name == EKSAccessBindingPrefix+"arn:aws:iam::111122223333:role/dev:AmazonEKSEditPolicy" {
			t.Errorf("issue on the synthetic binding: %v", is)
		}
	}
}

func TestPodCreatingRequests(t *testing.T) {
	reqs := PodCreatingRequests("dev")
	if len(reqs) != 1+3*len(PodWorkloads) || reqs[0] != ResourceRequest("create", "", "pods", "", "dev", "") {
		t.Fatalf("requests = %v", reqs)
	}
	edit := PolicyRule{Verbs: []string{"patch"}, APIGroups: []string{"apps"}, Resources: []string{"daemonsets"}}
	n := 0
	for _, r := range reqs {
		if r.Namespace != "dev" {
			t.Errorf("%v is not in dev", r)
		}
		if edit.Allows(r) {
			n++
		}
	}
	if n != 1 {
		t.Errorf("patch daemonsets allows %d of the requests, want 1", n)
	}
}
