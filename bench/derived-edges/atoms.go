package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/blastradius/blastradius/awspolicy"
	"github.com/blastradius/blastradius/graphmodel"
)

// identityDocuments parses the policy documents of the snapshot's nodes
// but resources (whose documents are resource policies); a document that
// does not parse is left out.
func identityDocuments(snap *graphmodel.Snapshot) []*awspolicy.Document {
	var docs []*awspolicy.Document
	for _, n := range snap.Nodes {
		if n.Kind == graphmodel.KindAWSResource {
			continue
		}
		for _, raw := range n.Documents {
			if d, err := awspolicy.Parse(raw); err == nil {
				docs = append(docs, d)
			}
		}
	}
	return docs
}

// atoms counts, for an action and a target kind, the distinct signatures of
// targets over every statement of docs concerning the action.
func atoms(snap *graphmodel.Snapshot, docs []*awspolicy.Document, action string, kind graphmodel.NodeKind) {
	patterns := map[string]bool{}
	keys := map[string]bool{}
	stmts := 0
	for _, d := range docs {
		for i := range d.Statements {
			st := &d.Statements[i]
			if !st.MatchAction(action) {
				continue
			}
			stmts++
			for _, r := range st.Resource.Values {
				patterns[r] = true
			}
			for _, c := range st.Conditions {
				k := strings.ToLower(c.Key)
				if strings.Contains(k, "resourcetag") {
					keys[k] = true
				}
			}
		}
	}
	var plist, klist []string
	for p := range patterns {
		plist = append(plist, p)
	}
	for k := range keys {
		klist = append(klist, k)
	}
	sort.Strings(plist)
	sort.Strings(klist)
	sigs := map[string]int{}
	targets := 0
	for _, n := range snap.Nodes {
		if n.Kind != kind {
			continue
		}
		targets++
		var b strings.Builder
		for _, p := range plist {
			if awspolicy.MatchARN(p, n.ID) {
				b.WriteByte('1')
			} else {
				b.WriteByte('0')
			}
		}
		for _, k := range klist {
			tag := k[strings.Index(k, "/")+1:]
			v := ""
			for tk, tv := range n.Tags {
				if strings.EqualFold(tk, tag) {
					v = tv
				}
			}
			b.WriteString("|" + v)
		}
		sigs[b.String()]++
	}
	fmt.Printf("%s on %s: %d statements, %d patterns, %d tag keys, %d targets, %d atoms\n", action, kind, stmts, len(plist), len(klist), targets, len(sigs))
}

// printAtoms estimates the atoms of the actions the grant, assume, access
// and existing-resource rules decide on.
func printAtoms(snap *graphmodel.Snapshot) {
	docs := identityDocuments(snap)
	for _, a := range []string{"iam:UpdateAssumeRolePolicy", "iam:PutRolePolicy", "sts:AssumeRole", "iam:PassRole"} {
		atoms(snap, docs, a, graphmodel.KindAWSRole)
	}
	for _, a := range []string{"iam:CreateAccessKey", "iam:UpdateLoginProfile"} {
		atoms(snap, docs, a, graphmodel.KindAWSUser)
	}
	atoms(snap, docs, "iam:CreatePolicyVersion", graphmodel.KindAWSManagedPolicy)
	for _, a := range []string{"secretsmanager:GetSecretValue", "lambda:GetFunctionConfiguration", "s3:GetObject", "ec2:CreateLaunchTemplateVersion"} {
		atoms(snap, docs, a, graphmodel.KindAWSResource)
	}
}
