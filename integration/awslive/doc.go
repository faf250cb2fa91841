// Package awslive holds the integration tests of the live AWS collector
// against a moto server, an emulator of the AWS APIs. The tests create an
// account through the AWS SDK, collect it live, check the snapshot against
// what they created, save the raw outputs, collect them offline and check
// that both collections give the same analysis.
//
// The tests read the server's endpoint from BLASTRADIUS_MOTO_ENDPOINT
// ("make test" starts one with scripts/moto-server and sets it). Without it
// they are skipped, unless CI is set, where a missing server fails the run.
// They reset the server's state (POST /moto-api/reset) before they start:
// point them at a server of their own.
package awslive
