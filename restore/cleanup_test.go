package restore_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/restore"
)

// brokenSideHandler is the resource service side of a drill failing the
// way a wrong endpoint or an outage fails it: tagging and reading tags and
// validating all error, while deleting works.
type brokenSideHandler struct {
	*fakesHandler
	deletes atomic.Int32
}

var errServiceSide = errors.New("operation error EC2: DescribeVolumes, https response error StatusCode: 404, api error UnknownError")

func (h *brokenSideHandler) Tag(context.Context, string, map[string]string) error {
	return errServiceSide
}

func (h *brokenSideHandler) Tags(ctx context.Context, arn string) (map[string]string, error) {
	if h.deletes.Load() == 0 {
		return nil, errServiceSide
	}
	return h.fakesHandler.Tags(ctx, arn) // after the delete: the truth
}

func (h *brokenSideHandler) Validate(context.Context, string, string) error { return errServiceSide }

func (h *brokenSideHandler) Delete(ctx context.Context, arn string) error {
	h.deletes.Add(1)
	return h.fakesHandler.Delete(ctx, arn)
}

// TestCleanupSurvivesServiceSideErrors: an error on the resource service's
// side (tagging, reading tags, validating) must not skip the deletion of
// what the drill's own restore job created.
func TestCleanupSurvivesServiceSideErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	sources := e.seed(t, demoResources("side")[0])
	h := &brokenSideHandler{fakesHandler: &fakesHandler{e: e}}
	client := e.clientOver(e.api, func(o *restore.Options) {
		o.Handlers = map[backup.ResourceType]restore.Handler{backup.EBS: h}
	})
	rep, err := client.Run(t.Context(), &restore.Drill{ID: "drill-side", Vault: testVault, Targets: []restore.Target{{ResourceARN: sources[0]}}})
	if err != nil {
		t.Fatal(err)
	}
	r := rep.Targets[0]
	if r.Status != restore.Failed || r.Cleanup != restore.Deleted || h.deletes.Load() == 0 {
		t.Errorf("target: status %s, cleanup %s, %d deletes, error %q; want failed, deleted after a delete call", r.Status, r.Cleanup, h.deletes.Load(), r.Error)
	}
	if got := e.restored(); len(got) != 0 {
		t.Errorf("restored resources left: %v", got)
	}
}

// neverGoneHandler deletes nothing and cannot say whether anything exists.
type neverGoneHandler struct {
	*fakesHandler
	deleted atomic.Bool
}

func (h *neverGoneHandler) Tags(context.Context, string) (map[string]string, error) {
	return nil, errServiceSide
}
func (h *neverGoneHandler) Delete(context.Context, string) error { h.deleted.Store(true); return nil }

// TestCleanupNeverReportsUnconfirmedDeletion: when the service cannot
// confirm the restored resource is gone, the report says it was left,
// with its ARN.
func TestCleanupNeverReportsUnconfirmedDeletion(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	sources := e.seed(t, demoResources("gone")[0])
	h := &neverGoneHandler{fakesHandler: &fakesHandler{e: e}}
	// The cleanup's time runs out after ten polls of a deletion that is
	// never confirmed (on the manual clock, as the rest of the drill).
	polls := 0
	client := e.clientOver(e.api, func(o *restore.Options) {
		o.Handlers = map[backup.ResourceType]restore.Handler{backup.EBS: h}
		o.Sleep = func(ctx context.Context, d time.Duration) error {
			if h.deleted.Load() {
				if polls++; polls > 10 {
					return context.DeadlineExceeded
				}
			}
			return e.clk.Sleep(ctx, d)
		}
	})
	rep, err := client.Run(t.Context(), &restore.Drill{ID: "drill-gone", Vault: testVault, Targets: []restore.Target{{ResourceARN: sources[0]}}})
	if err != nil {
		t.Fatal(err)
	}
	r := rep.Targets[0]
	if r.Cleanup != restore.Left || len(r.LeftBehind) != 1 || r.LeftBehind[0] != r.CreatedResourceARN || rep.Passed || rep.Summary.LeftBehind != 1 {
		t.Errorf("target: cleanup %s, left %v (created %s), passed %v; want left with the created ARN", r.Cleanup, r.LeftBehind, r.CreatedResourceARN, rep.Passed)
	}
	if !strings.Contains(r.Error, "cannot confirm") {
		t.Errorf("error %q; want it to say the deletion could not be confirmed", r.Error)
	}
}

// TestCleanupUnknownRestoreIsReportedLeft: cancelled while StartRestoreJob
// was in flight and unable to learn whether the job started, the target
// is reported as possibly leaving a resource behind, never as clean.
func TestCleanupUnknownRestoreIsReportedLeft(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	sources := e.seed(t, demoResources("unk")[0])
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	// The first StartRestoreJob's answer is lost to the cancellation; from
	// then on AWS Backup is unavailable, so the cleanup cannot learn
	// whether the job started.
	client := e.clientOver(&startHook{Client: e.api, after: func(n int32, out *awsbackup.StartRestoreJobOutput, err error) (*awsbackup.StartRestoreJobOutput, error) {
		if n == 1 {
			e.srv.InjectFault(backuptest.Fault{Operation: "StartRestoreJob", ErrorCode: "ServiceUnavailableException", HTTPStatus: 503})
			cancel()
			return nil, fmt.Errorf("operation error Backup: StartRestoreJob: %w", context.Canceled)
		}
		return out, err
	}}, func(o *restore.Options) { o.Services = restore.Services{EC2: e.fakes.EC2} })
	rep, err := client.Run(ctx, &restore.Drill{ID: "drill-unk", Vault: testVault, Targets: []restore.Target{{ResourceARN: sources[0]}}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run() error = %v; want context.Canceled", err)
	}
	r := rep.Targets[0]
	if r.Cleanup != restore.Left || len(r.LeftBehind) != 1 || !strings.Contains(r.LeftBehind[0], "may have started") || rep.Summary.LeftBehind != 1 {
		t.Errorf("target: cleanup %s, left %v, summary %+v; want left, naming the restore that may have started", r.Cleanup, r.LeftBehind, rep.Summary)
	}
}
