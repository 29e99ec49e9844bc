package backuptest

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/backupkit/backupkit/backuptest/internal/backupgateway"
	"github.com/backupkit/backupkit/backuptest/internal/kms"
	"github.com/backupkit/backupkit/backuptest/internal/orgstate"
	"github.com/backupkit/backupkit/backuptest/internal/serve"
	"github.com/backupkit/backupkit/internal/iampolicy"
)

// DefaultAccountID and DefaultRegion are used when a request does not say
// otherwise (see Options).
const (
	DefaultAccountID = "123456789012"
	DefaultRegion    = "us-east-1"
)

// Options configure an Emulator. The zero value of every field is a usable
// default.
type Options struct {
	// AccountID is the account of requests whose access key does not name
	// one. Default DefaultAccountID.
	AccountID string
	// Region is used for requests that carry no SigV4 credential scope.
	// Default DefaultRegion.
	Region string
	// Clock drives job progress. Default: real time.
	Clock Clock
	// JobDuration is how long a backup, copy or restore job takes from
	// start to completion. Zero completes a job on the next request after
	// it starts.
	JobDuration time.Duration
	// JobDurations overrides JobDuration per resource type ("EBS", "RDS", …).
	JobDurations map[string]time.Duration
	// Logger receives one debug record per request. Default: discard.
	Logger *slog.Logger
	// MaxBodyBytes caps request bodies. Default 10 MiB.
	MaxBodyBytes int64
	// Seed seeds the random source behind Fault.Rate, so a faulted test
	// run can be repeated exactly. Default 1.
	Seed uint64
	// RunPlans makes backup plans run: at each rule's scheduled time
	// (ScheduleExpression in ScheduleExpressionTimezone), a backup job
	// starts for every inventory resource in the plan's account and Region
	// that one of the plan's selections matches, like AWS. Default off so
	// tests that create plans control every job; the emulator command turns
	// it on.
	RunPlans bool
	// PlanStartDelay bounds the seeded delay after its scheduled time at
	// which a plan job starts (capped by the rule's start window; the same
	// Seed gives the same delays). Zero: plan jobs start at their scheduled
	// time.
	PlanStartDelay time.Duration
	// DeleteDuration is how long a resource deleted through its service's
	// API (DeleteVolume, TerminateInstances, DeleteDBInstance, DeleteTable,
	// DeleteFileSystem) reports its deleting state (deleting,
	// shutting-down, DELETING) before it is gone. Zero: gone from the next
	// request on. A terminated EC2 instance then stays describable as
	// terminated for an hour, as with AWS.
	DeleteDuration time.Duration
}

// Emulator is an in-memory AWS Backup service speaking the restJson1 wire
// protocol. It is an http.Handler; use NewServer in tests or Start to serve
// it on a real listener. All methods are safe for concurrent use.
type Emulator struct {
	opts   Options
	router *router
	codec  fieldIndex
	ops    map[string]operation
	// services are the other AWS services on the same endpoint, by SigV4
	// signing name (services.go).
	services map[string]*serve.Service
	// keys is KMS's state (internal/kms), also read by CreateBackupVault.
	keys *kms.Store
	// gateways is backup-gateway's state (internal/backupgateway, gateway.go).
	gateways *backupgateway.Store

	mu sync.Mutex
	st *state
	// aux guards the fault rules, their random source and the call log,
	// apart from mu so a request does not queue on the state lock for them;
	// nFaults lets a request without fault rules skip aux.
	aux     sync.Mutex
	nFaults atomic.Int32
	faults  []*faultRule
	calls   []Call
	events  []Event
	// failures are pending job failures injected with FailJobs.
	failures []*JobFailure
	random   *rand.Rand
	// org is the emulated AWS Organizations organization (orgfake.go).
	org *orgstate.Org
	// access is the principals behind access keys and the parsed vault
	// policies (access_policy.go).
	access accessState
}

// New returns an Emulator with empty state.
func New(optFns ...func(*Options)) *Emulator {
	o := Options{}
	for _, fn := range optFns {
		fn(&o)
	}
	if o.AccountID == "" {
		o.AccountID = DefaultAccountID
	}
	if o.Region == "" {
		o.Region = DefaultRegion
	}
	if o.Clock == nil {
		o.Clock = realClock{}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = 10 << 20
	}
	e := &Emulator{opts: o, router: newRouter(), st: newState()}
	e.org = orgstate.New(o.AccountID, o.Clock)
	e.ops = map[string]operation{}
	e.registerOperations()
	e.keys = kms.NewStore()
	e.seedKMS()
	e.services = newServices(e.keys)
	e.registerGatewayServices()
	return e
}

// Options returns a copy of the options the emulator was built with.
func (e *Emulator) Options() Options { return e.opts }

// Now is the emulator's current time.
func (e *Emulator) Now() time.Time { return e.opts.Clock.Now().UTC() }

// operation is a registered handler with its SDK input type.
type operation struct {
	newInput func() any
	call     func(c *opCtx, in any) (any, error)
}

// handle adapts a typed handler over SDK input and output structs.
func handle[I, O any](f func(*opCtx, *I) (*O, error)) operation {
	return operation{
		newInput: func() any { return new(I) },
		call: func(c *opCtx, in any) (any, error) {
			out, err := f(c, in.(*I))
			if err != nil || out == nil {
				return nil, err
			}
			return out, nil
		},
	}
}

// register adds the handlers of one API area. Each area file has a
// registerXxx method called from registerOperations.
func (e *Emulator) register(name string, op operation) {
	if _, ok := e.router.byName[name]; !ok {
		panic("backuptest: no route for operation " + name)
	}
	e.ops[name] = op
}

// Implemented returns the names of the operations the emulator serves.
func (e *Emulator) Implemented() []string {
	names := make([]string, 0, len(e.ops))
	for n := range e.ops {
		names = append(names, n)
	}
	return names
}

// opCtx is what a handler sees: the caller's account and Region, the time
// of the request, and the emulator (locked for the handler's duration).
type opCtx struct {
	e       *Emulator
	ctx     context.Context
	op      string
	account string
	region  string
	now     time.Time
	reqID   string
	// principal is who the request's credentials stand for.
	principal iampolicy.Principal
}

// rs is the state of the caller's account and Region.
func (c *opCtx) rs() *regionState { return c.e.st.region(c.account, c.region) }

// rsFor is the state of another account and Region (cross-Region and
// cross-account copies land there).
func (c *opCtx) rsFor(account, region string) *regionState { return c.e.st.region(account, region) }

// arn builds an AWS Backup ARN in the caller's account and Region.
func (c *opCtx) arn(resource string) string {
	return fmt.Sprintf("arn:aws:backup:%s:%s:%s", c.region, c.account, resource)
}

const controlPrefix = "/_backupkit/"

// ServeHTTP serves the AWS Backup API, plus the control API under
// /_backupkit/ (see control.go).
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, controlPrefix) {
		e.serveControl(w, r)
		return
	}
	account, region, service := e.identify(r)
	reqID := newID()
	if svc := e.service(service, r); svc != nil {
		e.serveService(w, r, svc, account, region)
		return
	}
	switch service {
	case "", "backup":
	default:
		writeError(w, reqID, apiErr(CodeUnknownOperation, "the emulator does not serve the %q service (it serves backup, %s)", service, strings.Join(e.serviceNames(), ", ")))
		return
	}
	rt, labels, ok := e.router.match(r.Method, r.URL.EscapedPath(), r.URL.Query())
	if !ok {
		e.record(Call{Operation: "", Method: r.Method, Path: r.URL.Path, Account: account, Region: region, Status: http.StatusNotFound, ErrorCode: CodeUnknownOperation})
		writeError(w, reqID, apiErr(CodeUnknownOperation, "no AWS Backup operation matches %s %s", r.Method, r.URL.Path))
		return
	}
	call := Call{Operation: rt.name, Method: r.Method, Path: r.URL.Path, Account: account, Region: region}
	if err := e.applyFaults(r.Context(), rt.name); err != nil {
		var ae *APIError
		if errors.As(err, &ae) {
			call.Status, call.ErrorCode = ae.status(), ae.Code
			e.record(call)
			writeError(w, reqID, ae)
			return
		}
		// The client went away during injected latency.
		call.Status = 499
		e.record(call)
		return
	}
	op, ok := e.ops[rt.name]
	if !ok {
		ae := &APIError{Code: CodeInvalidRequest, Status: http.StatusNotImplemented, Message: fmt.Sprintf("backupkit emulator does not implement %s", rt.name)}
		call.Status, call.ErrorCode = ae.status(), ae.Code
		e.record(call)
		writeError(w, reqID, ae)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, e.opts.MaxBodyBytes+1))
	if err != nil || int64(len(body)) > e.opts.MaxBodyBytes {
		ae := apiErr(CodeSerialization, "request body unreadable or larger than %d bytes", e.opts.MaxBodyBytes)
		call.Status, call.ErrorCode = ae.status(), ae.Code
		e.record(call)
		writeError(w, reqID, ae)
		return
	}
	in := op.newInput()
	if err := e.codec.decodeRequest(in, rt, labels, r.URL.Query(), body); err != nil {
		ae := apiErr(CodeSerialization, "%v", err)
		call.Status, call.ErrorCode = ae.status(), ae.Code
		e.record(call)
		writeError(w, reqID, ae)
		return
	}
	out, herr := e.invoke(r.Context(), rt.name, op, in, e.principalOf(r, account), region, reqID)
	if herr != nil {
		var ae *APIError
		if !errors.As(herr, &ae) {
			e.opts.Logger.Error("backuptest: handler failed", "operation", rt.name, "error", herr)
			ae = apiErr(CodeInternalFailure, "internal error in %s: %v", rt.name, herr)
		}
		call.Status, call.ErrorCode = ae.status(), ae.Code
		e.record(call)
		writeError(w, reqID, ae)
		return
	}
	buf := responseBuffers.Get().(*bytes.Buffer)
	defer putResponseBuffer(buf)
	if out != nil {
		e.codec.encode(buf, reflect.ValueOf(out))
	} else {
		buf.WriteString("{}")
	}
	status := rt.status
	if status == 0 {
		status = http.StatusOK
	}
	call.Status = status
	e.record(call)
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Amzn-Requestid", reqID)
	w.WriteHeader(status)
	if status != http.StatusNoContent {
		_, _ = w.Write(buf.Bytes())
	}
	e.opts.Logger.Debug("backuptest", "operation", rt.name, "status", status, "account", account, "region", region)
}

// responseBuffers are reused for encoding responses: a page of 100
// recovery points is ~60 KB, which would otherwise be grown anew on every
// request.
var responseBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// putResponseBuffer returns buf to the pool, unless it grew unusually large
// (a response of thousands of items), so the pool does not pin big buffers.
func putResponseBuffer(buf *bytes.Buffer) {
	if buf.Cap() > 1<<20 {
		return
	}
	buf.Reset()
	responseBuffers.Put(buf)
}

// invoke runs a handler under the state lock, after moving jobs forward to
// the current time. A panic in a handler becomes a 500 instead of killing
// the test binary.
func (e *Emulator) invoke(ctx context.Context, name string, op operation, in any, who iampolicy.Principal, region, reqID string) (out any, err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	now := e.Now()
	e.advanceLocked(now)
	c := &opCtx{e: e, ctx: ctx, op: name, account: who.Account, region: region, now: now, reqID: reqID, principal: who}
	if err := c.authorize(in); err != nil {
		return nil, err
	}
	out, err = op.call(c, in)
	return out, e.notFoundFaultLocked(name, err)
}

// Advance moves every job forward to the clock's current time, emitting
// the state-change events due by then. The emulator calls it on every
// request; call it after ManualClock.Advance to observe events without a
// request.
func (e *Emulator) Advance() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.advanceLocked(e.Now())
	e.st.Advance(e.Now())
}

var (
	credentialScope = regexp.MustCompile(`Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/aws4_request`)
	accountKey      = regexp.MustCompile(`(\d{12})$`)
)

// identify reads account, Region and signing service from the SigV4
// Authorization header. The account is the 12-digit suffix of the access
// key id when there is one (ConfigFor builds such keys), else the default.
func (e *Emulator) identify(r *http.Request) (account, region, service string) {
	account, region = e.opts.AccountID, e.opts.Region
	m := credentialScope.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		return account, region, ""
	}
	if a := accountKey.FindString(m[1]); a != "" {
		account = a
	}
	return account, m[2], m[3]
}

// newID returns a random UUID (version 4), the form AWS Backup uses for
// job ids, plan ids and recovery point ids.
func newID() string {
	var b [16]byte
	_, _ = crand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func (e *Emulator) registerOperations() {
	e.registerVaults()
	e.registerJobAreas()
	e.registerPlans() // plans.go: plans, selections, templates, audit, restore testing
	e.registerAccessPoints()
	e.registerMpa()
	e.registerScanJobs()
	e.registerIndexes()
	e.registerNestedRecoveryPoints()
}
