package synth

import (
	"fmt"
	"time"
)

// The output shapes below are those of the AWS CLI for the resources only
// the dense shape writes, in the CLI's key order. The outputs whose items
// carry no region (launch templates, Glue jobs) end with "Region", as
// "blastradius collect aws --save-dir" saves them.

// secretsListOutput is the output of aws secretsmanager list-secrets.
type secretsListOutput struct {
	SecretList []secretEntry `json:"SecretList"`
}

// secretEntry is a secret's metadata; the generator writes no value.
type secretEntry struct {
	ARN              string `json:"ARN"`
	Name             string `json:"Name"`
	Description      string `json:"Description,omitempty"`
	LastChangedDate  string `json:"LastChangedDate"`
	LastAccessedDate string `json:"LastAccessedDate,omitempty"`
	Tags             []tag  `json:"Tags,omitempty"`
	CreatedDate      string `json:"CreatedDate"`
}

// launchTemplatesOutput is the output of aws ec2 describe-launch-templates
// in one region.
type launchTemplatesOutput struct {
	LaunchTemplates []launchTemplate `json:"LaunchTemplates"`
	Region          string           `json:"Region"`
}

type launchTemplate struct {
	LaunchTemplateID     string `json:"LaunchTemplateId"`
	LaunchTemplateName   string `json:"LaunchTemplateName"`
	CreateTime           string `json:"CreateTime"`
	CreatedBy            string `json:"CreatedBy"`
	DefaultVersionNumber int    `json:"DefaultVersionNumber"`
	LatestVersionNumber  int    `json:"LatestVersionNumber"`
	Tags                 []tag  `json:"Tags,omitempty"`
}

// launchTemplateVersionsOutput is the output of aws ec2
// describe-launch-template-versions for one template.
type launchTemplateVersionsOutput struct {
	LaunchTemplateVersions []launchTemplateVersion `json:"LaunchTemplateVersions"`
	Region                 string                  `json:"Region"`
}

type launchTemplateVersion struct {
	LaunchTemplateID   string             `json:"LaunchTemplateId"`
	LaunchTemplateName string             `json:"LaunchTemplateName"`
	VersionNumber      int                `json:"VersionNumber"`
	VersionDescription string             `json:"VersionDescription,omitempty"`
	CreateTime         string             `json:"CreateTime"`
	CreatedBy          string             `json:"CreatedBy"`
	DefaultVersion     bool               `json:"DefaultVersion"`
	LaunchTemplateData launchTemplateData `json:"LaunchTemplateData"`
}

type launchTemplateData struct {
	IamInstanceProfile *launchTemplateProfile `json:"IamInstanceProfile,omitempty"`
	ImageID            string                 `json:"ImageId"`
	InstanceType       string                 `json:"InstanceType"`
	MetadataOptions    launchTemplateMetadata `json:"MetadataOptions"`
}

// launchTemplateProfile names an instance profile by ARN or by name.
type launchTemplateProfile struct {
	Arn  string `json:"Arn,omitempty"`
	Name string `json:"Name,omitempty"`
}

type launchTemplateMetadata struct {
	HTTPTokens              string `json:"HttpTokens"`
	HTTPPutResponseHopLimit int    `json:"HttpPutResponseHopLimit"`
	HTTPEndpoint            string `json:"HttpEndpoint"`
}

// glueJobsOutput is the output of aws glue get-jobs in one region.
type glueJobsOutput struct {
	Jobs   []glueJob `json:"Jobs"`
	Region string    `json:"Region"`
}

type glueJob struct {
	Name              string            `json:"Name"`
	Description       string            `json:"Description,omitempty"`
	Role              string            `json:"Role"`
	CreatedOn         string            `json:"CreatedOn"`
	LastModifiedOn    string            `json:"LastModifiedOn"`
	ExecutionProperty map[string]int    `json:"ExecutionProperty"`
	Command           glueCommand       `json:"Command"`
	DefaultArguments  map[string]string `json:"DefaultArguments"`
	MaxRetries        int               `json:"MaxRetries"`
	Timeout           int               `json:"Timeout"`
	WorkerType        string            `json:"WorkerType"`
	NumberOfWorkers   int               `json:"NumberOfWorkers"`
	GlueVersion       string            `json:"GlueVersion"`
	ExecutionClass    string            `json:"ExecutionClass"`
}

type glueCommand struct {
	Name           string `json:"Name"`
	ScriptLocation string `json:"ScriptLocation"`
	PythonVersion  string `json:"PythonVersion"`
}

// fractionalDate formats t as the CLI prints the dates of the JSON
// protocol services (Secrets Manager, Glue).
func fractionalDate(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000000+00:00")
}

// denseSecret is a secret of the estate, made before the policies that may
// name it and written with the resources.
type denseSecret struct {
	arn, name, region string
	tags              []tag
	created           time.Time
}

var secretPurposes = []string{"db-password", "api-key", "oauth-client", "signing-key", "webhook-token", "service-credentials", "smtp"}

// makeSecrets names the secrets: <app>/<env>/<purpose>, each in a region,
// tagged like the app's resources.
func (db *denseBuilder) makeSecrets() {
	names := newNamer()
	for range db.d.Secrets {
		a := db.apps[db.r.IntN(len(db.apps))]
		env := pick(db.r, envs)
		ri := db.r.IntN(len(regions))
		name := names.name(a.name + "/" + env + "/" + pick(db.r, secretPurposes))
		suffix := make([]byte, 6)
		for i := range suffix {
			suffix[i] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[db.r.IntN(62)]
		}
		db.secrets = append(db.secrets, denseSecret{
			arn:  db.arn("secretsmanager", regions[ri], "secret:"+name+"-"+string(suffix)),
			name: name, region: regions[ri], tags: db.denseTags(a, env), created: dateAfter(db.r, epoch),
		})
	}
}

// writeSecrets turns the secrets into one list-secrets output per region.
func (db *denseBuilder) writeSecrets(e *denseEstate) {
	byRegion := make([][]secretEntry, len(regions))
	for _, s := range db.secrets {
		changed := dateAfter(db.r, s.created)
		entry := secretEntry{
			ARN: s.arn, Name: s.name, LastChangedDate: fractionalDate(changed),
			Tags: s.tags, CreatedDate: fractionalDate(s.created),
		}
		if db.r.IntN(3) > 0 {
			entry.LastAccessedDate = exportTime.Add(-time.Duration(db.r.IntN(30)) * 24 * time.Hour).Truncate(24 * time.Hour).Format("2006-01-02T15:04:05+00:00")
		}
		if db.r.IntN(4) == 0 {
			entry.Description = "Managed by Terraform"
		}
		for i, r := range regions {
			if r == s.region {
				byRegion[i] = append(byRegion[i], entry)
			}
		}
	}
	for _, list := range byRegion {
		if len(list) > 0 {
			e.secrets = append(e.secrets, secretsListOutput{SecretList: list})
		}
	}
}

// retagInstances tags every instance as the dense shape tags resources:
// Name, and team, env, app, classification of the app whose role it runs
// with (a random app's when it has no instance profile).
func (db *denseBuilder) retagInstances(e *estate) {
	roleOf := map[string]*role{}
	for _, r := range db.byKind[kindEC2] {
		for _, p := range r.InstanceProfileList {
			roleOf[p.Arn] = r
		}
	}
	for i := range e.instances {
		for j := range e.instances[i].Reservations {
			res := &e.instances[i].Reservations[j]
			for k := range res.Instances {
				inst := &res.Instances[k]
				a, env := db.apps[db.r.IntN(len(db.apps))], pick(db.r, envs)
				name := fmt.Sprintf("%s-%s-node", a.name, env)
				if inst.IamInstanceProfile != nil {
					if r := roleOf[inst.IamInstanceProfile.Arn]; r != nil {
						a, env, name = r.app, db.envOf[r], r.RoleName
					}
				}
				inst.Tags = append([]tag{{"Name", name}}, db.denseTags(a, env)...)
			}
		}
	}
}

// launchTemplates writes the launch templates, most with an EC2 role's
// instance profile (by ARN or by name), one to three versions each, and
// their versions, one describe-launch-template-versions output per
// template.
func (db *denseBuilder) launchTemplates(e *denseEstate) {
	if db.d.LaunchTemplates == 0 {
		return
	}
	profiles := db.byKind[kindEC2]
	byRegion := make([][]launchTemplate, len(regions))
	names := newNamer()
	for range db.d.LaunchTemplates {
		ri := db.r.IntN(len(regions))
		var prof *role
		if len(profiles) > 0 && db.r.IntN(5) > 0 {
			prof = profiles[db.r.IntN(len(profiles))]
		}
		a, env := db.apps[db.r.IntN(len(db.apps))], pick(db.r, envs)
		if prof != nil {
			a, env = prof.app, db.envOf[prof]
		}
		creator := db.root()
		if len(db.humans) > 0 {
			creator = db.humans[db.r.IntN(len(db.humans))].Arn
		}
		created := dateAfter(db.r, epoch)
		t := launchTemplate{
			LaunchTemplateID:   "lt-" + hexString(db.r, 17),
			LaunchTemplateName: names.name(fmt.Sprintf("%s-%s-%s", a.name, env, pick(db.r, []string{"lt", "workers", "nodes", "batch"}))),
			CreateTime:         cliDate(created), CreatedBy: creator,
			LatestVersionNumber: between(db.r, 1, 3),
			Tags:                db.denseTags(a, env),
		}
		t.DefaultVersionNumber = between(db.r, 1, t.LatestVersionNumber)
		out := launchTemplateVersionsOutput{Region: regions[ri]}
		typ := pick(db.r, instanceTypes)
		at := created
		for v := range t.LatestVersionNumber {
			data := launchTemplateData{
				ImageID: "ami-" + hexString(db.r, 17), InstanceType: typ,
				MetadataOptions: launchTemplateMetadata{HTTPTokens: pick(db.r, []string{"required", "optional"}),
					HTTPPutResponseHopLimit: pick(db.r, []int{1, 2}), HTTPEndpoint: "enabled"},
			}
			if prof != nil {
				p := prof.InstanceProfileList[0]
				data.IamInstanceProfile = &launchTemplateProfile{Arn: p.Arn}
				if db.r.IntN(10) < 3 {
					data.IamInstanceProfile = &launchTemplateProfile{Name: p.InstanceProfileName}
				}
			}
			if v > 0 {
				at = dateAfter(db.r, at)
			}
			out.LaunchTemplateVersions = append(out.LaunchTemplateVersions, launchTemplateVersion{
				LaunchTemplateID: t.LaunchTemplateID, LaunchTemplateName: t.LaunchTemplateName,
				VersionNumber: v + 1, CreateTime: cliDate(at), CreatedBy: creator,
				DefaultVersion: v+1 == t.DefaultVersionNumber, LaunchTemplateData: data,
			})
		}
		byRegion[ri] = append(byRegion[ri], t)
		e.templateVersions = append(e.templateVersions, out)
	}
	for i, list := range byRegion {
		if len(list) > 0 {
			e.templates = append(e.templates, launchTemplatesOutput{LaunchTemplates: list, Region: regions[i]})
		}
	}
}

// glue writes the Glue jobs, each running with a Glue service role (named
// by ARN, or by name as the console saves it), one get-jobs output per
// region.
func (db *denseBuilder) glue(e *denseEstate) {
	if db.d.GlueJobs == 0 {
		return
	}
	roles := db.byKind[kindGlue]
	if len(roles) == 0 {
		roles = db.byKind[kindOtherService]
	}
	if len(roles) == 0 {
		roles = db.roles
	}
	byRegion := make([][]glueJob, len(regions))
	names := newNamer()
	for i := range db.d.GlueJobs {
		r := roles[i%len(roles)]
		a, env := db.apps[0], "prod"
		if r.app != nil {
			a, env = r.app, db.envOf[r]
		}
		ri := db.r.IntN(len(regions))
		name := names.name(fmt.Sprintf("%s-%s-%s", a.name, env, pick(db.r, []string{"etl", "export", "compaction", "ingest", "backfill"})))
		ref := r.Arn
		if db.r.IntN(5) < 2 {
			ref = r.RoleName
		}
		created := dateAfter(db.r, epoch)
		bucket := "aws-glue-assets-" + db.acct + "-" + regions[ri]
		byRegion[ri] = append(byRegion[ri], glueJob{
			Name: name, Role: ref, CreatedOn: fractionalDate(created), LastModifiedOn: fractionalDate(dateAfter(db.r, created)),
			ExecutionProperty: map[string]int{"MaxConcurrentRuns": 1},
			Command:           glueCommand{Name: "glueetl", ScriptLocation: "s3://" + bucket + "/scripts/" + name + ".py", PythonVersion: "3"},
			DefaultArguments: map[string]string{"--enable-metrics": "true", "--job-language": "python",
				"--TempDir": "s3://" + bucket + "/temporary/"},
			Timeout: 2880, WorkerType: pick(db.r, []string{"G.1X", "G.2X"}), NumberOfWorkers: between(db.r, 2, 10),
			GlueVersion: pick(db.r, []string{"3.0", "4.0"}), ExecutionClass: "STANDARD",
		})
	}
	for i, list := range byRegion {
		if len(list) > 0 {
			e.glueJobs = append(e.glueJobs, glueJobsOutput{Jobs: list, Region: regions[i]})
		}
	}
}
