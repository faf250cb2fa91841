package synth

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
)

// denseStream separates the dense generator's stream from the standard
// shape's, so that one seed gives unrelated accounts of the two shapes.
const denseStream = 0x64656e7365 // "dense"

// route is how a principal comes to hold a wildcard grant.
type route int

const (
	routeNone    route = iota
	routeManaged       // a customer-managed policy attached to it
	routeInline        // one of its inline policies
	routeGroup         // a group it belongs to
)

// Classes of principals that share standard policy sets: the role kinds,
// and two kinds of users.
const (
	classHumanUser   = int(kindServiceLinked) + 1
	classServiceUser = int(kindServiceLinked) + 2
	classCount       = classServiceUser + 1
)

// densePrincipal is a role or user of the dense estate with what the
// generator decided for it.
type densePrincipal struct {
	principal
	class     int
	app       *app
	env, team string
	admin     bool
	iam, sts  []route // how it holds an IAM write wildcard, sts:* (none when empty)
	template  []*policy
	combo     string // its combination of attached managed policies
}

// denseEstate is a generated dense account before it is written.
type denseEstate struct {
	estate
	secrets          []secretsListOutput
	templates        []launchTemplatesOutput
	templateVersions []launchTemplateVersionsOutput
	glueJobs         []glueJobsOutput
}

// denseBuilder generates one dense estate with the machinery of builder
// (names, policies, roles, users, resources, rendering).
type denseBuilder struct {
	*builder
	d DenseSpec

	principals []*densePrincipal // roles in creation order, then users
	harmless   []*policy         // customer-managed policies of ordinary rights
	iamPols    []*policy         // customer-managed policies holding an IAM write wildcard
	stsPols    []*policy         // customer-managed policies holding sts:*
	iamGroups  []*group          // groups whose policies hold an IAM write wildcard
	stsGroups  []*group          // groups whose policies hold sts:*
	teamGrps   []*group          // team and maintainers groups
	secrets    []denseSecret     // generated before the policies that name them
	combos     map[string]int    // principals per combination of managed policies
	sum        DenseSummary
}

// buildDense generates the whole dense estate and its summary.
func buildDense(d DenseSpec) (*denseEstate, DenseSummary, error) {
	if err := d.Validate(); err != nil {
		return nil, DenseSummary{}, fmt.Errorf("synth: invalid dense spec: %w", err)
	}
	if d.Account == "" {
		d.Account = DefaultAccount
	}
	b := newBuilder(Spec{
		Seed: d.Seed, Account: d.Account, Roles: d.Roles, Users: d.Users, Groups: d.Groups,
		ManagedPolicies: d.ManagedPolicies, Functions: d.Functions, Instances: d.Instances, Buckets: d.Buckets,
		BucketPolicyPercent: d.BucketPolicyPercent, ExternalAccounts: d.ExternalAccounts,
		Indent: d.Indent, ObjectDocuments: d.ObjectDocuments,
	})
	b.r = rand.New(rand.NewPCG(uint64(d.Seed), denseStream))
	db := &denseBuilder{builder: b, d: d, combos: map[string]int{}}

	b.externalAccounts()
	b.makeApps()
	b.makeBuckets()
	b.wellKnown()
	db.wellKnownDense()
	db.makeSecrets()
	db.makeRoles()
	db.makeGroups()
	db.makeUsers()
	db.customerPolicies()
	db.chooseHolders()
	db.attachManaged()
	db.inlines()
	db.groupPolicies()
	db.boundaries()
	db.trusts()
	db.denyAndTag()

	e := &denseEstate{}
	b.resources(&e.estate)
	db.retagInstances(&e.estate)
	db.writeSecrets(e)
	db.launchTemplates(e)
	db.glue(e)
	b.finish(&e.estate)
	db.summarize()
	return e, db.sum, nil
}

// Tag keys and values the dense shape tags resources and principals with,
// and that its aws:ResourceTag conditions test.
var classifications = []string{"public", "internal", "confidential", "restricted"}

// denseTags returns the tags of a resource or principal of app a in env.
func (db *denseBuilder) denseTags(a *app, env string) []tag {
	t := []tag{{"team", a.team}, {"env", env}}
	if db.r.IntN(4) > 0 {
		t = append(t, tag{"app", a.name})
	}
	if db.r.IntN(5) < 2 {
		t = append(t, tag{"classification", pick(db.r, classifications)})
	}
	return t
}

func (db *denseBuilder) makeRoles() {
	trusting, external, human, ci, linked := db.d.denseRoleCounts()
	kinds := make([]roleKind, 0, db.d.Roles)
	add := func(k roleKind, n int) {
		for range n {
			kinds = append(kinds, k)
		}
	}
	add(kindChain, trusting)
	add(kindCrossAccount, external)
	add(kindHuman, human)
	add(kindCI, ci)
	db.createRoles(kinds, db.d.Roles-linked, linked)
	for _, r := range db.roles {
		dp := &densePrincipal{principal: principal{role: r}, class: int(r.kind), app: r.app, env: db.envOf[r]}
		if r.kind == kindServiceLinked {
			db.principals = append(db.principals, dp)
			continue
		}
		dp.team = r.app.team
		r.Tags = nil
		if db.r.IntN(100) < 85 {
			r.Tags = db.denseTags(r.app, dp.env)
		}
		db.principals = append(db.principals, dp)
	}
}

// Groups of the dense shape besides the team groups.
var (
	denseBaseGroups = []string{gDevs, gReadOnly, gAudit, gBilling}
	iamGroupNames   = []string{"iam-operators", "platform-admins", "identity-admins", "cloud-engineering", "access-managers"}
	stsGroupNames   = []string{"cross-account-operators", "assume-anything", "incident-responders", "multi-account-ops"}
)

func (db *denseBuilder) makeGroups() {
	nIAM, nSTS := 0, 0
	if db.d.IAMWritePercent > 0 {
		nIAM = max(1, db.d.Groups/25)
	}
	if db.d.STSWildcardPercent > 0 {
		nSTS = max(1, db.d.Groups/50)
	}
	names := append([]string(nil), denseBaseGroups...)
	for i := range nIAM {
		names = append(names, iamGroupNames[i%len(iamGroupNames)])
	}
	for i := range nSTS {
		names = append(names, stsGroupNames[i%len(stsGroupNames)])
	}
	for i := 0; len(names) < db.d.Groups; i++ {
		if i < len(teams) {
			names = append(names, "team-"+teams[i])
		} else {
			names = append(names, db.apps[(i-len(teams))%len(db.apps)].name+"-maintainers")
		}
	}
	for i, name := range names[:db.d.Groups] {
		name = db.groupNames.name(name)
		path := "/"
		switch {
		case i >= len(denseBaseGroups)+nIAM+nSTS:
			path = "/teams/"
		case i >= len(denseBaseGroups):
			path = "/ops/"
		}
		g := &group{
			Path: path, GroupName: name, GroupID: uniqueID(db.r, "AGPA"),
			Arn: db.iamARN("group", path, name), CreateDate: cliDate(dateAfter(db.r, epoch)),
		}
		db.groups = append(db.groups, g)
		db.groupBy[name] = g
		switch {
		case i >= len(denseBaseGroups)+nIAM+nSTS:
			db.teamGrps = append(db.teamGrps, g)
		case i >= len(denseBaseGroups)+nIAM:
			db.stsGroups = append(db.stsGroups, g)
		case i >= len(denseBaseGroups):
			db.iamGroups = append(db.iamGroups, g)
		}
	}
}

func (db *denseBuilder) makeUsers() {
	paths := []string{"/", "/engineering/", "/data/", "/ops/", "/contractors/"}
	for i := range db.d.Users {
		var dp *densePrincipal
		if i%7 == 6 { // one user in seven is a service user
			a := db.apps[db.r.IntN(len(db.apps))]
			name := db.userNames.name(fmt.Sprintf("svc-%s-%s", a.name, pick(db.r, []string{"uploader", "exporter", "sync", "reporting", "backup", "etl"})))
			if db.r.IntN(3) == 0 {
				name = db.userNames.name(fmt.Sprintf("ci-%s-%s", pick(db.r, []string{"jenkins", "gitlab", "circleci", "buildkite"}), a.name))
			}
			u := db.newUser("/service-accounts/", name)
			u.Tags = []tag{{"team", a.team}, {"app", a.name}, {"env", "prod"}, {"purpose", "automation"}}
			u.extra = map[string]string{"app": a.name, "team": a.team}
			db.services = append(db.services, u)
			if strings.HasPrefix(name, "ci-") {
				db.deployer = append(db.deployer, u)
			}
			dp = &densePrincipal{principal: principal{user: u}, class: classServiceUser, app: a, env: "prod", team: a.team}
		} else {
			name := db.userNames.name(pick(db.r, firstNames) + "." + pick(db.r, lastNames))
			u := db.newUser(pick(db.r, paths), name)
			team := pick(db.r, teams)
			if len(db.teamGrps) > 0 {
				g := db.teamGrps[db.r.IntN(len(db.teamGrps))]
				team = db.groupTeam(g)
				db.join(u, g)
			}
			u.Tags = []tag{{"team", team}}
			if db.r.IntN(2) == 0 {
				u.Tags = append(u.Tags, tag{"cost-center", fmt.Sprintf("cc-%04d", 1000+db.r.IntN(40))})
			}
			if db.r.IntN(4) == 0 {
				u.Tags = append(u.Tags, tag{"classification", pick(db.r, classifications[1:])})
			}
			u.extra = map[string]string{"team": team}
			db.humans = append(db.humans, u)
			apps := db.appsOf(team)
			dp = &densePrincipal{principal: principal{user: u}, class: classHumanUser,
				app: apps[db.r.IntN(len(apps))], env: pick(db.r, envs), team: team}
		}
		db.users = append(db.users, dp.user)
		db.principals = append(db.principals, dp)
	}
}

// customerPolicies creates the customer-managed policies beyond the
// well-known ones: the IAM-write and sts ones, then ordinary policies of
// one to three permission families, spread over the apps.
func (db *denseBuilder) customerPolicies() {
	nIAM, nSTS := db.d.dangerousPolicies()
	for i := range nIAM {
		a := db.apps[db.r.IntN(len(db.apps))]
		name := db.policyNames.name(fmt.Sprintf("%s-%s", pick(db.r, []string{a.team, a.name, "platform", "automation"}),
			pick(db.r, []string{"iam-admin", "iam-automation", "identity-management", "provisioning", "bootstrap"})))
		ss := db.statements(a, pick(db.r, envs), between(db.r, 1, 2))
		ss = insertAt(db.r, ss, iamWildcard(db.r, i))
		db.iamPols = append(db.iamPols, db.newPolicy(name, pick(db.r, []string{"/", "/platform/", "/ops/"}), "", []doc{newDoc(ss...)}))
	}
	for i := range nSTS {
		a := db.apps[db.r.IntN(len(db.apps))]
		name := db.policyNames.name(fmt.Sprintf("%s-%s", pick(db.r, []string{a.team, a.name, "ops"}),
			pick(db.r, []string{"assume-any-role", "cross-account", "sts-access", "federation"})))
		ss := db.statements(a, pick(db.r, envs), between(db.r, 1, 2))
		ss = insertAt(db.r, ss, stsWildcard(db.r, i))
		db.stsPols = append(db.stsPols, db.newPolicy(name, pick(db.r, []string{"/", "/ops/"}), "", []doc{newDoc(ss...)}))
	}
	kinds := []string{"access", "runtime", "data", "read", "write", "service", "app", "ops", "integration"}
	for i := 0; len(db.policies) < db.d.ManagedPolicies; i++ {
		a := db.apps[i%len(db.apps)]
		env := pick(db.r, envs)
		ss := db.statements(a, env, pick(db.r, []int{1, 2, 2, 3, 3, 4}))
		path := pick(db.r, []string{"/", "/", "/app/", "/" + a.team + "/"})
		name := db.policyNames.name(fmt.Sprintf("%s-%s-%s", a.name, env, pick(db.r, kinds)))
		p := db.newPolicy(name, path, "", db.versions(ss))
		a.policies = append(a.policies, p)
		db.harmless = append(db.harmless, p)
	}
}

// chooseHolders picks the administrators, the holders of the wildcards
// with the route each takes, and the principals that share a standard
// policy set.
func (db *denseBuilder) chooseHolders() {
	p := db.d.Principals()
	nr := int(float64(db.d.Admins)*float64(db.d.Roles)/float64(p) + 0.5)
	nr = min(nr, db.d.Roles-len(db.byKind[kindServiceLinked]))
	nu := min(db.d.Admins-nr, db.d.Users)
	nr = db.d.Admins - nu
	byARN := make(map[string]*densePrincipal, len(db.principals))
	for _, dp := range db.principals {
		byARN[dp.arn()] = dp
	}
	admins := append(db.builder.choose(nr, rolesOf(db.byKind[kindHuman], db.byKind[kindCI], db.byKind[kindChain])),
		db.builder.choose(nu, usersOf(db.humans))...)
	for _, a := range admins {
		byARN[a.arn()].admin = true
	}
	var eligible []*densePrincipal
	for _, dp := range db.principals {
		if !dp.admin && dp.class != int(kindServiceLinked) {
			eligible = append(eligible, dp)
		}
	}
	pickRoutes := func(n int, groups []*group, set func(*densePrincipal, []route)) {
		pool := append([]*densePrincipal(nil), eligible...)
		db.r.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
		for _, dp := range pool[:min(n, len(pool))] {
			var rs []route
			switch w := db.r.IntN(100); {
			case dp.user != nil && len(groups) > 0 && w < 25:
				rs = []route{routeGroup}
			case w < 60:
				rs = []route{routeManaged}
			default:
				rs = []route{routeInline}
			}
			if db.r.IntN(10) == 0 { // a second way to the same right
				if rs[0] == routeInline {
					rs = append(rs, routeManaged)
				} else {
					rs = append(rs, routeInline)
				}
			}
			set(dp, rs)
		}
	}
	pickRoutes(max(0, planted(db.d.IAMWritePercent, p)-db.d.Admins), db.iamGroups, func(dp *densePrincipal, rs []route) { dp.iam = rs })
	pickRoutes(max(0, planted(db.d.STSWildcardPercent, p)-db.d.Admins), db.stsGroups, func(dp *densePrincipal, rs []route) { dp.sts = rs })
	db.chooseShared(eligible)
}

// chooseShared picks the principals that share a standard set of managed
// policies: P minus the distinct combinations the spec asks for are
// redundant, spread over the classes in proportion to their size; each
// class shares ceil(r/15) standard sets among its r redundant principals
// plus one per set.
func (db *denseBuilder) chooseShared(eligible []*densePrincipal) {
	p := db.d.Principals()
	redundant := p - planted(db.d.DistinctPolicySetPercent, p)
	var byClass [classCount][]*densePrincipal
	for _, dp := range eligible {
		if slices.Contains(dp.iam, routeManaged) || slices.Contains(dp.sts, routeManaged) {
			continue // its wildcard policy makes its set its own
		}
		byClass[dp.class] = append(byClass[dp.class], dp)
	}
	total := 0
	for _, c := range byClass {
		total += len(c)
	}
	if total == 0 || redundant <= 0 {
		return
	}
	// Largest remainders, ties to the lower class.
	var quota [classCount]int
	var rest [classCount]float64
	given := 0
	for c := range byClass {
		exact := float64(redundant) * float64(len(byClass[c])) / float64(total)
		quota[c] = int(exact)
		rest[c] = exact - float64(quota[c])
		given += quota[c]
	}
	for ; given < redundant; given++ {
		best := -1
		for c := range rest {
			if len(byClass[c]) > 0 && (best < 0 || rest[c] > rest[best]) {
				best = c
			}
		}
		if best < 0 {
			break
		}
		quota[best]++
		rest[best] = -1
	}
	for c, members := range byClass {
		r := quota[c]
		sets := (r + 14) / 15
		for r > 0 && r+sets > len(members) {
			r--
			sets = (r + 14) / 15
		}
		if r == 0 {
			continue
		}
		db.r.Shuffle(len(members), func(i, j int) { members[i], members[j] = members[j], members[i] })
		standard := make([][]*policy, sets)
		for i := range standard {
			standard[i] = db.standardSet(members[i])
		}
		for i, dp := range members[:r+sets] {
			if i < 2*sets {
				dp.template = standard[i%sets]
			} else {
				dp.template = standard[db.r.IntN(sets)]
			}
		}
	}
}

// standardSet returns a new standard set of managed policies for the
// class of dp: its base policy and one or two customer-managed policies.
func (db *denseBuilder) standardSet(dp *densePrincipal) []*policy {
	for tries := 0; ; tries++ {
		set := db.basePolicies(dp)
		for range between(db.r, 1, 2) {
			set = appendNew(set, db.harmlessFor(dp))
		}
		key := comboKey(set)
		if db.combos[key] == 0 {
			db.combos[key] = -1 // reserved; counted when attached
			return set
		}
		if tries == maxDraws {
			return set // too few policies for another set: share one
		}
	}
}

// maxDraws bounds the draws of a new combination of managed policies: an
// estate with very few policies has fewer combinations than principals.
const maxDraws = 50

// basePolicies returns the managed policies a principal of dp's class
// usually has: its service's AWS-managed policy, a team role's read
// access, a CI role's deploy policy, …
func (db *denseBuilder) basePolicies(dp *densePrincipal) []*policy {
	r := db.r
	switch dp.class {
	case int(kindLambda):
		if r.IntN(6) == 0 {
			return []*policy{db.awsPolicy(pLambdaVPC)}
		}
		return []*policy{db.awsPolicy(pLambdaBasic)}
	case int(kindECS):
		if r.IntN(2) == 0 {
			return []*policy{db.awsPolicy(pECSTaskExecution)}
		}
		return []*policy{db.byName[wkBaselineLogging]}
	case int(kindEC2):
		if r.IntN(10) < 7 {
			return []*policy{db.awsPolicy(pSSMCore)}
		}
		return []*policy{db.awsPolicy(pCloudWatchAgent)}
	case int(kindGlue):
		return []*policy{db.awsPolicy(pGlueService)}
	case int(kindOtherService), int(kindChain):
		if r.IntN(10) < 3 {
			return []*policy{db.byName[wkBaselineLogging]}
		}
	case int(kindCI):
		if r.IntN(3) == 0 {
			return []*policy{db.byName[wkDeploy], db.awsPolicy(pCodeBuildDeveloperAccess)}
		}
		return []*policy{db.byName[wkDeploy]}
	case int(kindCrossAccount):
		switch r.IntN(10) {
		case 0, 1, 2, 3, 4:
			return []*policy{db.awsPolicy(pSecurityAudit)}
		case 5, 6, 7:
			return []*policy{db.awsPolicy(pReadOnlyAccess)}
		}
	case int(kindHuman):
		switch r.IntN(10) {
		case 0, 1, 2:
			return []*policy{db.awsPolicy(pReadOnlyAccess)}
		case 3:
			return []*policy{db.awsPolicy(pDynamoDBReadOnly)}
		case 4:
			return []*policy{db.awsPolicy(pS3ReadOnly)}
		}
	case classHumanUser:
		switch r.IntN(10) {
		case 0, 1, 2:
			return []*policy{db.awsPolicy(pChangePassword)}
		case 3, 4:
			return []*policy{db.byName[wkConsoleRead]}
		}
	}
	return nil
}

// harmlessFor returns an ordinary customer-managed policy for dp: of its
// app three times in five, else of any app.
func (db *denseBuilder) harmlessFor(dp *densePrincipal) *policy {
	if dp.app != nil && len(dp.app.policies) > 0 && db.r.IntN(5) < 3 {
		return dp.app.policies[db.r.IntN(len(dp.app.policies))]
	}
	return db.harmless[db.r.IntN(len(db.harmless))]
}

// appendNew appends p to set unless it is there already.
func appendNew(set []*policy, p *policy) []*policy {
	if slices.Contains(set, p) {
		return set
	}
	return append(set, p)
}

// comboKey identifies a combination of managed policies: the sorted ARNs.
func comboKey(set []*policy) string {
	arns := make([]string, len(set))
	for i, p := range set {
		arns[i] = p.Arn
	}
	return arnsKey(arns)
}

// arnsKey sorts arns and joins them.
func arnsKey(arns []string) string {
	slices.Sort(arns)
	return strings.Join(arns, "\n")
}

// maxAttached is the IAM quota of managed policies per role or user.
const maxAttached = 10

// attachManaged attaches each principal's managed policies: its standard
// set, or a combination of its own (its base policies, one to five
// customer-managed policies, its wildcard policies, AdministratorAccess
// for the administrators), drawn again until no other principal has it.
func (db *denseBuilder) attachManaged() {
	for _, dp := range db.principals {
		var set []*policy
		switch {
		case dp.class == int(kindServiceLinked):
			// Its AWS-managed policy is attached already.
		case dp.template != nil:
			set = dp.template
		default:
			set = db.ownSet(dp)
		}
		for _, p := range set {
			dp.attach(p)
		}
		list := dp.user.attachedList()
		if dp.role != nil {
			list = dp.role.AttachedManagedPolicies
		}
		arns := make([]string, len(list))
		for i, a := range list {
			arns[i] = a.PolicyArn
		}
		dp.combo = arnsKey(arns)
		if db.combos[dp.combo] < 0 {
			db.combos[dp.combo] = 0
		}
		db.combos[dp.combo]++
	}
}

// attachedList returns the managed policies attached to u (nil for no user).
func (u *user) attachedList() []attachedPolicy {
	if u == nil {
		return nil
	}
	return u.AttachedManagedPolicies
}

// ownSet draws a combination of managed policies no principal has yet.
func (db *denseBuilder) ownSet(dp *densePrincipal) []*policy {
	for tries := 0; ; tries++ {
		var set []*policy
		if dp.admin {
			set = append(set, db.awsPolicy(pAdministratorAccess))
		}
		if slices.Contains(dp.iam, routeManaged) {
			set = append(set, db.iamPols[db.r.IntN(len(db.iamPols))])
		}
		if slices.Contains(dp.sts, routeManaged) {
			set = append(set, db.stsPols[db.r.IntN(len(db.stsPols))])
		}
		set = append(set, db.basePolicies(dp)...)
		n := 1
		switch w := db.r.IntN(100); {
		case w < 25:
		case w < 55:
			n = 2
		case w < 77:
			n = 3
		case w < 91:
			n = 4
		default:
			n = 5
		}
		for range n {
			set = appendNew(set, db.harmlessFor(dp))
		}
		for grow := 0; grow < maxAttached && len(set) < maxAttached && db.combos[comboKey(set)] != 0; grow++ {
			set = appendNew(set, db.harmless[db.r.IntN(len(db.harmless))])
		}
		if db.combos[comboKey(set)] == 0 || tries == maxDraws {
			return set
		}
	}
}

// inlineNames are the names people give inline policies.
var inlineNames = []string{"access", "runtime", "extra", "temp", "app", "data", "ops", "legacy", "hotfix", "permissions"}

// inlines gives the principals their inline policies: none to three
// documents of one to three permission families each, and the wildcard
// grants of the principals whose route is inline, mixed with others.
func (db *denseBuilder) inlines() {
	for _, dp := range db.principals {
		if dp.class == int(kindServiceLinked) {
			continue
		}
		n := 0
		switch w := db.r.IntN(100); {
		case w < 30:
		case w < 75:
			n = 1
		case w < 93:
			n = 2
		default:
			n = 3
		}
		for i := range n {
			a := dp.app
			if db.r.IntN(10) < 3 {
				a = db.apps[db.r.IntN(len(db.apps))]
			}
			ss := db.statements(a, dp.env, between(db.r, 1, 3))
			dp.addInline(inline(fmt.Sprintf("%s-%d", pick(db.r, inlineNames), i+1), newDoc(ss...)))
		}
		if slices.Contains(dp.iam, routeInline) {
			db.inlineWildcard(dp, iamWildcard(db.r, db.r.IntN(len(iamWildcards))),
				[]string{"iam-management", "platform-automation", "provisioning", "break-glass-iam"})
		}
		if slices.Contains(dp.sts, routeInline) {
			db.inlineWildcard(dp, stsWildcard(db.r, db.r.IntN(len(stsWildcards))),
				[]string{"assume-anywhere", "cross-account-access", "sts-full", "federated-ops"})
		}
	}
}

// inlineWildcard puts a wildcard statement among other statements of an
// inline policy of dp: one of its own, or a new one.
func (db *denseBuilder) inlineWildcard(dp *densePrincipal, s stmt, names []string) {
	var list *[]inlinePolicy
	if dp.role != nil {
		list = &dp.role.RolePolicyList
	} else {
		list = &dp.user.UserPolicyList
	}
	if len(*list) > 0 && db.r.IntN(2) == 0 {
		ip := &(*list)[db.r.IntN(len(*list))]
		ip.doc.Statement = insertAt(db.r, slices.Clip(ip.doc.Statement), s)
		return
	}
	ss := insertAt(db.r, db.statements(dp.app, dp.env, between(db.r, 1, 2)), s)
	dp.addInline(inline(pick(db.r, names), newDoc(ss...)))
}

// insertAt inserts s at a random place of ss.
func insertAt(r *rand.Rand, ss []stmt, s stmt) []stmt {
	return slices.Insert(ss, r.IntN(len(ss)+1), s)
}

// groupPolicies gives the groups their policies and the users their other
// memberships: developers, readonly, audit and billing groups of the
// standard shape, team groups of ordinary rights, and the IAM and
// cross-account operators groups, whose members are exactly the users
// whose route to the wildcard is a group.
func (db *denseBuilder) groupPolicies() {
	for _, g := range db.groups {
		switch {
		case g.GroupName == gDevs:
			g.attach(db.byName[wkSelfCredentials])
			g.attach(db.byName[wkConsoleRead])
			g.attach(db.awsPolicy(pChangePassword))
		case g.GroupName == gReadOnly:
			g.attach(db.awsPolicy(pReadOnlyAccess))
		case g.GroupName == gAudit:
			g.attach(db.awsPolicy(pSecurityAudit))
			g.attach(db.byName[wkAuditExtra])
		case g.GroupName == gBilling:
			g.attach(db.awsPolicy(pBilling))
		case slices.Contains(db.iamGroups, g):
			db.wildcardGroup(g, db.iamPols, iamWildcard(db.r, db.r.IntN(len(iamWildcards))), "iam-administration")
		case slices.Contains(db.stsGroups, g):
			db.wildcardGroup(g, db.stsPols, stsWildcard(db.r, db.r.IntN(len(stsWildcards))), "assume-any-role")
		default:
			team := db.groupTeam(g)
			apps := db.appsOf(team)
			for range between(db.r, 1, 3) {
				if p := db.appPolicy(apps[db.r.IntN(len(apps))]); p != nil {
					g.attach(p)
				}
			}
			switch db.r.IntN(10) {
			case 0, 1:
				g.attach(db.byName[wkRegionGuard])
			case 2:
				g.attach(db.byName[wkProtectPaths])
			}
			g.GroupPolicyList = append(g.GroupPolicyList, inline("assume-team-roles", newDoc(
				allow(acts("sts:AssumeRole"), "arn:aws:iam::"+db.acct+":role/teams/"+team+"-*").
					with("StringEquals", "aws:PrincipalTag/team", team))))
			if db.r.IntN(5) < 2 {
				a := apps[db.r.IntN(len(apps))]
				g.GroupPolicyList = append(g.GroupPolicyList, inline("team-access",
					newDoc(db.statements(a, pick(db.r, envs), between(db.r, 1, 3))...)))
			}
		}
	}
	for _, dp := range db.principals {
		if dp.user == nil {
			continue
		}
		if slices.Contains(dp.iam, routeGroup) {
			db.join(dp.user, db.iamGroups[db.r.IntN(len(db.iamGroups))])
		}
		if slices.Contains(dp.sts, routeGroup) {
			db.join(dp.user, db.stsGroups[db.r.IntN(len(db.stsGroups))])
		}
		if dp.class != classHumanUser {
			if len(db.teamGrps) > 0 && db.r.IntN(10) < 3 {
				db.join(dp.user, db.teamGrps[db.r.IntN(len(db.teamGrps))])
			}
			continue
		}
		switch w := db.r.IntN(100); {
		case w < 60:
			db.join(dp.user, db.groupBy[gDevs])
		case w < 68:
			db.join(dp.user, db.groupBy[gReadOnly])
		case w < 71:
			db.join(dp.user, db.groupBy[gAudit])
		case w < 73:
			db.join(dp.user, db.groupBy[gBilling])
		}
	}
}

// wildcardGroup gives an operators group its wildcard: an attached policy
// of pols or an inline policy mixing s with other statements.
func (db *denseBuilder) wildcardGroup(g *group, pols []*policy, s stmt, name string) {
	if len(pols) > 0 && db.r.IntN(2) == 0 {
		g.attach(pols[db.r.IntN(len(pols))])
	} else {
		a := db.apps[db.r.IntN(len(db.apps))]
		g.GroupPolicyList = append(g.GroupPolicyList, inline(name,
			newDoc(insertAt(db.r, db.statements(a, pick(db.r, envs), between(db.r, 1, 2)), s)...)))
	}
	if db.r.IntN(3) == 0 {
		g.attach(db.harmless[db.r.IntN(len(db.harmless))])
	}
}

// boundaries gives BoundaryPercent of the principals a permissions
// boundary, never to an administrator or a wildcard holder.
func (db *denseBuilder) boundaries() {
	var pool []*densePrincipal
	for _, dp := range db.principals {
		if !dp.admin && len(dp.iam) == 0 && len(dp.sts) == 0 && dp.class != int(kindServiceLinked) {
			pool = append(pool, dp)
		}
	}
	db.r.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	for _, dp := range pool[:min(len(pool), planted(db.d.BoundaryPercent, db.d.Principals()))] {
		bd := db.byName[wkDevBoundary]
		switch dp.class {
		case int(kindLambda), int(kindECS), int(kindEC2), int(kindGlue), int(kindOtherService):
			bd = db.byName[wkWorkloadBound]
		}
		b := &boundary{"Policy", bd.Arn}
		if dp.role != nil {
			dp.role.PermissionsBoundary = b
		} else {
			dp.user.PermissionsBoundary = b
		}
		bd.PermissionsBoundaryUsageCount++
		db.sum.Boundaries++
	}
}

// trusts writes every role's trust policy.
func (db *denseBuilder) trusts() {
	githubOIDC := "arn:aws:iam::" + db.acct + ":oidc-provider/token.actions.githubusercontent.com"
	var others []*role
	for _, r := range db.roles {
		if r.kind != kindServiceLinked {
			others = append(others, r)
		}
	}
	for _, r := range db.roles {
		switch r.kind {
		case kindServiceLinked:
		case kindLambda, kindECS, kindEC2, kindGlue, kindOtherService:
			if db.r.IntN(5) == 0 {
				r.trust = trustDoc(map[string]any{"Service": serviceTrust(r)}, func(s stmt) stmt {
					return s.with("StringEquals", "aws:SourceAccount", db.acct)
				})
			} else {
				r.trust = trustDoc(map[string]any{"Service": serviceTrust(r)})
			}
		case kindCI:
			switch w := db.r.IntN(100); {
			case w < 40:
				r.trust = newDoc(stmt{Effect: "Allow", Principal: map[string]any{"Federated": githubOIDC},
					Action: "sts:AssumeRoleWithWebIdentity"}.
					with("StringEquals", "token.actions.githubusercontent.com:aud", "sts.amazonaws.com").
					with("StringLike", "token.actions.githubusercontent.com:sub", "repo:example-corp/"+r.app.name+":*"))
			case w < 70 && len(db.deployer) > 0:
				r.trust = trustDoc(map[string]any{"AWS": db.deployer[db.r.IntN(len(db.deployer))].Arn})
			default:
				r.trust = trustDoc(map[string]any{"AWS": db.root()})
			}
		case kindCrossAccount:
			ext := db.external[db.r.IntN(len(db.external))]
			who := "arn:aws:iam::" + ext + ":root"
			if db.r.IntN(10) < 3 {
				who = "arn:aws:iam::" + ext + ":role/" + pick(db.r, vendors) + "-scanner"
			}
			r.trust = trustDoc(map[string]any{"AWS": who}, func(s stmt) stmt {
				return s.with("StringEquals", "sts:ExternalId", hexString(db.r, 24))
			})
			db.sum.ExternalID++
		case kindHuman:
			r.trust = trustDoc(map[string]any{"AWS": db.root()}, func(s stmt) stmt {
				return s.with("Bool", "aws:MultiFactorAuthPresent", "true")
			})
		case kindChain:
			var arns []string
			for n := min(between(db.r, 1, db.d.MaxTrustedRoles), len(others)-1); len(arns) < n; {
				o := others[db.r.IntN(len(others))]
				if o != r && !slices.Contains(arns, o.Arn) {
					arns = append(arns, o.Arn)
				}
			}
			r.trust = trustDoc(map[string]any{"AWS": one(arns...)})
			db.sum.RoleTrusting++
		}
	}
}

// summarize fills the summary from the generated estate.
func (db *denseBuilder) summarize() {
	for _, dp := range db.principals {
		if dp.admin {
			db.sum.Admins = append(db.sum.Admins, dp.arn())
		}
		if dp.admin || len(dp.iam) > 0 {
			db.sum.IAMWrite = append(db.sum.IAMWrite, dp.arn())
		}
		if dp.admin || len(dp.sts) > 0 {
			db.sum.STSWildcard = append(db.sum.STSWildcard, dp.arn())
		}
		if db.combos[dp.combo] == 1 {
			db.sum.UniquePolicySets++
		}
	}
	db.sum.Statements, db.sum.DenyStatements, db.sum.ResourceTagStatements = countStatements(db.identityDocs())
	seen := map[string]bool{}
	for _, dp := range db.principals {
		if !seen[dp.combo] {
			seen[dp.combo] = true
			db.sum.PolicySets++
		}
	}
}
