// Package aws derives the AWS part of the attack graph from a snapshot: it
// evaluates IAM identity, boundary, trust, resource and control policies
// (with three-valued conditions) and applies the escalation techniques of
// the catalogue (catalogue.go), each edge carrying the statements that
// allow it. It emits ADMIN_OF (administrators of an account), CAN_BECOME
// (one identity acting as another), CAN_GRANT_ADMIN (making a target an
// administrator) and CAN_ACCESS (read, write or admin on a data resource)
// edges, and the nodes they need that the snapshot lacks: accounts outside
// it, federated subjects, joinable groups' joiners and permission sets.
//
// # Rules and drivers
//
// A rule is what is decided for one principal and one target: its verdict
// function, decide(principal, target) in shape, and the edge it emits. A
// driver applies the rule to every principal and target, and applies the
// speed-ups that let one decision stand for many. They live apart:
//
//   - rules_admin.go: administrator-equivalent permissions (no driver:
//     decided principal by principal);
//   - rules_sts.go, run_sts.go: role assumption; external accounts and
//     federated subjects (web identity, SAML);
//   - rules_grant.go, run_grant.go: policy changes that grant administrator,
//     directly or through managed-policy versions; boundaries.go: the sets
//     past the permission boundaries that stand in a grant's way;
//   - rules_credentials_trust.go, run_credentials_trust.go: minting another
//     principal's credentials or rewriting its trust;
//   - rules_group_join.go: joining a group (no driver);
//   - rules_passrole.go: passing a role to a service that runs code (rule
//     and its one speed-up, a blind set, in one short function);
//   - rules_existing.go, run_existing.go: taking over a resource that
//     already runs as a role;
//   - rules_resources.go, run_resources*.go: read, write or admin access to
//     data resources.
//
// # Pipeline
//
// buildModel (model.go) turns the snapshot into principals, groups,
// policies, resources and Organizations chains. Analyzer.Derive then adds
// the joiners of joinable groups (addJoinableGroups), runs deriveAdmin
// first (the other families skip administrators), and the other families
// side by side. Within a family the speed-ups build on one
// another, each applied only where it cannot change the rule's answer:
//
//  1. access classes (classes.go): principals decided alike on a resource;
//  2. permission sets (permsets.go, techsets.go): principals whose own part
//     of a verdict is the same on every target, decided once, the set
//     holding the edges;
//  3. signatures (signature.go): resources decided alike by every
//     principal of their account;
//  4. families (run_resources_families.go): resources whose own part of
//     every verdict is alike;
//  5. atoms and regions (atoms.go, regions.go): targets no statement tells
//     apart, and a principal's targets grouped by its decision;
//  6. the rule itself, on one representative, for the rest;
//  7. edges (emitter, in analyzer.go), set edges last.
//
// With Analyzer.perPrincipal every speed-up is off and every family asks
// its rule of every candidate principal and target: the reference the fast
// paths are tested against.
//
// # Glossary
//
//   - verdict: a three-valued decision (Yes, Maybe, No) with the
//     statements that justify it and the conditions it could not decide; a
//     Maybe makes the edge conditional.
//   - stand, stand-in: a copy of a principal holding only some of its
//     policies (principal.standIn), decided in its place: a permission
//     set's stand holds the set's broad policies; blindStand keeps the
//     statements that decide alike on every target.
//   - blind (resource-blind): a principal's decision on an action is the
//     same for every target under some ARN prefixes (model.resourceBlind):
//     every statement concerning it names them all and reads nothing of
//     the resource. blindARN is the ARN such a decision is asked about.
//   - side (resource side): a resource's own part of every verdict of the
//     principals of its account that its policy does not name
//     (model.resourceSide): Yes without a resource policy, else what its
//     Deny statements leave.
//   - whole: a member of a permission set whose policies concerning the
//     service are all the set's (permissionSets.whole): where the set gives
//     its access it has no more, and gets no edge of its own.
//   - access class: the principals whose requests on one resource are
//     decided by the same documents, none of which looks at who asks
//     (classifier.key, ruleKey); one member decides for all.
//   - relevance: of a principal's policies, those with a statement that may
//     name the resource at hand; the class key lists only those.
//   - permission set: a node (KindPermissionSet) standing for principals of
//     one account that share a decision: for resource access, the
//     principals with the same broad policies on a service (permissionSet,
//     at least MinPermissionSetMembers); for a technique, the principals
//     whose own verdict is the same on every target (techniqueSet). Members
//     join it by a member_of edge; it holds the edges to the targets.
//   - composite, part: a resource-access permission set whose broad
//     policies deny nothing is a composite: its members join one part per
//     policy, shared with every other composite holding that policy, and
//     the parts hold the edges (what the policies allow together is what
//     each allows). A principal whose other policies deny something on a
//     few resources joins a set when, on each of them, the set gives it no
//     more than it has (fitsPermissionSet).
//   - signature: a number per resource without a resource policy; two
//     resources of one account, service and type with equal signatures get
//     the same decision from every principal of the account.
//   - family (access family): the resources of one account, service and
//     type whose sides are alike, with the ARN prefixes they share; its
//     permission sets hold the principals blind to it.
//   - atom: a class of targets of one kind and account that no statement
//     concerning the actions tells apart (patterns and resource
//     conditions); a principal is decided once per atom.
//   - cell, region: a cell is the targets that answer all of one
//     principal's own tests alike; its region is the union of the cells
//     where its decision is the same. A region many principals share is
//     recorded once, as a set.
//   - named: the principals a resource policy or trust names (namedBy);
//     they are told apart and decided on their own. selfNamed: the targets
//     a principal's policy variables (${aws:username}) name.
//   - past-boundary: a grant set whose members may also delete the
//     permission boundary of the targets it holds; without it a boundary
//     that would stop an administrator policy keeps the grant out.
//   - existing-resource rule: a technique that runs code as a role a
//     resource already carries (function, stack, instance), needing
//     actions on the resource and no iam:PassRole (existingRule).
//   - joiner: for a group someone outside it may join, a principal standing
//     for a new member (addJoinableGroups, principal.groupStand); it is
//     decided by every family like any principal.
//
// # How to add a rule
//
//  1. Add the technique to the catalogue (catalogue.go, techniques.go) and
//     the rule to its family's table (accessRules, grantRules,
//     passRoleRules, existingRules, …) or, for a new family, a rules_X.go
//     with its verdict function, decide(principal, target) in shape, and a
//     derive function that asks it of every candidate principal and target
//     (see rules_group_join.go), listed in Analyzer.Derive.
//  2. Add a fixture under testdata/techniques (a real gaad.json) and a
//     test asserting the exact path (TestTechniquePaths, TestNearMisses);
//     TestEveryCataloguePathHasARule and TestEveryCataloguePathHasAFixture
//     check that nothing is missing.
//  3. Only then a fast path, in run_X.go, off under Analyzer.perPrincipal,
//     and a test comparing it to the per-principal answer. The model is
//     TestAccessClassesDecideAsPerPrincipal (classes_test.go): it derives
//     the demo, every technique fixture and synthetic estates both ways and
//     requires the same blast radius for every identity; add a fixture that
//     exercises the new fast path to what it compares. The generic
//     analysis's reach_oracle_test.go and analysis/gcp's oracle_test.go
//     follow the same pattern.
package aws
