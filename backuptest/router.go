package backuptest

// The operation table (operations_gen.go) is generated from the SDK module's
// AWS Backup schemas; internal/opsgen's test fails when it is stale.
//go:generate go run ./internal/opsgen/cmd -out operations_gen.go

import (
	"net/url"
	"strings"

	smithy "github.com/aws/smithy-go"
	smithytraits "github.com/aws/smithy-go/traits"
)

// route is one operation's HTTP binding, taken from the SDK's own model.
type route struct {
	name     string
	method   string
	segments []segment
	// queryKey is a literal query key the URI requires (e.g. "delete" in
	// "/backup-vaults/{BackupVaultName}/mpaApprovalTeam?delete").
	queryKey string
	status   int
	// query maps Go member names to their query-string keys.
	query map[string]string
	// literals counts literal segments; more literals win a tie.
	literals int
}

type segment struct {
	literal string
	label   string // member name when this segment is a {label}
}

// router matches a request to its operation. It is built once per Emulator
// from the SDK schemas and never changes afterwards.
type router struct {
	byMethod map[string][]*route
	byName   map[string]*route
}

func newRouter() *router {
	rt := &router{byMethod: map[string][]*route{}, byName: map[string]*route{}}
	for _, s := range allOperations() {
		h, ok := smithy.SchemaTrait[*smithytraits.HTTP](s.op)
		if !ok {
			continue
		}
		r := &route{name: s.name, method: h.Method, status: h.Code, query: map[string]string{}}
		uri := h.URI
		if i := strings.IndexByte(uri, '?'); i >= 0 {
			r.queryKey = uri[i+1:]
			uri = uri[:i]
		}
		for _, p := range splitPath(uri) {
			if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}") {
				r.segments = append(r.segments, segment{label: strings.TrimSuffix(strings.Trim(p, "{}"), "+")})
			} else {
				r.segments = append(r.segments, segment{literal: p})
				r.literals++
			}
		}
		if s.input != nil {
			for name, m := range s.input.Members() {
				if q, ok := smithy.SchemaTrait[*smithytraits.HTTPQuery](m); ok {
					r.query[name] = q.Name
				}
			}
		}
		rt.byMethod[r.method] = append(rt.byMethod[r.method], r)
		rt.byName[r.name] = r
	}
	return rt
}

// splitPath splits an escaped path into its segments, ignoring a trailing
// slash (botocore sends "/backup/plans/", the Go SDK "/backup/plans").
func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// match finds the operation for method and escaped path. Labels are returned
// unescaped, keyed by member name. ok is false when nothing matches.
func (rt *router) match(method, escapedPath string, query url.Values) (r *route, labels map[string]string, ok bool) {
	parts := splitPath(escapedPath)
	var best *route
	for _, cand := range rt.byMethod[method] {
		if len(cand.segments) != len(parts) {
			continue
		}
		if cand.queryKey != "" {
			if _, has := query[cand.queryKey]; !has {
				continue
			}
		}
		matched := true
		for i, s := range cand.segments {
			if s.label == "" && s.literal != parts[i] {
				matched = false
				break
			}
		}
		if !matched {
			continue
		}
		if best == nil || cand.literals > best.literals || (cand.literals == best.literals && cand.queryKey != "" && best.queryKey == "") {
			best = cand
		}
	}
	if best == nil {
		return nil, nil, false
	}
	labels = make(map[string]string, len(best.segments)-best.literals)
	for i, s := range best.segments {
		if s.label == "" {
			continue
		}
		v, err := url.PathUnescape(parts[i])
		if err != nil {
			return nil, nil, false
		}
		labels[s.label] = v
	}
	return best, labels, true
}
