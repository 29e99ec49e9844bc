// Package serve is what every emulated service's handlers are written
// against: the Request a handler sees, the Error it returns, Handle to type
// a handler over the SDK's own input and output structs, and the Codec a
// protocol family (internal/protocol/…) provides. The emulator's one
// endpoint (backuptest.Emulator.ServeHTTP) routes a request to its Service
// by SigV4 signing name, applies faults, keeps the call log, takes the
// state lock and calls the handler; handlers only read and change state.
package serve

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/aws/smithy-go"

	"github.com/backupkit/backupkit/backuptest/internal/inventory"
	"github.com/backupkit/backupkit/backuptest/internal/orgstate"
)

// Request is what a handler sees. The inventory is locked for the
// handler's duration.
type Request struct {
	Context context.Context
	// Operation is the AWS operation name ("DescribeVolumes").
	Operation string
	// Account and Region are the caller's (from the access key and the
	// SigV4 credential scope).
	Account, Region string
	// DefaultAccount is the emulator's own account; S3 buckets, whose ARNs
	// name no account, belong to it.
	DefaultAccount string
	// Now is the time of the request on the emulator's clock.
	Now time.Time
	// RequestID is the id the response carries.
	RequestID string
	// Inventory is the shared store of protectable resources.
	Inventory *inventory.Store
	// DeleteDuration is how long a deleted resource reports its deleting
	// state before it is gone.
	DeleteDuration time.Duration
	// HTTP is the request as received (headers, host).
	HTTP *http.Request
	// Org is the emulated AWS Organizations organization (accounts, OUs,
	// roles, STS sessions), served by internal/organizations and
	// internal/sts and consulted by AWS Backup's cross-account listing.
	Org *orgstate.Org
}

// ARN builds an ARN of service in the caller's account and Region.
func (r *Request) ARN(service, resource string) string {
	return fmt.Sprintf("arn:aws:%s:%s:%s:%s", service, r.Region, r.Account, resource)
}

// Error is an error in AWS's shape; each codec writes it in its protocol's
// envelope. It implements smithy.APIError.
type Error struct {
	// Code is the wire error code ("InvalidVolume.NotFound").
	Code string
	// Message is the human-readable message.
	Message string
	// Status is the HTTP status; 0 means 400.
	Status int
	// Fields are extra members some protocols carry (S3's BucketName).
	Fields map[string]string
}

// Errorf returns an *Error with a formatted message.
func Errorf(status int, code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Status: status}
}

func (e *Error) Error() string        { return e.Code + ": " + e.Message }
func (e *Error) ErrorCode() string    { return e.Code }
func (e *Error) ErrorMessage() string { return e.Message }

// ErrorFault says whether the caller (4xx) or the service (5xx) is at fault.
func (e *Error) ErrorFault() smithy.ErrorFault {
	if e.HTTPStatus() >= 500 {
		return smithy.FaultServer
	}
	return smithy.FaultClient
}

// HTTPStatus is Status, defaulting to 400.
func (e *Error) HTTPStatus() int {
	if e.Status == 0 {
		return http.StatusBadRequest
	}
	return e.Status
}

var _ smithy.APIError = (*Error)(nil)

// Operation is a registered handler with its SDK input type.
type Operation struct {
	NewInput func() any
	Call     func(*Request, any) (any, error)
}

// Handle adapts a typed handler over the SDK's input and output structs.
func Handle[I, O any](f func(*Request, *I) (*O, error)) Operation {
	return Operation{
		NewInput: func() any { return new(I) },
		Call: func(r *Request, in any) (any, error) {
			out, err := f(r, in.(*I))
			if err != nil || out == nil {
				return nil, err
			}
			return out, nil
		},
	}
}

// Codec reads requests and writes answers in one protocol family. A codec
// is built per service (it knows the service's target prefix, XML
// namespace or routes) and is safe for concurrent use.
type Codec interface {
	// Resolve names the operation r asks for. It returns an *Error when
	// the request is not of this protocol at all; an operation the service
	// does not serve still resolves to its name.
	Resolve(r *http.Request, body []byte) (string, *Error)
	// Decode fills in (a pointer to op's SDK input struct) from r. Errors
	// are the caller's (a malformed request).
	Decode(r *http.Request, body []byte, op string, in any) error
	// WriteResult answers out (op's SDK output struct, or nil).
	WriteResult(w http.ResponseWriter, r *http.Request, op string, out any, requestID string)
	// WriteError answers err in the protocol's error envelope.
	WriteError(w http.ResponseWriter, r *http.Request, op string, err *Error, requestID string)
	// Unknown is the error for an operation the service does not serve,
	// as AWS's front end answers it (InvalidAction,
	// UnknownOperationException, …), naming the operation.
	Unknown(op string) *Error
	// Malformed is the error for a request Decode rejects.
	Malformed(op string, err error) *Error
}

// Service is one AWS service on the emulator's endpoint.
type Service struct {
	// SigningName is the SigV4 signing name that routes requests here
	// ("ec2", "elasticfilesystem", …).
	SigningName string
	// TargetPrefix is the X-Amz-Target prefix of JSON protocols
	// ("DynamoDB_20120810."), used when a request is not signed.
	TargetPrefix string
	Codec        Codec
	ops          map[string]Operation
}

// NewService returns a service with no operations.
func NewService(signingName string, codec Codec) *Service {
	return &Service{SigningName: signingName, Codec: codec, ops: map[string]Operation{}}
}

// Register adds an operation's handler.
func (s *Service) Register(name string, op Operation) { s.ops[name] = op }

// Operation returns the handler of name.
func (s *Service) Operation(name string) (Operation, bool) {
	op, ok := s.ops[name]
	return op, ok
}

// Operations returns the names of the operations served.
func (s *Service) Operations() []string {
	out := make([]string, 0, len(s.ops))
	for n := range s.ops {
		out = append(out, n)
	}
	return out
}
