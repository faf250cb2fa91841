package aws

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/blastradius/blastradius/graphmodel"
)

// IAMGetCredentialReportOutput is the output of aws iam get-credential-report.
type IAMGetCredentialReportOutput struct {
	// Content is the report, a CSV file, base64-encoded as the CLI prints it.
	Content       string    `json:"Content"`
	ReportFormat  string    `json:"ReportFormat"`
	GeneratedTime Timestamp `json:"GeneratedTime,omitempty"`
}

// rootAccountUser is the user column of the root account's row.
const rootAccountUser = "<root_account>"

// credentialColumns are the columns of the credential report read: the
// user's password and its two access keys, and whether it uses MFA.
// Nothing else of the report is stored, and the report holds no secret.
var credentialColumns = []string{
	"password_enabled", "password_last_used", "password_last_changed", "mfa_active",
	"access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date",
	"access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date",
}

func (c *converter) credentialReports(r *Resources) error {
	for _, o := range r.CredentialReports {
		l := o.loc().field("Content")
		if o.Value.ReportFormat != "" && o.Value.ReportFormat != "text/csv" {
			return o.loc().field("ReportFormat").bad("report format %q, want text/csv", o.Value.ReportFormat)
		}
		data, err := base64.StdEncoding.DecodeString(strings.TrimSpace(o.Value.Content))
		if err != nil {
			return l.bad("not base64: %v", err)
		}
		rows, err := readCredentialReport(data)
		if err != nil {
			return l.bad("credential report: %w", err)
		}
		for _, row := range rows {
			c.credentialRow(row)
		}
	}
	return nil
}

// credentialRow applies one row of the report.
func (c *converter) credentialRow(row map[string]string) {
	if row["user"] == rootAccountUser {
		account := graphmodel.AWSAccountOfARN(row["arn"])
		if !isAccountID(account) {
			return
		}
		c.ensureAccount(account)
		n := c.nodes[graphmodel.AWSAccountScope(account)]
		n.SetProp(graphmodel.PropAWSRootMFAActive, row["mfa_active"])
		n.SetProp(graphmodel.PropAWSRootAccessKeysActive, strconv.FormatBool(activeKeys(row) > 0))
		return
	}
	n, ok := c.nodes[row["arn"]]
	if !ok || n.Kind != graphmodel.KindAWSUser {
		return
	}
	applyCredentialRow(n, row)
}

// applyCredentialRow sets what a credential report row says of user n: its
// password and access keys, its MFA, and that its use is tracked.
func applyCredentialRow(n *graphmodel.Node, row map[string]string) {
	n.SetProp(graphmodel.PropUsageTracked, "true")
	n.SetProp(graphmodel.PropAWSMFAActive, reported(row["mfa_active"]))
	n.Credentials = append(n.Credentials[:0], graphmodel.Credential{
		Kind:          graphmodel.CredentialPassword,
		Active:        row["password_enabled"] == "true",
		LastUsedAt:    reported(row["password_last_used"]),
		LastRotatedAt: reported(row["password_last_changed"]),
	})
	for _, slot := range []string{"1", "2"} {
		active := row["access_key_"+slot+"_active"]
		if reported(active) == "" {
			continue
		}
		n.Credentials = append(n.Credentials, graphmodel.Credential{
			Kind:          graphmodel.CredentialAccessKey,
			ID:            slot,
			Active:        active == "true",
			LastUsedAt:    reported(row["access_key_"+slot+"_last_used_date"]),
			LastRotatedAt: reported(row["access_key_"+slot+"_last_rotated"]),
		})
	}
	if row["password_enabled"] == "false" && activeKeys(row) > 0 {
		nonHuman := true
		n.NonHuman = &nonHuman
	}
}

// activeKeys returns how many of a row's two access keys are active.
func activeKeys(row map[string]string) int {
	keys := 0
	for _, col := range []string{"access_key_1_active", "access_key_2_active"} {
		if row[col] == "true" {
			keys++
		}
	}
	return keys
}

// reported returns a credential report value, "" for the report's markers of
// nothing ("N/A", "no_information", "not_supported").
func reported(v string) string {
	switch v {
	case "N/A", "no_information", "not_supported":
		return ""
	}
	return v
}

// readCredentialReport parses the CSV of a credential report into one map
// per row, keyed by the header's column names; only the columns the
// converter uses are kept.
func readCredentialReport(data []byte) ([]map[string]string, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = 0 // every row as long as the header
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("empty report, expected a header row")
	}
	if err != nil {
		return nil, err
	}
	keep := map[string]bool{"user": true, "arn": true}
	for _, col := range credentialColumns {
		keep[col] = true
	}
	index := map[string]int{}
	for i, name := range header {
		if keep[name] {
			index[name] = i
		}
	}
	for _, required := range []string{"user", "arn"} {
		if _, ok := index[required]; !ok {
			return nil, fmt.Errorf("header row %q has no column %q", strings.Join(header, ","), required)
		}
	}
	var rows []map[string]string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, err
		}
		row := make(map[string]string, len(index))
		for name, i := range index {
			row[name] = rec[i]
		}
		rows = append(rows, row)
	}
}
