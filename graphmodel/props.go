package graphmodel

// Property keys every provider may set on a node (Node.Properties), the
// typed contract between collectors and the generic analysis. A collector
// sets only the keys that describe what it saw; the analysis reads them and
// never writes a collector's key. Provider-specific keys live beside these,
// one file per provider (props_aws.go, …).
const (
	// PropCreated is when the node was created (RFC 3339 or a date).
	PropCreated = "create_date"
	// PropLastUsed is the node's own most recent use as the provider
	// records it (a role's last assumption), apart from its credentials'.
	PropLastUsed = "last_used"
	// PropUsageTracked is "true" when the source records every use of the
	// node's credentials (the AWS credential report): a credential with no
	// recorded use was never used, so the node is unused since its creation.
	PropUsageTracked = "usage_tracked"
	// PropService and PropType name a resource's service and type in the
	// provider's own words ("s3" and "bucket"); a sensitivity file's types
	// are keyed by them ("s3/bucket").
	PropService = "service"
	PropType    = "type"
	// PropResourceClass is a resource's provider-neutral class (one of the
	// ResourceClass values), which default sensitivities are keyed by.
	PropResourceClass = "resource_class"
	// PropRegion is the region or location a resource lives in.
	PropRegion = "region"
	// PropFederatedSubject is written by analysis, not collectors, on the
	// federated principals it derives: the subject pattern a trust admits
	// ("repo:acme/app:ref:refs/heads/main", "*" for any), which hygiene
	// checks for breadth.
	PropFederatedSubject = "oidc_sub"
	// PropFederatedBroadTrust is written by analysis, not collectors, on a
	// GitHub repository node (GitHubRepoNode) when a trust admits it for
	// any branch or ref, or admits any repository (github:repo:*) or any
	// of an owner's (github:repo:<owner>/*): the trust and the subject it
	// admits ("arn:aws:iam::1:role/deploy admits repo:acme/app:*"). Only
	// such trusts write it, so that merging the nodes several analyses
	// derive keeps it whenever one of them found one. Hygiene reports it
	// (NHI6).
	PropFederatedBroadTrust = "oidc_broad_trust"
)

// ResourceClass is a provider-neutral kind of resource, for the default
// sensitivity ratings: a Secrets Manager secret, a GCP Secret Manager
// secret and a Kubernetes Secret are all ClassSecret.
type ResourceClass string

// The resource classes.
const (
	// ResourceSecret holds secret values (Secrets Manager, Secret Manager,
	// Kubernetes Secrets).
	ResourceSecret ResourceClass = "secret"
	// ResourceEncryptionKey is a key management key (KMS, Cloud KMS).
	ResourceEncryptionKey ResourceClass = "encryption-key"
	// ResourceSecretParameter is a configuration parameter stored encrypted
	// (an SSM SecureString).
	ResourceSecretParameter ResourceClass = "secret-parameter"
	// ResourceParameter is a plain configuration parameter.
	ResourceParameter ResourceClass = "parameter"
	// ResourceDatabase is a managed database server (RDS, Cloud SQL).
	ResourceDatabase ResourceClass = "database"
	// ResourceTable is a managed table store (DynamoDB, BigQuery dataset).
	ResourceTable ResourceClass = "table"
	// ResourceObjectStore is an object storage bucket (S3, Cloud Storage).
	ResourceObjectStore ResourceClass = "object-store"
	// ResourceContainerRegistry is a container image repository.
	ResourceContainerRegistry ResourceClass = "container-registry"
	// ResourceFunction is serverless code (Lambda, Cloud Functions, Cloud Run).
	ResourceFunction ResourceClass = "function"
	// ResourceComputeInstance is a virtual machine or node.
	ResourceComputeInstance ResourceClass = "compute-instance"
	// ResourceQueue is a message queue.
	ResourceQueue ResourceClass = "queue"
	// ResourceTopic is a publish/subscribe topic.
	ResourceTopic ResourceClass = "topic"
)

// ResourceClassOf returns n's resource class ("" when the collector set none).
func (n *Node) ResourceClassOf() ResourceClass { return ResourceClass(n.Prop(PropResourceClass)) }
