package backup

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/backupkit/backupkit/backuptest"
)

// recordingSNS is a stand-in for SNS (not AWS Backup) that records
// messages.
type recordingSNS struct {
	mu   sync.Mutex
	msgs []*sns.PublishInput
}

func (r *recordingSNS) Publish(_ context.Context, in *sns.PublishInput, _ ...func(*sns.Options)) (*sns.PublishOutput, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, in)
	return &sns.PublishOutput{MessageId: aws.String("m")}, nil
}

// failedEvent runs a failing backup of resource and returns the emulator's
// EventBridge event for its failure.
func failedEvent(t *testing.T, e *env, resource, state, msg string) (jobID string, event []byte) {
	t.Helper()
	e.srv.FailJobs(backuptest.JobFailure{JobType: "BACKUP", ResourceARN: resource, State: state, StatusMessage: msg, Count: 1})
	job := e.backup(t, resource)
	if _, err := job.Wait(t.Context(), 24*time.Hour); err == nil {
		t.Fatal("job succeeded; want injected failure")
	}
	for _, ev := range e.srv.Events() {
		p, err := ParseEvent(ev.JSON())
		if err != nil {
			t.Fatalf("emulator event does not parse: %v\n%s", err, ev.JSON())
		}
		if p.Job != nil && p.Job.JobID == job.ID && p.Job.State == state {
			return job.ID, ev.JSON()
		}
	}
	t.Fatalf("no %s event for job %s among %d events", state, job.ID, len(e.srv.Events()))
	return "", nil
}

func TestRemediatorDuplicateDeliveriesStartOneJob(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 10*time.Minute)
	ctx := t.Context()
	failedID, ev := failedEvent(t, e, vol1, "FAILED", "An internal error occurred. Please try again.")
	notes := &recordingSNS{}
	r := NewRemediator(e.api, func(o *RemediatorOptions) {
		o.SNS, o.TopicARN, o.Now = notes, "arn:aws:sns:us-east-1:123456789012:backup-alerts", e.clk.Now
	})
	var newIDs []string
	for i := range 3 {
		res, err := r.Handle(ctx, json.RawMessage(ev))
		if err != nil {
			t.Fatalf("delivery %d: Handle: %v", i, err)
		}
		if res.Action != ActionRestarted || res.FailedJobID != failedID || res.NewJobID == "" || !res.Notified {
			t.Fatalf("delivery %d: result = %+v; want restarted and notified", i, res)
		}
		if res.Token != RemediationToken(JobTypeBackup, failedID) {
			t.Errorf("token = %s; want one derived from the failed job", res.Token)
		}
		newIDs = append(newIDs, res.NewJobID)
	}
	if newIDs[0] != newIDs[1] || newIDs[1] != newIDs[2] {
		t.Errorf("new job ids = %v; want the same job every time", newIDs)
	}
	jobs := 0
	for j, err := range e.c.Jobs(ctx, JobFilter{ResourceARN: vol1}) {
		if err != nil {
			t.Fatal(err)
		}
		jobs++
		if aws.ToString(j.BackupJobId) == newIDs[0] && aws.ToString(j.IamRoleArn) != role {
			t.Errorf("restarted job role = %s; want the original %s", aws.ToString(j.IamRoleArn), role)
		}
	}
	if jobs != 2 {
		t.Errorf("backup jobs of %s = %d; want 2 (the failed one and exactly one restart)", vol1, jobs)
	}
	if len(notes.msgs) != 3 || !strings.Contains(aws.ToString(notes.msgs[0].Message), failedID) {
		t.Errorf("notifications = %d; want 3 mentioning the failed job", len(notes.msgs))
	}
	if _, err := NewJobWaiter(e.api, func(o *WaiterOptions) { o.Sleep = e.sleep }).Wait(ctx, newIDs[0], 2*time.Hour); err != nil {
		t.Errorf("restarted job: %v", err)
	}
}

func TestRemediatorDecisions(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 10*time.Minute)
	ctx := t.Context()
	r := NewRemediator(e.api, func(o *RemediatorOptions) { o.Now = e.clk.Now })

	_, denied := failedEvent(t, e, vol2, "FAILED", "Access denied: the IAM role cannot call ec2:CreateSnapshot")
	res, err := r.Handle(ctx, denied)
	if err != nil || res.Action != ActionNotRetryable || res.NewJobID != "" {
		t.Errorf("access denied: %+v, %v; want not-retryable and no job", res, err)
	}

	_, expired := failedEvent(t, e, db1, "EXPIRED", "")
	res, err = r.Handle(ctx, expired)
	if err != nil || res.Action != ActionRestarted {
		t.Errorf("expired: %+v, %v; want restarted", res, err)
	}

	ok := e.backup(t, table1)
	if _, err := ok.Wait(ctx, 2*time.Hour); err != nil {
		t.Fatal(err)
	}
	var completed []byte
	for _, ev := range e.srv.Events() {
		if p, _ := ParseEvent(ev.JSON()); p != nil && p.Job != nil && p.Job.JobID == ok.ID && p.Job.State == "COMPLETED" {
			completed = ev.JSON()
		}
	}
	if completed == nil {
		t.Fatal("no COMPLETED event from the emulator")
	}
	if res, err := r.Handle(ctx, completed); err != nil || res.Action != ActionIgnored {
		t.Errorf("completed: %+v, %v; want ignored", res, err)
	}
	if res, err := r.Handle(ctx, json.RawMessage(`{"detail-type":"Backup Vault State Change","source":"aws.backup","detail":{}}`)); err != nil || res.Action != ActionIgnored {
		t.Errorf("vault event: %+v, %v; want ignored", res, err)
	}
	if _, err := r.Handle(ctx, json.RawMessage(`{`)); err == nil {
		t.Error("garbage event: error = nil; want error")
	}
}

func TestRemediatorStopsAfterMaxFailures(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 10*time.Minute)
	ctx := t.Context()
	r := NewRemediator(e.api, func(o *RemediatorOptions) { o.Now = e.clk.Now; o.MaxFailures = 2 })
	_, ev1 := failedEvent(t, e, vol1, "FAILED", "internal error")
	if res, err := r.Handle(ctx, ev1); err != nil || res.Action != ActionRestarted {
		t.Fatalf("first failure: %+v, %v; want restarted", res, err)
	}
	_, ev2 := failedEvent(t, e, vol1, "FAILED", "internal error")
	res, err := r.Handle(ctx, ev2)
	if err != nil || res.Action != ActionNotRetryable || !strings.Contains(res.Reason, "MaxFailures") {
		t.Errorf("second failure: %+v, %v; want not-retryable by MaxFailures", res, err)
	}
}

func TestDefaultRetryable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		state, msg string
		want       bool
	}{
		{"FAILED", "An internal error occurred. Please try again.", true},
		{"FAILED", "Rate exceeded", true},
		{"FAILED", "Access Denied for role", false},
		{"FAILED", "Resource arn:... does not exist", false},
		{"FAILED", "KMS key is disabled", false},
		{"EXPIRED", "", true},
		{"FAILED", "", false},
		{"ABORTED", "Backup job was aborted by user", false},
	}
	for _, tt := range tests {
		if got := DefaultRetryable("BACKUP", tt.state, tt.msg); got != tt.want {
			t.Errorf("DefaultRetryable(%s, %q) = %v; want %v", tt.state, tt.msg, got, tt.want)
		}
	}
}

// TestRemediatorUnderChaos delivers one failure event ten times while
// the emulator throttles 30% of calls and returns some 500s. A delivery
// that errors is redelivered (as Lambda retries), and still exactly one
// new job exists at the end.
func TestRemediatorUnderChaos(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 10*time.Minute)
	ctx := t.Context()
	_, ev := failedEvent(t, e, vol2, "FAILED", "Internal failure, try again")
	e.srv.InjectFault(backuptest.Fault{ErrorCode: "ThrottlingException", Rate: 0.3})
	e.srv.InjectFault(backuptest.Fault{ErrorCode: "InternalFailure", HTTPStatus: 500, Rate: 0.05})
	api := e.srv.Client(func(o *awsbackup.Options) { o.Retryer = fastRetryer(1) }) // no SDK retries: errors reach Handle
	r := NewRemediator(api, func(o *RemediatorOptions) { o.Now = e.clk.Now })
	ids := map[string]bool{}
	errorsSeen := 0
	for delivery := range 10 {
		for attempt := 0; ; attempt++ {
			res, err := r.Handle(ctx, ev)
			if err == nil {
				if res.Action != ActionRestarted {
					t.Fatalf("delivery %d: %+v; want restarted", delivery, res)
				}
				ids[res.NewJobID] = true
				break
			}
			errorsSeen++
			if attempt > 50 {
				t.Fatalf("delivery %d: still failing after %d redeliveries: %v", delivery, attempt, err)
			}
		}
	}
	e.srv.ClearFaults()
	faulted := 0
	for _, c := range e.srv.Calls() {
		if c.ErrorCode == "ThrottlingException" || c.ErrorCode == "InternalFailure" {
			faulted++
		}
	}
	if faulted == 0 {
		t.Fatal("no calls were faulted; the chaos did not happen")
	}
	if len(ids) != 1 {
		t.Errorf("new job ids = %v; want exactly one", ids)
	}
	jobs := 0
	for _, err := range e.c.Jobs(ctx, JobFilter{ResourceARN: vol2}) {
		if err != nil {
			t.Fatal(err)
		}
		jobs++
	}
	if jobs != 2 {
		t.Errorf("backup jobs of %s = %d; want 2 (failed + one restart)", vol2, jobs)
	}
	t.Logf("faulted calls: %d; deliveries redelivered after an error: %d", faulted, errorsSeen)
}
