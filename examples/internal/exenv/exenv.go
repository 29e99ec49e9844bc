// Package exenv is how every example chooses where it runs, the same way
// in each:
//
//	(no flag)      an embedded backupkit emulator, started for the run
//	-endpoint URL  a running emulator ('backupkit emulator'), over HTTP only
//	-aws           real AWS, with the default credential chain
//
// Against an emulator, embedded or running, an example seeds what it needs
// to show through the emulator's control API (Env.Control), so both ways
// behave the same and a plain 'backupkit emulator' needs no --resources
// file. With -aws nothing is seeded: the example works on your resources.
package exenv

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/backupkit/backupkit/backuptest"
)

// Flags are the -endpoint and -aws flags.
type Flags struct {
	Endpoint string
	AWS      bool
}

// Register adds -endpoint and -aws to fs (flag.CommandLine when nil).
func Register(fs *flag.FlagSet) *Flags {
	if fs == nil {
		fs = flag.CommandLine
	}
	f := &Flags{}
	fs.StringVar(&f.Endpoint, "endpoint", "", "a running backupkit emulator, e.g. http://127.0.0.1:4566 (seeded through its control API)")
	fs.BoolVar(&f.AWS, "aws", false, "use real AWS with the default credential chain")
	return f
}

// RegisterOffline adds -endpoint and -aws to fs (flag.CommandLine when
// nil) for an example that makes no AWS call, so that every example takes
// the same flags; both are accepted and ignored.
func RegisterOffline(fs *flag.FlagSet) {
	if fs == nil {
		fs = flag.CommandLine
	}
	fs.String("endpoint", "", "ignored: this example makes no AWS call")
	fs.Bool("aws", false, "ignored: this example makes no AWS call")
}

// Env is where an example runs.
type Env struct {
	// Config is the AWS configuration every client of the example uses.
	Config aws.Config
	// URL is the emulator's endpoint; empty with -aws.
	URL string
	// Control drives the emulator (inventory, faults, clock,
	// organization); nil with -aws.
	Control *backuptest.ControlClient
	// Server is the embedded emulator; nil with -endpoint or -aws.
	Server *backuptest.Server
}

// ErrBothTargets is the error of -aws and -endpoint together.
var ErrBothTargets = errors.New("-aws and -endpoint exclude each other: -aws uses real AWS, -endpoint a running emulator")

// controlTimeout bounds each control API request.
const controlTimeout = 30 * time.Second

// Open returns the environment the flags ask for. optFns configure an
// embedded emulator only (a running one was configured when it started).
// A running emulator that does not answer is an error naming its URL.
func (f *Flags) Open(ctx context.Context, optFns ...func(*backuptest.Options)) (*Env, error) {
	hc := &http.Client{Timeout: controlTimeout}
	switch {
	case f.AWS && f.Endpoint != "":
		return nil, ErrBothTargets
	case f.AWS:
		cfg, err := config.LoadDefaultConfig(ctx)
		if err != nil {
			return nil, fmt.Errorf("load AWS config: %w", err)
		}
		return &Env{Config: cfg}, nil
	case f.Endpoint != "":
		e := &Env{URL: f.Endpoint, Control: backuptest.NewControlClient(f.Endpoint, hc),
			Config: aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(f.Endpoint),
				Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")}}
		if _, err := e.Control.Health(ctx); err != nil {
			return nil, fmt.Errorf("-endpoint %s: no backupkit emulator answers there (start one with 'backupkit emulator'): %w", f.Endpoint, err)
		}
		return e, nil
	default:
		srv, err := backuptest.Start("127.0.0.1:0", optFns...)
		if err != nil {
			return nil, fmt.Errorf("start the embedded emulator: %w", err)
		}
		return &Env{Config: srv.Config(), URL: srv.URL, Control: backuptest.NewControlClient(srv.URL, hc), Server: srv}, nil
	}
}

// Emulated reports whether an emulator, embedded or running, serves the
// example's calls.
func (e *Env) Emulated() bool { return e.Control != nil }

// Seed puts resources into the emulator's inventory through the control
// API; with -aws it does nothing.
func (e *Env) Seed(ctx context.Context, resources ...backuptest.Resource) error {
	if e.Control == nil || len(resources) == 0 {
		return nil
	}
	if err := e.Control.PutResources(ctx, resources...); err != nil {
		return fmt.Errorf("seed the emulator: %w", err)
	}
	return nil
}

// Close stops the embedded emulator, if any.
func (e *Env) Close() error {
	if e.Server != nil {
		return e.Server.Close()
	}
	return nil
}
