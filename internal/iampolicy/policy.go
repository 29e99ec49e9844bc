// Package iampolicy parses IAM resource-based policy documents (a backup
// vault's access policy) and evaluates them for one request the way IAM
// does: an explicit Deny wins over any Allow; a statement applies when its
// Principal, Action, Resource and every Condition match.
//
// It is the one place for IAM's policy rules in backupkit. The emulator
// (package backuptest) uses it to enforce vault access policies; the
// library may use it to check a policy before it is put.
//
// The rules follow the IAM User Guide:
//   - evaluation: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
//   - Principal: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
//   - Action: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
//   - Resource: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
//   - condition operators: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
//   - several keys and values: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html
//   - multivalued keys: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
//   - policy variables: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
package iampolicy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/backupkit/backupkit/internal/awsid"
)

// Effect is a statement's effect.
type Effect string

// The two effects IAM knows. They are case-sensitive.
const (
	Allow Effect = "Allow"
	Deny  Effect = "Deny"
)

// Versions IAM accepts in a policy's Version element. 2012-10-17 is the
// current one and the only one with policy variables.
const (
	Version2012 = "2012-10-17"
	Version2008 = "2008-10-17"
)

// Policy is a parsed policy document.
type Policy struct {
	Version    string
	ID         string
	Statements []Statement
}

// Statement is one statement of a policy. Exactly one of Principal and
// NotPrincipal, one of Action and NotAction, and one of Resource and
// NotResource is set.
type Statement struct {
	Sid          string
	Effect       Effect
	Principal    *Principals
	NotPrincipal *Principals
	Action       []string
	NotAction    []string
	Resource     []string
	NotResource  []string
	Conditions   []Condition
}

// Principals is the value of a Principal or NotPrincipal element: "*"
// (Any), or principals by kind.
type Principals struct {
	// Any is the anonymous "*" (also {"AWS": "*"}): every principal.
	Any bool
	// AWS holds account ids, account root ARNs, IAM role and user ARNs and
	// assumed-role session ARNs.
	AWS []string
	// Service holds service principals ("backup.amazonaws.com").
	Service []string
	// Federated and CanonicalUser are kept but match no principal this
	// package models.
	Federated     []string
	CanonicalUser []string
}

// Condition is one (operator, key, values) triple of a Condition element.
type Condition struct {
	// Operator is the operator as written, e.g.
	// "ForAnyValue:StringLikeIfExists".
	Operator string
	// Key is the condition key as written ("aws:PrincipalOrgID"); keys are
	// matched case-insensitively.
	Key    string
	Values []string

	op       *operator
	set      setOp
	ifExists bool
}

// Parse reads a resource-based policy document and reports every problem
// it has at once, each naming its element ("Statement[1].Effect: …"), the
// way IAM's MalformedPolicyDocument does.
func Parse(doc string) (*Policy, error) {
	var raw struct {
		Version   *string         `json:"Version"`
		ID        *string         `json:"Id"`
		Statement json.RawMessage `json:"Statement"`
	}
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	var top map[string]json.RawMessage
	if err := dec.Decode(&top); err != nil {
		return nil, fmt.Errorf("policy is not a JSON object: %v", err)
	}
	if dec.More() {
		return nil, errors.New("policy has data after its JSON object")
	}
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", field, fmt.Sprintf(format, args...)))
	}
	for k, v := range top {
		switch k {
		case "Version":
			if err := json.Unmarshal(v, &raw.Version); err != nil || raw.Version == nil {
				bad("Version", "must be a string")
			}
		case "Id":
			if err := json.Unmarshal(v, &raw.ID); err != nil || raw.ID == nil {
				bad("Id", "must be a string")
			}
		case "Statement":
			raw.Statement = v
		default:
			bad(k, "is not a policy element (use Version, Id and Statement)")
		}
	}
	p := &Policy{}
	if raw.Version != nil {
		p.Version = *raw.Version
		if p.Version != Version2012 && p.Version != Version2008 {
			bad("Version", "%q is not a policy language version (use %s)", p.Version, Version2012)
		}
	}
	if raw.ID != nil {
		p.ID = *raw.ID
	}
	stmts, err := statementList(raw.Statement)
	switch {
	case err != nil:
		bad("Statement", "%v", err)
	case len(stmts) == 0:
		bad("Statement", "is required and must hold at least one statement")
	}
	for i, s := range stmts {
		st, serrs := parseStatement(fmt.Sprintf("Statement[%d]", i), s)
		errs = append(errs, serrs...)
		p.Statements = append(p.Statements, st)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return p, nil
}

// statementList accepts one statement object or a list of them.
func statementList(raw json.RawMessage) ([]map[string]json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if raw[0] == '{' {
		var one map[string]json.RawMessage
		if err := unmarshal(raw, &one); err != nil {
			return nil, errors.New("must be a statement object or a list of them")
		}
		return []map[string]json.RawMessage{one}, nil
	}
	var list []map[string]json.RawMessage
	if err := unmarshal(raw, &list); err != nil {
		return nil, errors.New("must be a statement object or a list of them")
	}
	return list, nil
}

func unmarshal(raw json.RawMessage, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	return dec.Decode(v)
}

func parseStatement(path string, s map[string]json.RawMessage) (Statement, []error) {
	var st Statement
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s.%s: %s", path, field, fmt.Sprintf(format, args...)))
	}
	if s == nil {
		return st, []error{fmt.Errorf("%s: must be a statement object", path)}
	}
	for k, v := range s {
		var err error
		switch k {
		case "Sid":
			err = unmarshal(v, &st.Sid)
		case "Effect":
			var e string
			if err = unmarshal(v, &e); err == nil {
				st.Effect = Effect(e)
				if st.Effect != Allow && st.Effect != Deny {
					bad(k, "%q must be Allow or Deny", e)
				}
			}
		case "Principal":
			st.Principal, err = parsePrincipals(v)
		case "NotPrincipal":
			st.NotPrincipal, err = parsePrincipals(v)
		case "Action":
			st.Action, err = stringList(v)
		case "NotAction":
			st.NotAction, err = stringList(v)
		case "Resource":
			st.Resource, err = stringList(v)
		case "NotResource":
			st.NotResource, err = stringList(v)
		case "Condition":
			st.Conditions, errs = parseConditions(path+".Condition", v, errs)
		default:
			bad(k, "is not a statement element")
		}
		if err != nil {
			bad(k, "%v", err)
		}
	}
	if _, ok := s["Effect"]; !ok {
		bad("Effect", "is required (Allow or Deny)")
	}
	_, hasP := s["Principal"]
	_, hasNP := s["NotPrincipal"]
	switch {
	case hasP && hasNP:
		bad("Principal", "a statement has Principal or NotPrincipal, not both")
	case !hasP && !hasNP:
		bad("Principal", "is required in a resource-based policy")
	}
	_, hasA := s["Action"]
	_, hasNA := s["NotAction"]
	switch {
	case hasA && hasNA:
		bad("Action", "a statement has Action or NotAction, not both")
	case !hasA && !hasNA:
		bad("Action", "is required (or NotAction)")
	}
	for i, a := range append(slices.Clone(st.Action), st.NotAction...) {
		if a != "*" && !validAction(a) {
			bad("Action", "entry %d, %q, is not service:action (e.g. backup:DeleteRecoveryPoint)", i, a)
		}
	}
	_, hasR := s["Resource"]
	_, hasNR := s["NotResource"]
	switch {
	case hasR && hasNR:
		bad("Resource", "a statement has Resource or NotResource, not both")
	case !hasR && !hasNR:
		bad("Resource", "is required (or NotResource)")
	}
	for i, r := range append(slices.Clone(st.Resource), st.NotResource...) {
		if r != "*" && !strings.HasPrefix(r, "arn:") {
			bad("Resource", "entry %d, %q, is not an ARN or *", i, r)
		}
	}
	return st, errs
}

func validAction(a string) bool {
	svc, name, ok := strings.Cut(a, ":")
	return ok && svc != "" && name != "" && !strings.ContainsAny(svc, "*?")
}

// stringList accepts a string or a list of strings (non-empty).
func stringList(raw json.RawMessage) ([]string, error) {
	var one string
	if err := unmarshal(raw, &one); err == nil {
		return []string{one}, nil
	}
	var list []string
	if err := unmarshal(raw, &list); err != nil {
		return nil, errors.New("must be a string or a list of strings")
	}
	if len(list) == 0 {
		return nil, errors.New("must not be an empty list")
	}
	return list, nil
}

func parsePrincipals(raw json.RawMessage) (*Principals, error) {
	var star string
	if err := unmarshal(raw, &star); err == nil {
		if star != "*" {
			return nil, fmt.Errorf("%q: a Principal string must be \"*\"; name principals as {\"AWS\": …} or {\"Service\": …}", star)
		}
		return &Principals{Any: true}, nil
	}
	var m map[string]json.RawMessage
	if err := unmarshal(raw, &m); err != nil || len(m) == 0 {
		return nil, errors.New(`must be "*" or an object such as {"AWS": "123456789012"}`)
	}
	p := &Principals{}
	for k, v := range m {
		list, err := stringList(v)
		if err != nil {
			return nil, fmt.Errorf("%s %v", k, err)
		}
		switch k {
		case "AWS":
			for _, a := range list {
				switch {
				case a == "*":
					p.Any = true
				case isAccountID(a) || strings.HasPrefix(a, "arn:"):
					if strings.ContainsAny(a, "*?") {
						return nil, fmt.Errorf("AWS %q: principals take no wildcards (use a condition on aws:PrincipalArn)", a)
					}
					p.AWS = append(p.AWS, a)
				default:
					return nil, fmt.Errorf("AWS %q is not an account id or an IAM ARN", a)
				}
			}
		case "Service":
			p.Service = append(p.Service, list...)
		case "Federated":
			p.Federated = append(p.Federated, list...)
		case "CanonicalUser":
			p.CanonicalUser = append(p.CanonicalUser, list...)
		default:
			return nil, fmt.Errorf("%q is not a principal kind (AWS, Service, Federated, CanonicalUser)", k)
		}
	}
	return p, nil
}

// isAccountID is awsid.AccountID: the one account-id rule.
func isAccountID(s string) bool { return awsid.AccountID(s) }

func parseConditions(path string, raw json.RawMessage, errs []error) ([]Condition, []error) {
	var ops map[string]map[string]json.RawMessage
	if err := unmarshal(raw, &ops); err != nil {
		return nil, append(errs, fmt.Errorf("%s: must map operators to {key: value(s)}", path))
	}
	var out []Condition
	for _, name := range sortedKeys(ops) {
		op, set, ifExists, err := parseOperator(name)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s.%s: %v", path, name, err))
			continue
		}
		for _, key := range sortedKeys(ops[name]) {
			field := path + "." + name + "." + key
			values, err := conditionValues(ops[name][key])
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %v", field, err))
				continue
			}
			for _, v := range values {
				if msg := op.check(v); msg != "" {
					errs = append(errs, fmt.Errorf("%s: %q %s", field, v, msg))
				}
			}
			if op.name == "Null" && len(values) != 1 {
				errs = append(errs, fmt.Errorf("%s: Null takes one value, true or false", field))
			}
			out = append(out, Condition{Operator: name, Key: key, Values: values, op: op, set: set, ifExists: ifExists})
		}
	}
	return out, errs
}

// conditionValues accepts a string, number or boolean, or a list of them;
// numbers and booleans become their JSON text.
func conditionValues(raw json.RawMessage) ([]string, error) {
	var v any
	if err := unmarshal(raw, &v); err != nil {
		return nil, err
	}
	scalar := func(x any) (string, bool) {
		switch x := x.(type) {
		case string:
			return x, true
		case json.Number:
			return x.String(), true
		case bool:
			return strconv.FormatBool(x), true
		}
		return "", false
	}
	if s, ok := scalar(v); ok {
		return []string{s}, nil
	}
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return nil, errors.New("must be a value or a non-empty list of values")
	}
	out := make([]string, 0, len(list))
	for _, x := range list {
		s, ok := scalar(x)
		if !ok {
			return nil, errors.New("values must be strings, numbers or booleans")
		}
		out = append(out, s)
	}
	return out, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
