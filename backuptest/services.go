package backuptest

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/backupkit/backupkit/backuptest/internal/account"
	"github.com/backupkit/backupkit/backuptest/internal/dynamodb"
	"github.com/backupkit/backupkit/backuptest/internal/ec2"
	"github.com/backupkit/backupkit/backuptest/internal/efs"
	"github.com/backupkit/backupkit/backuptest/internal/fsx"
	"github.com/backupkit/backupkit/backuptest/internal/kms"
	"github.com/backupkit/backupkit/backuptest/internal/organizations"
	"github.com/backupkit/backupkit/backuptest/internal/rds"
	"github.com/backupkit/backupkit/backuptest/internal/s3"
	"github.com/backupkit/backupkit/backuptest/internal/serve"
	"github.com/backupkit/backupkit/backuptest/internal/sts"
	"github.com/backupkit/backupkit/backuptest/internal/tagging"
)

// The emulator's one endpoint serves, beside AWS Backup, the services a
// restore drill and the coverage report call, each in its own wire
// protocol and each in its own folder under internal/: ec2, rds, dynamodb,
// efs, fsx, s3 and tagging (the Resource Groups Tagging API), and sts and
// organizations over the emulated organization. A request is
// routed by its SigV4 signing name (an unsigned JSON request by its
// X-Amz-Target). Every service shares the inventory, the faults, the
// latency injection and the call log.

func newServices(keys *kms.Store) map[string]*serve.Service {
	m := map[string]*serve.Service{}
	for _, s := range []*serve.Service{ec2.New(), rds.New(), dynamodb.New(), efs.New(), fsx.New(), s3.New(), tagging.New(), sts.New(), organizations.New(), account.New(), kms.New(keys)} {
		m[s.SigningName] = s
	}
	return m
}

// service returns the service a request is for: by signing name, or for an
// unsigned request by its X-Amz-Target. nil means AWS Backup.
func (e *Emulator) service(signingName string, r *http.Request) *serve.Service {
	if signingName != "" {
		return e.services[signingName]
	}
	if target := r.Header.Get("X-Amz-Target"); target != "" {
		for _, s := range e.services {
			if s.TargetPrefix != "" && strings.HasPrefix(target, s.TargetPrefix) {
				return s
			}
		}
	}
	return nil
}

func (e *Emulator) serviceNames() []string {
	names := make([]string, 0, len(e.services))
	for n := range e.services {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// serveService answers one request of a service other than AWS Backup:
// resolve the operation, apply faults, decode, run the handler under the
// state lock, encode — recording the call either way.
func (e *Emulator) serveService(w http.ResponseWriter, r *http.Request, svc *serve.Service, account, region string) {
	reqID := newID()
	call := Call{Service: svc.SigningName, Method: r.Method, Path: r.URL.Path, Account: account, Region: region}
	fail := func(op string, se *serve.Error) {
		call.Status, call.ErrorCode = se.HTTPStatus(), se.Code
		e.record(call)
		svc.Codec.WriteError(w, r, op, se, reqID)
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, e.opts.MaxBodyBytes+1))
	if err != nil || int64(len(body)) > e.opts.MaxBodyBytes {
		fail("", serve.Errorf(http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", "request body unreadable or larger than %d bytes", e.opts.MaxBodyBytes))
		return
	}
	name, perr := svc.Codec.Resolve(r, body)
	if perr != nil {
		fail("", perr)
		return
	}
	call.Operation = name
	if err := e.applyServiceFaults(r.Context(), svc.SigningName, name); err != nil {
		var ae *APIError
		if errors.As(err, &ae) {
			fail(name, &serve.Error{Code: ae.Code, Message: ae.Message, Status: ae.status()})
			return
		}
		call.Status = 499 // the client went away during injected latency
		e.record(call)
		return
	}
	op, ok := svc.Operation(name)
	if !ok {
		fail(name, svc.Codec.Unknown(name))
		return
	}
	in := op.NewInput()
	if err := svc.Codec.Decode(r, body, name, in); err != nil {
		fail(name, svc.Codec.Malformed(name, err))
		return
	}
	out, herr := e.invokeService(r, svc, name, op, in, account, region, reqID)
	if herr != nil {
		var se *serve.Error
		if !errors.As(herr, &se) {
			e.opts.Logger.Error("backuptest: handler failed", "service", svc.SigningName, "operation", name, "error", herr)
			se = serve.Errorf(http.StatusInternalServerError, "InternalFailure", "internal error in %s: %v", name, herr)
		}
		fail(name, se)
		return
	}
	// The call is logged when the status is known and before the client
	// can read the answer, so a test that reads the log after a call sees it.
	sw := &statusWriter{ResponseWriter: w, onHeader: func(status int) {
		call.Status = status
		e.record(call)
	}}
	svc.Codec.WriteResult(sw, r, name, out, reqID)
	e.opts.Logger.Debug("backuptest", "service", svc.SigningName, "operation", name, "account", account, "region", region)
}

// invokeService runs a service handler under the state lock, after moving
// jobs and deletions forward to the current time. A panic in a handler
// becomes a 500 instead of killing the process.
func (e *Emulator) invokeService(r *http.Request, svc *serve.Service, name string, op serve.Operation, in any, account, region, reqID string) (out any, err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic in %s %s: %v", svc.SigningName, name, p)
		}
	}()
	now := e.Now()
	e.advanceLocked(now)
	e.st.Advance(now)
	req := &serve.Request{
		Context: r.Context(), Operation: name, Account: account, Region: region, DefaultAccount: e.opts.AccountID,
		Now: now, RequestID: reqID, Inventory: &e.st.Store, DeleteDuration: e.opts.DeleteDuration, HTTP: r, Org: e.org,
	}
	return op.Call(req, in)
}

// statusWriter calls onHeader once with the status, before it is sent.
type statusWriter struct {
	http.ResponseWriter
	onHeader func(int)
	done     bool
}

func (s *statusWriter) WriteHeader(status int) {
	if !s.done {
		s.done = true
		s.onHeader(status)
	}
	s.ResponseWriter.WriteHeader(status)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if !s.done {
		s.WriteHeader(http.StatusOK)
	}
	return s.ResponseWriter.Write(b)
}
