package restore_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"

	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/restore"
)

// slowHandler wraps a handler and reports the restored resource as not
// ready for the first few validations, like a DB instance still creating.
type slowHandler struct {
	restore.Handler
	notReady atomic.Int32
	calls    atomic.Int32
}

func (h *slowHandler) Validate(ctx context.Context, restored, source string) error {
	h.calls.Add(1)
	if h.notReady.Add(-1) >= 0 {
		return errors.Join(errors.New("status creating"), restore.ErrNotReady)
	}
	return h.Handler.Validate(ctx, restored, source)
}

func TestDrillWaitsUntilReady(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	sources := e.seed(t, demoResources("rdy")[3])
	h := &slowHandler{Handler: &fakesHandler{e: e}}
	h.notReady.Store(3)
	client := e.clientOver(e.api, func(o *restore.Options) {
		o.Services = restore.Services{}
		o.Handlers = map[backup.ResourceType]restore.Handler{"DynamoDB": h} // a user-supplied handler
	})
	rep, err := client.Run(t.Context(), &restore.Drill{Vault: testVault, Targets: []restore.Target{{ResourceARN: sources[0]}}})
	if err != nil {
		t.Fatal(err)
	}
	r := rep.Targets[0]
	if r.Status != restore.Passed || h.calls.Load() != 4 {
		t.Errorf("status %s after %d validations (err %q); want passed on the 4th", r.Status, h.calls.Load(), r.Error)
	}
	if got := e.restored(); len(got) != 0 {
		t.Errorf("restored resources left: %v", got)
	}
}

// fakesHandler is a test Handler over the backuptest inventory.
type fakesHandler struct{ e *env }

func (f *fakesHandler) Tag(_ context.Context, arn string, tags map[string]string) error {
	if !f.e.srv.TagResourceInInventory(arn, tags) {
		return restore.ErrNotFound
	}
	return nil
}

func (f *fakesHandler) Tags(_ context.Context, arn string) (map[string]string, error) {
	r, ok := f.e.srv.Resource(arn)
	if !ok {
		return nil, restore.ErrNotFound
	}
	return r.Tags, nil
}

func (f *fakesHandler) Validate(_ context.Context, restored, _ string) error {
	if _, ok := f.e.srv.Resource(restored); !ok {
		return restore.ErrNotFound
	}
	return nil
}

func (f *fakesHandler) Delete(_ context.Context, arn string) error {
	f.e.srv.DeleteResource(arn)
	return nil
}

func TestDrillCancelledDuringStartRestoreJob(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	sources := e.seed(t, demoResources("cs")[0])
	// The drill is cancelled while StartRestoreJob is in flight: AWS
	// started the job but the answer is lost, so the drill cannot know
	// whether it did. Cleanup repeats the call with the same idempotency
	// token to find out, and cleans up.
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	client := e.clientOver(&startHook{Client: e.api, after: func(n int32, out *awsbackup.StartRestoreJobOutput, err error) (*awsbackup.StartRestoreJobOutput, error) {
		if n == 1 && err == nil {
			cancel()
			return nil, fmt.Errorf("operation error Backup: StartRestoreJob: %w", context.Canceled)
		}
		return out, err
	}}, func(o *restore.Options) { o.Services = restore.Services{EC2: e.fakes.EC2} })
	rep, err := client.Run(ctx, &restore.Drill{ID: "drill-cs", Vault: testVault, Targets: []restore.Target{{ResourceARN: sources[0]}}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run() error = %v; want context.Canceled", err)
	}
	r := rep.Targets[0]
	if r.Status != restore.Failed || r.RestoreJobID == "" || r.Cleanup != restore.Deleted {
		t.Errorf("target: status %s job %q cleanup %s error %q; want failed, the job learned in cleanup, deleted", r.Status, r.RestoreJobID, r.Cleanup, r.Error)
	}
	if got := e.restored(); len(got) != 0 {
		t.Errorf("restored resources left: %v", got)
	}
}

func TestDrillClusterAndFSx(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	sources := e.seed(t,
		backuptest.Resource{ARN: "arn:aws:rds:us-east-1:123456789012:cluster:ledger", SizeBytes: 10 << 30},
		backuptest.Resource{ARN: "arn:aws:fsx:us-east-1:123456789012:file-system/fs-0abc", SizeBytes: 1200 << 30, Attributes: map[string]string{"fileSystemType": "LUSTRE"}},
	)
	rep, err := e.client.Run(t.Context(), &restore.Drill{ID: "drill-cf", Vault: testVault, AllInVault: true})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Passed {
		t.Fatalf("report failed%s", describeTargets(rep))
	}
	if r := resultFor(t, rep, sources[0]); r.ResourceType != "Aurora" || r.CreatedResourceARN == "" || r.CreatedResourceARN == sources[0] {
		t.Errorf("cluster: type %s created %q; want an Aurora cluster restored under a staging name", r.ResourceType, r.CreatedResourceARN)
	}
	if got := e.restored(); len(got) != 0 {
		t.Errorf("restored resources left: %v", got)
	}
	if e.fakes.RDS.Calls()["DeleteDBCluster"] != 1 || e.fakes.FSx.Calls()["DeleteFileSystem"] != 1 {
		t.Errorf("delete calls RDS %v FSx %v; want one DeleteDBCluster and one FSx DeleteFileSystem", e.fakes.RDS.Calls(), e.fakes.FSx.Calls())
	}
}
