package backuptest

import (
	"encoding/json"
	"fmt"
	"github.com/backupkit/backupkit/backuptest/internal/orgstate"
	"net/http"
	"strings"
	"time"
)

// The control API lets tests in any language drive the emulator over HTTP.
// All bodies are JSON.
//
//	GET    /_backupkit/health           {"ok":true,"implemented":N}
//	GET    /_backupkit/resources        the inventory
//	GET    /_backupkit/resources?arn=A  one resource (404 when unknown)
//	POST   /_backupkit/resources        add one Resource or an array of them
//	DELETE /_backupkit/resources?arn=A  remove a resource
//	GET    /_backupkit/faults           fault rules
//	POST   /_backupkit/faults           add a Fault (latency as a Go duration string, e.g. "200ms")
//	DELETE /_backupkit/faults           remove every fault rule
//	POST   /_backupkit/job-failures     add a JobFailure
//	GET    /_backupkit/calls            the call log
//	GET    /_backupkit/events           EventBridge events emitted so far
//	GET    /_backupkit/clock            {"now": RFC 3339, "manual": bool}
//	POST   /_backupkit/clock            {"advance":"1h"} or {"set":"2026-01-02T03:04:05Z"} (manual clock only)
//	POST   /_backupkit/organization     seed the organization (an OrgSpec: OUs, accounts, tags, roles)
//	POST   /_backupkit/reset            forget all state, calls, events, faults and job failures
//	POST   /_backupkit/invoke           {"operation":"StartRestoreJob","input":{PascalCase members}} (control_invoke.go)
func (e *Emulator) serveControl(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, controlPrefix), "/")
	switch {
	case path == "invoke" && r.Method == http.MethodPost:
		e.serveInvoke(w, r)
	case path == "health" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "implemented": len(e.ops)})
	case path == "resources" && r.Method == http.MethodGet:
		if arn := r.URL.Query().Get("arn"); arn != "" {
			e.serveResource(w, arn)
			return
		}
		writeJSON(w, http.StatusOK, e.Resources())
	case path == "resources" && r.Method == http.MethodPost:
		var list []Resource
		if err := decodeOneOrMany(r, &list); err != nil {
			controlError(w, http.StatusBadRequest, err)
			return
		}
		for _, res := range list {
			if err := e.PutResource(res); err != nil {
				controlError(w, http.StatusBadRequest, err)
				return
			}
		}
		writeJSON(w, http.StatusOK, map[string]int{"added": len(list)})
	case path == "resources" && r.Method == http.MethodDelete:
		arn := r.URL.Query().Get("arn")
		if !e.DeleteResource(arn) {
			controlError(w, http.StatusNotFound, fmt.Errorf("no resource %q", arn))
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"deleted": arn})
	case path == "organization" && r.Method == http.MethodPost:
		var spec OrgSpec
		if err := decodeStrict(r, &spec); err != nil {
			controlError(w, http.StatusBadRequest, err)
			return
		}
		if err := e.SeedOrganization(spec); err != nil {
			controlError(w, http.StatusBadRequest, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]int{"ous": len(spec.OUs), "accounts": len(spec.Accounts)})
	case path == "faults" && r.Method == http.MethodGet:
		e.aux.Lock()
		list := make([]Fault, 0, len(e.faults))
		for _, f := range e.faults {
			list = append(list, f.Fault)
		}
		e.aux.Unlock()
		writeJSON(w, http.StatusOK, list)
	case path == "faults" && r.Method == http.MethodPost:
		var f struct {
			Fault
			Latency string `json:"latency"`
		}
		if err := decodeStrict(r, &f); err != nil {
			controlError(w, http.StatusBadRequest, err)
			return
		}
		if f.Latency != "" {
			d, err := time.ParseDuration(f.Latency)
			if err != nil || d < 0 {
				controlError(w, http.StatusBadRequest, fmt.Errorf("latency %q: want a Go duration such as 200ms", f.Latency))
				return
			}
			f.Fault.Latency = d
		}
		if f.Rate < 0 || f.Rate > 1 {
			controlError(w, http.StatusBadRequest, fmt.Errorf("rate %v: allowed 0 to 1", f.Rate))
			return
		}
		e.InjectFault(f.Fault)
		writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
	case path == "faults" && r.Method == http.MethodDelete:
		e.ClearFaults()
		writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
	case path == "job-failures" && r.Method == http.MethodPost:
		var f JobFailure
		if err := decodeStrict(r, &f); err != nil {
			controlError(w, http.StatusBadRequest, err)
			return
		}
		e.FailJobs(f)
		writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
	case path == "calls" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, nonNil(e.Calls()))
	case path == "events" && r.Method == http.MethodGet:
		e.Advance()
		writeJSON(w, http.StatusOK, nonNil(e.Events()))
	case path == "clock" && r.Method == http.MethodGet:
		_, manual := e.opts.Clock.(*ManualClock)
		writeJSON(w, http.StatusOK, map[string]any{"now": e.Now().Format(time.RFC3339Nano), "manual": manual})
	case path == "clock" && r.Method == http.MethodPost:
		mc, ok := e.opts.Clock.(*ManualClock)
		if !ok {
			controlError(w, http.StatusConflict, fmt.Errorf("the emulator runs on real time; start it with a manual clock to move time"))
			return
		}
		var req struct {
			Advance string `json:"advance"`
			Set     string `json:"set"`
		}
		if err := decodeStrict(r, &req); err != nil {
			controlError(w, http.StatusBadRequest, err)
			return
		}
		if req.Advance != "" {
			d, err := time.ParseDuration(req.Advance)
			if err != nil || d < 0 {
				controlError(w, http.StatusBadRequest, fmt.Errorf("advance %q: want a positive Go duration such as 90s", req.Advance))
				return
			}
			mc.Advance(d)
		}
		if req.Set != "" {
			t, err := time.Parse(time.RFC3339Nano, req.Set)
			if err != nil {
				controlError(w, http.StatusBadRequest, fmt.Errorf("set %q: want an RFC 3339 time", req.Set))
				return
			}
			mc.Set(t)
		}
		e.Advance()
		writeJSON(w, http.StatusOK, map[string]any{"now": e.Now().Format(time.RFC3339Nano), "manual": true})
	case path == "reset" && r.Method == http.MethodPost:
		e.Reset()
		writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
	default:
		controlError(w, http.StatusNotFound, fmt.Errorf("no control endpoint %s %s", r.Method, r.URL.Path))
	}
}

// Reset forgets all state, calls, events, faults and job failures, and
// the organization (call Organization again for the new one).
func (e *Emulator) Reset() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.st = newState()
	e.org = orgstate.New(e.opts.AccountID, e.opts.Clock)
	e.keys.Reset()
	e.seedKMS()
	e.gateways.Reset()
	e.events, e.failures = nil, nil
	e.aux.Lock()
	e.calls, e.faults = nil, nil
	e.nFaults.Store(0)
	e.aux.Unlock()
}

func decodeStrict(r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 10<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("invalid JSON body: %w", err)
	}
	return nil
}

// decodeOneOrMany accepts a JSON object or an array of objects.
func decodeOneOrMany(r *http.Request, list *[]Resource) error {
	var raw json.RawMessage
	if err := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 64<<20)).Decode(&raw); err != nil {
		return fmt.Errorf("invalid JSON body: %w", err)
	}
	trimmed := strings.TrimSpace(string(raw))
	if strings.HasPrefix(trimmed, "[") {
		return strictUnmarshal(raw, list)
	}
	var one Resource
	if err := strictUnmarshal(raw, &one); err != nil {
		return err
	}
	*list = []Resource{one}
	return nil
}

func strictUnmarshal(b []byte, v any) error {
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("invalid JSON body: %w", err)
	}
	return nil
}

// nonNil makes an empty list encode as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"encode response"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func controlError(w http.ResponseWriter, status int, err error) {
	writeJSON(w, status, map[string]string{"error": err.Error()})
}

// serveResource answers GET /_backupkit/resources?arn=A: one resource, so
// a client need not download the inventory to look at one.
func (e *Emulator) serveResource(w http.ResponseWriter, arn string) {
	r, ok := e.Resource(arn)
	if !ok {
		controlError(w, http.StatusNotFound, fmt.Errorf("no resource %q", arn))
		return
	}
	writeJSON(w, http.StatusOK, r)
}
