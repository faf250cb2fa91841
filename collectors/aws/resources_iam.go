package aws

import (
	"strings"

	"github.com/blastradius/blastradius/graphmodel"
)

// IAMListOpenIDConnectProvidersOutput is the output of aws iam
// list-open-id-connect-providers.
type IAMListOpenIDConnectProvidersOutput struct {
	OpenIDConnectProviderList []IAMOpenIDConnectProviderListEntry `json:"OpenIDConnectProviderList"`
}

// IAMOpenIDConnectProviderListEntry names an OIDC identity provider.
type IAMOpenIDConnectProviderListEntry struct {
	Arn string `json:"Arn"`
}

// oidcProviderPrefix starts the resource of an OIDC provider ARN.
const oidcProviderPrefix = "oidc-provider/"

func (c *converter) oidcProviders(r *Resources) error {
	for _, o := range r.OIDCProviders {
		for j, p := range o.Value.OpenIDConnectProviderList {
			l := o.loc().in("OpenIDConnectProviderList", j, "", "").field("Arn")
			f, ok := splitARN(p.Arn)
			if !ok || f.Service != "iam" || !strings.HasPrefix(f.Resource, oidcProviderPrefix) || len(f.Resource) == len(oidcProviderPrefix) {
				return l.bad("%q is not the ARN of an OIDC provider (want arn:aws:iam::<account>:oidc-provider/<url>)", p.Arn)
			}
			// The URL as IAM keeps it (GetOpenIDConnectProvider's Url):
			// host and path, without https://, as trust policies name it.
			url := strings.TrimPrefix(f.Resource, oidcProviderPrefix)
			n, err := c.resource(l, resourceSpec{arn: p.Arn, name: url, service: "iam", typ: "oidc-provider"})
			if err != nil {
				return err
			}
			n.SetProp(graphmodel.PropAWSURL, url)
		}
	}
	return nil
}

// IAMListSAMLProvidersOutput is the output of aws iam list-saml-providers.
type IAMListSAMLProvidersOutput struct {
	SAMLProviderList []IAMSAMLProviderListEntry `json:"SAMLProviderList"`
}

// IAMSAMLProviderListEntry is a SAML identity provider. Its metadata
// document (get-saml-provider) is not read: the trust policies name the
// provider by ARN, which the listing gives.
type IAMSAMLProviderListEntry struct {
	Arn        string    `json:"Arn"`
	ValidUntil Timestamp `json:"ValidUntil,omitempty"`
	CreateDate Timestamp `json:"CreateDate,omitempty"`
}

// samlProviderPrefix starts the resource of a SAML provider ARN.
const samlProviderPrefix = "saml-provider/"

// samlProviders records each SAML provider as the federated principal
// that trust policies admit by its ARN (Principal {"Federated": ARN},
// sts:AssumeRoleWithSAML): the users its identity provider signs in. The
// node has the ID and name the analysis gives that principal, so that the
// collected facts and the derived trust meet on one node.
func (c *converter) samlProviders(r *Resources) error {
	for _, o := range r.SAMLProviders {
		for j, p := range o.Value.SAMLProviderList {
			l := o.loc().in("SAMLProviderList", j, "", "").field("Arn")
			f, ok := splitARN(p.Arn)
			if !ok || f.Service != "iam" || f.Region != "" || !isAccountID(f.Account) ||
				!strings.HasPrefix(f.Resource, samlProviderPrefix) || len(f.Resource) == len(samlProviderPrefix) {
				return l.bad("%q is not the ARN of a SAML provider (want arn:aws:iam::<account>:saml-provider/<name>)", p.Arn)
			}
			n, ok := c.nodes[p.Arn]
			if ok && n.Kind != graphmodel.KindAWSFederatedPrincipal {
				return l.bad("%s is already defined as %s at %s", p.Arn, describe(n), c.nodePlace[p.Arn].relativeTo(l))
			}
			if !ok {
				c.ensureAccount(f.Account)
				n = &graphmodel.Node{
					ID: p.Arn, Kind: graphmodel.KindAWSFederatedPrincipal, Provider: graphmodel.KindAWSFederatedPrincipal.Provider(),
					Name: "SAML users of " + p.Arn, Scope: graphmodel.AWSAccountScope(f.Account), Aliases: []string{p.Arn},
				}
				n.SetProp(graphmodel.PropAWSFederation, "saml")
				c.nodes[p.Arn] = n
				c.nodePlace[p.Arn] = l
			}
			n.SetProp(graphmodel.PropCreated, mergeProp(n.Prop(graphmodel.PropCreated), string(p.CreateDate)))
			n.SetProp(graphmodel.PropAWSValidUntil, mergeProp(n.Prop(graphmodel.PropAWSValidUntil), string(p.ValidUntil)))
		}
	}
	return nil
}
