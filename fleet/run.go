package fleet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"golang.org/x/sync/errgroup"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/internal/awsid"
)

// Defaults of Options.
const (
	DefaultSessionName = "backupkit"
	DefaultDuration    = time.Hour
	DefaultConcurrency = 16
	DefaultPerAccount  = 4
	DefaultMaxAttempts = 10
)

// Options configure a Runner. The zero value of every field selects the
// default its comment states.
type Options struct {
	// RoleName is the role assumed in each member account, optionally with
	// a path and with AccountPlaceholder for the account id. Default
	// DefaultRoleName. The caller's own account is never assumed into: it
	// uses the caller's credentials.
	RoleName string
	// ExternalID is sent with every AssumeRole, for roles whose trust
	// policy requires sts:ExternalId. Default none.
	ExternalID string
	// SessionName is the role session name, which shows in the member
	// accounts' CloudTrail. Default DefaultSessionName ("backupkit").
	SessionName string
	// Duration is the assumed-role session length, 15m–12h (the role's
	// MaxSessionDuration caps it; 1h when the caller is itself an assumed
	// role). Default DefaultDuration (1h). Credentials are renewed (one more
	// AssumeRole) only when a run outlasts them.
	Duration time.Duration
	// Concurrency bounds the targets running at once. Default
	// DefaultConcurrency.
	Concurrency int
	// PerAccount bounds the targets of one account running at once, so one
	// account's API quotas are not hit from every Region at the same
	// moment. Default DefaultPerAccount (capped at Concurrency).
	PerAccount int
	// PerRegion bounds the targets in one Region running at once, across
	// accounts. Default Concurrency (no extra bound).
	PerRegion int
	// MaxAttempts is the most attempts of one API call. Calls to one
	// account and Region share one adaptive retryer (the SDK's
	// retry.AdaptiveMode): a throttled answer slows every call to that
	// account and Region, not only the one that got it, and the retry
	// quota is off so that throttling delays a target instead of failing
	// it. Default DefaultMaxAttempts (10).
	MaxAttempts int
	// Backoff overrides the retry delay (the SDK's default: exponential
	// with jitter, 1s base for throttling, 20s cap). Tests shorten it.
	Backoff retry.BackoffDelayer
	// NewRetryer builds the retryer shared by every call to one account
	// and Region (it is called once per pair per Runner). Default: the
	// SDK's adaptive mode with MaxAttempts, Backoff and no retry quota, as
	// described at MaxAttempts.
	NewRetryer func() aws.Retryer
	// Progress, when set, is called after each target ends, one call at a
	// time, in the order targets end.
	Progress func(Progress)
	// Logger receives debug records (roles assumed, Regions resolved).
	// Default: discard.
	Logger *slog.Logger
	// NewSTS builds the STS client from the caller's configuration.
	// Default sts.NewFromConfig.
	NewSTS func(aws.Config) STSAPI
	// NewAccountRegions and NewEC2Regions build the clients that find an
	// account's enabled Regions, from that account's configuration.
	// Default account.NewFromConfig and ec2.NewFromConfig.
	NewAccountRegions func(aws.Config) AccountRegionsAPI
	NewEC2Regions     func(aws.Config) EC2RegionsAPI
}

func (o *Options) validate() error {
	var errs []error
	if _, err := RoleName(o.RoleName, "000000000000"); err != nil {
		errs = append(errs, err)
	}
	if !awsid.SessionName(o.SessionName) {
		errs = append(errs, &backup.ValidationError{Field: "SessionName", Reason: fmt.Sprintf("%q is not a role session name: 2-64 of letters, digits and +=,.@_-", o.SessionName)})
	}
	if o.ExternalID != "" && !awsid.ExternalID(o.ExternalID) {
		errs = append(errs, &backup.ValidationError{Field: "ExternalID", Reason: "2-1224 of letters, digits and +=,.@:/_-"})
	}
	if o.Duration < 15*time.Minute || o.Duration > 12*time.Hour {
		errs = append(errs, &backup.ValidationError{Field: "Duration", Reason: fmt.Sprintf("must be within 15m..12h, got %v", o.Duration)})
	}
	if o.Concurrency < 0 || o.PerAccount < 0 || o.PerRegion < 0 {
		errs = append(errs, &backup.ValidationError{Field: "Concurrency", Reason: "limits must not be negative"})
	}
	if o.MaxAttempts < 0 {
		errs = append(errs, &backup.ValidationError{Field: "MaxAttempts", Reason: "must not be negative"})
	}
	return errors.Join(errs...)
}

// Runner runs an operation in every account and Region of a scope. It
// holds what runs share: the caller's identity, one credentials cache per
// account and one adaptive retryer per account and Region. Create it with
// New; it is safe for concurrent use, and reusing it across runs reuses
// its credentials.
type Runner struct {
	base aws.Config
	opts Options
	sts  STSAPI

	mu       sync.Mutex
	identity *Identity
	creds    map[string]*aws.CredentialsCache
	retryers map[string]aws.Retryer
}

// New returns a Runner over the caller's configuration (normally from
// config.LoadDefaultConfig). Invalid options are reported at once, before
// any call.
func New(base aws.Config, optFns ...func(*Options)) (*Runner, error) {
	o := Options{}
	for _, fn := range optFns {
		fn(&o)
	}
	if o.RoleName == "" {
		o.RoleName = DefaultRoleName
	}
	if o.SessionName == "" {
		o.SessionName = DefaultSessionName
	}
	if o.Duration == 0 {
		o.Duration = DefaultDuration
	}
	if o.Concurrency == 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.PerAccount == 0 {
		o.PerAccount = min(DefaultPerAccount, o.Concurrency)
	}
	if o.PerRegion == 0 {
		o.PerRegion = o.Concurrency
	}
	if o.MaxAttempts == 0 {
		o.MaxAttempts = DefaultMaxAttempts
	}
	if err := o.validate(); err != nil {
		return nil, err
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.NewSTS == nil {
		o.NewSTS = func(c aws.Config) STSAPI { return sts.NewFromConfig(c) }
	}
	if o.NewAccountRegions == nil {
		o.NewAccountRegions = func(c aws.Config) AccountRegionsAPI { return account.NewFromConfig(c) }
	}
	if o.NewEC2Regions == nil {
		o.NewEC2Regions = func(c aws.Config) EC2RegionsAPI { return ec2.NewFromConfig(c) }
	}
	r := &Runner{base: base.Copy(), opts: o, creds: map[string]*aws.CredentialsCache{}, retryers: map[string]aws.Retryer{}}
	if r.opts.NewRetryer == nil {
		r.opts.NewRetryer = r.adaptiveRetryer
	}
	stsCfg := base.Copy()
	shared := r.retryer("sts", base.Region)
	stsCfg.Retryer = func() aws.Retryer { return shared }
	r.sts = o.NewSTS(stsCfg)
	return r, nil
}

// Options returns a copy of the runner's options, defaults filled in.
func (r *Runner) Options() Options { return r.opts }

// retryer returns the adaptive retryer shared by every call to one account
// and Region.
func (r *Runner) retryer(accountID, region string) aws.Retryer {
	key := accountID + "/" + region
	r.mu.Lock()
	defer r.mu.Unlock()
	if rt, ok := r.retryers[key]; ok {
		return rt
	}
	rt := r.opts.NewRetryer()
	r.retryers[key] = rt
	return rt
}

func (r *Runner) adaptiveRetryer() aws.Retryer {
	return retry.NewAdaptiveMode(func(o *retry.AdaptiveModeOptions) {
		o.StandardOptions = append(o.StandardOptions, func(so *retry.StandardOptions) {
			so.MaxAttempts = r.opts.MaxAttempts
			so.RateLimiter = ratelimit.None
			if r.opts.Backoff != nil {
				so.Backoff = r.opts.Backoff
			}
		})
	})
}

// Target is one account and Region of a run. Config is ready for any
// client's NewFromConfig: the account's credentials, the Region, and the
// retryer shared by all calls to that account and Region.
type Target struct {
	Account     string
	AccountName string
	Region      string
	Config      aws.Config
}

// Result is the outcome of one target: its value, or the error that ended
// it. A target whose role could not be assumed carries an
// *AssumeRoleError; with enabled Regions, an account whose Regions could
// not be read has one Result with an empty Region.
type Result[T any] struct {
	Account     string        `json:"account"`
	AccountName string        `json:"accountName,omitempty"`
	Region      string        `json:"region"`
	Value       T             `json:"value"`
	Err         error         `json:"-"`
	Elapsed     time.Duration `json:"-"`
}

// MarshalJSON writes the result with its error's text ("error", omitted
// on success) and its elapsed time in seconds ("elapsedSeconds"), as every
// backupkit JSON document writes durations.
func (r Result[T]) MarshalJSON() ([]byte, error) {
	out := struct {
		Account        string  `json:"account"`
		AccountName    string  `json:"accountName,omitempty"`
		Region         string  `json:"region"`
		Value          T       `json:"value"`
		Error          string  `json:"error,omitempty"`
		ElapsedSeconds float64 `json:"elapsedSeconds"`
	}{Account: r.Account, AccountName: r.AccountName, Region: r.Region, Value: r.Value, ElapsedSeconds: r.Elapsed.Seconds()}
	if r.Err != nil {
		out.Error = r.Err.Error()
	}
	return json.Marshal(out)
}

// Results are a run's results, in scope order: accounts as the scope lists
// them, each account's Regions in order.
type Results[T any] []Result[T]

// Failed counts the targets that ended with an error.
func (rs Results[T]) Failed() int {
	n := 0
	for _, r := range rs {
		if r.Err != nil {
			n++
		}
	}
	return n
}

// Succeeded counts the targets that ended without an error.
func (rs Results[T]) Succeeded() int { return len(rs) - rs.Failed() }

// Err joins every failed target's error as a *TargetError; nil when all
// succeeded.
func (rs Results[T]) Err() error {
	var errs []error
	for _, r := range rs {
		if r.Err != nil {
			errs = append(errs, &TargetError{Account: r.Account, Region: r.Region, Err: r.Err})
		}
	}
	return errors.Join(errs...)
}

// TargetError is the error of one target of a run.
type TargetError struct {
	Account string
	Region  string
	Err     error
}

func (e *TargetError) Error() string {
	if e.Region == "" {
		return fmt.Sprintf("account %s: %v", e.Account, e.Err)
	}
	return fmt.Sprintf("account %s, %s: %v", e.Account, e.Region, e.Err)
}

func (e *TargetError) Unwrap() error { return e.Err }

// Progress reports a run's progress after one target ended.
type Progress struct {
	Account string
	Region  string
	Err     error
	// Done counts the targets ended so far (Failed of them with an error),
	// of Total.
	Done, Failed, Total int
}

// PanicError is the error of a target whose function panicked; the run
// goes on with the other targets.
type PanicError struct {
	Value any
	Stack []byte
}

func (e *PanicError) Error() string { return fmt.Sprintf("panic: %v", e.Value) }

type prepared struct {
	creds   aws.CredentialsProvider
	regions []string
	err     error
}

// Run calls fn once for every target of the scope, at most
// Options.Concurrency at a time (and PerAccount per account, PerRegion per
// Region), and returns every target's result. A target that fails — its
// role cannot be assumed, its Regions cannot be read, fn returns an error
// or panics — is a Result with its error; the other targets go on. Run
// itself fails only when the scope is invalid or the caller's identity
// cannot be read. Cancelling ctx stops starting targets (those not started
// end with ctx's error) and cancels the running ones through their ctx;
// Run returns once every started fn has returned.
func Run[T any](ctx context.Context, r *Runner, scope Scope, fn func(context.Context, Target) (T, error)) (Results[T], error) {
	if err := scope.Validate(); err != nil {
		return nil, err
	}
	if _, err := r.Identity(ctx); err != nil {
		return nil, err
	}

	// Assume each account's role once, and read its Regions when asked,
	// before any target of it starts.
	preps := make([]prepared, len(scope.Accounts))
	var g errgroup.Group
	g.SetLimit(r.opts.Concurrency)
	for i, a := range scope.Accounts {
		g.Go(func() error {
			preps[i] = r.prepare(ctx, a.ID, scope)
			return nil
		})
	}
	_ = g.Wait()

	var results Results[T]
	var targets []int // indexes into results of the targets to run
	var tcfg []aws.Config
	for i, a := range scope.Accounts {
		p := preps[i]
		regions := scope.Regions
		if scope.AllEnabledRegions {
			regions = p.regions
		}
		if p.err != nil {
			if scope.AllEnabledRegions && len(regions) == 0 {
				regions = []string{""}
			}
			for _, reg := range regions {
				results = append(results, Result[T]{Account: a.ID, AccountName: a.Name, Region: reg, Err: p.err})
			}
			continue
		}
		for _, reg := range regions {
			cfg := r.base.Copy()
			cfg.Region = reg
			cfg.Credentials = p.creds
			shared := r.retryer(a.ID, reg)
			cfg.Retryer = func() aws.Retryer { return shared }
			targets = append(targets, len(results))
			tcfg = append(tcfg, cfg)
			results = append(results, Result[T]{Account: a.ID, AccountName: a.Name, Region: reg})
		}
	}

	prog := Progress{Total: len(results)}
	report := func(res *Result[T]) {
		prog.Done++
		if res.Err != nil {
			prog.Failed++
		}
		if r.opts.Progress != nil {
			prog.Account, prog.Region, prog.Err = res.Account, res.Region, res.Err
			r.opts.Progress(prog)
		}
	}
	for i := range results {
		if results[i].Err != nil {
			report(&results[i])
		}
	}

	// Schedule: start every pending target whose account and Region are
	// under their bounds, in scope order, skipping (not waiting for) those
	// that are not.
	type slot struct{ idx, t int }
	pending := make([]slot, len(targets))
	for t, idx := range targets {
		pending[t] = slot{idx, t}
	}
	perAccount, perRegion := map[string]int{}, map[string]int{}
	done := make(chan int)
	running := 0
	for {
		if ctx.Err() == nil {
			kept := pending[:0]
			for _, s := range pending {
				res := &results[s.idx]
				if running >= r.opts.Concurrency || perAccount[res.Account] >= r.opts.PerAccount || perRegion[res.Region] >= r.opts.PerRegion {
					kept = append(kept, s)
					continue
				}
				running++
				perAccount[res.Account]++
				perRegion[res.Region]++
				t := Target{Account: res.Account, AccountName: res.AccountName, Region: res.Region, Config: tcfg[s.t]}
				go func() {
					start := time.Now()
					v, err := call(ctx, fn, t)
					res.Value, res.Err, res.Elapsed = v, err, time.Since(start)
					done <- s.idx
				}()
			}
			pending = kept
		}
		if running == 0 {
			break
		}
		idx := <-done
		running--
		res := &results[idx]
		perAccount[res.Account]--
		perRegion[res.Region]--
		report(res)
	}
	for _, s := range pending {
		results[s.idx].Err = ctx.Err()
		report(&results[s.idx])
	}
	return results, nil
}

// call runs fn for one target, turning a panic into a *PanicError.
func call[T any](ctx context.Context, fn func(context.Context, Target) (T, error), t Target) (v T, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &PanicError{Value: p, Stack: debug.Stack()}
		}
	}()
	return fn(ctx, t)
}

// prepare gets an account's credentials (assuming its role once) and, for
// a scope of enabled Regions, the account's Regions.
func (r *Runner) prepare(ctx context.Context, accountID string, scope Scope) prepared {
	creds, err := r.assume(ctx, accountID)
	if err != nil {
		return prepared{err: err}
	}
	r.opts.Logger.Debug("fleet: credentials ready", "account", accountID)
	p := prepared{creds: creds}
	if !scope.AllEnabledRegions {
		return p
	}
	cfg := r.base.Copy()
	cfg.Credentials = creds
	shared := r.retryer(accountID, cfg.Region)
	cfg.Retryer = func() aws.Retryer { return shared }
	regions, err := EnabledRegions(ctx, r.opts.NewAccountRegions(cfg), r.opts.NewEC2Regions(cfg))
	if err != nil {
		return prepared{err: fmt.Errorf("enabled Regions: %w", err)}
	}
	var valid []string
	for _, reg := range regions {
		if awsid.Region(reg) {
			valid = append(valid, reg)
		}
	}
	if len(valid) == 0 {
		return prepared{err: errors.New("enabled Regions: the account reports none")}
	}
	r.opts.Logger.Debug("fleet: enabled Regions", "account", accountID, "regions", valid)
	p.regions = valid
	return p
}
