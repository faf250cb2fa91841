// Package archcheck holds no code: its test enforces the layering of
// ARCHITECTURE.md on the module's imports (what each kind of package may
// import), and make test runs it.
package archcheck
