package aws

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/blastradius/blastradius/graphmodel"
)

// credentialHeader is the header row of the AWS credential report.
const credentialHeader = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active," +
	"access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service," +
	"access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service," +
	"cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated"

func credentialReport(rows ...string) string {
	csv := credentialHeader + "\n" + strings.Join(rows, "\n") + "\n"
	return `{"Content": "` + base64.StdEncoding.EncodeToString([]byte(csv)) + `", "ReportFormat": "text/csv", "GeneratedTime": "2024-10-01T09:00:00+00:00"}`
}

func TestCredentialReport(t *testing.T) {
	bot := arnIAM + "user/automation/deploy-bot"
	userNode := func(id, name, path, userID, created string, kv ...string) graphmodel.Node {
		n := orgNode(id, graphmodel.KindAWSUser, name, acct, append([]string{"path", path, "user_id", userID, "create_date", created}, kv...)...)
		return n
	}
	tests := []struct {
		name  string
		rows  []string
		nodes []graphmodel.Node
	}{
		{
			name: "service user: no password, two active keys",
			rows: []string{"deploy-bot," + bot + ",2020-06-01T12:00:00+00:00,false,N/A,N/A,N/A,false,true,2020-06-01T12:05:00+00:00,2024-10-01T03:00:00+00:00,us-east-1,cloudformation,true,2023-06-01T12:05:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A"},
			nodes: []graphmodel.Node{func() graphmodel.Node {
				n := userNode(bot, "deploy-bot", "/automation/", "AIDAEXAMPLEDEPLOY001", "2020-06-01T12:00:00+00:00",
					"mfa_active", "false", "usage_tracked", "true")
				n.Credentials = []graphmodel.Credential{
					{Kind: graphmodel.CredentialPassword},
					{Kind: graphmodel.CredentialAccessKey, ID: "1", Active: true, LastRotatedAt: "2020-06-01T12:05:00+00:00", LastUsedAt: "2024-10-01T03:00:00+00:00"},
					{Kind: graphmodel.CredentialAccessKey, ID: "2", Active: true, LastRotatedAt: "2023-06-01T12:05:00+00:00"},
				}
				nonHuman := true
				n.NonHuman = &nonHuman
				return n
			}()},
		},
		{
			name: "person with console and a key; root and an unknown user",
			rows: []string{
				"<root_account>,arn:aws:iam::111111111111:root,2019-01-01T00:00:00+00:00,not_supported,2024-08-01T10:00:00+00:00,not_supported,not_supported,false,false,N/A,N/A,N/A,N/A,true,2019-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A",
				"alice,arn:aws:iam::111111111111:user/alice,2021-03-04T09:15:27+00:00,true,2024-09-30T08:00:00+00:00,2024-01-15T09:00:00+00:00,N/A,true,true,2024-02-01T10:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
				"ghost,arn:aws:iam::111111111111:user/ghost,2019-05-05T05:05:05+00:00,false,N/A,N/A,N/A,false,true,2019-05-05T05:06:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
			},
			nodes: []graphmodel.Node{
				orgNode(acct, graphmodel.KindAWSAccount, "111111111111", "", "root_mfa_active", "false", "root_access_keys_active", "true"),
				withTags(func() graphmodel.Node {
					n := userNode(arnIAM+"user/alice", "alice", "/", "AIDAEXAMPLEALICE0001", "2021-03-04T09:15:27+00:00",
						"mfa_active", "true", "usage_tracked", "true")
					n.Credentials = []graphmodel.Credential{
						{Kind: graphmodel.CredentialPassword, Active: true, LastUsedAt: "2024-09-30T08:00:00+00:00", LastRotatedAt: "2024-01-15T09:00:00+00:00"},
						{Kind: graphmodel.CredentialAccessKey, ID: "1", Active: true, LastRotatedAt: "2024-02-01T10:00:00+00:00"},
						{Kind: graphmodel.CredentialAccessKey, ID: "2"},
					}
					return n
				}(), map[string]string{"team": "platform"}),
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			nodes, edges, gaps := collectAdded(t, map[string]string{"iam-get-credential-report.json": credentialReport(tc.rows...)})
			compareNodes(t, nodes, tc.nodes)
			compareEdges(t, edges, nil)
			if len(gaps) != 0 {
				t.Errorf("gaps: %+v", gaps)
			}
		})
	}
}
