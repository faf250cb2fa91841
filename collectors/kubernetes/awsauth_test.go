package kubernetes

import (
	"reflect"
	"strings"
	"testing"
)

func ptr(s string) *string { return &s }

func TestParseAWSAuth(t *testing.T) {
	tests := []struct {
		name     string
		data     AWSAuthData
		roles    []RoleMapping
		users    []UserMapping
		accounts []string
		problems []string
	}{
		{"absent keys", AWSAuthData{}, nil, nil, nil, nil},
		{"empty keys", AWSAuthData{MapRoles: ptr(""), MapUsers: ptr("[]"), MapAccounts: ptr("")},
			[]RoleMapping{}, []UserMapping{}, []string{}, nil},
		{"roles, users and accounts",
			AWSAuthData{
				MapRoles: ptr("- rolearn: arn:aws:iam::111122223333:role/node\n  username: system:node:{{EC2PrivateDNSName}}\n  groups: [system:bootstrappers, system:nodes]\n" +
					"- RoleARN: arn:aws:iam::111122223333:role/admin\n  UserName: admin\n  Groups:\n  - system:masters\n"),
				MapUsers:    ptr("- userarn: arn:aws:iam::111122223333:user/alice\n  username: alice\n"),
				MapAccounts: ptr("- 012345678901\n- \"111122223333\"\n"),
			},
			[]RoleMapping{
				{RoleARN: "arn:aws:iam::111122223333:role/node", Username: "system:node:{{EC2PrivateDNSName}}", Groups: []string{"system:bootstrappers", "system:nodes"}},
				{RoleARN: "arn:aws:iam::111122223333:role/admin", Username: "admin", Groups: []string{"system:masters"}},
			},
			[]UserMapping{{UserARN: "arn:aws:iam::111122223333:user/alice", Username: "alice"}},
			[]string{"012345678901", "111122223333"}, nil},
		{"SSO role", AWSAuthData{MapRoles: ptr("- ssorole:\n    permissionSetName: Admin\n    accountID: \"111122223333\"\n  username: sso-admin\n  groups: [system:masters]\n")},
			[]RoleMapping{{SSORole: &SSORole{PermissionSetName: "Admin", AccountID: "111122223333"}, Username: "sso-admin", Groups: []string{"system:masters"}}},
			nil, nil, nil},
		{"bad YAML", AWSAuthData{MapRoles: ptr("- rolearn: [unclosed\n"), MapAccounts: ptr("a: b\n")},
			nil, nil, nil, []string{"mapRoles: cannot parse YAML", "mapAccounts: unexpected shape"}},
		{"wrong shape", AWSAuthData{MapUsers: ptr("userarn: x\n")}, nil, nil, nil, []string{"mapUsers: unexpected shape"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := ParseAWSAuth(tc.data)
			if !reflect.DeepEqual(a.MapRoles, tc.roles) || !reflect.DeepEqual(a.MapUsers, tc.users) || !reflect.DeepEqual(a.MapAccounts, tc.accounts) {
				t.Errorf("parsed %+v %+v %+v", a.MapRoles, a.MapUsers, a.MapAccounts)
			}
			if len(a.Problems) != len(tc.problems) {
				t.Fatalf("problems %q, want %q", a.Problems, tc.problems)
			}
			for i, p := range tc.problems {
				if !strings.HasPrefix(a.Problems[i], p) {
					t.Errorf("problem %q, want prefix %q", a.Problems[i], p)
				}
			}
		})
	}
}
