package awspolicy

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// family is the kind of comparison a condition operator makes.
type family uint8

const (
	famString family = iota
	famStringFold
	famStringLike
	famNumeric
	famDate
	famBool
	famBinary
	famIP
	famArn
)

// relation is the ordering a Numeric or Date operator asks for between the
// request value and the policy value.
type relation uint8

const (
	relEq relation = iota
	relLt
	relLe
	relGt
	relGe
)

func (r relation) holds(c int) bool {
	switch r {
	case relLt:
		return c < 0
	case relLe:
		return c <= 0
	case relGt:
		return c > 0
	case relGe:
		return c >= 0
	}
	return c == 0
}

// opSpec describes a base operator (no qualifier, no IfExists, not Null).
type opSpec struct {
	family family
	rel    relation
	// negated operators hold when no policy value matches.
	negated bool
	// vars: AWS substitutes policy variables in the values.
	vars bool
	// glob: the values are wildcard patterns.
	glob bool
}

var operatorSpecs = map[string]opSpec{
	"StringEquals":              {family: famString, vars: true},
	"StringNotEquals":           {family: famString, vars: true, negated: true},
	"StringEqualsIgnoreCase":    {family: famStringFold, vars: true},
	"StringNotEqualsIgnoreCase": {family: famStringFold, vars: true, negated: true},
	"StringLike":                {family: famStringLike, vars: true, glob: true},
	"StringNotLike":             {family: famStringLike, vars: true, glob: true, negated: true},
	"NumericEquals":             {family: famNumeric, rel: relEq},
	"NumericNotEquals":          {family: famNumeric, rel: relEq, negated: true},
	"NumericLessThan":           {family: famNumeric, rel: relLt},
	"NumericLessThanEquals":     {family: famNumeric, rel: relLe},
	"NumericGreaterThan":        {family: famNumeric, rel: relGt},
	"NumericGreaterThanEquals":  {family: famNumeric, rel: relGe},
	"DateEquals":                {family: famDate, rel: relEq},
	"DateNotEquals":             {family: famDate, rel: relEq, negated: true},
	"DateLessThan":              {family: famDate, rel: relLt},
	"DateLessThanEquals":        {family: famDate, rel: relLe},
	"DateGreaterThan":           {family: famDate, rel: relGt},
	"DateGreaterThanEquals":     {family: famDate, rel: relGe},
	"Bool":                      {family: famBool, vars: true},
	"BinaryEquals":              {family: famBinary},
	"IpAddress":                 {family: famIP},
	"NotIpAddress":              {family: famIP, negated: true},
	// ArnEquals and ArnLike are the same operator in AWS: both take
	// wildcards, field by field.
	"ArnEquals":    {family: famArn, vars: true, glob: true},
	"ArnLike":      {family: famArn, vars: true, glob: true},
	"ArnNotEquals": {family: famArn, vars: true, glob: true, negated: true},
	"ArnNotLike":   {family: famArn, vars: true, glob: true, negated: true},
}

// compare reports whether request value v matches policy value p under the
// positive form of the operator. A value that does not parse as the
// operator's type (a number, a date, an address) matches nothing.
func (s opSpec) compare(p string, escaped bool, v string) bool {
	switch s.family {
	case famString:
		return p == v
	case famStringFold:
		return strings.EqualFold(p, v)
	case famStringLike:
		return globMatch(p, v, false, escaped)
	case famNumeric:
		c, ok := compareNumbers(v, p)
		return ok && s.rel.holds(c)
	case famDate:
		pt, ok1 := parseDate(p)
		vt, ok2 := parseDate(v)
		return ok1 && ok2 && s.rel.holds(vt.Compare(pt))
	case famBool:
		pb, ok1 := parseBool(p)
		vb, ok2 := parseBool(v)
		return ok1 && ok2 && pb == vb
	case famBinary:
		return binaryEqual(p, v)
	case famIP:
		return ipMatch(p, v)
	case famArn:
		return matchARN(p, v, escaped)
	}
	return false
}

// parseBool reads "true" or "false" in any case.
func parseBool(s string) (bool, bool) {
	switch {
	case strings.EqualFold(s, "true"):
		return true, true
	case strings.EqualFold(s, "false"):
		return false, true
	}
	return false, false
}

// compareNumbers compares two decimal numbers. Integers are compared
// exactly, whatever their size; other numbers as float64. ok is false when
// either is not a number (hexadecimal, NaN, Inf and out-of-range values
// included).
func compareNumbers(a, b string) (int, bool) {
	if isInteger(a) && isInteger(b) {
		return compareIntegers(a, b), true
	}
	x, ok1 := parseNumber(a)
	y, ok2 := parseNumber(b)
	if !ok1 || !ok2 {
		return 0, false
	}
	return cmp.Compare(x, y), true
}

func isInteger(s string) bool {
	if s != "" && (s[0] == '-' || s[0] == '+') {
		s = s[1:]
	}
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// compareIntegers compares two strings that satisfy isInteger.
func compareIntegers(a, b string) int {
	an, ad := splitSign(a)
	bn, bd := splitSign(b)
	if ad == "0" && bd == "0" {
		return 0
	}
	if an != bn {
		if an {
			return -1
		}
		return 1
	}
	c := cmp.Compare(len(ad), len(bd))
	if c == 0 {
		c = strings.Compare(ad, bd)
	}
	if an {
		return -c
	}
	return c
}

// splitSign returns whether s is negative and its digits without leading
// zeros ("0" for zero).
func splitSign(s string) (neg bool, digits string) {
	switch s[0] {
	case '-':
		neg, s = true, s[1:]
	case '+':
		s = s[1:]
	}
	s = strings.TrimLeft(s, "0")
	if s == "" {
		s = "0"
	}
	return neg, s
}

// parseNumber reads a plain decimal number: optional sign, digits with an
// optional fraction, optional exponent.
func parseNumber(s string) (float64, bool) {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return 0, false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			exp++
		}
		if exp == 0 {
			return 0, false
		}
	}
	if i != len(s) {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, false
	}
	return f, true
}

// dateLayouts are the ISO 8601 forms AWS accepts in Date conditions; a form
// without a zone is UTC.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04Z0700",
	"2006-01-02T15:04",
	"2006-01-02",
	"20060102T150405Z0700",
	"20060102T150405",
}

// parseDate reads an ISO 8601 date or date-time (RFC 3339 included), or a
// number of seconds since the Unix epoch (possibly with a fraction).
func parseDate(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	if isInteger(s) {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n > 1<<40 || n < -(1<<40) {
			return time.Time{}, false
		}
		return time.Unix(n, 0).UTC(), true
	}
	if f, ok := parseNumber(s); ok && !strings.ContainsAny(s, "eE") {
		if f > 1<<40 || f < -(1<<40) {
			return time.Time{}, false
		}
		sec := int64(f)
		return time.Unix(sec, int64((f-float64(sec))*1e9)).UTC(), true
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// binaryEqual compares two base64 values by their bytes, or as text when
// either is not base64.
func binaryEqual(p, v string) bool {
	pb, err1 := base64.StdEncoding.DecodeString(p)
	vb, err2 := base64.StdEncoding.DecodeString(v)
	if err1 != nil || err2 != nil {
		return p == v
	}
	return bytes.Equal(pb, vb)
}

// ipMatch reports whether address v lies in p, a CIDR block or a single
// address. IPv4-mapped IPv6 addresses match IPv4 blocks.
func ipMatch(p, v string) bool {
	prefix, ok := parsePrefix(p)
	if !ok {
		return false
	}
	addr, err := netip.ParseAddr(v)
	if err != nil {
		return false
	}
	addr = addr.WithZone("")
	if prefix.Addr().Is4() {
		addr = addr.Unmap()
	}
	return prefix.Contains(addr)
}

func parsePrefix(s string) (netip.Prefix, bool) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, false
		}
		return p.Masked(), true
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, false
	}
	a = a.WithZone("")
	return netip.PrefixFrom(a, a.BitLen()), true
}
