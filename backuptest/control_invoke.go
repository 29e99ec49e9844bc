package backuptest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
)

// invokeRequest is the body of POST /_backupkit/invoke: an operation by
// name with its input as the PascalCase JSON of the SDK's input struct —
// the parameters a Step Functions AWS SDK integration Task sends
// ("arn:aws:states:::aws-sdk:backup:startRestoreJob" sends
// {"RecoveryPointArn": …, "Metadata": {…}, …}). Account and Region default
// to the emulator's.
type invokeRequest struct {
	Operation string         `json:"operation"`
	Input     map[string]any `json:"input"`
	Account   string         `json:"account,omitempty"`
	Region    string         `json:"region,omitempty"`
}

// serveInvoke answers POST /_backupkit/invoke with {"output": …} (the
// operation's output in the wire form: PascalCase members, timestamps as
// epoch seconds) or, with the error's HTTP status, {"code", "message"}.
// The call goes through the same faults, job clock and call log as a
// request over the AWS protocol, so a test of a workflow sees throttling
// exactly where an SDK client would.
func (e *Emulator) serveInvoke(w http.ResponseWriter, r *http.Request) {
	var req invokeRequest
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, e.opts.MaxBodyBytes))
	dec.UseNumber()
	if err := dec.Decode(&req); err != nil {
		controlError(w, http.StatusBadRequest, fmt.Errorf("invalid JSON body: %w", err))
		return
	}
	account, region := req.Account, req.Region
	if account == "" {
		account = e.opts.AccountID
	}
	if region == "" {
		region = e.opts.Region
	}
	fail := func(call Call, ae *APIError) {
		call.Status, call.ErrorCode = ae.status(), ae.Code
		e.record(call)
		writeJSON(w, ae.status(), map[string]string{"code": ae.Code, "message": ae.Message})
	}
	call := Call{Operation: req.Operation, Method: r.Method, Path: r.URL.Path, Account: account, Region: region}
	op, ok := e.ops[req.Operation]
	if !ok {
		fail(call, apiErr(CodeUnknownOperation, "the emulator does not serve an AWS Backup operation named %q", req.Operation))
		return
	}
	if err := e.applyFaults(r.Context(), req.Operation); err != nil {
		var ae *APIError
		if !errors.As(err, &ae) {
			call.Status = 499
			e.record(call)
			return
		}
		fail(call, ae)
		return
	}
	in := op.newInput()
	if err := e.codec.assignStruct(reflect.ValueOf(in).Elem(), req.Input, ""); err != nil {
		fail(call, apiErr(CodeSerialization, "%v", err))
		return
	}
	reqID := newID()
	out, herr := e.invoke(r.Context(), req.Operation, op, in, e.accountPrincipal(account), region, reqID)
	if herr != nil {
		var ae *APIError
		if !errors.As(herr, &ae) {
			ae = apiErr(CodeInternalFailure, "internal error in %s: %v", req.Operation, herr)
		}
		fail(call, ae)
		return
	}
	var buf bytes.Buffer
	if out != nil {
		e.codec.encode(&buf, reflect.ValueOf(out))
	} else {
		buf.WriteString("{}")
	}
	call.Status = http.StatusOK
	e.record(call)
	writeJSON(w, http.StatusOK, map[string]json.RawMessage{"output": buf.Bytes()})
}
