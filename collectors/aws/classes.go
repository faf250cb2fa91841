package aws

import "github.com/blastradius/blastradius/graphmodel"

// resourceClasses gives the provider-neutral class of the AWS resource types
// that have one (graphmodel.PropResourceClass), which default sensitivities
// are keyed by. An SSM SecureString parameter is a secret parameter (see
// parameterClass).
var resourceClasses = map[[2]string]graphmodel.ResourceClass{
	{"secretsmanager", "secret"}: graphmodel.ResourceSecret,
	{"kms", "key"}:               graphmodel.ResourceEncryptionKey,
	{"ssm", "parameter"}:         graphmodel.ResourceParameter,
	{"rds", "db"}:                graphmodel.ResourceDatabase,
	{"dynamodb", "table"}:        graphmodel.ResourceTable,
	{"s3", "bucket"}:             graphmodel.ResourceObjectStore,
	{"ecr", "repository"}:        graphmodel.ResourceContainerRegistry,
	{"lambda", "function"}:       graphmodel.ResourceFunction,
	{"ec2", "instance"}:          graphmodel.ResourceComputeInstance,
	{"sqs", "queue"}:             graphmodel.ResourceQueue,
	{"sns", "topic"}:             graphmodel.ResourceTopic,
}

// resourceClass returns the class of a service's resource type ("" when it
// has none).
func resourceClass(service, typ string) graphmodel.ResourceClass {
	return resourceClasses[[2]string{service, typ}]
}

// parameterClass returns the class of an SSM parameter of type t.
func parameterClass(t string) graphmodel.ResourceClass {
	if t == "SecureString" {
		return graphmodel.ResourceSecretParameter
	}
	return graphmodel.ResourceParameter
}

// UpgradeSnapshot brings the AWS nodes of a snapshot written by an earlier
// build to the current model, in place: resources get their resource class,
// and users the credentials and usage tracking that earlier snapshots kept
// as credential-report properties. Nodes already in the current model are
// left as they are, so upgrading twice changes nothing.
func UpgradeSnapshot(snap *graphmodel.Snapshot) {
	for i := range snap.Nodes {
		n := &snap.Nodes[i]
		switch n.Kind {
		case graphmodel.KindAWSResource:
			if n.Prop(graphmodel.PropResourceClass) != "" {
				continue
			}
			class := resourceClass(n.Prop(graphmodel.PropService), n.Prop(graphmodel.PropType))
			if class == graphmodel.ResourceParameter {
				class = parameterClass(n.Prop(graphmodel.PropAWSParameterType))
			}
			n.SetProp(graphmodel.PropResourceClass, string(class))
		case graphmodel.KindAWSUser:
			if len(n.Credentials) > 0 || n.Prop("password_enabled") == "" {
				continue
			}
			row := map[string]string{}
			for _, col := range credentialColumns {
				row[col] = n.Prop(col)
				delete(n.Properties, col)
			}
			delete(n.Properties, "active_access_keys")
			applyCredentialRow(n, row)
		}
	}
}
