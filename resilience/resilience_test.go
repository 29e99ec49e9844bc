package resilience_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/resiliencehub/types"

	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/resilience"
	"github.com/backupkit/backupkit/restore"
)

func TestAppAndPolicy(t *testing.T) {
	t.Parallel()
	hub := newHub()
	c := resilience.New(hub)
	app, err := c.App(t.Context(), appARN)
	if err != nil {
		t.Fatal(err)
	}
	if app.Name != "shop" || app.Region != "us-east-1" || app.Policy == nil || app.Policy.Name != "gold" || app.Policy.Tier != "Critical" {
		t.Fatalf("app = %+v", app)
	}
	if got := app.Policy.Objectives[resilience.AZ]; got.RTO != 20*time.Minute || got.RPO != 2*time.Hour {
		t.Errorf("AZ objective = %+v; want 20m RTO, 2h RPO", got)
	}
	want := []string{
		"arn:aws:ec2:us-east-1:123456789012:volume/vol-0abc",
		"arn:aws:rds:us-east-1:123456789012:db:orders",
		"arn:aws:s3:::shop-assets",
	}
	if got := app.ProtectedARNs(); !slices.Equal(got, want) {
		t.Errorf("ProtectedARNs = %v; want %v (excluded table and Lambda left out)", got, want)
	}
	var names []string
	for s, err := range c.Apps(t.Context()) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, s.Name)
	}
	if !slices.Equal(names, []string{"shop"}) {
		t.Errorf("Apps = %v", names)
	}
	if _, err := c.App(t.Context(), "arn:aws:resiliencehub:us-east-1:123456789012:app/missing"); !errors.As(err, new(*types.ResourceNotFoundException)) {
		t.Errorf("missing app: %v; want a ResourceNotFoundException", err)
	}
	var ve *resilience.ValidationError
	if _, err := c.Policy(t.Context(), "arn:aws:iam::123456789012:role/x"); !errors.As(err, &ve) || ve.Field != "policyArn" {
		t.Errorf("bad policy ARN: %v; want a ValidationError on policyArn", err)
	}
	if calls := hub.Calls(); len(calls) != 9 {
		t.Errorf("calls = %v; want DescribeApp, DescribeResiliencyPolicy, 5 resource pages, ListApps, DescribeApp (none for the bad ARN)", calls)
	}
}

func TestForRestore(t *testing.T) {
	t.Parallel()
	p := &resilience.Policy{Objectives: map[resilience.Disruption]resilience.Objective{
		resilience.AZ:       {RTO: 20 * time.Minute, RPO: 2 * time.Hour},
		resilience.Hardware: {RTO: time.Hour, RPO: time.Hour},
		resilience.Region:   {RTO: 4 * time.Hour, RPO: 24 * time.Hour},
	}}
	tests := []struct {
		name      string
		cross     bool
		objs      map[resilience.Disruption]resilience.Objective
		want      resilience.Disruption
		wantRTO   time.Duration
		wantFound bool
	}{
		{"same Region: the stricter RTO of AZ and Hardware", false, p.Objectives, resilience.AZ, 20 * time.Minute, true},
		{"cross-Region: Region", true, p.Objectives, resilience.Region, 4 * time.Hour, true},
		{"only Hardware", false, map[resilience.Disruption]resilience.Objective{resilience.Hardware: {RTO: time.Hour}}, resilience.Hardware, time.Hour, true},
		{"no Region objective", true, map[resilience.Disruption]resilience.Objective{resilience.AZ: {RTO: time.Hour}}, resilience.Region, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, o, ok := (&resilience.Policy{Objectives: tt.objs}).ForRestore(tt.cross)
			if d != tt.want || o.RTO != tt.wantRTO || ok != tt.wantFound {
				t.Errorf("ForRestore(%v) = %s, %v, %v; want %s, %v, %v", tt.cross, d, o.RTO, ok, tt.want, tt.wantRTO, tt.wantFound)
			}
		})
	}
	if got := p.StrictestRPO(); got != time.Hour { // Hardware; AZ and Region are looser
		t.Errorf("StrictestRPO = %v; want 1h", got)
	}
	dp := p.DrillPolicy("us-east-1")
	name, rto, _, ok := dp.Objective("arn:aws:s3:::bucket", "arn:aws:backup:eu-west-1:123456789012:recovery-point:abc")
	if !ok || name != "Region" || rto != 4*time.Hour {
		t.Errorf("S3 bucket from a eu-west-1 copy: %s %v %v; want Region 4h", name, rto, ok)
	}
	name, _, _, _ = dp.Objective("arn:aws:ec2:us-east-1:123456789012:volume/vol-1", "arn:aws:ec2:us-east-1::snapshot/snap-1")
	if name != "AZ" {
		t.Errorf("same-Region snapshot: %s; want AZ", name)
	}
}

func TestCrossRegion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		res, rp, home string
		want          bool
	}{
		{"arn:aws:ec2:us-east-1:1:volume/v", "arn:aws:ec2:us-west-2::snapshot/s", "", true},
		{"arn:aws:ec2:us-east-1:1:volume/v", "arn:aws:ec2:us-east-1::snapshot/s", "", false},
		{"arn:aws:s3:::b", "arn:aws:backup:us-east-1:1:recovery-point:x", "us-east-1", false},
		{"arn:aws:s3:::b", "arn:aws:backup:us-east-1:1:recovery-point:x", "", false},
		{"not an arn", "arn:aws:backup:us-east-1:1:recovery-point:x", "eu-west-1", true},
	}
	for _, tt := range tests {
		if got := resilience.CrossRegion(tt.res, tt.rp, tt.home); got != tt.want {
			t.Errorf("CrossRegion(%q, %q, %q) = %v; want %v", tt.res, tt.rp, tt.home, got, tt.want)
		}
	}
}

// TestFindings seeds the emulator with a fresh backup of the volume, an
// old one of the RDS instance (the clock moves on) and none of the
// bucket, and a history where only the volume was drilled recently.
func TestFindings(t *testing.T) {
	t.Parallel()
	clock := backuptest.NewManualClock(time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC))
	srv := backuptest.NewServer(t, func(o *backuptest.Options) { o.Clock = clock; o.JobDuration = time.Second })
	api := srv.Client()
	ctx := t.Context()
	vol, db := "arn:aws:ec2:us-east-1:123456789012:volume/vol-0abc", "arn:aws:rds:us-east-1:123456789012:db:orders"
	for _, a := range []string{vol, db} {
		if err := srv.PutResource(backuptest.Resource{ARN: a, SizeBytes: 1 << 30}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := api.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("vault")}); err != nil {
		t.Fatal(err)
	}
	backupNow := func(a string) {
		t.Helper()
		if _, err := api.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{BackupVaultName: aws.String("vault"), ResourceArn: aws.String(a),
			IamRoleArn: aws.String("arn:aws:iam::123456789012:role/b")}); err != nil {
			t.Fatal(err)
		}
		clock.Advance(2 * time.Second)
	}
	backupNow(db)
	clock.Advance(3 * time.Hour) // the RDS point is now 3h old: over the 15m strictest RPO
	backupNow(vol)
	now := clock.Now()

	app, err := resilience.New(newHub()).App(ctx, appARN)
	if err != nil {
		t.Fatal(err)
	}
	recent := restore.Report{StartedAt: now.Add(-24 * time.Hour), Targets: []restore.TargetResult{{ResourceARN: vol}}}
	old := restore.Report{StartedAt: now.Add(-90 * 24 * time.Hour), Policy: &restore.Policy{ARN: policyARN}, Targets: []restore.TargetResult{{ResourceARN: db}}}
	fs, err := resilience.Findings(ctx, api, resilience.FindingsInput{App: app, Now: now, DrillWindow: 30 * 24 * time.Hour,
		Drills: []resilience.DrillRecord{resilience.RecordOf(&recent), resilience.RecordOf(&old)}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range fs {
		got = append(got, f.Kind+" "+f.ResourceARN)
	}
	want := []string{
		"NoRecentDrill ",
		"ResourceNotDrilled " + db,
		"ResourceNotDrilled arn:aws:s3:::shop-assets",
		"StaleRecoveryPoint " + db,
		"StaleRecoveryPoint arn:aws:s3:::shop-assets",
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings:\n%q\nwant\n%q", got, want)
	}
	if len(fs) == 5 && fs[3].Message != "newest recovery point is 3h00m old; policy gold allows 15m00s" {
		t.Errorf("stale message = %q", fs[3].Message)
	}
	// With a recent drill against the policy, that finding goes away.
	recent.Policy = &restore.Policy{ARN: policyARN}
	fs, err = resilience.Findings(ctx, api, resilience.FindingsInput{App: app, Now: now, DrillWindow: 30 * 24 * time.Hour, Drills: []resilience.DrillRecord{resilience.RecordOf(&recent)}})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if f.Kind == resilience.FindingNoRecentDrill {
			t.Errorf("NoRecentDrill reported despite a drill against the policy yesterday")
		}
	}
	if _, err := resilience.Findings(context.Background(), api, resilience.FindingsInput{}); err == nil {
		t.Error("Findings without an App succeeded")
	}
}
