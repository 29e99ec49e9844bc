package resilience

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/restore"
)

// RecoveryPointsAPI is the AWS Backup call Findings uses.
type RecoveryPointsAPI interface {
	ListRecoveryPointsByResource(context.Context, *awsbackup.ListRecoveryPointsByResourceInput, ...func(*awsbackup.Options)) (*awsbackup.ListRecoveryPointsByResourceOutput, error)
}

var _ RecoveryPointsAPI = (*awsbackup.Client)(nil)

// Finding kinds.
const (
	// FindingNoPolicy: the application has no resiliency policy.
	FindingNoPolicy = "NoPolicy"
	// FindingStaleRecoveryPoint: the resource's newest completed recovery
	// point is older than the policy's strictest RPO (or there is none).
	FindingStaleRecoveryPoint = "StaleRecoveryPoint"
	// FindingNoRecentDrill: no drill judged against the policy started
	// within the window.
	FindingNoRecentDrill = "NoRecentDrill"
	// FindingResourceNotDrilled: the resource was not drilled within the
	// window.
	FindingResourceNotDrilled = "ResourceNotDrilled"
)

// Finding is one thing a resiliency policy cannot rely on.
type Finding struct {
	Kind string `json:"kind"`
	// ResourceARN is the resource concerned ("" for app-wide findings).
	ResourceARN string `json:"resourceArn,omitempty"`
	Message     string `json:"message"`
}

// DrillRecord is what Findings needs to know of one past drill.
type DrillRecord struct {
	StartedAt time.Time
	// PolicyARN is the resiliency policy the drill was judged against.
	PolicyARN string
	// Resources are the ARNs the drill restored.
	Resources []string
}

// RecordOf reduces a drill report to a DrillRecord.
func RecordOf(r *restore.Report) DrillRecord {
	d := DrillRecord{StartedAt: r.StartedAt}
	if r.Policy != nil {
		d.PolicyARN = r.Policy.ARN
	}
	for _, t := range r.Targets {
		d.Resources = append(d.Resources, t.ResourceARN)
	}
	return d
}

// FindingsInput is what Findings checks.
type FindingsInput struct {
	// App is the application (from Client.App).
	App *App
	// Now is the time the checks are made at. Default time.Now().
	Now time.Time
	// DrillWindow is how recent a drill must be (e.g. 30 days). 0 skips
	// the drill findings.
	DrillWindow time.Duration
	// Drills are the past drills (from the drill history); only those
	// within DrillWindow count.
	Drills []DrillRecord
}

// Findings checks app against its policy: every protectable resource must
// have a completed recovery point no older than the policy's strictest
// RPO (one ListRecoveryPointsByResource listing per resource), a drill
// judged against the policy must have started within DrillWindow, and so
// must a drill of each resource. Findings come sorted by kind and
// resource.
func Findings(ctx context.Context, points RecoveryPointsAPI, in FindingsInput) ([]Finding, error) {
	app := in.App
	if app == nil {
		return nil, &ValidationError{Field: "App", Reason: "is required"}
	}
	now := in.Now
	if now.IsZero() {
		now = time.Now()
	}
	if app.Policy == nil {
		return []Finding{{Kind: FindingNoPolicy, Message: fmt.Sprintf("application %s has no resiliency policy", app.Name)}}, nil
	}
	var out []Finding
	rpo := app.Policy.StrictestRPO()
	for _, a := range app.ProtectedARNs() {
		latest, err := latestPoint(ctx, points, a)
		if err != nil {
			return nil, err
		}
		switch {
		case latest.IsZero():
			out = append(out, Finding{Kind: FindingStaleRecoveryPoint, ResourceARN: a, Message: "no completed recovery point"})
		case rpo > 0 && now.Sub(latest) > rpo:
			out = append(out, Finding{Kind: FindingStaleRecoveryPoint, ResourceARN: a,
				Message: fmt.Sprintf("newest recovery point is %s old; policy %s allows %s", restore.FormatDuration(now.Sub(latest)), app.Policy.Name, restore.FormatDuration(rpo))})
		}
	}
	if in.DrillWindow > 0 {
		since := now.Add(-in.DrillWindow)
		policyDrilled := false
		drilled := map[string]bool{}
		for _, d := range in.Drills {
			if d.StartedAt.Before(since) {
				continue
			}
			if d.PolicyARN == app.Policy.ARN {
				policyDrilled = true
			}
			for _, r := range d.Resources {
				drilled[r] = true
			}
		}
		days := int(in.DrillWindow.Hours() / 24)
		if !policyDrilled {
			out = append(out, Finding{Kind: FindingNoRecentDrill, Message: fmt.Sprintf("no drill against resiliency policy %s in the last %d days", app.Policy.Name, days)})
		}
		for _, a := range app.ProtectedARNs() {
			if !drilled[a] {
				out = append(out, Finding{Kind: FindingResourceNotDrilled, ResourceARN: a, Message: fmt.Sprintf("not drilled in the last %d days", days)})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Finding) int {
		if a.Kind != b.Kind {
			if a.Kind < b.Kind {
				return -1
			}
			return 1
		}
		switch {
		case a.ResourceARN < b.ResourceARN:
			return -1
		case a.ResourceARN > b.ResourceARN:
			return 1
		}
		return 0
	})
	return out, nil
}

func latestPoint(ctx context.Context, api RecoveryPointsAPI, resourceARN string) (time.Time, error) {
	var latest time.Time
	in := &awsbackup.ListRecoveryPointsByResourceInput{ResourceArn: aws.String(resourceARN)}
	for {
		out, err := api.ListRecoveryPointsByResource(ctx, in)
		if err != nil {
			return time.Time{}, fmt.Errorf("list recovery points of %s: %w", resourceARN, err)
		}
		for _, rp := range out.RecoveryPoints {
			if rp.Status == backuptypes.RecoveryPointStatusCompleted && aws.ToTime(rp.CreationDate).After(latest) {
				latest = aws.ToTime(rp.CreationDate)
			}
		}
		if aws.ToString(out.NextToken) == "" {
			return latest, nil
		}
		in.NextToken = out.NextToken
	}
}
