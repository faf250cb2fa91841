// OAuth apps by the data they can read
//
// Answers: which third-party OAuth apps of Google Workspace reach users'
// data, and which? For each app: every kind of data it reaches (mail,
// files in Drive, calendars, contacts, the directory) with its
// classification, how many users' data of that kind, at which access, and
// the scopes it administers (an admin directory grant of a super
// administrator). A CAN_ACCESS into a target set (TargetSet) reaches each
// data node the set INCLUDES. Apps that reach the most users come first.
// App names come from their publishers: read them as text, never as
// markup.
//
// Parameters:
//   $limit  how many apps to list (default 25)
MATCH (a:WorkspaceOauthApp)-[c:CAN_ACCESS]->(:Node)-[:INCLUDES*0..1]->(d:WorkspaceData)
WITH a, d.type AS data, d.`tag_data-classification` AS classification,
     count(DISTINCT d.owner) AS owners, collect(DISTINCT c.access) AS access
ORDER BY data
WITH a, collect({data: data, classification: classification, users: owners, access: access}) AS reads,
     sum(owners) AS reached
OPTIONAL MATCH (a)-[:ADMIN_OF]->(s:Scope)
RETURN a.id AS app, a.name AS name, a.grants AS grants, reads, reached,
       collect(s.id) AS admin_of, a.score AS score
ORDER BY reached DESC, app
LIMIT $limit
