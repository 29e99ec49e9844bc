// Package restxml is the codec of the restXml protocol (S3): the operation
// is found from the method, the path and the query string's sub-resource
// ("?tagging", "?list-type=2"); the bucket comes from the first path
// segment (path-style) or, when the path has none, from the first label of
// the Host header (virtual-hosted: "my-bucket.localhost:4566"). Answers are
// XML documents with a root element per operation; errors are a bare
// <Error> document, and carry no body for HEAD (aws-wire-protocols.md §5).
package restxml

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/backupkit/backupkit/backuptest/internal/protocol/model"
	"github.com/backupkit/backupkit/backuptest/internal/protocol/wire"
	"github.com/backupkit/backupkit/backuptest/internal/serve"
)

// Namespace is S3's XML namespace.
const Namespace = "http://s3.amazonaws.com/doc/2006-03-01/"

// Codec reads and answers one restXml service.
type Codec struct {
	model  *model.Model
	router *wire.Router
	roots  map[string]string
}

// New returns the codec of a service with wire model m; roots names the
// root element of each operation's answer ("ListBucketResult" for
// ListObjectsV2); the default is "<Operation>Result".
func New(m *model.Model, roots map[string]string) *Codec {
	return &Codec{model: m, router: wire.NewRouter(m), roots: roots}
}

var _ serve.Codec = (*Codec)(nil)

var bucketLabel = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$`)

// Path is the request's escaped path in path-style form: a virtual-hosted
// request's bucket (the Host's first label) is put in front.
func Path(r *http.Request) string {
	p := r.URL.EscapedPath()
	if p != "/" && p != "" {
		return p
	}
	if r.Method == http.MethodGet && r.URL.RawQuery == "" {
		// GET / is ListBuckets (virtual-hosted ListObjects v1 is not served).
		return p
	}
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if net.ParseIP(strings.Trim(host, "[]")) != nil {
		return p
	}
	label, rest, ok := strings.Cut(host, ".")
	if !ok || rest == "" || !bucketLabel.MatchString(label) {
		return p
	}
	return "/" + label + "/"
}

// Resolve matches the request to an operation.
func (c *Codec) Resolve(r *http.Request, _ []byte) (string, *serve.Error) {
	rt, _, ok := c.router.Match(r.Method, Path(r), r.URL.Query())
	if !ok {
		return "", serve.Errorf(http.StatusNotImplemented, "NotImplemented",
			"the emulator does not serve %s %s%s", r.Method, r.URL.Path, query(r))
	}
	return rt.Name, nil
}

func query(r *http.Request) string {
	if r.URL.RawQuery == "" {
		return ""
	}
	return "?" + r.URL.RawQuery
}

type xmlError struct{ err error }

func (e *xmlError) Error() string { return e.err.Error() }
func (e *xmlError) Unwrap() error { return e.err }

// Decode reads labels, query string, headers and the XML payload.
func (c *Codec) Decode(r *http.Request, body []byte, _ string, in any) error {
	_, labels, ok := c.router.Match(r.Method, Path(r), r.URL.Query())
	if !ok {
		return wire.Errorf("no route for %s %s", r.Method, r.URL.Path)
	}
	v := reflect.ValueOf(in).Elem()
	if err := wire.DecodeBindings(v, c.model, labels, r.URL.Query(), r.Header); err != nil {
		return err
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	root, err := wire.ParseXML(body)
	if err != nil {
		return &xmlError{err}
	}
	if f, _, ok := wire.Payload(v.Type(), c.model); ok {
		fv := v.Field(f.Index)
		if fv.Kind() == reflect.Pointer {
			fv.Set(reflect.New(fv.Type().Elem()))
			fv = fv.Elem()
		}
		if fv.Kind() != reflect.Struct {
			return wire.Errorf("payload %s is not a structure", f.Name)
		}
		return wire.AssignXML(fv, root, c.model, root.Name)
	}
	return wire.AssignXML(v, root, c.model, root.Name)
}

// WriteResult answers out: header members as headers, the rest as the
// operation's XML document (no body when out has no body members).
func (c *Codec) WriteResult(w http.ResponseWriter, r *http.Request, op string, out any, requestID string) {
	status := http.StatusOK
	if o, ok := c.model.Ops[op]; ok && o.Status != 0 {
		status = o.Status
	}
	h := w.Header()
	h.Set("X-Amz-Request-Id", requestID)
	var buf bytes.Buffer
	if out != nil {
		v := reflect.ValueOf(out)
		wire.EncodeHeaders(h, v, c.model)
		var inner bytes.Buffer
		wire.EncodeXMLFields(&inner, v, c.model)
		if inner.Len() > 0 {
			root := c.roots[op]
			if root == "" {
				root = op + "Result"
			}
			buf.WriteString(`<?xml version="1.0" encoding="UTF-8"?>`)
			fmt.Fprintf(&buf, `<%s xmlns="%s">`, root, Namespace)
			buf.Write(inner.Bytes())
			fmt.Fprintf(&buf, `</%s>`, root)
			h.Set("Content-Type", "application/xml")
		}
	}
	w.WriteHeader(status)
	if r.Method != http.MethodHead && status != http.StatusNoContent {
		_, _ = w.Write(buf.Bytes())
	}
}

// WriteError answers e as S3's <Error> document; HEAD errors carry no
// body, as with S3.
func (c *Codec) WriteError(w http.ResponseWriter, r *http.Request, _ string, e *serve.Error, requestID string) {
	h := w.Header()
	h.Set("X-Amz-Request-Id", requestID)
	if r.Method == http.MethodHead {
		w.WriteHeader(e.HTTPStatus())
		return
	}
	var buf bytes.Buffer
	buf.WriteString(`<?xml version="1.0" encoding="UTF-8"?><Error>`)
	wire.WriteElem(&buf, "Code", e.Code)
	wire.WriteElem(&buf, "Message", e.Message)
	for _, k := range slices.Sorted(maps.Keys(e.Fields)) {
		wire.WriteElem(&buf, k, e.Fields[k])
	}
	wire.WriteElem(&buf, "RequestId", requestID)
	buf.WriteString("</Error>")
	h.Set("Content-Type", "application/xml")
	w.WriteHeader(e.HTTPStatus())
	_, _ = w.Write(buf.Bytes())
}

// Unknown is NotImplemented (501, which clients do not retry).
func (c *Codec) Unknown(op string) *serve.Error {
	return serve.Errorf(http.StatusNotImplemented, "NotImplemented", "the emulator does not serve %s", op)
}

// Malformed is MalformedXML for a body that is not XML, else
// InvalidArgument.
func (c *Codec) Malformed(_ string, err error) *serve.Error {
	var xe *xmlError
	if errors.As(err, &xe) {
		return serve.Errorf(http.StatusBadRequest, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema: %v", err)
	}
	return serve.Errorf(http.StatusBadRequest, "InvalidArgument", "%v", err)
}
