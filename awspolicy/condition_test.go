package awspolicy

import (
	"testing"
)

// ctxOf builds a Facts from pairs: a nil slice marks the key absent, any
// other slice (empty included) gives its values.
func ctxOf(kv map[string][]string) *Facts {
	f := NewFacts()
	for k, v := range kv {
		if v == nil {
			f.SetAbsent(k)
		} else {
			f.Set(k, v...)
		}
	}
	return f
}

type condCase struct {
	name   string
	op     string
	key    string
	values []string
	ctx    map[string][]string // key -> values; nil value = absent; missing = unknown
	want   Tri
}

func runCondCases(t *testing.T, cases []condCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := Condition{Operator: tc.op, Key: tc.key, Values: tc.values}
			if got := c.Eval(ctxOf(tc.ctx)); got != tc.want {
				t.Errorf("%s %s %q in %v = %v, want %v", tc.op, tc.key, tc.values, tc.ctx, got, tc.want)
			}
		})
	}
}

func TestEvalString(t *testing.T) {
	const k = "aws:PrincipalTag/team"
	present := func(v ...string) map[string][]string { return map[string][]string{k: v} }
	absent := map[string][]string{k: nil}
	unknown := map[string][]string{}
	runCondCases(t, []condCase{
		{"equals match", "StringEquals", k, []string{"red"}, present("red"), Yes},
		{"equals mismatch", "StringEquals", k, []string{"red"}, present("blue"), No},
		{"equals is case-sensitive", "StringEquals", k, []string{"Red"}, present("red"), No},
		{"equals values are ORed", "StringEquals", k, []string{"blue", "red"}, present("red"), Yes},
		{"equals no wildcard", "StringEquals", k, []string{"r*"}, present("red"), No},
		{"equals absent", "StringEquals", k, []string{"red"}, absent, No},
		{"equals empty set is absent", "StringEquals", k, []string{"red"}, present(), No},
		{"equals unknown", "StringEquals", k, []string{"red"}, unknown, Maybe},
		{"not equals match", "StringNotEquals", k, []string{"red"}, present("red"), No},
		{"not equals one of several", "StringNotEquals", k, []string{"blue", "red"}, present("red"), No},
		{"not equals none", "StringNotEquals", k, []string{"blue", "green"}, present("red"), Yes},
		{"not equals absent is true", "StringNotEquals", k, []string{"red"}, absent, Yes},
		{"not equals unknown", "StringNotEquals", k, []string{"red"}, unknown, Maybe},
		{"ignore case match", "StringEqualsIgnoreCase", k, []string{"RED"}, present("red"), Yes},
		{"ignore case mismatch", "StringEqualsIgnoreCase", k, []string{"RED"}, present("reds"), No},
		{"not equals ignore case", "StringNotEqualsIgnoreCase", k, []string{"RED"}, present("red"), No},
		{"not equals ignore case other", "StringNotEqualsIgnoreCase", k, []string{"RED"}, present("blue"), Yes},
		{"not equals ignore case absent", "StringNotEqualsIgnoreCase", k, []string{"RED"}, absent, Yes},
		{"like star", "StringLike", k, []string{"dev-*"}, present("dev-42"), Yes},
		{"like question", "StringLike", k, []string{"d?v"}, present("dev"), Yes},
		{"like question is one character", "StringLike", k, []string{"d?v"}, present("deev"), No},
		{"like is case-sensitive", "StringLike", k, []string{"DEV-*"}, present("dev-42"), No},
		{"like mismatch", "StringLike", k, []string{"dev-*"}, present("prod-1"), No},
		{"like absent", "StringLike", k, []string{"*"}, absent, No},
		{"like star unknown: absent or present differ", "StringLike", k, []string{"*"}, unknown, Maybe},
		{"not like match", "StringNotLike", k, []string{"dev-*"}, present("dev-1"), No},
		{"not like other", "StringNotLike", k, []string{"dev-*", "test-*"}, present("prod-1"), Yes},
		{"not like absent", "StringNotLike", k, []string{"dev-*"}, absent, Yes},
		{"multi-valued key, positive: some value", "StringEquals", k, []string{"red"}, present("blue", "red"), Yes},
		{"multi-valued key, negated: no value may match", "StringNotEquals", k, []string{"red"}, present("blue", "red"), No},
		{"no policy values", "StringEquals", k, []string{}, present("red"), No},
	})
}

func TestEvalNumeric(t *testing.T) {
	const k = "aws:MultiFactorAuthAge"
	present := func(v ...string) map[string][]string { return map[string][]string{k: v} }
	runCondCases(t, []condCase{
		{"equals", "NumericEquals", k, []string{"10"}, present("10"), Yes},
		{"equals float and int", "NumericEquals", k, []string{"1.0"}, present("1"), Yes},
		{"equals exponent", "NumericEquals", k, []string{"1e3"}, present("1000"), Yes},
		{"equals leading zeros", "NumericEquals", k, []string{"007"}, present("7"), Yes},
		{"equals mismatch", "NumericEquals", k, []string{"10"}, present("11"), No},
		{"not equals", "NumericNotEquals", k, []string{"10"}, present("11"), Yes},
		{"not equals same", "NumericNotEquals", k, []string{"10"}, present("10.0"), No},
		{"less than", "NumericLessThan", k, []string{"3600"}, present("100"), Yes},
		{"less than equal value", "NumericLessThan", k, []string{"3600"}, present("3600"), No},
		{"less than equals", "NumericLessThanEquals", k, []string{"3600"}, present("3600"), Yes},
		{"less than equals above", "NumericLessThanEquals", k, []string{"3600"}, present("3601"), No},
		{"greater than", "NumericGreaterThan", k, []string{"-5"}, present("0"), Yes},
		{"greater than below", "NumericGreaterThan", k, []string{"5"}, present("-10"), No},
		{"greater than equals", "NumericGreaterThanEquals", k, []string{"2.5"}, present("2.5"), Yes},
		{"greater than equals below", "NumericGreaterThanEquals", k, []string{"2.5"}, present("2.49"), No},
		{"big integers compared exactly", "NumericLessThan", k, []string{"12345678901234567891"}, present("12345678901234567890"), Yes},
		{"negative integers", "NumericLessThan", k, []string{"-2"}, present("-10"), Yes},
		{"not a number matches nothing", "NumericEquals", k, []string{"10"}, present("ten"), No},
		{"not a number: negated holds", "NumericNotEquals", k, []string{"10"}, present("ten"), Yes},
		{"hex is not a number", "NumericEquals", k, []string{"16"}, present("0x10"), No},
		{"variables are not substituted in numbers", "NumericEquals", k, []string{"${aws:x}"}, map[string][]string{k: {"1"}, "aws:x": {"1"}}, No},
		{"absent", "NumericLessThan", k, []string{"3600"}, map[string][]string{k: nil}, No},
		{"negated absent", "NumericNotEquals", k, []string{"3600"}, map[string][]string{k: nil}, Yes},
		{"unknown", "NumericLessThan", k, []string{"3600"}, nil, Maybe},
	})
}

func TestEvalDate(t *testing.T) {
	const k = "aws:CurrentTime"
	present := func(v ...string) map[string][]string { return map[string][]string{k: v} }
	runCondCases(t, []condCase{
		{"greater than", "DateGreaterThan", k, []string{"2020-01-01T00:00:00Z"}, present("2021-06-01T12:00:00Z"), Yes},
		{"greater than before", "DateGreaterThan", k, []string{"2020-01-01T00:00:00Z"}, present("2019-12-31T23:59:59Z"), No},
		{"greater than equals same", "DateGreaterThanEquals", k, []string{"2020-01-01T00:00:00Z"}, present("2020-01-01T00:00:00Z"), Yes},
		{"less than", "DateLessThan", k, []string{"2020-01-01T00:00:00Z"}, present("2019-12-31T23:59:59Z"), Yes},
		{"less than same", "DateLessThan", k, []string{"2020-01-01T00:00:00Z"}, present("2020-01-01T00:00:00Z"), No},
		{"less than equals", "DateLessThanEquals", k, []string{"2020-01-01T00:00:00Z"}, present("2020-01-01T00:00:00Z"), Yes},
		{"equals date only and midnight", "DateEquals", k, []string{"2020-01-01"}, present("2020-01-01T00:00:00Z"), Yes},
		{"equals across zones", "DateEquals", k, []string{"2020-01-01T00:00:00Z"}, present("2020-01-01T01:00:00+01:00"), Yes},
		{"equals fractional seconds", "DateEquals", k, []string{"2020-01-01T00:00:00.000Z"}, present("2020-01-01T00:00:00Z"), Yes},
		{"equals no zone is UTC", "DateEquals", k, []string{"2020-01-01T00:00:00"}, present("2020-01-01T00:00:00Z"), Yes},
		{"equals basic format", "DateEquals", k, []string{"20200101T000000Z"}, present("2020-01-01T00:00:00Z"), Yes},
		{"epoch request value", "DateGreaterThan", k, []string{"2020-12-31T23:59:59Z"}, present("1609459200"), Yes},
		{"epoch policy value", "DateLessThan", k, []string{"1609459200"}, present("2020-12-31T23:59:59Z"), Yes},
		{"epoch equals ISO", "DateEquals", k, []string{"1609459200"}, present("2021-01-01T00:00:00Z"), Yes},
		{"not equals", "DateNotEquals", k, []string{"2020-01-01T00:00:00Z"}, present("2020-01-02T00:00:00Z"), Yes},
		{"not equals same", "DateNotEquals", k, []string{"2020-01-01T00:00:00Z"}, present("2020-01-01T00:00:00Z"), No},
		{"not a date matches nothing", "DateLessThan", k, []string{"2020-01-01T00:00:00Z"}, present("yesterday"), No},
		{"absent", "DateLessThan", k, []string{"2020-01-01T00:00:00Z"}, map[string][]string{k: nil}, No},
		{"unknown", "DateLessThan", k, []string{"2020-01-01T00:00:00Z"}, nil, Maybe},
	})
}

func TestEvalBoolBinaryIP(t *testing.T) {
	const mfa, bin, ip = "aws:MultiFactorAuthPresent", "s3:Bin", "aws:SourceIp"
	runCondCases(t, []condCase{
		{"bool true", "Bool", mfa, []string{"true"}, map[string][]string{mfa: {"true"}}, Yes},
		{"bool case-insensitive", "Bool", mfa, []string{"True"}, map[string][]string{mfa: {"TRUE"}}, Yes},
		{"bool mismatch", "Bool", mfa, []string{"false"}, map[string][]string{mfa: {"true"}}, No},
		{"bool garbage", "Bool", mfa, []string{"true"}, map[string][]string{mfa: {"yes"}}, No},
		{"bool absent", "Bool", mfa, []string{"false"}, map[string][]string{mfa: nil}, No},
		{"bool if exists absent", "BoolIfExists", mfa, []string{"false"}, map[string][]string{mfa: nil}, Yes},
		{"bool if exists present mismatch", "BoolIfExists", mfa, []string{"false"}, map[string][]string{mfa: {"true"}}, No},
		{"bool unknown", "Bool", mfa, []string{"true"}, nil, Maybe},
		{"bool variable", "Bool", mfa, []string{"${aws:other}"}, map[string][]string{mfa: {"true"}, "aws:other": {"true"}}, Yes},
		{"binary equal", "BinaryEquals", bin, []string{"QmluYXJ5VmFsdWU="}, map[string][]string{bin: {"QmluYXJ5VmFsdWU="}}, Yes},
		{"binary differ", "BinaryEquals", bin, []string{"QmluYXJ5VmFsdWU="}, map[string][]string{bin: {"b3RoZXI="}}, No},
		{"binary absent", "BinaryEquals", bin, []string{"QmluYXJ5VmFsdWU="}, map[string][]string{bin: nil}, No},
		{"ip in block", "IpAddress", ip, []string{"203.0.113.0/24"}, map[string][]string{ip: {"203.0.113.7"}}, Yes},
		{"ip outside block", "IpAddress", ip, []string{"203.0.113.0/24"}, map[string][]string{ip: {"198.51.100.1"}}, No},
		{"ip blocks ORed", "IpAddress", ip, []string{"10.0.0.0/8", "203.0.113.0/24"}, map[string][]string{ip: {"203.0.113.7"}}, Yes},
		{"ip single address", "IpAddress", ip, []string{"203.0.113.7"}, map[string][]string{ip: {"203.0.113.7"}}, Yes},
		{"ip host bits in block", "IpAddress", ip, []string{"203.0.113.9/24"}, map[string][]string{ip: {"203.0.113.200"}}, Yes},
		{"ipv6 in block", "IpAddress", ip, []string{"2001:db8::/32"}, map[string][]string{ip: {"2001:db8:1::5"}}, Yes},
		{"ipv6 outside", "IpAddress", ip, []string{"2001:db8::/32"}, map[string][]string{ip: {"2001:db9::5"}}, No},
		{"ipv4-mapped ipv6", "IpAddress", ip, []string{"203.0.113.0/24"}, map[string][]string{ip: {"::ffff:203.0.113.7"}}, Yes},
		{"not an address", "IpAddress", ip, []string{"0.0.0.0/0"}, map[string][]string{ip: {"localhost"}}, No},
		{"not ip inside", "NotIpAddress", ip, []string{"203.0.113.0/24"}, map[string][]string{ip: {"203.0.113.7"}}, No},
		{"not ip outside", "NotIpAddress", ip, []string{"203.0.113.0/24", "10.0.0.0/8"}, map[string][]string{ip: {"192.0.2.1"}}, Yes},
		{"not ip absent", "NotIpAddress", ip, []string{"203.0.113.0/24"}, map[string][]string{ip: nil}, Yes},
		{"ip unknown", "IpAddress", ip, []string{"203.0.113.0/24"}, nil, Maybe},
		{"not ip unknown", "NotIpAddress", ip, []string{"203.0.113.0/24"}, nil, Maybe},
	})
}

func TestEvalArn(t *testing.T) {
	const k = "aws:PrincipalArn"
	role := map[string][]string{k: {"arn:aws:iam::123456789012:role/admin-ops"}}
	runCondCases(t, []condCase{
		{"like", "ArnLike", k, []string{"arn:aws:iam::*:role/admin-*"}, role, Yes},
		{"equals takes wildcards too", "ArnEquals", k, []string{"arn:aws:iam::*:role/admin-*"}, role, Yes},
		{"equals exact", "ArnEquals", k, []string{"arn:aws:iam::123456789012:role/admin-ops"}, role, Yes},
		{"like other account", "ArnLike", k, []string{"arn:aws:iam::999999999999:role/*"}, role, No},
		{"like is case-sensitive", "ArnLike", k, []string{"arn:aws:iam::*:role/ADMIN-*"}, role, No},
		{"wildcard does not span fields", "ArnLike", k, []string{"arn:aws:iam::*"}, role, No},
		{"field wildcard", "ArnLike", k, []string{"arn:aws:iam::1234?6789012:role/*"}, role, Yes},
		{"star matches any", "ArnLike", k, []string{"*"}, role, Yes},
		{"not like outside", "ArnNotLike", k, []string{"arn:aws:iam::*:role/dev-*"}, role, Yes},
		{"not like inside", "ArnNotLike", k, []string{"arn:aws:iam::*:role/admin-*"}, role, No},
		{"not equals absent", "ArnNotEquals", k, []string{"arn:aws:iam::*:role/x"}, map[string][]string{k: nil}, Yes},
		{"like absent", "ArnLike", k, []string{"arn:aws:iam::*:role/x"}, map[string][]string{k: nil}, No},
		{"not an arn", "ArnLike", k, []string{"arn:aws:iam::*:role/*"}, map[string][]string{k: {"admin"}}, No},
		{"variable in arn", "ArnLike", k, []string{"arn:aws:iam::${aws:PrincipalAccount}:role/*"},
			map[string][]string{k: {"arn:aws:iam::123456789012:role/a"}, "aws:PrincipalAccount": {"123456789012"}}, Yes},
		{"unknown", "ArnLike", k, []string{"arn:aws:iam::*:role/*"}, nil, Maybe},
	})
}

func TestEvalNull(t *testing.T) {
	const k = "aws:TokenIssueTime"
	runCondCases(t, []condCase{
		{"true, absent", "Null", k, []string{"true"}, map[string][]string{k: nil}, Yes},
		{"true, present", "Null", k, []string{"true"}, map[string][]string{k: {"2020-01-01T00:00:00Z"}}, No},
		{"true, empty set", "Null", k, []string{"true"}, map[string][]string{k: {}}, Yes},
		{"false, present", "Null", k, []string{"false"}, map[string][]string{k: {"x"}}, Yes},
		{"false, absent", "Null", k, []string{"false"}, map[string][]string{k: nil}, No},
		{"case-insensitive value", "Null", k, []string{"TRUE"}, map[string][]string{k: nil}, Yes},
		{"garbage value", "Null", k, []string{"maybe"}, map[string][]string{k: nil}, No},
		{"unknown", "Null", k, []string{"true"}, nil, Maybe},
		{"both values, unknown key", "Null", k, []string{"true", "false"}, nil, Yes},
	})
}

func TestEvalIfExists(t *testing.T) {
	const k = "aws:SourceVpc"
	runCondCases(t, []condCase{
		{"absent", "StringEqualsIfExists", k, []string{"vpc-1"}, map[string][]string{k: nil}, Yes},
		{"present match", "StringEqualsIfExists", k, []string{"vpc-1"}, map[string][]string{k: {"vpc-1"}}, Yes},
		{"present mismatch", "StringEqualsIfExists", k, []string{"vpc-1"}, map[string][]string{k: {"vpc-2"}}, No},
		{"unknown", "StringEqualsIfExists", k, []string{"vpc-1"}, nil, Maybe},
		{"negated absent", "StringNotEqualsIfExists", k, []string{"vpc-1"}, map[string][]string{k: nil}, Yes},
		{"negated present match", "StringNotEqualsIfExists", k, []string{"vpc-1"}, map[string][]string{k: {"vpc-1"}}, No},
		{"numeric absent", "NumericLessThanIfExists", k, []string{"1"}, map[string][]string{k: nil}, Yes},
		{"ip absent", "IpAddressIfExists", k, []string{"10.0.0.0/8"}, map[string][]string{k: nil}, Yes},
		{"arn absent", "ArnLikeIfExists", k, []string{"arn:*"}, map[string][]string{k: nil}, Yes},
		{"like star unknown holds either way", "StringLikeIfExists", k, []string{"*"}, nil, Yes},
		{"absent variable, unknown key", "StringEqualsIfExists", k, []string{"${aws:gone}"}, map[string][]string{"aws:gone": nil}, Maybe},
	})
}

func TestEvalSetQualifiers(t *testing.T) {
	const k = "aws:TagKeys"
	tags := func(v ...string) map[string][]string { return map[string][]string{k: v} }
	absent := map[string][]string{k: nil}
	runCondCases(t, []condCase{
		{"all: every value allowed", "ForAllValues:StringEquals", k, []string{"a", "b"}, tags("a", "b"), Yes},
		{"all: subset", "ForAllValues:StringEquals", k, []string{"a", "b"}, tags("a"), Yes},
		{"all: one value not allowed", "ForAllValues:StringEquals", k, []string{"a", "b"}, tags("a", "c"), No},
		{"all: absent is true", "ForAllValues:StringEquals", k, []string{"a"}, absent, Yes},
		{"all: empty set is true", "ForAllValues:StringEquals", k, []string{"a"}, tags(), Yes},
		{"all: unknown", "ForAllValues:StringEquals", k, []string{"a"}, nil, Maybe},
		{"all: like", "ForAllValues:StringLike", k, []string{"team-*"}, tags("team-a", "team-b"), Yes},
		{"all: like one off", "ForAllValues:StringLike", k, []string{"team-*"}, tags("team-a", "cost"), No},
		{"all: not equals, none listed", "ForAllValues:StringNotEquals", k, []string{"a"}, tags("b", "c"), Yes},
		{"all: not equals, one listed", "ForAllValues:StringNotEquals", k, []string{"a"}, tags("a", "b"), No},
		{"all: not equals absent", "ForAllValues:StringNotEquals", k, []string{"a"}, absent, Yes},
		{"any: one matches", "ForAnyValue:StringEquals", k, []string{"a", "b"}, tags("c", "a"), Yes},
		{"any: none matches", "ForAnyValue:StringEquals", k, []string{"a", "b"}, tags("c"), No},
		{"any: absent is false", "ForAnyValue:StringEquals", k, []string{"a"}, absent, No},
		{"any: empty set is false", "ForAnyValue:StringEquals", k, []string{"a"}, tags(), No},
		{"any: unknown", "ForAnyValue:StringEquals", k, []string{"a"}, nil, Maybe},
		{"any: not equals, one unlisted", "ForAnyValue:StringNotEquals", k, []string{"a", "b"}, tags("a", "c"), Yes},
		{"any: not equals, all listed", "ForAnyValue:StringNotEquals", k, []string{"a", "b"}, tags("a", "b"), No},
		{"any: not equals absent is false", "ForAnyValue:StringNotEquals", k, []string{"a"}, absent, No},
		{"any: if exists absent", "ForAnyValue:StringEqualsIfExists", k, []string{"a"}, absent, Yes},
		{"all: if exists present fails", "ForAllValues:StringEqualsIfExists", k, []string{"a"}, tags("b"), No},
		{"any: ignore case", "ForAnyValue:StringEqualsIgnoreCase", k, []string{"ENV"}, tags("env"), Yes},
		{"any: arn", "ForAnyValue:ArnLike", "aws:SourceArns", []string{"arn:aws:s3:::b/*"},
			map[string][]string{"aws:SourceArns": {"arn:aws:s3:::a/x", "arn:aws:s3:::b/y"}}, Yes},
		{"all: numeric", "ForAllValues:NumericLessThan", "n", []string{"10"}, map[string][]string{"n": {"1", "9"}}, Yes},
		{"all: numeric one too big", "ForAllValues:NumericLessThan", "n", []string{"10"}, map[string][]string{"n": {"1", "10"}}, No},
	})
}

func TestEvalVariables(t *testing.T) {
	const k = "aws:ResourceTag/team"
	const v = "${aws:PrincipalTag/team}"
	runCondCases(t, []condCase{
		{"resolved, equal", "StringEquals", k, []string{v}, map[string][]string{k: {"red"}, "aws:PrincipalTag/team": {"red"}}, Yes},
		{"resolved, differ", "StringEquals", k, []string{v}, map[string][]string{k: {"blue"}, "aws:PrincipalTag/team": {"red"}}, No},
		{"variable absent: nothing equals it", "StringEquals", k, []string{v}, map[string][]string{k: {"red"}, "aws:PrincipalTag/team": nil}, No},
		{"variable absent: negated holds", "StringNotEquals", k, []string{v}, map[string][]string{k: {"red"}, "aws:PrincipalTag/team": nil}, Yes},
		{"variable unknown", "StringEquals", k, []string{v}, map[string][]string{k: {"red"}}, Maybe},
		{"variable unknown, negated", "StringNotEquals", k, []string{v}, map[string][]string{k: {"red"}}, Maybe},
		{"variable unknown but key absent", "StringEquals", k, []string{v}, map[string][]string{k: nil}, No},
		{"variable unknown but another value matches", "StringEquals", k, []string{"red", v}, map[string][]string{k: {"red"}}, Yes},
		{"variable absent, key unknown", "StringEquals", k, []string{v}, map[string][]string{"aws:PrincipalTag/team": nil}, No},
		{"variable multivalued", "StringEquals", k, []string{v}, map[string][]string{k: {"red"}, "aws:PrincipalTag/team": {"red", "blue"}}, Maybe},
		{"default used", "StringEquals", k, []string{"${aws:PrincipalTag/team, 'company-wide'}"}, map[string][]string{k: {"company-wide"}, "aws:PrincipalTag/team": nil}, Yes},
		{"default not used", "StringEquals", k, []string{"${aws:PrincipalTag/team, 'company-wide'}"}, map[string][]string{k: {"company-wide"}, "aws:PrincipalTag/team": {"red"}}, No},
		{"like with variable", "StringLike", "s3:prefix", []string{"home/${aws:username}/*"}, map[string][]string{"s3:prefix": {"home/bob/docs"}, "aws:username": {"bob"}}, Yes},
		{"like with variable, other user", "StringLike", "s3:prefix", []string{"home/${aws:username}/*"}, map[string][]string{"s3:prefix": {"home/alice/docs"}, "aws:username": {"bob"}}, No},
		{"variable value is literal in like", "StringLike", "s3:prefix", []string{"${aws:username}"}, map[string][]string{"s3:prefix": {"bob"}, "aws:username": {"b*"}}, No},
		{"escaped star is literal", "StringLike", "s3:prefix", []string{"a${*}b"}, map[string][]string{"s3:prefix": {"a*b"}}, Yes},
		{"escaped star is not a wildcard", "StringLike", "s3:prefix", []string{"a${*}b"}, map[string][]string{"s3:prefix": {"axyb"}}, No},
		{"escaped question mark", "StringLike", "s3:prefix", []string{"why${?}"}, map[string][]string{"s3:prefix": {"why?"}}, Yes},
		{"escaped question mark is literal", "StringLike", "s3:prefix", []string{"why${?}"}, map[string][]string{"s3:prefix": {"whyx"}}, No},
		{"escaped dollar", "StringEquals", "s3:prefix", []string{"${$}{x}"}, map[string][]string{"s3:prefix": {"${x}"}}, Yes},
		{"lookup is case-insensitive", "StringEquals", k, []string{"${AWS:PrincipalTag/Team}"}, map[string][]string{k: {"red"}, "aws:principaltag/team": {"red"}}, Yes},
	})
}

func TestEvalUnknownKeyIsMaybe(t *testing.T) {
	// Every operator family on a key the context does not know is Maybe
	// when the outcome depends on the value.
	for op := range knownOperators {
		if op == "Null" {
			continue
		}
		for _, qual := range []string{"", "ForAllValues:", "ForAnyValue:"} {
			for _, suffix := range []string{"", "IfExists"} {
				name := qual + op + suffix
				t.Run(name, func(t *testing.T) {
					c := Condition{Operator: name, Key: "x:unknown", Values: []string{"203.0.113.0/24"}}
					if got := c.Eval(NewFacts()); got != Maybe {
						t.Errorf("%s on unknown key = %v, want maybe", name, got)
					}
					if got := c.Eval(nil); got != Maybe {
						t.Errorf("%s with nil context = %v, want maybe", name, got)
					}
				})
			}
		}
	}
}

func TestEvalBadOperatorIsMaybe(t *testing.T) {
	for _, op := range []string{"StringEqualz", "ForSomeValues:StringEquals", "NullIfExists", "ForAnyValue:Null", ""} {
		t.Run(op, func(t *testing.T) {
			c := Condition{Operator: op, Key: "k", Values: []string{"v"}}
			if got := c.Eval(NewFacts().Set("k", "v")); got != Maybe {
				t.Errorf("Eval(%q) = %v, want maybe", op, got)
			}
		})
	}
}

func TestOperatorSpecsCoverKnownOperators(t *testing.T) {
	for op := range knownOperators {
		if op == "Null" {
			continue
		}
		if _, ok := operatorSpecs[op]; !ok {
			t.Errorf("operator %s has no spec", op)
		}
	}
	for op := range operatorSpecs {
		if !knownOperators[op] {
			t.Errorf("spec %s is not a known operator", op)
		}
	}
}

func TestEvalConditions(t *testing.T) {
	st := Statement{Conditions: []Condition{
		{Operator: "StringEquals", Key: "aws:PrincipalTag/team", Values: []string{"red"}},
		{Operator: "Bool", Key: "aws:MultiFactorAuthPresent", Values: []string{"true"}},
	}}
	tests := []struct {
		name      string
		ctx       *Facts
		want      Tri
		undecided []string
	}{
		{"all hold", NewFacts().Set("aws:PrincipalTag/team", "red").Set("aws:MultiFactorAuthPresent", "true"), Yes, nil},
		{"one fails", NewFacts().Set("aws:PrincipalTag/team", "blue"), No, nil},
		{"one unknown", NewFacts().Set("aws:PrincipalTag/team", "red"), Maybe, []string{"Bool aws:MultiFactorAuthPresent"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, undecided := st.EvalConditions(tc.ctx)
			if got != tc.want {
				t.Errorf("EvalConditions = %v, want %v", got, tc.want)
			}
			if len(undecided) != len(tc.undecided) || (len(undecided) > 0 && undecided[0] != tc.undecided[0]) {
				t.Errorf("undecided = %q, want %q", undecided, tc.undecided)
			}
		})
	}
}

func TestSubstituteVariables(t *testing.T) {
	ctx := NewFacts().
		Set("aws:username", "bob").
		Set("aws:PrincipalTag/team", "red").
		Set("aws:TagKeys", "a", "b").
		SetAbsent("aws:PrincipalTag/cost")
	tests := []struct {
		in     string
		want   string
		wantOK bool
	}{
		{"no variables", "no variables", true},
		{"home/${aws:username}/*", "home/bob/*", true},
		{"${aws:username}-${aws:PrincipalTag/team}", "bob-red", true},
		{"${AWS:UserName}", "bob", true},
		{"${ aws:username }", "bob", true},
		{"${aws:PrincipalTag/cost}", "", false},
		{"${aws:SourceIp}", "", false},
		{"${aws:TagKeys}", "", false},
		{"b-${aws:PrincipalTag/cost, 'company-wide'}", "b-company-wide", true},
		{"b-${aws:PrincipalTag/cost,'x'}", "b-x", true},
		{"b-${aws:PrincipalTag/team, 'company-wide'}", "b-red", true},
		{"b-${aws:SourceIp, 'x'}", "", false},
		{"${aws:PrincipalTag/cost, 'a}b'}", "a}b", true},
		{"${aws:PrincipalTag/cost, unquoted}", "", false},
		{"${}", "", false},
		{"a${*}b${?}c${$}d", "a*b?c$d", true},
		{"unclosed ${aws:username", "unclosed ${aws:username", true},
		{"$aws:username", "$aws:username", true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := substituteVariables(tc.in, ctx)
			if ok != tc.wantOK || (ok && got != tc.want) {
				t.Errorf("substituteVariables(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.wantOK)
			}
		})
	}
}

func TestEvalUnknownKeyDecidedOnlyWhenValueIrrelevant(t *testing.T) {
	unknown := NewFacts()
	tests := []struct {
		op     string
		values []string
		want   Tri
	}{
		{"StringLikeIfExists", []string{"*"}, Yes},
		{"StringLikeIfExists", []string{"**"}, Yes},
		{"StringNotLikeIfExists", []string{"*"}, Maybe},
		{"ArnLikeIfExists", []string{"*"}, Yes},
		// "**" is not "*" for ARNs: it cannot span the ARN's colons.
		{"ArnLikeIfExists", []string{"**"}, Maybe},
		{"ForAllValues:StringLike", []string{"*"}, Yes},
		{"ForAnyValue:StringLike", []string{"*"}, Maybe},
		{"StringEqualsIfExists", []string{"*"}, Maybe},
	}
	for _, tc := range tests {
		t.Run(tc.op+" "+tc.values[0], func(t *testing.T) {
			c := Condition{Operator: tc.op, Key: "k", Values: tc.values}
			if got := c.Eval(unknown); got != tc.want {
				t.Errorf("%s %q on unknown key = %v, want %v", tc.op, tc.values, got, tc.want)
			}
		})
	}
}

func TestSubstituteVariablesExported(t *testing.T) {
	ctx := NewFacts().Set("aws:username", "bob")
	if got, ok := SubstituteVariables("u/${aws:username}", ctx); !ok || got != "u/bob" {
		t.Errorf("SubstituteVariables = %q, %v", got, ok)
	}
	if got, ok := SubstituteVariables("u/${aws:userid}", ctx); ok || got != "u/${aws:userid}" {
		t.Errorf("SubstituteVariables unresolved = %q, %v; want the input and false", got, ok)
	}
}
