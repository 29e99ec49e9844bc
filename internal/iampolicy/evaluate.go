package iampolicy

import (
	"strings"
)

// Request is what a policy is evaluated for.
type Request struct {
	Principal Principal
	// Action is "service:Operation", e.g. "backup:DeleteRecoveryPoint".
	Action string
	// Resource is the ARN the action is on.
	Resource string
	// Aliases are other ARNs the same resource goes by (a recovery point
	// is also named by its backup vault's ARN in AWS Backup's examples). A
	// Resource entry matches when it names the resource or an alias; a
	// NotResource entry excludes the request when it names either.
	Aliases []string
	// Context holds the request's other condition keys
	// ("aws:SourceAccount", "aws:CurrentTime", "aws:SecureTransport", …);
	// keys are case-insensitive. A key with several values is multivalued.
	// The principal's keys (aws:PrincipalArn, aws:PrincipalAccount,
	// aws:PrincipalOrgID, aws:PrincipalOrgPaths, aws:PrincipalType,
	// aws:userid, aws:username) come from Principal and override these.
	Context map[string][]string
}

// Decision is the outcome of evaluating a policy.
type Decision int

const (
	// NoMatch: no statement applies (an implicit deny, unless another
	// policy allows the request).
	NoMatch Decision = iota
	// Allowed: an Allow statement applies and no Deny does.
	Allowed
	// Denied: a Deny statement applies. An explicit deny wins over every
	// allow, in this policy or any other.
	Denied
)

func (d Decision) String() string {
	switch d {
	case Allowed:
		return "Allowed"
	case Denied:
		return "Denied"
	default:
		return "NoMatch"
	}
}

// Evaluate decides the request by the policy's statements: Denied when a
// Deny statement applies, else Allowed when an Allow statement applies,
// else NoMatch. It also returns the statement that decided (nil for
// NoMatch).
func (p *Policy) Evaluate(r Request) (Decision, *Statement) {
	ctx := make(map[string][]string, len(r.Context)+8)
	for k, v := range r.Context {
		ctx[strings.ToLower(k)] = v
	}
	r.Principal.contextKeys(ctx)
	var allow *Statement
	for i := range p.Statements {
		st := &p.Statements[i]
		if !st.applies(r, ctx) {
			continue
		}
		if st.Effect == Deny {
			return Denied, st
		}
		if allow == nil {
			allow = st
		}
	}
	if allow != nil {
		return Allowed, allow
	}
	return NoMatch, nil
}

// applies reports whether every element of the statement matches.
func (st *Statement) applies(r Request, ctx map[string][]string) bool {
	switch {
	case st.Principal != nil && !st.Principal.matches(r.Principal):
		return false
	case st.NotPrincipal != nil && st.NotPrincipal.matches(r.Principal):
		return false
	}
	if st.Action != nil && !anyMatch(st.Action, func(p string) bool { return MatchAction(p, r.Action) }) {
		return false
	}
	if st.NotAction != nil && anyMatch(st.NotAction, func(p string) bool { return MatchAction(p, r.Action) }) {
		return false
	}
	resourceMatch := func(p string) bool {
		p, ok := substitute(p, ctx)
		if !ok {
			return false
		}
		if MatchResource(p, r.Resource) {
			return true
		}
		for _, a := range r.Aliases {
			if MatchResource(p, a) {
				return true
			}
		}
		return false
	}
	if st.Resource != nil && !anyMatch(st.Resource, resourceMatch) {
		return false
	}
	if st.NotResource != nil && anyMatch(st.NotResource, resourceMatch) {
		return false
	}
	for i := range st.Conditions {
		if !st.Conditions[i].holds(ctx) {
			return false
		}
	}
	return true
}

func anyMatch(list []string, f func(string) bool) bool {
	for _, s := range list {
		if f(s) {
			return true
		}
	}
	return false
}

// holds evaluates one condition against the request context:
//   - a key absent from the context makes a positive operator false and a
//     negated one (StringNotEquals, ArnNotLike, …) true; …IfExists makes
//     it true; ForAllValues is true and ForAnyValue false;
//   - several policy values of one key are OR-ed (NOR-ed for a negated
//     operator);
//   - ForAllValues holds when every context value passes, ForAnyValue when
//     one does.
func (c *Condition) holds(ctx map[string][]string) bool {
	vals, present := ctx[strings.ToLower(c.Key)]
	if c.op.name == "Null" {
		absent := !present || len(vals) == 0
		return strings.EqualFold(c.Values[0], "true") == absent
	}
	if !present {
		switch {
		case c.ifExists:
			return true
		case c.set == setAll:
			return true
		case c.set == setAny:
			return false
		default:
			return c.op.negated
		}
	}
	passes := func(v string) bool {
		hit := false
		for _, pv := range c.Values {
			pv, ok := substitute(pv, ctx)
			if ok && c.op.match(v, pv) {
				hit = true
				break
			}
		}
		return hit != c.op.negated
	}
	switch c.set {
	case setAll:
		for _, v := range vals {
			if !passes(v) {
				return false
			}
		}
		return true
	case setAny:
		for _, v := range vals {
			if passes(v) {
				return true
			}
		}
		return false
	default:
		// A single-valued key. When the context holds several values
		// anyway, the positive test passes when one does, and the negated
		// test when none of them matches.
		if len(vals) == 1 {
			return passes(vals[0])
		}
		hit := false
		for _, v := range vals {
			if passes(v) != c.op.negated {
				hit = true
				break
			}
		}
		return hit != c.op.negated
	}
}

// substitute replaces policy variables (${aws:username},
// ${aws:PrincipalTag/team, 'none'}, ${*}, ${?}, ${$}) with their values
// from the context. ok is false when a variable has no value and no
// default: the entry then matches nothing.
func substitute(s string, ctx map[string][]string) (string, bool) {
	if !strings.Contains(s, "${") {
		return s, true
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String(), true
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			b.WriteString(s)
			return b.String(), true
		}
		b.WriteString(s[:i])
		inner := s[i+2 : i+j]
		s = s[i+j+1:]
		switch inner {
		case "*", "?", "$":
			// The escapes for the characters themselves.
			b.WriteString(inner)
			continue
		}
		key, def, hasDef := strings.Cut(inner, ",")
		key = strings.TrimSpace(key)
		if v := ctx[strings.ToLower(key)]; len(v) == 1 {
			b.WriteString(v[0])
			continue
		}
		if !hasDef {
			return "", false
		}
		def = strings.TrimSpace(def)
		def = strings.TrimSuffix(strings.TrimPrefix(def, "'"), "'")
		b.WriteString(def)
	}
}
