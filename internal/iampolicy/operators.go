package iampolicy

import (
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// setOp is a condition's set qualifier for multivalued context keys.
type setOp int

const (
	setNone setOp = iota
	// ForAllValues: true when every context value matches (and when the key
	// is absent or empty).
	setAll
	// ForAnyValue: true when at least one context value matches (false when
	// the key is absent).
	setAny
)

// operator is one base condition operator. match reports whether a
// context value matches one policy value by the operator's positive test;
// negated operators (StringNotEquals, …) invert the OR of those tests into
// a NOR, as IAM documents.
type operator struct {
	name    string
	negated bool
	// check validates a policy value; "" when it is fine.
	check func(policy string) string
	match func(ctx, policy string) bool
}

var operators = func() map[string]*operator {
	ok := func(string) string { return "" }
	m := map[string]*operator{}
	add := func(name, negName string, check func(string) string, match func(ctx, policy string) bool) {
		m[name] = &operator{name: name, check: check, match: match}
		if negName != "" {
			m[negName] = &operator{name: negName, negated: true, check: check, match: match}
		}
	}
	add("StringEquals", "StringNotEquals", ok, func(c, p string) bool { return c == p })
	add("StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", ok, strings.EqualFold)
	add("StringLike", "StringNotLike", ok, func(c, p string) bool { return Like(p, c) })
	add("ArnEquals", "ArnNotEquals", checkARN, ArnLike)
	add("ArnLike", "ArnNotLike", checkARN, ArnLike)
	add("Bool", "", checkBool, func(c, p string) bool { return strings.EqualFold(c, p) })
	add("BinaryEquals", "", ok, func(c, p string) bool { return c == p })
	add("IpAddress", "NotIpAddress", checkCIDR, matchCIDR)
	numeric := func(cmp func(a, b float64) bool) func(c, p string) bool {
		return func(c, p string) bool {
			a, err1 := strconv.ParseFloat(c, 64)
			b, err2 := strconv.ParseFloat(p, 64)
			return err1 == nil && err2 == nil && cmp(a, b)
		}
	}
	add("NumericEquals", "NumericNotEquals", checkNumber, numeric(func(a, b float64) bool { return a == b }))
	add("NumericLessThan", "", checkNumber, numeric(func(a, b float64) bool { return a < b }))
	add("NumericLessThanEquals", "", checkNumber, numeric(func(a, b float64) bool { return a <= b }))
	add("NumericGreaterThan", "", checkNumber, numeric(func(a, b float64) bool { return a > b }))
	add("NumericGreaterThanEquals", "", checkNumber, numeric(func(a, b float64) bool { return a >= b }))
	date := func(cmp func(a, b time.Time) bool) func(c, p string) bool {
		return func(c, p string) bool {
			a, ok1 := parseDate(c)
			b, ok2 := parseDate(p)
			return ok1 && ok2 && cmp(a, b)
		}
	}
	add("DateEquals", "DateNotEquals", checkDate, date(time.Time.Equal))
	add("DateLessThan", "", checkDate, date(time.Time.Before))
	add("DateLessThanEquals", "", checkDate, date(func(a, b time.Time) bool { return !a.After(b) }))
	add("DateGreaterThan", "", checkDate, date(time.Time.After))
	add("DateGreaterThanEquals", "", checkDate, date(func(a, b time.Time) bool { return !a.Before(b) }))
	add("Null", "", checkBool, nil)
	return m
}()

// parseOperator splits "ForAnyValue:StringLikeIfExists" into its base
// operator, set qualifier and IfExists suffix.
func parseOperator(name string) (*operator, setOp, bool, error) {
	base, set := name, setNone
	switch {
	case strings.HasPrefix(name, "ForAllValues:"):
		base, set = strings.TrimPrefix(name, "ForAllValues:"), setAll
	case strings.HasPrefix(name, "ForAnyValue:"):
		base, set = strings.TrimPrefix(name, "ForAnyValue:"), setAny
	}
	ifExists := false
	if b, ok := strings.CutSuffix(base, "IfExists"); ok {
		base, ifExists = b, true
	}
	op, ok := operators[base]
	if !ok {
		return nil, 0, false, fmt.Errorf("%q is not a condition operator", name)
	}
	if op.name == "Null" && (ifExists || set != setNone) {
		return nil, 0, false, fmt.Errorf("%q: Null takes neither IfExists nor a set qualifier", name)
	}
	return op, set, ifExists, nil
}

func checkBool(v string) string {
	if !strings.EqualFold(v, "true") && !strings.EqualFold(v, "false") {
		return "is not true or false"
	}
	return ""
}

func checkNumber(v string) string {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return "is not a number"
	}
	return ""
}

func checkDate(v string) string {
	if strings.Contains(v, "${") {
		return ""
	}
	if _, ok := parseDate(v); !ok {
		return "is not a date (ISO 8601, e.g. 2026-01-02T15:04:05Z, or epoch seconds)"
	}
	return ""
}

// parseDate reads the date forms IAM accepts: ISO 8601 (with or without
// time and zone) or epoch seconds.
func parseDate(v string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04Z07:00", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, true
		}
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.Unix(n, 0).UTC(), true
	}
	return time.Time{}, false
}

func checkARN(v string) string {
	if strings.Contains(v, "${") || v == "*" {
		return ""
	}
	if strings.Count(v, ":") < 5 || !strings.HasPrefix(v, "arn:") {
		return "is not an ARN (arn:partition:service:region:account:resource, wildcards allowed)"
	}
	return ""
}

func checkCIDR(v string) string {
	if _, err := netip.ParsePrefix(v); err == nil {
		return ""
	}
	if _, err := netip.ParseAddr(v); err == nil {
		return ""
	}
	return "is not an IP address or CIDR block"
}

func matchCIDR(ctx, policy string) bool {
	addr, err := netip.ParseAddr(ctx)
	if err != nil {
		return false
	}
	if pfx, err := netip.ParsePrefix(policy); err == nil {
		return pfx.Contains(addr)
	}
	a, err := netip.ParseAddr(policy)
	return err == nil && a == addr
}

// Like reports whether s matches an IAM glob: * is any run of characters,
// ? is any one character, everything else matches itself
// (case-sensitive). StringLike and the Action element (case-folded by the
// caller) use it.
func Like(pattern, s string) bool {
	return glob(pattern, s, false)
}

// glob matches with * and ?. With segmentEnd, a * may cross a colon only
// when it ends its pattern segment (the Resource rule).
func glob(p, s string, colonAware bool) bool {
	// Iterative matching with single-star backtracking.
	pi, si := 0, 0
	starP, starS := -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && p[pi] == '*':
			starP, starS = pi, si
			pi++
		case pi < len(p) && (p[pi] == '?' && !(colonAware && s[si] == ':') || p[pi] == s[si]):
			pi++
			si++
		case starP >= 0 && (!colonAware || s[starS] != ':' || starEndsSegment(p, starP)):
			starS++
			si = starS
			pi = starP + 1
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// starEndsSegment reports whether the * at i is the last character of its
// colon-separated segment.
func starEndsSegment(p string, i int) bool {
	return i+1 == len(p) || p[i+1] == ':'
}

// ArnLike matches an ARN against an ArnLike/ArnEquals pattern: each of the
// six colon-separated parts is compared on its own, with * and ? as
// wildcards inside a part; the resource part (the sixth) keeps its colons.
func ArnLike(value, pattern string) bool {
	if pattern == "*" {
		return true
	}
	vp := strings.SplitN(value, ":", 6)
	pp := strings.SplitN(pattern, ":", 6)
	if len(vp) != 6 || len(pp) != 6 {
		return false
	}
	for i := range 6 {
		if !glob(pp[i], vp[i], false) {
			return false
		}
	}
	return true
}

// MatchResource matches a resource ARN against a Resource element entry:
// * and ? work inside each colon-separated segment, and a * that ends a
// segment also matches beyond the colon ("arn:aws:backup:*" matches every
// AWS Backup ARN in every Region and account).
func MatchResource(pattern, arn string) bool {
	return pattern == "*" || glob(pattern, arn, true)
}

// MatchAction matches an action ("backup:DeleteRecoveryPoint") against an
// Action element entry; actions are case-insensitive.
func MatchAction(pattern, action string) bool {
	return pattern == "*" || glob(strings.ToLower(pattern), strings.ToLower(action), false)
}
