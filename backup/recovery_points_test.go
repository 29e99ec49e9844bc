package backup

import (
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// seedPoints backs up each resource at hourly intervals and returns the
// recovery point ARNs per resource in creation order.
func seedPoints(t *testing.T, e *env, rounds int, resources ...string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for range rounds {
		for _, r := range resources {
			d, err := e.backup(t, r).Wait(t.Context(), 2*time.Hour)
			if err != nil {
				t.Fatalf("backup %s: %v", r, err)
			}
			out[r] = append(out[r], aws.ToString(d.RecoveryPointArn))
		}
		e.clk.Advance(time.Hour)
	}
	return out
}

func TestRecoveryPointIteratorFilters(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := t.Context()
	t0 := e.clk.Now()
	points := seedPoints(t, e, 3, vol1, vol2, db1)
	count := func(f RecoveryPointFilter) int {
		n := 0
		for _, err := range e.c.RecoveryPoints(ctx, testVlt, f) {
			if err != nil {
				t.Fatalf("RecoveryPoints(%+v): %v", f, err)
			}
			n++
		}
		return n
	}
	tests := []struct {
		name string
		f    RecoveryPointFilter
		want int
	}{
		{"all, small pages", RecoveryPointFilter{PageSize: 2}, 9},
		{"EBS", RecoveryPointFilter{ResourceType: EBS}, 6},
		{"RDS", RecoveryPointFilter{ResourceType: RDS}, 3},
		{"one resource", RecoveryPointFilter{ResourceARN: vol2}, 3},
		{"created after first round", RecoveryPointFilter{CreatedAfter: t0.Add(30 * time.Minute)}, 6},
		{"created before last round", RecoveryPointFilter{CreatedBefore: t0.Add(90 * time.Minute)}, 6},
		{"window", RecoveryPointFilter{CreatedAfter: t0.Add(30 * time.Minute), CreatedBefore: t0.Add(90 * time.Minute), ResourceType: EBS}, 2},
	}
	for _, tt := range tests {
		if got := count(tt.f); got != tt.want {
			t.Errorf("%s: got %d points; want %d", tt.name, got, tt.want)
		}
	}
	// Breaking early stops paging.
	before := e.srv.CallCount("ListRecoveryPointsByBackupVault")
	for range e.c.RecoveryPoints(ctx, testVlt, RecoveryPointFilter{PageSize: 1}) {
		break
	}
	if got := e.srv.CallCount("ListRecoveryPointsByBackupVault") - before; got != 1 {
		t.Errorf("pages fetched after break = %d; want 1", got)
	}
	// Invalid filters and missing vaults yield one error.
	for _, err := range e.c.RecoveryPoints(ctx, testVlt, RecoveryPointFilter{PageSize: 5000}) {
		if len(fieldsOf(err)) != 1 {
			t.Errorf("PageSize 5000: err = %v; want a validation error", err)
		}
	}
	for _, err := range e.c.RecoveryPoints(ctx, "missing", RecoveryPointFilter{}) {
		if !IsNotFound(err) {
			t.Errorf("missing vault: err = %v; want not found", err)
		}
	}
	latest, err := e.c.LatestRecoveryPoints(ctx, testVlt, RecoveryPointFilter{ResourceType: EBS})
	if err != nil {
		t.Fatal(err)
	}
	if len(latest) != 2 || aws.ToString(latest[vol1].RecoveryPointArn) != points[vol1][2] || aws.ToString(latest[vol2].RecoveryPointArn) != points[vol2][2] {
		t.Errorf("LatestRecoveryPoints = %v; want the third point of each volume", latest)
	}
}

func TestRecoveryPointLifecycleAndDelete(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := t.Context()
	points := seedPoints(t, e, 2, vol1)
	calc, err := e.c.UpdateRecoveryPointLifecycle(ctx, testVlt, points[vol1][0], Lifecycle{MoveToColdStorageAfter: Days(30), DeleteAfter: Days(120)})
	if err != nil {
		t.Fatalf("UpdateRecoveryPointLifecycle: %v", err)
	}
	if calc == nil || calc.DeleteAt == nil || calc.MoveToColdStorageAt == nil || calc.DeleteAt.Sub(*calc.MoveToColdStorageAt) != Days(90) {
		t.Errorf("calculated lifecycle = %+v; want cold at +30d and delete at +120d", calc)
	}
	if _, err := e.c.UpdateRecoveryPointLifecycle(ctx, testVlt, points[vol1][0], Lifecycle{MoveToColdStorageAfter: Days(30), DeleteAfter: Days(60)}); len(fieldsOf(err)) != 1 {
		t.Errorf("lifecycle 30/60: err = %v; want validation error", err)
	}
	if err := e.c.DeleteRecoveryPoint(ctx, testVlt, points[vol1][1]); err != nil {
		t.Fatalf("DeleteRecoveryPoint: %v", err)
	}
	var left []string
	for rp, err := range e.c.RecoveryPoints(ctx, testVlt, RecoveryPointFilter{}) {
		if err != nil {
			t.Fatal(err)
		}
		if rp.Status != types.RecoveryPointStatusDeleting {
			left = append(left, aws.ToString(rp.RecoveryPointArn))
		}
	}
	if !slices.Equal(left, points[vol1][:1]) {
		t.Errorf("points left = %v; want only %v", left, points[vol1][:1])
	}
	if err := e.c.DeleteRecoveryPoint(ctx, testVlt, "arn:aws:ec2:us-east-1::snapshot/snap-missing"); !IsNotFound(err) {
		t.Errorf("DeleteRecoveryPoint(missing) = %v; want not found", err)
	}
}

func TestLegalHolds(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := t.Context()
	points := seedPoints(t, e, 2, vol1, db1)
	hold, err := e.c.CreateLegalHold(ctx, LegalHoldInput{Title: "litigation-1", Description: "keep orders db", VaultNames: []string{testVlt}, ResourceARNs: []string{db1}})
	if err != nil {
		t.Fatalf("CreateLegalHold: %v", err)
	}
	if hold.ID == "" || hold.ARN == "" {
		t.Fatalf("hold = %+v; want id and ARN", hold)
	}
	var held []string
	for m, err := range e.c.LegalHoldRecoveryPoints(ctx, hold.ID) {
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, aws.ToString(m.RecoveryPointArn))
	}
	slices.Sort(held)
	want := slices.Sorted(slices.Values(points[db1]))
	if !slices.Equal(held, want) {
		t.Errorf("points under hold = %v; want %v", held, want)
	}
	if err := e.c.DeleteRecoveryPoint(ctx, testVlt, points[db1][0]); err == nil {
		t.Error("DeleteRecoveryPoint(held point) = nil; want AWS to refuse")
	}
	again, err := e.c.LegalHold(ctx, hold.ID)
	if err != nil || again.Title != "litigation-1" {
		t.Errorf("LegalHold() = %+v, %v; want the hold", again, err)
	}
	if err := e.c.CancelLegalHold(ctx, hold.ID, "", 0); len(fieldsOf(err)) != 1 {
		t.Errorf("CancelLegalHold(no reason) = %v; want validation error", err)
	}
	if err := e.c.CancelLegalHold(ctx, hold.ID, "case closed", Days(30)); err != nil {
		t.Fatalf("CancelLegalHold: %v", err)
	}
	if _, err := e.c.CreateLegalHold(ctx, LegalHoldInput{Title: "x"}); len(fieldsOf(err)) != 2 {
		t.Errorf("CreateLegalHold(no description, no selection) = %v; want 2 validation errors", err)
	}
}

func TestResourceRecoveryPoints(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := t.Context()
	points := seedPoints(t, e, 3, vol1, vol2)
	var got []string
	for rp, err := range ResourceRecoveryPoints(ctx, e.api, vol1) {
		if err != nil {
			t.Fatalf("ResourceRecoveryPoints(vol1): %v", err)
		}
		if aws.ToString(rp.BackupVaultName) != testVlt {
			t.Errorf("point %s in vault %q; want %q", aws.ToString(rp.RecoveryPointArn), aws.ToString(rp.BackupVaultName), testVlt)
		}
		got = append(got, aws.ToString(rp.RecoveryPointArn))
	}
	slices.Sort(got)
	want := slices.Sorted(slices.Values(points[vol1]))
	if !slices.Equal(got, want) {
		t.Errorf("ResourceRecoveryPoints(vol1) = %v; want %v", got, want)
	}
	for _, err := range ResourceRecoveryPoints(ctx, e.api, "") {
		if fs := fieldsOf(err); len(fs) != 1 || fs[0] != "ResourceARN" {
			t.Errorf("empty ARN: err = %v; want a ResourceARN validation error", err)
		}
	}
}
