package aws

import "strings"

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
			n.SetProp("url", url)
		}
	}
	return nil
}
