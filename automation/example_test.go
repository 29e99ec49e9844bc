package automation_test

import (
	"fmt"

	"github.com/backupkit/backupkit/automation"
)

// The drill workflow rendered for one function and topic; the template
// (automation.Build) puts the same definition in a CloudFormation stack.
func ExampleDrillMachine() {
	sm, err := automation.DrillMachine(func(o *automation.Options) {
		o.FunctionARN = "arn:aws:lambda:us-east-1:123456789012:function:backupkit"
		o.TopicARN = "arn:aws:sns:us-east-1:123456789012:drills"
		o.MaxConcurrency = 50
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(sm.StartAt)
	_, err = automation.DrillMachine(func(o *automation.Options) { o.MaxConcurrency = 20000 })
	fmt.Println(err)
	// Output:
	// Plan drill
	// MaxConcurrency: is 20000; want 1–10000 (Distributed Map child executions)
}
