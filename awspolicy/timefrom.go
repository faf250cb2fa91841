package awspolicy

import (
	"strconv"
	"strings"
	"time"
)

// A time key whose value is "any moment from now on": the analysis does not
// know when an attacker acts, only that it is not in the past. Facts.SetFrom
// records it; conditions on it are decided for every moment from then on:
//
//   - DateLessThan X holds (at once) when X is still ahead, and never once
//     X has passed;
//   - DateGreaterThan X holds when X has passed, and only later (Maybe)
//     when X is ahead: a window that opens in the future;
//   - DateEquals X can only hold at the moment X, so Maybe when ahead and
//     never when passed; DateNotEquals always holds (some moment differs);
//   - the Numeric operators on epoch seconds (aws:EpochTime) alike.
//
// Other operators see the moment itself (now), formatted for the key.

// fromPrefix marks a value recorded by SetFrom.
const fromPrefix = "\x00from:"

// SetFrom records that key's value is a moment of the attacker's choosing,
// from since on (aws:CurrentTime, aws:EpochTime, aws:TokenIssueTime of a
// session the attacker starts).
func (f *Facts) SetFrom(key string, since time.Time) *Facts {
	return f.Set(key, fromPrefix+since.UTC().Format(time.RFC3339Nano))
}

// fromTime returns the moment a SetFrom value starts from.
func fromTime(values []string) (time.Time, bool) {
	if len(values) != 1 || !strings.HasPrefix(values[0], fromPrefix) {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, strings.TrimPrefix(values[0], fromPrefix))
	return t, err == nil
}

// nowValue is the value a non-time operator compares: the moment itself,
// as seconds for epoch keys.
func nowValue(key string, since time.Time) string {
	if strings.EqualFold(key, "aws:EpochTime") {
		return strconv.FormatInt(since.Unix(), 10)
	}
	return since.UTC().Format(time.RFC3339)
}

// evalFrom decides a date or numeric condition on a key whose value is any
// moment from since on.
func (c *Condition) evalFrom(spec opSpec, since time.Time) Tri {
	if spec.negated {
		return Yes // a later moment differs from every value
	}
	acc := No
	for _, p := range c.Values {
		pt, ok := parseDate(p)
		if !ok {
			continue // a value that is no moment matches nothing
		}
		var r Tri
		switch spec.rel {
		case relLt:
			r = TriOf(since.Before(pt))
		case relLe:
			r = TriOf(!since.After(pt))
		case relGt:
			if pt.Before(since) {
				r = Yes
			} else {
				r = Maybe
			}
		case relGe:
			if !pt.After(since) {
				r = Yes
			} else {
				r = Maybe
			}
		default: // relEq
			switch {
			case pt.Equal(since):
				r = Yes
			case pt.After(since):
				r = Maybe
			default:
				r = No
			}
		}
		acc = acc.Or(r)
		if acc == Yes {
			break
		}
	}
	return acc
}
