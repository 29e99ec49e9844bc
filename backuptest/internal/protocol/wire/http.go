package wire

import (
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"time"

	"github.com/backupkit/backupkit/backuptest/internal/protocol/model"
)

// Route is one REST operation's HTTP binding.
type Route struct {
	Name     string
	Method   string
	Status   int
	segments []segment
	// query is a literal query key the URI requires ("tagging" in
	// "/{Bucket}?tagging"), with its value when it has one ("list-type=2").
	query, queryValue string
	literals          int
}

type segment struct {
	literal string
	label   string
	greedy  bool
}

// Router matches REST requests to their operations.
type Router struct{ routes []*Route }

// NewRouter builds the routes of a model's operations.
func NewRouter(m *model.Model) *Router {
	rt := &Router{}
	for name, op := range m.Ops {
		r := &Route{Name: name, Method: op.Method, Status: op.Status}
		uri := op.URI
		if i := strings.IndexByte(uri, '?'); i >= 0 {
			q := uri[i+1:]
			uri = uri[:i]
			r.query, r.queryValue, _ = strings.Cut(q, "=")
		}
		for _, p := range splitPath(uri) {
			if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}") {
				label := strings.Trim(p, "{}")
				r.segments = append(r.segments, segment{label: strings.TrimSuffix(label, "+"), greedy: strings.HasSuffix(label, "+")})
			} else {
				r.segments = append(r.segments, segment{literal: p})
				r.literals++
			}
		}
		rt.routes = append(rt.routes, r)
	}
	return rt
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// Match finds the operation for method and escaped path; labels are
// unescaped, keyed by label name.
func (rt *Router) Match(method, escapedPath string, query url.Values) (*Route, map[string]string, bool) {
	parts := splitPath(escapedPath)
	var best *Route
	for _, c := range rt.routes {
		if c.Method != method {
			continue
		}
		n := len(c.segments)
		greedy := n > 0 && c.segments[n-1].greedy
		if len(parts) != n && !(greedy && len(parts) > n) {
			continue
		}
		if c.query != "" {
			vals, ok := query[c.query]
			if !ok || (c.queryValue != "" && (len(vals) == 0 || vals[0] != c.queryValue)) {
				continue
			}
		}
		ok := true
		for i, s := range c.segments {
			if s.label == "" && s.literal != parts[i] {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		if best == nil || c.literals > best.literals || (c.literals == best.literals && c.query != "" && best.query == "") {
			best = c
		}
	}
	if best == nil {
		return nil, nil, false
	}
	labels := map[string]string{}
	for i, s := range best.segments {
		if s.label == "" {
			continue
		}
		raw := parts[i]
		if s.greedy {
			raw = strings.Join(parts[i:], "/")
		}
		v, err := url.PathUnescape(raw)
		if err != nil {
			return nil, nil, false
		}
		labels[s.label] = v
	}
	return best, labels, true
}

// DecodeBindings sets the members of struct v bound to URI labels, the
// query string and headers.
func DecodeBindings(v reflect.Value, m *model.Model, labels map[string]string, query url.Values, h http.Header) error {
	typeName := v.Type().Name()
	for _, f := range Fields(v.Type()) {
		mb := m.Member(typeName, f.Name)
		name := mb.Name
		if name == "" {
			name = f.Name
		}
		fv := v.Field(f.Index)
		switch mb.Location {
		case "uri":
			if s, ok := labels[name]; ok {
				if err := SetScalar(fv, s, name); err != nil {
					return err
				}
			}
		case "querystring":
			vals, ok := query[name]
			if !ok || len(vals) == 0 {
				continue
			}
			if fv.Kind() == reflect.Slice && fv.Type() != bytesType {
				s := reflect.MakeSlice(fv.Type(), len(vals), len(vals))
				for i, x := range vals {
					if err := SetScalar(s.Index(i), x, name); err != nil {
						return err
					}
				}
				fv.Set(s)
				continue
			}
			if err := SetScalar(fv, vals[0], name); err != nil {
				return err
			}
		case "header":
			if s := h.Get(name); s != "" && IsScalar(fv.Type()) {
				if err := SetScalar(fv, s, name); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// EncodeHeaders sets the response headers bound to members of struct v.
func EncodeHeaders(h http.Header, v reflect.Value, m *model.Model) {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return
	}
	typeName := v.Type().Name()
	for _, f := range Fields(v.Type()) {
		mb := m.Member(typeName, f.Name)
		if mb.Location != "header" {
			continue
		}
		fv := v.Field(f.Index)
		for fv.Kind() == reflect.Pointer && !fv.IsNil() {
			fv = fv.Elem()
		}
		if t, ok := fv.Interface().(time.Time); ok {
			h.Set(mb.Name, t.UTC().Format(http.TimeFormat))
			continue
		}
		if s, ok := FormatScalar(fv); ok {
			h.Set(mb.Name, s)
		}
	}
}

// Payload returns the payload member of struct type t, if any.
func Payload(t reflect.Type, m *model.Model) (Field, model.Member, bool) {
	for _, f := range Fields(t) {
		if mb := m.Member(t.Name(), f.Name); mb.Payload {
			return f, mb, true
		}
	}
	return Field{}, model.Member{}, false
}
