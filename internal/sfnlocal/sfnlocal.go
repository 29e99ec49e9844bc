// Package sfnlocal runs rendered state machines on aws-local-stepfunctions,
// a real Amazon States Language interpreter from npm, and validates them
// with asl-validator, for the automation tests and the drill-workflow
// example. Both packages are installed by scripts/test into a cache folder
// exported as BACKUPKIT_NODE_MODULES.
//
// Task states are routed locally: AWS SDK integrations of AWS Backup go to a
// running backupkit emulator's /_backupkit/invoke control endpoint with the
// parameters Step Functions would send; every other Task (Lambda, S3, SNS)
// goes to an HTTP handler of the test (TaskServer).
//
// Known differences from AWS Step Functions, all of the interpreter:
// a DISTRIBUTED Map runs its items inline (no child executions, no
// ItemReader, ResultWriter or ToleratedFailurePercentage), so the harness
// replaces each ItemReader with a Task that reads the object through the
// test and an ItemsPath; Credentials are not interpreted, so the harness
// assumes a Task's role through the emulator's STS itself (Route.Credentials;
// RoleArn.$ is read from the state input before InputPath, which AWS's
// documentation does not settle); the context object has no State, so the
// harness supplies $$.State.EnteredTime.
package sfnlocal

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"
)

//go:embed runner.mjs
var runnerJS []byte

// Packages are the npm packages the harness needs.
var packages = []string{"asl-validator", "aws-local-stepfunctions"}

// NodeModules returns the node_modules folder named by
// BACKUPKIT_NODE_MODULES after checking that node and both packages are
// there; otherwise the test fails with what to run.
func NodeModules(tb testing.TB) string {
	tb.Helper()
	dir := os.Getenv("BACKUPKIT_NODE_MODULES")
	if err := CheckNodeModules(dir); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// CheckNodeModules reports what is missing for Run and Validate: node on
// PATH, or asl-validator and aws-local-stepfunctions in dir.
func CheckNodeModules(dir string) error {
	if dir == "" {
		return fmt.Errorf("BACKUPKIT_NODE_MODULES is not set: run scripts/test (it installs %s from scripts/npm/package.json and exports the folder)", strings.Join(packages, " and "))
	}
	for _, p := range packages {
		if _, err := os.Stat(filepath.Join(dir, p, "package.json")); err != nil {
			return fmt.Errorf("%s is missing from BACKUPKIT_NODE_MODULES=%s: run scripts/test to install scripts/npm/package.json", p, dir)
		}
	}
	if _, err := exec.LookPath("node"); err != nil {
		return errors.New("node is not on PATH: the interpreter needs Node.js 20 or later")
	}
	return nil
}

// Validate checks definitions (by name) with asl-validator, JSON paths and
// ARNs included, in one Node.js process, and returns every problem.
func Validate(tb testing.TB, definitions map[string][]byte) error {
	tb.Helper()
	dir := NodeModules(tb)
	all := map[string]json.RawMessage{}
	for name, d := range definitions {
		all[name] = d
	}
	b, err := json.Marshal(all)
	if err != nil {
		return err
	}
	path := filepath.Join(tb.TempDir(), "definitions.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		tb.Fatal(err)
	}
	script := `const validate = require('module').createRequire(process.argv[1] + '/')('asl-validator');
const all = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));
let bad = 0;
for (const [name, d] of Object.entries(all)) {
  const v = validate(d, {checkPaths: true, checkArn: true});
  if (!v.isValid) { bad++; console.log(name + ': ' + v.errorsText('; ')); }
}
process.exit(bad ? 1 : 0);`
	out, err := exec.Command("node", "-e", script, dir, path).CombinedOutput()
	if err != nil {
		return fmt.Errorf("asl-validator: %s (%v)", strings.TrimSpace(string(out)), err)
	}
	return nil
}

// Route says where one Task state goes.
type Route struct {
	// Kind is "backup" (the emulator) or "go" (the TaskServer).
	Kind string `json:"kind"`
	// Action is the AWS Backup operation, PascalCase.
	Action string `json:"action,omitempty"`
	// AdvanceSeconds moves the emulator's manual clock before the call,
	// standing for the Wait that preceded a describe call.
	AdvanceSeconds int `json:"advanceSeconds,omitempty"`
	// Account makes the call as this account.
	Account string `json:"account,omitempty"`
	// ClockRetry, on a "go" route, moves the emulator's manual clock
	// before each retry of the named error by the delay AWS would wait.
	ClockRetry *ClockRetry `json:"clockRetry,omitempty"`
	// Credentials, on a "backup" route, means the Task has Credentials:
	// its handler gets {"input", "roleArn"} (see wrapCredentials), assumes
	// the role through the emulator's STS and makes the call as the
	// account of the credentials it gets.
	Credentials bool `json:"credentials,omitempty"`
}

// ClockRetry is a retrier whose pauses the emulator's clock follows:
// before retry n (1, 2, …) the clock moves by
// min(IntervalSeconds × BackoffRate^(n-1), MaxDelaySeconds).
type ClockRetry struct {
	Error           string  `json:"error"`
	IntervalSeconds float64 `json:"intervalSeconds"`
	BackoffRate     float64 `json:"backoffRate"`
	MaxDelaySeconds float64 `json:"maxDelaySeconds"`
}

// Config is one execution.
type Config struct {
	// NodeModules holds aws-local-stepfunctions (see CheckNodeModules).
	NodeModules string
	// Definition is the rendered state machine.
	Definition []byte
	// Input is the execution input.
	Input any
	// ExecutionName is $$.Execution.Name.
	ExecutionName string
	// EmulatorURL is the running emulator's base URL.
	EmulatorURL string
	// Tasks handles every non-Backup Task.
	Tasks *TaskServer
	// AdvanceClock makes each describe call of a poll loop first advance
	// the emulator's manual clock by the preceding Wait's Seconds, and
	// each retry of a ClockRetries error by the retrier's delay.
	AdvanceClock bool
	// ClockRetries are the error names whose retries stand for time
	// passing (a poll loop's "not done yet"), with AdvanceClock.
	ClockRetries []string
	// WaitMs and RetryMs override every Wait and retry pause (real time).
	WaitMs, RetryMs int
	// OnEvent, when set, sees each event as it happens; returning true
	// aborts the execution.
	OnEvent func(Event) (abort bool)
}

// Event is one interpreter event.
type Event struct {
	Type      string `json:"type"`
	State     string `json:"state"`
	StateType string `json:"stateType"`
	// Index is the Map iteration of a nested event.
	Index  *int   `json:"index"`
	Parent string `json:"parent"`
	Error  string `json:"error"`
	Cause  string `json:"cause"`
}

// Result is how an execution ended.
type Result struct {
	// Output is the execution's output when it succeeded.
	Output json.RawMessage
	// ErrorName and ErrorMessage describe a failed execution.
	ErrorName, ErrorMessage string
	// Aborted is true when the execution was aborted.
	Aborted bool
	// Events are every event, in order.
	Events []Event
}

// Transitions counts state transitions per Map iteration (-1: the top
// level) as Step Functions bills them — each state entered and each retry
// (https://aws.amazon.com/step-functions/pricing/: "each retry will be
// charged as an additional state transition") — leaving out states the
// harness added.
func (r *Result) Transitions() map[int]int {
	out := map[int]int{}
	for _, e := range r.Events {
		if (e.Type != "StateEntered" && e.Type != "StateRetried") || strings.HasSuffix(e.State, itemReaderSuffix) {
			continue
		}
		i := -1
		if e.Index != nil {
			i = *e.Index
		}
		out[i]++
	}
	return out
}

// Retried counts StateRetried events of a state, over all iterations.
func (r *Result) Retried(state string) int {
	n := 0
	for _, e := range r.Events {
		if e.Type == "StateRetried" && e.State == state {
			n++
		}
	}
	return n
}

// Entered counts StateEntered events of a state, over all iterations.
func (r *Result) Entered(state string) int {
	n := 0
	for _, e := range r.Events {
		if e.Type == "StateEntered" && e.State == state {
			n++
		}
	}
	return n
}

const itemReaderSuffix = " (ItemReader)"

// Run runs the execution to its end.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	dir := cfg.NodeModules
	if err := CheckNodeModules(dir); err != nil {
		return nil, err
	}
	var def map[string]any
	if err := json.Unmarshal(cfg.Definition, &def); err != nil {
		return nil, fmt.Errorf("definition: %w", err)
	}
	replaceItemReaders(def)
	wrapped := map[string]bool{}
	if err := wrapCredentials(def, wrapped); err != nil {
		return nil, err
	}
	tasks := map[string]Route{}
	clockRetries := []string(nil)
	if cfg.AdvanceClock {
		clockRetries = cfg.ClockRetries
	}
	routes(def, cfg.AdvanceClock, clockRetries, wrapped, tasks)
	tasksURL := ""
	if cfg.Tasks != nil {
		tasksURL = cfg.Tasks.URL()
	}
	rc := map[string]any{
		"nodeModules": dir,
		"definition":  def,
		"input":       cfg.Input,
		"context":     map[string]any{"Execution": map[string]any{"Name": cfg.ExecutionName, "Id": "arn:aws:states:us-east-1:123456789012:execution:local:" + cfg.ExecutionName}},
		"tasks":       tasks,
		"emulatorURL": cfg.EmulatorURL,
		"tasksURL":    tasksURL,
		"waitMs":      cfg.WaitMs,
		"retryMs":     cfg.RetryMs,
	}
	tmp, err := os.MkdirTemp("", "sfnlocal-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	cfgPath, runner := filepath.Join(tmp, "config.json"), filepath.Join(tmp, "runner.mjs")
	b, err := json.Marshal(rc)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(cfgPath, b, 0o600); err != nil {
		return nil, err
	}
	if err := os.WriteFile(runner, runnerJS, 0o600); err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, "node", runner, cfgPath)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	res := &Result{}
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	final := false
	aborted := false
	for sc.Scan() {
		var line struct {
			Event   *Event          `json:"event"`
			Result  json.RawMessage `json:"result"`
			Error   *struct{ Name, Message string }
			Aborted bool `json:"aborted"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			continue
		}
		switch {
		case line.Event != nil:
			res.Events = append(res.Events, *line.Event)
			if cfg.OnEvent != nil && !aborted && cfg.OnEvent(*line.Event) {
				aborted = true
				_, _ = io.WriteString(stdin, "abort\n")
			}
		case line.Error != nil:
			res.ErrorName, res.ErrorMessage, final = line.Error.Name, line.Error.Message, true
		case line.Aborted:
			res.Aborted, final = true, true
		case line.Result != nil:
			res.Output, final = line.Result, true
		}
	}
	_ = stdin.Close()
	werr := cmd.Wait()
	if !final {
		return res, fmt.Errorf("interpreter ended without a result: %v: %s", werr, stderr.String())
	}
	return res, nil
}

// replaceItemReaders turns each Map's ItemReader into a Task state (named
// "<map> (ItemReader)") that reads the object through the test, followed
// by the Map with ItemsPath — the interpreter runs Maps inline only.
func replaceItemReaders(def map[string]any) {
	states, _ := def["States"].(map[string]any)
	for _, name := range slices.Sorted(maps.Keys(states)) {
		st, _ := states[name].(map[string]any)
		if proc, ok := st["ItemProcessor"].(map[string]any); ok {
			replaceItemReaders(proc)
			if cfg, ok := proc["ProcessorConfig"].(map[string]any); ok {
				cfg["Mode"] = "INLINE"
				delete(cfg, "ExecutionType")
			}
		}
		reader, ok := st["ItemReader"].(map[string]any)
		if !ok {
			continue
		}
		readerName := name + itemReaderSuffix
		states[readerName] = map[string]any{
			"Type": "Task", "Resource": reader["Resource"], "Parameters": reader["Parameters"],
			"ResultPath": "$.__items", "Next": name,
		}
		delete(st, "ItemReader")
		delete(st, "ResultWriter")
		delete(st, "ToleratedFailurePercentage")
		delete(st, "Label")
		st["ItemsPath"] = "$.__items"
		redirect(def, name, readerName)
	}
}

// redirect points every transition to from (in this scope) at to.
func redirect(def map[string]any, from, to string) {
	if def["StartAt"] == from {
		def["StartAt"] = to
	}
	states, _ := def["States"].(map[string]any)
	for name, v := range states {
		if strings.HasSuffix(name, itemReaderSuffix) {
			continue
		}
		st, _ := v.(map[string]any)
		if st["Next"] == from {
			st["Next"] = to
		}
		if st["Default"] == from {
			st["Default"] = to
		}
		for _, key := range []string{"Catch", "Choices"} {
			list, _ := st[key].([]any)
			for _, c := range list {
				if m, ok := c.(map[string]any); ok && m["Next"] == from {
					m["Next"] = to
				}
			}
		}
	}
}

// wrapCredentials rewrites each AWS Backup Task that has Credentials so
// that its local handler sees the role: the interpreter neither reads
// Credentials nor gives a handler more than the Task's effective input.
// The Task's Parameters become {"input": what it would send,
// "roleArn": RoleArn} — "input" is its Parameters, or its InputPath's
// value, or the whole state input — with RoleArn.$ read from the state
// input, as the workflows write it ($.state.roleArn beside an InputPath
// of $.state.startRestore). A Task with both InputPath and Parameters
// and Credentials is refused: its two paths would read different inputs.
func wrapCredentials(def map[string]any, wrapped map[string]bool) error {
	states, _ := def["States"].(map[string]any)
	for _, name := range slices.Sorted(maps.Keys(states)) {
		st, _ := states[name].(map[string]any)
		if proc, ok := st["ItemProcessor"].(map[string]any); ok {
			if err := wrapCredentials(proc, wrapped); err != nil {
				return err
			}
		}
		creds, ok := st["Credentials"].(map[string]any)
		if !ok || st["Type"] != "Task" {
			continue
		}
		if res, _ := st["Resource"].(string); !strings.Contains(res, ":aws-sdk:backup:") {
			return fmt.Errorf("state %q: Credentials on %s: the harness assumes roles for AWS Backup Tasks only", name, res)
		}
		params := map[string]any{}
		switch {
		case creds["RoleArn"] != nil:
			params["roleArn"] = creds["RoleArn"]
		case creds["RoleArn.$"] != nil:
			params["roleArn.$"] = creds["RoleArn.$"]
		default:
			return fmt.Errorf("state %q: Credentials without RoleArn or RoleArn.$", name)
		}
		p, hasParams := st["Parameters"]
		ip, hasInputPath := st["InputPath"]
		switch {
		case hasParams && hasInputPath:
			return fmt.Errorf("state %q: Credentials with both InputPath and Parameters", name)
		case hasParams:
			params["input"] = p
		case hasInputPath:
			params["input.$"] = ip
		default:
			params["input.$"] = "$"
		}
		delete(st, "InputPath")
		delete(st, "Credentials")
		st["Parameters"] = params
		wrapped[name] = true
	}
	return nil
}

// routes maps every Task state to its route.
func routes(def map[string]any, advance bool, clockRetries []string, wrapped map[string]bool, out map[string]Route) {
	states, _ := def["States"].(map[string]any)
	waits := map[string]int{} // describe state → seconds of the Wait before it
	for _, v := range states {
		st, _ := v.(map[string]any)
		if st["Type"] == "Wait" {
			if s, ok := st["Seconds"].(float64); ok {
				if next, ok := st["Next"].(string); ok {
					waits[next] = int(s)
				}
			}
		}
	}
	for name, v := range states {
		st, _ := v.(map[string]any)
		if proc, ok := st["ItemProcessor"].(map[string]any); ok {
			routes(proc, advance, clockRetries, wrapped, out)
		}
		if st["Type"] != "Task" {
			continue
		}
		res, _ := st["Resource"].(string)
		if _, action, ok := strings.Cut(res, ":aws-sdk:backup:"); ok {
			r := Route{Kind: "backup", Action: pascal(action), Credentials: wrapped[name]}
			if advance {
				r.AdvanceSeconds = waits[name]
			}
			out[name] = r
			continue
		}
		out[name] = Route{Kind: "go", ClockRetry: clockRetry(st, clockRetries)}
	}
}

// clockRetry returns the retrier of st for one of the errors, if any.
func clockRetry(st map[string]any, errs []string) *ClockRetry {
	retry, _ := st["Retry"].([]any)
	for _, r := range retry {
		m, _ := r.(map[string]any)
		names, _ := m["ErrorEquals"].([]any)
		for _, n := range names {
			name, _ := n.(string)
			if !slices.Contains(errs, name) {
				continue
			}
			cr := &ClockRetry{Error: name, IntervalSeconds: 1, BackoffRate: 2}
			if v, ok := m["IntervalSeconds"].(float64); ok {
				cr.IntervalSeconds = v
			}
			if v, ok := m["BackoffRate"].(float64); ok {
				cr.BackoffRate = v
			}
			if v, ok := m["MaxDelaySeconds"].(float64); ok {
				cr.MaxDelaySeconds = v
			}
			return cr
		}
	}
	return nil
}

func pascal(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// TaskError is a named Task failure, as Step Functions reports it
// (Error and Cause).
type TaskError struct {
	Name, Message string
}

func (e *TaskError) Error() string { return e.Name + ": " + e.Message }

// TaskFunc answers one Task: state is the state's name, resource its
// Resource, input the parameters Step Functions would send. A *TaskError
// keeps its name; any other error becomes States.TaskFailed.
type TaskFunc func(ctx context.Context, state, resource string, input json.RawMessage) (any, error)

// TaskServer serves the Tasks the emulator does not, over HTTP.
type TaskServer struct {
	srv *httptest.Server
	fn  TaskFunc
}

// NewTaskServer starts a TaskServer; it closes with the test.
func NewTaskServer(tb testing.TB, fn TaskFunc) *TaskServer {
	ts := StartTaskServer(fn)
	tb.Cleanup(ts.Close)
	return ts
}

// StartTaskServer starts a TaskServer on a loopback port until Close.
func StartTaskServer(fn TaskFunc) *TaskServer {
	ts := &TaskServer{fn: fn}
	ts.srv = httptest.NewServer(http.HandlerFunc(ts.serve))
	return ts
}

// Close stops the server.
func (ts *TaskServer) Close() { ts.srv.Close() }

// URL is where the runner posts Tasks.
func (ts *TaskServer) URL() string { return ts.srv.URL }

func (ts *TaskServer) serve(w http.ResponseWriter, r *http.Request) {
	var req struct {
		State    string          `json:"state"`
		Resource string          `json:"resource"`
		Input    json.RawMessage `json:"input"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	out, err := ts.fn(r.Context(), req.State, req.Resource, req.Input)
	w.Header().Set("Content-Type", "application/json")
	if err != nil {
		te := &TaskError{Name: "States.TaskFailed", Message: err.Error()}
		errors.As(err, &te)
		_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"name": te.Name, "message": te.Message}})
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"output": out})
}
