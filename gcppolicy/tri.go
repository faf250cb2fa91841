package gcppolicy

// Tri is a three-valued truth: No, Maybe (depends on something the analysis
// cannot decide) or Yes.
type Tri uint8

// The three truth values, ordered No < Maybe < Yes.
const (
	No Tri = iota
	Maybe
	Yes
)

// String returns "no", "maybe" or "yes".
func (t Tri) String() string {
	switch t {
	case Yes:
		return "yes"
	case Maybe:
		return "maybe"
	}
	return "no"
}

// And is Kleene conjunction.
func (t Tri) And(u Tri) Tri {
	if t < u {
		return t
	}
	return u
}

// Or is Kleene disjunction.
func (t Tri) Or(u Tri) Tri {
	if t > u {
		return t
	}
	return u
}

// Not is Kleene negation.
func (t Tri) Not() Tri { return Yes - t }
