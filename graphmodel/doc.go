// Package graphmodel is the provider-neutral model every part of blastradius
// shares: typed node and edge kinds, stable identifiers, the versioned
// Snapshot of collected facts (with its gaps), merging of fragments from
// several collectors, and an in-memory graph.
//
// A snapshot holds facts only. The attack graph (CAN_BECOME, CAN_ACCESS,
// ADMIN_OF, CAN_GRANT_ADMIN edges) is derived by analysis and uses the same
// Node and Edge types. Nothing here is specific to one provider: provider
// packages give meaning to kinds, properties and documents.
package graphmodel
