// Package awsjson is the codec of the awsJson 1.0 (DynamoDB) and 1.1
// (FSx, KMS, Organizations, the Resource Groups Tagging API, …) protocols:
// POST / with X-Amz-Target "<prefix>.<Operation>", the input as a JSON
// object of the model's member names, the output likewise, errors as
// {"__type": code, "message": …} with the X-Amzn-ErrorType header
// (aws-wire-protocols.md §3).
package awsjson

import (
	"bytes"
	"net/http"
	"reflect"
	"strings"

	"github.com/backupkit/backupkit/backuptest/internal/protocol/wire"
	"github.com/backupkit/backupkit/backuptest/internal/serve"
)

// Codec reads and answers one awsJson service.
type Codec struct {
	contentType string
	prefix      string
}

// New returns the codec of a service speaking awsJson version ("1.0" or
// "1.1") whose X-Amz-Target values start with prefix
// ("DynamoDB_20120810.").
func New(version, prefix string) *Codec {
	return &Codec{contentType: "application/x-amz-json-" + version, prefix: prefix}
}

var _ serve.Codec = (*Codec)(nil)

// Resolve reads the operation from X-Amz-Target.
func (c *Codec) Resolve(r *http.Request, _ []byte) (string, *serve.Error) {
	target := r.Header.Get("X-Amz-Target")
	if r.Method != http.MethodPost || !strings.HasPrefix(target, c.prefix) {
		return "", serve.Errorf(http.StatusBadRequest, "UnknownOperationException",
			"expected POST / with X-Amz-Target %s<Operation>; got %s with X-Amz-Target %q", c.prefix, r.Method, target)
	}
	return strings.TrimPrefix(target, c.prefix), nil
}

// Decode reads the JSON body.
func (c *Codec) Decode(_ *http.Request, body []byte, _ string, in any) error {
	return wire.DecodeJSON(body, in)
}

// WriteResult answers out as JSON.
func (c *Codec) WriteResult(w http.ResponseWriter, _ *http.Request, _ string, out any, requestID string) {
	var buf bytes.Buffer
	if out == nil {
		buf.WriteString("{}")
	} else {
		wire.EncodeJSON(&buf, reflect.ValueOf(out))
	}
	h := w.Header()
	h.Set("Content-Type", c.contentType)
	h.Set("X-Amzn-Requestid", requestID)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
}

// WriteError answers e with both "message" and "Message", since typed SDK
// errors read the one their model names (DynamoDB and KMS the first, FSx
// and Organizations the second).
func (c *Codec) WriteError(w http.ResponseWriter, _ *http.Request, _ string, e *serve.Error, requestID string) {
	body := map[string]string{}
	for k, v := range e.Fields {
		body[k] = v
	}
	body["__type"], body["message"], body["Message"] = e.Code, e.Message, e.Message
	var buf bytes.Buffer
	wire.EncodeJSON(&buf, reflect.ValueOf(body))
	h := w.Header()
	h.Set("Content-Type", c.contentType)
	h.Set("X-Amzn-ErrorType", e.Code)
	h.Set("X-Amzn-Requestid", requestID)
	w.WriteHeader(e.HTTPStatus())
	_, _ = w.Write(buf.Bytes())
}

// Unknown is UnknownOperationException naming the operation.
func (c *Codec) Unknown(op string) *serve.Error {
	return serve.Errorf(http.StatusBadRequest, "UnknownOperationException", "the emulator does not serve operation %s%s", c.prefix, op)
}

// Malformed is SerializationException.
func (c *Codec) Malformed(_ string, err error) *serve.Error {
	return serve.Errorf(http.StatusBadRequest, "SerializationException", "%v", err)
}
