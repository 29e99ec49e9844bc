// Command drill-workflow renders backupkit's drill, sweep and remediation
// workflows (Amazon States Language) as Step Functions would run them and
// prints what one drilled target costs in poll cycles. When
// BACKUPKIT_NODE_MODULES names a node_modules folder holding asl-validator
// and aws-local-stepfunctions (scripts/test installs both) and Node.js is
// on PATH, it also checks every definition with asl-validator and runs the
// drill workflow on aws-local-stepfunctions, a real ASL interpreter,
// against an embedded backupkit emulator with six demo resources — the
// Lambda steps run in this process — and prints each target's state
// transitions and the drill's report:
//
//	go run ./examples/drill-workflow -out dist/asl
//
// The automation package's end-to-end tests run these same definitions the
// same way (automation/e2e_test.go); `backupkit automation template` wraps
// them in a CloudFormation template with the Lambda function.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/backupkit/backupkit/automation"
	"github.com/backupkit/backupkit/automation/asl"
	"github.com/backupkit/backupkit/examples/internal/exenv"
)

func main() {
	exenv.RegisterOffline(nil)
	out := flag.String("out", "", "folder for drill.asl.json, sweep.asl.json and remediate.asl.json (default: print the drill workflow)")
	minDelay := flag.Duration("min-delay", 5*time.Second, "first retry delay of job polls")
	maxDelay := flag.Duration("max-delay", 2*time.Minute, "longest retry delay of job polls")
	flag.Parse()
	if err := run(context.Background(), os.Stdout, *out, automation.Poll{MinDelay: *minDelay, MaxDelay: *maxDelay}, os.Getenv("BACKUPKIT_NODE_MODULES")); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, w io.Writer, out string, poll automation.Poll, nodeModules string) error {
	opts := func(o *automation.Options) { o.Poll = poll }
	machines := []struct {
		name   string
		render func(...func(*automation.Options)) (*asl.StateMachine, error)
	}{{"drill", automation.DrillMachine}, {"sweep", automation.SweepMachine}, {"remediate", automation.RemediateMachine}}
	var files []string
	for _, m := range machines {
		sm, err := m.render(opts)
		if err != nil {
			return fmt.Errorf("%s workflow: %w", m.name, err)
		}
		b, err := sm.JSON()
		if err != nil {
			return err
		}
		if out == "" {
			if m.name == "drill" {
				fmt.Fprintf(w, "%s\n", b)
			}
			continue
		}
		if err := os.MkdirAll(out, 0o755); err != nil {
			return err
		}
		path := filepath.Join(out, m.name+".asl.json")
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			return err
		}
		files = append(files, path)
		fmt.Fprintf(w, "%s: %d states, %d bytes\n", path, countStates(sm.States), len(b))
	}
	fmt.Fprintf(w, "restore poll: %v doubling to %v, one state transition per cycle\n", poll.Delays()[0], poll.Delays()[len(poll.Delays())-1])
	for _, d := range []time.Duration{time.Minute, time.Hour, 6 * time.Hour} {
		fmt.Fprintf(w, "  a %v restore: %d poll cycles\n", d, poll.Cycles(d))
	}
	if nodeModules == "" {
		return nil
	}
	if len(files) > 0 {
		if err := validate(ctx, w, nodeModules, files); err != nil {
			return err
		}
	}
	return interpret(ctx, w, nodeModules, poll)
}

// countStates counts the states of a machine, those of Map item
// processors included.
func countStates(states map[string]asl.State) int {
	n := len(states)
	for _, s := range states {
		if m, ok := s.(*asl.Map); ok && m.ItemProcessor != nil {
			n += countStates(m.ItemProcessor.States)
		}
	}
	return n
}

// validate runs asl-validator (npm) on each file, JSON paths and ARNs
// checked.
func validate(ctx context.Context, w io.Writer, nodeModules string, files []string) error {
	const script = `const validate = require('module').createRequire(process.argv[1] + '/')('asl-validator');
let bad = 0;
for (const f of process.argv.slice(2)) {
  const v = validate(JSON.parse(require('fs').readFileSync(f, 'utf8')), {checkPaths: true, checkArn: true});
  console.log(f + ': ' + (v.isValid ? 'valid' : v.errorsText('; ')));
  if (!v.isValid) bad++;
}
process.exit(bad ? 1 : 0);`
	cmd := exec.CommandContext(ctx, "node", append([]string{"-e", script, nodeModules}, files...)...)
	b, err := cmd.CombinedOutput()
	fmt.Fprintf(w, "asl-validator:\n%s", b)
	if err != nil {
		return fmt.Errorf("asl-validator: %v: %s", err, strings.TrimSpace(string(b)))
	}
	return nil
}
