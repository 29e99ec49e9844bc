package function_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/backupkit/backupkit/automation/function"
	"github.com/backupkit/backupkit/backuptest"
)

// A handler answers the workflows' Lambda steps; cmd/backupkit-lambda
// builds one from the environment and passes function.Lambda(h) to
// lambda.Start. Here the "job" step describes a restore job that does not
// exist: the step fails with the error name Step Functions retries
// (backupkit.StepFailed), not the one that ends a target.
func ExampleNew() {
	srv, err := backuptest.Start("127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	h := function.New(func(o *function.Options) { o.Jobs = srv.Client() })
	_, err = h.Invoke(context.Background(), json.RawMessage(`{"step":"job","jobType":"RESTORE","jobId":"no-such-job","item":{}}`))
	var se *function.StepError
	if errors.As(err, &se) {
		fmt.Println(se.Step, se.Name)
	}
	// Output: job backupkit.StepFailed
}
