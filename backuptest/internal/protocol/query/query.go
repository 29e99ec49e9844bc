// Package query is the codec of the query protocols: awsQuery (STS, RDS,
// …) and ec2Query (EC2). Requests are form bodies (Action, Version and the
// input's members flattened into keys); answers are XML. One Codec serves
// each service, configured with its XML namespace and wire names.
//
// Wire shapes (aws-wire-protocols.md §2): awsQuery answers
// <OpResponse><OpResult>…</OpResult><ResponseMetadata><RequestId>, errors
// <ErrorResponse><Error><Type><Code><Message></Error><RequestId>; ec2Query
// answers <OpResponse><requestId>… with no Result wrapper, errors
// <Response><Errors><Error><Code><Message></Error></Errors><RequestID>.
package query

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"reflect"

	"github.com/backupkit/backupkit/backuptest/internal/protocol/model"
	"github.com/backupkit/backupkit/backuptest/internal/protocol/wire"
	"github.com/backupkit/backupkit/backuptest/internal/serve"
)

// Codec reads and answers one query-protocol service.
type Codec struct {
	ec2       bool
	namespace string
	model     *model.Model
}

// NewAWSQuery returns the awsQuery codec of a service with XML namespace ns
// ("http://rds.amazonaws.com/doc/2014-10-31/") and wire names m.
func NewAWSQuery(ns string, m *model.Model) *Codec {
	return &Codec{namespace: ns, model: m}
}

// NewEC2 returns the ec2Query codec with wire names m.
func NewEC2(m *model.Model) *Codec {
	return &Codec{ec2: true, namespace: "http://ec2.amazonaws.com/doc/2016-11-15/", model: m}
}

var _ serve.Codec = (*Codec)(nil)

// parseError marks a form that cannot be read at all.
type parseError struct{ err error }

func (e *parseError) Error() string { return e.err.Error() }

// form returns the request's parameters: the URL query plus a
// form-encoded body.
func form(r *http.Request, body []byte) (url.Values, error) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, &parseError{fmt.Errorf("query string: %w", err)}
	}
	if len(body) > 0 {
		ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if ct != "" && ct != "application/x-www-form-urlencoded" {
			return nil, &parseError{fmt.Errorf("content type %q: want application/x-www-form-urlencoded", ct)}
		}
		b, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, &parseError{fmt.Errorf("form body: %w", err)}
		}
		for k, v := range b {
			q[k] = append(q[k], v...)
		}
	}
	return q, nil
}

// Resolve reads the Action parameter.
func (c *Codec) Resolve(r *http.Request, body []byte) (string, *serve.Error) {
	f, err := form(r, body)
	if err != nil {
		return "", serve.Errorf(http.StatusBadRequest, "MalformedQueryString", "%v", err)
	}
	action := f.Get("Action")
	if action == "" {
		return "", serve.Errorf(http.StatusBadRequest, "MissingAction", "the request has no Action parameter")
	}
	return action, nil
}

// Decode fills in from the form parameters.
func (c *Codec) Decode(r *http.Request, body []byte, _ string, in any) error {
	f, err := form(r, body)
	if err != nil {
		return err
	}
	delete(f, "Action")
	delete(f, "Version")
	style := wire.AWSQuery
	if c.ec2 {
		style = wire.EC2Query
	}
	return wire.DecodeQuery(f, in, c.model, style)
}

// WriteResult answers out as the protocol's XML.
func (c *Codec) WriteResult(w http.ResponseWriter, _ *http.Request, op string, out any, requestID string) {
	var buf bytes.Buffer
	buf.WriteString(`<?xml version="1.0" encoding="UTF-8"?>`)
	fmt.Fprintf(&buf, `<%sResponse xmlns="%s">`, op, c.namespace)
	v := reflect.ValueOf(out)
	if c.ec2 {
		buf.WriteString("<requestId>" + requestID + "</requestId>")
		if out != nil {
			wire.EncodeXMLFields(&buf, v, c.model)
		}
	} else {
		if out != nil && len(wire.Fields(v.Elem().Type())) > 0 {
			fmt.Fprintf(&buf, "<%sResult>", op)
			wire.EncodeXMLFields(&buf, v, c.model)
			fmt.Fprintf(&buf, "</%sResult>", op)
		}
		buf.WriteString("<ResponseMetadata><RequestId>" + requestID + "</RequestId></ResponseMetadata>")
	}
	fmt.Fprintf(&buf, "</%sResponse>", op)
	write(w, http.StatusOK, requestID, buf.Bytes())
}

// WriteError answers err in the protocol's error envelope.
func (c *Codec) WriteError(w http.ResponseWriter, _ *http.Request, _ string, e *serve.Error, requestID string) {
	var buf bytes.Buffer
	buf.WriteString(`<?xml version="1.0" encoding="UTF-8"?>`)
	if c.ec2 {
		buf.WriteString("<Response><Errors><Error>")
		elem(&buf, "Code", e.Code)
		elem(&buf, "Message", e.Message)
		buf.WriteString("</Error></Errors>")
		elem(&buf, "RequestID", requestID)
		buf.WriteString("</Response>")
	} else {
		typ := "Sender"
		if e.HTTPStatus() >= 500 {
			typ = "Receiver"
		}
		fmt.Fprintf(&buf, `<ErrorResponse xmlns="%s"><Error>`, c.namespace)
		elem(&buf, "Type", typ)
		elem(&buf, "Code", e.Code)
		elem(&buf, "Message", e.Message)
		buf.WriteString("</Error>")
		elem(&buf, "RequestId", requestID)
		buf.WriteString("</ErrorResponse>")
	}
	write(w, e.HTTPStatus(), requestID, buf.Bytes())
}

// Unknown is InvalidAction, as AWS's query front end answers.
func (c *Codec) Unknown(op string) *serve.Error {
	return serve.Errorf(http.StatusBadRequest, "InvalidAction", "The action %s is not valid for this web service (the emulator does not serve it).", op)
}

// Malformed is MalformedQueryString for an unreadable form, else
// InvalidParameterValue naming the parameter.
func (c *Codec) Malformed(_ string, err error) *serve.Error {
	var pe *parseError
	if errors.As(err, &pe) {
		return serve.Errorf(http.StatusBadRequest, "MalformedQueryString", "%v", err)
	}
	return serve.Errorf(http.StatusBadRequest, "InvalidParameterValue", "%v", err)
}

func elem(buf *bytes.Buffer, name, text string) { wire.WriteElem(buf, name, text) }

func write(w http.ResponseWriter, status int, requestID string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "text/xml")
	h.Set("X-Amzn-Requestid", requestID)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
