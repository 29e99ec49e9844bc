package backuptest

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/backupkit/backupkit/internal/sleep"
)

// Fault makes matching requests fail or slow down, before the operation
// runs (so a faulted call has no effect on state, as with a throttled
// request to AWS).
type Fault struct {
	// Operation is the AWS operation name ("DescribeBackupJob"); empty
	// matches every operation.
	Operation string `json:"operation,omitempty"`
	// Service is the SigV4 signing name of the service ("backup", "ec2",
	// "rds", "dynamodb", "elasticfilesystem", "fsx", "s3", "tagging"), or
	// "*" for every service. Empty matches AWS Backup, and the other
	// services' operations only when Operation names one.
	Service string `json:"service,omitempty"`
	// ErrorCode is the error to answer with ("ThrottlingException",
	// "ServiceUnavailableException", …). Empty with a Latency only delays.
	ErrorCode string `json:"errorCode,omitempty"`
	// HTTPStatus overrides the code's usual status (e.g. 503).
	HTTPStatus int `json:"httpStatus,omitempty"`
	// Message is the error message. Default: "injected fault".
	Message string `json:"message,omitempty"`
	// Count limits how many requests the fault hits; 0 is unlimited.
	Count int `json:"count,omitempty"`
	// Rate is the probability (0–1] that a matching request is hit; 0
	// means always.
	Rate float64 `json:"rate,omitempty"`
	// Latency delays matching requests (also those that then fail).
	Latency time.Duration `json:"latency,omitempty"`
	// WhenNotFound makes the rule fire after the operation instead of
	// before it, and only when the operation answers
	// ResourceNotFoundException, which ErrorCode then replaces. AWS answers
	// AccessDeniedException, even to a caller with the permissions, for a
	// backup vault that does not exist in some setups (amazon.aws#1436,
	// terraform-provider-aws#11840): Fault{Operation:
	// "DescribeBackupVault", ErrorCode: CodeAccessDenied, WhenNotFound:
	// true} reproduces that.
	WhenNotFound bool `json:"whenNotFound,omitempty"`
}

type faultRule struct {
	Fault
	hits int
}

// InjectFault adds a fault rule. Rules are checked in the order added; the
// first that fires decides the error.
func (e *Emulator) InjectFault(f Fault) {
	e.aux.Lock()
	defer e.aux.Unlock()
	e.faults = append(e.faults, &faultRule{Fault: f})
	e.nFaults.Store(int32(len(e.faults)))
}

// ClearFaults removes every fault rule.
func (e *Emulator) ClearFaults() {
	e.aux.Lock()
	defer e.aux.Unlock()
	e.faults = nil
	e.nFaults.Store(0)
}

// applyFaults returns the APIError of the first firing rule, after its
// latency. It returns ctx.Err() if the client gives up while waiting.
func (e *Emulator) applyFaults(ctx context.Context, op string) error {
	return e.applyServiceFaults(ctx, "backup", op)
}

// applyServiceFaults is applyFaults for an operation of service (its
// SigV4 signing name).
func (e *Emulator) applyServiceFaults(ctx context.Context, service, op string) error {
	if e.nFaults.Load() == 0 {
		return nil
	}
	e.aux.Lock()
	var delay time.Duration
	var fired *APIError
	for _, f := range e.faults {
		if f.WhenNotFound || f.Operation != "" && f.Operation != op {
			continue
		}
		switch f.Service {
		case "*":
		case "":
			if service != "backup" && f.Operation == "" {
				continue
			}
		default:
			if f.Service != service {
				continue
			}
		}
		if f.Count > 0 && f.hits >= f.Count {
			continue
		}
		if f.Rate > 0 && f.Rate < 1 && e.rng().Float64() >= f.Rate {
			continue
		}
		f.hits++
		delay += f.Latency
		if f.ErrorCode != "" {
			msg := f.Message
			if msg == "" {
				msg = "injected fault"
			}
			fired = &APIError{Code: f.ErrorCode, Message: msg, Status: f.HTTPStatus}
			break
		}
	}
	e.aux.Unlock()
	if err := sleep.For(ctx, delay); err != nil {
		return err
	}
	if fired != nil {
		return fired
	}
	return nil
}

// notFoundFaultLocked replaces an AWS Backup operation's
// ResourceNotFoundException with the error of the first firing
// WhenNotFound rule. Called with e.mu held, after the operation ran; it
// takes e.aux (lock order: mu, then aux).
func (e *Emulator) notFoundFaultLocked(op string, err error) error {
	var ae *APIError
	if !errors.As(err, &ae) || ae.Code != CodeResourceNotFound || e.nFaults.Load() == 0 {
		return err
	}
	e.aux.Lock()
	defer e.aux.Unlock()
	for _, f := range e.faults {
		if !f.WhenNotFound || f.Operation != "" && f.Operation != op || f.ErrorCode == "" {
			continue
		}
		if f.Count > 0 && f.hits >= f.Count {
			continue
		}
		if f.Rate > 0 && f.Rate < 1 && e.rng().Float64() >= f.Rate {
			continue
		}
		f.hits++
		msg := f.Message
		if msg == "" {
			msg = ae.Message
		}
		return &APIError{Code: f.ErrorCode, Message: msg, Status: f.HTTPStatus}
	}
	return err
}

// rng is the emulator's random source for fault rates. Called with e.aux held.
func (e *Emulator) rng() *rand.Rand {
	if e.random == nil {
		e.random = rand.New(rand.NewPCG(e.opts.Seed, e.opts.Seed^0x9e3779b97f4a7c15))
	}
	return e.random
}

// JobFailure makes the next matching jobs end in a failure state instead
// of COMPLETED.
type JobFailure struct {
	// JobType is "BACKUP", "COPY" or "RESTORE"; empty matches all.
	JobType string `json:"jobType,omitempty"`
	// ResourceARN and ResourceType narrow the match; empty matches all.
	ResourceARN  string `json:"resourceArn,omitempty"`
	ResourceType string `json:"resourceType,omitempty"`
	// State is the terminal state: FAILED (default), ABORTED, EXPIRED or
	// PARTIAL (backup and copy jobs only).
	State string `json:"state,omitempty"`
	// StatusMessage is the job's StatusMessage.
	StatusMessage string `json:"statusMessage,omitempty"`
	// Count is how many jobs fail; 0 means every matching job.
	Count int `json:"count,omitempty"`

	hits int
}

// FailJobs makes matching jobs started from now on fail.
func (e *Emulator) FailJobs(f JobFailure) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if f.State == "" {
		f.State = "FAILED"
	}
	if f.StatusMessage == "" {
		f.StatusMessage = "injected job failure"
	}
	e.failures = append(e.failures, &f)
}

// takeFailure returns the failure a new job of jobType on resourceARN
// should end with, consuming one use of it. Called with e.mu held.
func (e *Emulator) takeFailure(jobType, resourceARN, resourceType string) *JobFailure {
	for _, f := range e.failures {
		if f.JobType != "" && f.JobType != jobType {
			continue
		}
		if f.ResourceARN != "" && f.ResourceARN != resourceARN {
			continue
		}
		if f.ResourceType != "" && f.ResourceType != resourceType {
			continue
		}
		if f.Count > 0 && f.hits >= f.Count {
			continue
		}
		f.hits++
		cp := *f
		return &cp
	}
	return nil
}

// Call is one request the emulator answered, for assertions in tests.
type Call struct {
	// Service is the SigV4 signing name of the service called; empty for
	// AWS Backup and the control API.
	Service   string    `json:"service,omitempty"`
	Operation string    `json:"operation"`
	Method    string    `json:"method"`
	Path      string    `json:"path"`
	Account   string    `json:"account"`
	Region    string    `json:"region"`
	Status    int       `json:"status"`
	ErrorCode string    `json:"errorCode,omitempty"`
	Time      time.Time `json:"time"`
}

func (e *Emulator) record(c Call) {
	c.Time = e.Now()
	e.aux.Lock()
	e.calls = append(e.calls, c)
	e.aux.Unlock()
}

// Calls returns every request answered so far, oldest first.
func (e *Emulator) Calls() []Call {
	e.aux.Lock()
	defer e.aux.Unlock()
	return slices.Clone(e.calls)
}

// CallCount returns how many requests for operation were answered
// successfully (2xx).
func (e *Emulator) CallCount(operation string) int {
	e.aux.Lock()
	defer e.aux.Unlock()
	n := 0
	for _, c := range e.calls {
		if c.Operation == operation && c.Status >= 200 && c.Status < 300 {
			n++
		}
	}
	return n
}

// Event is an EventBridge event the emulator would have sent for a state
// change, in EventBridge's envelope.
type Event struct {
	Version    string          `json:"version"`
	ID         string          `json:"id"`
	DetailType string          `json:"detail-type"`
	Source     string          `json:"source"`
	Account    string          `json:"account"`
	Time       time.Time       `json:"time"`
	Region     string          `json:"region"`
	Resources  []string        `json:"resources"`
	Detail     json.RawMessage `json:"detail"`
}

// JSON returns the event as EventBridge would deliver it.
func (ev Event) JSON() []byte {
	b, _ := json.Marshal(ev)
	return b
}

// emit records an event. Called with e.mu held.
func (e *Emulator) emit(account, region, detailType string, at time.Time, resources []string, detail any) {
	b, err := json.Marshal(detail)
	if err != nil {
		b = []byte("{}")
	}
	if resources == nil {
		resources = []string{}
	}
	e.events = append(e.events, Event{
		Version: "0", ID: newID(), DetailType: detailType, Source: "aws.backup",
		Account: account, Time: at.UTC().Truncate(time.Second), Region: region, Resources: resources, Detail: b,
	})
}

// Events returns the state-change events emitted so far, oldest first.
func (e *Emulator) Events() []Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.events)
}
