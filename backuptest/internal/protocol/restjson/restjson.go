// Package restjson is the codec of the restJson1 protocol (EFS, …): the
// operation is found from the HTTP method and path (the model's routes),
// input members come from URI labels, the query string, headers and a JSON
// body; errors carry the X-Amzn-ErrorType header and a body with ErrorCode
// and Message (aws-wire-protocols.md §4).
package restjson

import (
	"bytes"
	"net/http"
	"reflect"

	"github.com/backupkit/backupkit/backuptest/internal/protocol/model"
	"github.com/backupkit/backupkit/backuptest/internal/protocol/wire"
	"github.com/backupkit/backupkit/backuptest/internal/serve"
)

// Codec reads and answers one restJson1 service.
type Codec struct {
	model  *model.Model
	router *wire.Router
}

// New returns the codec of a service with wire model m.
func New(m *model.Model) *Codec {
	return &Codec{model: m, router: wire.NewRouter(m)}
}

var _ serve.Codec = (*Codec)(nil)

// Resolve matches the method and path to an operation.
func (c *Codec) Resolve(r *http.Request, _ []byte) (string, *serve.Error) {
	rt, _, ok := c.router.Match(r.Method, r.URL.EscapedPath(), r.URL.Query())
	if !ok {
		return "", serve.Errorf(http.StatusNotFound, "UnknownOperationException", "the emulator serves no operation at %s %s", r.Method, r.URL.Path)
	}
	return rt.Name, nil
}

// Decode reads labels, query string, headers and the JSON body.
func (c *Codec) Decode(r *http.Request, body []byte, _ string, in any) error {
	rt, labels, ok := c.router.Match(r.Method, r.URL.EscapedPath(), r.URL.Query())
	if !ok {
		return wire.Errorf("no route for %s %s", r.Method, r.URL.Path)
	}
	_ = rt
	if err := wire.DecodeJSON(body, in); err != nil {
		return err
	}
	return wire.DecodeBindings(reflect.ValueOf(in).Elem(), c.model, labels, r.URL.Query(), r.Header)
}

// WriteResult answers out's body members as JSON with the route's status.
func (c *Codec) WriteResult(w http.ResponseWriter, r *http.Request, op string, out any, requestID string) {
	status := http.StatusOK
	if o, ok := c.model.Ops[op]; ok && o.Status != 0 {
		status = o.Status
	}
	var buf bytes.Buffer
	h := w.Header()
	if out == nil {
		buf.WriteString("{}")
	} else {
		v := reflect.ValueOf(out)
		wire.EncodeHeaders(h, v, c.model)
		wire.EncodeJSON(&buf, v)
	}
	h.Set("Content-Type", "application/json")
	h.Set("X-Amzn-Requestid", requestID)
	w.WriteHeader(status)
	if status != http.StatusNoContent {
		_, _ = w.Write(buf.Bytes())
	}
}

// WriteError answers e with the X-Amzn-ErrorType header and a body that
// both clients read (ErrorCode for the Go SDK's typed errors, __type for
// older botocore).
func (c *Codec) WriteError(w http.ResponseWriter, _ *http.Request, _ string, e *serve.Error, requestID string) {
	body := map[string]string{}
	for k, v := range e.Fields {
		body[k] = v
	}
	body["ErrorCode"], body["__type"], body["Message"], body["message"] = e.Code, e.Code, e.Message, e.Message
	var buf bytes.Buffer
	wire.EncodeJSON(&buf, reflect.ValueOf(body))
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Amzn-ErrorType", e.Code)
	h.Set("X-Amzn-Requestid", requestID)
	w.WriteHeader(e.HTTPStatus())
	_, _ = w.Write(buf.Bytes())
}

// Unknown answers a route with no served operation.
func (c *Codec) Unknown(op string) *serve.Error {
	return serve.Errorf(http.StatusNotFound, "UnknownOperationException", "the emulator does not serve operation %s", op)
}

// Malformed is BadRequest.
func (c *Codec) Malformed(_ string, err error) *serve.Error {
	return serve.Errorf(http.StatusBadRequest, "BadRequest", "%v", err)
}
