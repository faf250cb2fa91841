package collectors

// Progress is an event a collector publishes while it runs, for a person
// watching: how far the work has come. Collectors publish events and
// never write to a terminal themselves; the command layer renders them
// (one line rewritten in place on a terminal, nothing otherwise).
type Progress struct {
	// Stage names the work ("collecting").
	Stage string
	// Done of Total Units are finished: "2 of 5 accounts". Total is 0
	// when the collector has no such units to count (one account).
	Unit        string
	Done, Total int
	// Requests counts the API requests made so far; each page of a
	// listing is one.
	Requests int
	// Latest names the last request ("lambda ListFunctions eu-west-1");
	// it may be empty.
	Latest string
	// Final marks the last event of the work, published whether it
	// succeeded or not.
	Final bool
}

// ProgressFunc receives a collector's progress events. A collector calls
// it from its own goroutines, one call at a time and in order; it must
// return quickly, since the collection waits for it.
type ProgressFunc func(Progress)
