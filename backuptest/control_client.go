package backuptest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// ControlClient drives a running emulator (`backupkit emulator`, or a
// Server in another process) through its control API under /_backupkit/:
// the inventory, faults, job failures, the clock, the organization and
// the call log. Each method is one HTTP request; Resource fetches one
// resource, not the inventory.
type ControlClient struct {
	base string
	hc   *http.Client
}

// NewControlClient returns a client of the emulator at endpoint (e.g.
// "http://127.0.0.1:4566"). A nil httpClient uses http.DefaultClient; give
// one with a Timeout, or bound each call's context.
func NewControlClient(endpoint string, httpClient *http.Client) *ControlClient {
	if httpClient == nil {
		httpClient = http.DefaultClient
	}
	return &ControlClient{base: strings.TrimSuffix(endpoint, "/"), hc: httpClient}
}

// ControlError is an error answer of the control API.
type ControlError struct {
	Method, Path string
	StatusCode   int
	// Message is the emulator's explanation.
	Message string
}

func (e *ControlError) Error() string {
	return fmt.Sprintf("emulator control API %s %s: %d %s", e.Method, e.Path, e.StatusCode, e.Message)
}

// ErrNoResource is what Resource and DeleteResource wrap when the
// inventory has no such resource.
var ErrNoResource = errors.New("no such resource in the emulator's inventory")

// Health reports how many operations the emulator implements.
func (c *ControlClient) Health(ctx context.Context) (implemented int, err error) {
	var out struct {
		Implemented int `json:"implemented"`
	}
	err = c.do(ctx, http.MethodGet, "health", nil, &out)
	return out.Implemented, err
}

// PutResources adds resources to the inventory (replacing those with the
// same ARN).
func (c *ControlClient) PutResources(ctx context.Context, resources ...Resource) error {
	return c.do(ctx, http.MethodPost, "resources", nonNil(resources), nil)
}

// Resource returns one inventory resource; the error wraps ErrNoResource
// when there is none.
func (c *ControlClient) Resource(ctx context.Context, arn string) (Resource, error) {
	var r Resource
	err := c.do(ctx, http.MethodGet, "resources?arn="+url.QueryEscape(arn), nil, &r)
	return r, noResource(err, arn)
}

// Resources returns the whole inventory.
func (c *ControlClient) Resources(ctx context.Context) ([]Resource, error) {
	var list []Resource
	err := c.do(ctx, http.MethodGet, "resources", nil, &list)
	return list, err
}

// DeleteResource removes a resource from the inventory; the error wraps
// ErrNoResource when there is none.
func (c *ControlClient) DeleteResource(ctx context.Context, arn string) error {
	return noResource(c.do(ctx, http.MethodDelete, "resources?arn="+url.QueryEscape(arn), nil, nil), arn)
}

// InjectFault adds a fault rule.
func (c *ControlClient) InjectFault(ctx context.Context, f Fault) error {
	body := struct {
		Fault
		Latency string `json:"latency,omitempty"`
	}{Fault: f}
	if f.Latency > 0 {
		body.Latency = f.Latency.String()
	}
	return c.do(ctx, http.MethodPost, "faults", body, nil)
}

// ClearFaults removes every fault rule.
func (c *ControlClient) ClearFaults(ctx context.Context) error {
	return c.do(ctx, http.MethodDelete, "faults", nil, nil)
}

// FailJobs makes matching jobs end in f.State.
func (c *ControlClient) FailJobs(ctx context.Context, f JobFailure) error {
	return c.do(ctx, http.MethodPost, "job-failures", f, nil)
}

// Calls returns the emulator's call log.
func (c *ControlClient) Calls(ctx context.Context) ([]Call, error) {
	var calls []Call
	err := c.do(ctx, http.MethodGet, "calls", nil, &calls)
	return calls, err
}

type clockAnswer struct {
	Now    time.Time `json:"now"`
	Manual bool      `json:"manual"`
}

// Now returns the emulator's time and whether its clock is manual (only a
// manual clock can be moved).
func (c *ControlClient) Now(ctx context.Context) (now time.Time, manual bool, err error) {
	var out clockAnswer
	err = c.do(ctx, http.MethodGet, "clock", nil, &out)
	return out.Now, out.Manual, err
}

// Advance moves a manual clock forward by d (jobs progress accordingly)
// and returns the new time.
func (c *ControlClient) Advance(ctx context.Context, d time.Duration) (time.Time, error) {
	if d < 0 {
		return time.Time{}, fmt.Errorf("advance %s: must not be negative", d)
	}
	var out clockAnswer
	err := c.do(ctx, http.MethodPost, "clock", map[string]string{"advance": d.String()}, &out)
	return out.Now, err
}

// SetClock moves a manual clock to t when t is later than its time.
func (c *ControlClient) SetClock(ctx context.Context, t time.Time) (time.Time, error) {
	var out clockAnswer
	err := c.do(ctx, http.MethodPost, "clock", map[string]string{"set": t.Format(time.RFC3339Nano)}, &out)
	return out.Now, err
}

// SeedOrganization seeds the emulated AWS Organizations organization.
func (c *ControlClient) SeedOrganization(ctx context.Context, spec OrgSpec) error {
	return c.do(ctx, http.MethodPost, "organization", spec, nil)
}

// Reset forgets all state, calls, events, faults and job failures.
func (c *ControlClient) Reset(ctx context.Context) error {
	return c.do(ctx, http.MethodPost, "reset", nil, nil)
}

func noResource(err error, arn string) error {
	var ce *ControlError
	if errors.As(err, &ce) && ce.StatusCode == http.StatusNotFound {
		return fmt.Errorf("%s: %w", arn, ErrNoResource)
	}
	return err
}

// do sends one control request with body as JSON and decodes the answer
// into out (when not nil).
func (c *ControlClient) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+controlPrefix+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 256<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		var e struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(b, &e) != nil || e.Error == "" {
			e.Error = strings.TrimSpace(string(b))
		}
		return &ControlError{Method: method, Path: controlPrefix + path, StatusCode: resp.StatusCode, Message: e.Error}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("emulator control API %s %s: %w", method, controlPrefix+path, err)
	}
	return nil
}
