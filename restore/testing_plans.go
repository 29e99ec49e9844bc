package restore

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/internal/cron"
	"github.com/backupkit/backupkit/internal/limits"
)

// AWS restore testing defaults and limits.
const (
	// DefaultTestingSchedule is the schedule AWS uses when none is given.
	DefaultTestingSchedule = "cron(0 5 ? * * *)"
	// DefaultTestingStartWindow is AWS's default start window (24 hours).
	DefaultTestingStartWindow = 24 * time.Hour
	// DefaultSelectionWindowDays is AWS's default recovery point window.
	DefaultSelectionWindowDays = 30
	// MaxTestingWindow is the longest start or validation window (168 hours).
	MaxTestingWindow = 168 * time.Hour
	// MaxTestingSelectionARNs is the most ARNs (or conditions) per selection.
	MaxTestingSelectionARNs = limits.MaxRestoreTestingResources
)

// testingTypes are the resource types restore testing supports.
var testingTypes = []backup.ResourceType{backup.Aurora, backup.DocumentDB, backup.DynamoDB, backup.EBS, backup.EC2, backup.EFS, backup.FSx, backup.Neptune, backup.RDS, backup.S3}

// TestingPlan describes an AWS restore testing plan: when AWS Backup runs
// restore tests and which recovery points it picks. Zero values take AWS's
// defaults.
type TestingPlan struct {
	// Name is 1–50 letters, digits or '_'; required.
	Name string
	// Schedule is an AWS cron expression. Default DefaultTestingSchedule.
	Schedule string
	// Timezone is an IANA zone for Schedule. Default UTC.
	Timezone string
	// StartWindow is how long a test may wait to start: whole hours, 1–168.
	// Default 24h.
	StartWindow time.Duration
	// Random picks a random recovery point within the window instead of the
	// latest (RANDOM_WITHIN_WINDOW instead of LATEST_WITHIN_WINDOW).
	Random bool
	// RecoveryPointTypes are SNAPSHOT and/or CONTINUOUS. Default SNAPSHOT.
	RecoveryPointTypes []string
	// IncludeVaults are vault ARNs (or ARN patterns). Default ["*"].
	IncludeVaults []string
	// ExcludeVaults are vault ARNs to skip.
	ExcludeVaults []string
	// SelectionWindowDays is how far back recovery points may be, 1–365.
	// Default 30.
	SelectionWindowDays int
	// Tags are tags of the plan.
	Tags map[string]string
	// CreatorRequestID makes creation idempotent.
	CreatorRequestID string
}

// Input validates the plan and returns the CreateRestoreTestingPlan input.
// Errors are an errors.Join of *ValidationError.
func (p *TestingPlan) Input() (*awsbackup.CreateRestoreTestingPlanInput, error) {
	var errs []error
	fail := func(field, format string, args ...any) {
		errs = append(errs, &ValidationError{Field: "TestingPlan." + field, Reason: fmt.Sprintf(format, args...)})
	}
	if limits.RestoreTestingName(p.Name) != "" {
		fail("Name", "is %q; want 1–50 letters, digits or '_'", p.Name)
	}
	schedule := p.Schedule
	if schedule == "" {
		schedule = DefaultTestingSchedule
	}
	if _, err := cron.Parse(schedule); err != nil {
		var ce *cron.Error
		reason := err.Error()
		if errors.As(err, &ce) {
			reason = ce.Problem()
		}
		fail("Schedule", "is %q: %s", schedule, reason)
	}
	if p.Timezone != "" {
		if _, err := cron.LoadZone(p.Timezone); err != nil {
			fail("Timezone", "is %q; want an IANA time zone", p.Timezone)
		}
	}
	window := p.StartWindow
	if window == 0 {
		window = DefaultTestingStartWindow
	}
	if err := checkHours(window); err != "" {
		fail("StartWindow", "%s", err)
	}
	rpNames := p.RecoveryPointTypes
	if len(rpNames) == 0 {
		rpNames = []string{"SNAPSHOT"}
	}
	var rpTypes []types.RestoreTestingRecoveryPointType
	for i, t := range rpNames {
		if t != "SNAPSHOT" && t != "CONTINUOUS" {
			fail(fmt.Sprintf("RecoveryPointTypes[%d]", i), "is %q; want SNAPSHOT or CONTINUOUS", t)
		}
		rpTypes = append(rpTypes, types.RestoreTestingRecoveryPointType(t))
	}
	include := p.IncludeVaults
	if len(include) == 0 {
		include = []string{"*"}
	}
	days := p.SelectionWindowDays
	if days == 0 {
		days = DefaultSelectionWindowDays
	}
	if days < 1 || days > 365 {
		fail("SelectionWindowDays", "is %d; want 1–365", days)
	}
	if p.CreatorRequestID != "" && limits.BackupName(p.CreatorRequestID) != "" {
		fail("CreatorRequestID", "is %q; want 1–50 letters, digits, '-', '_', '.'", p.CreatorRequestID)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	algo := types.RestoreTestingRecoveryPointSelectionAlgorithmLatestWithinWindow
	if p.Random {
		algo = types.RestoreTestingRecoveryPointSelectionAlgorithmRandomWithinWindow
	}
	in := &awsbackup.CreateRestoreTestingPlanInput{
		RestoreTestingPlan: &types.RestoreTestingPlanForCreate{
			RestoreTestingPlanName: aws.String(p.Name),
			ScheduleExpression:     aws.String(schedule),
			StartWindowHours:       int32(window / time.Hour),
			RecoveryPointSelection: &types.RestoreTestingRecoveryPointSelection{
				Algorithm:           algo,
				IncludeVaults:       slices.Clone(include),
				ExcludeVaults:       slices.Clone(p.ExcludeVaults),
				RecoveryPointTypes:  rpTypes,
				SelectionWindowDays: int32(days),
			},
		},
		Tags: maps.Clone(p.Tags),
	}
	if p.Timezone != "" {
		in.RestoreTestingPlan.ScheduleExpressionTimezone = aws.String(p.Timezone)
	}
	if p.CreatorRequestID != "" {
		in.CreatorRequestId = aws.String(p.CreatorRequestID)
	}
	return in, nil
}

func checkHours(d time.Duration) string {
	if d%time.Hour != 0 {
		return fmt.Sprintf("is %v; want whole hours", d)
	}
	if d < time.Hour || d > MaxTestingWindow {
		return fmt.Sprintf("is %v; want 1–168 hours", d)
	}
	return ""
}

// TestingSelection describes which protected resources of one type a
// restore testing plan tests: up to 30 specific ResourceARNs, ["*"] for
// every protected resource of the type, or conditions on tags
// (StringEquals / StringNotEquals, sent with the wildcard ARN "*"); the
// rule is internal/limits' RestoreTestingResources, which the emulator
// uses too.
type TestingSelection struct {
	// Plan is the restore testing plan's name; required.
	Plan string
	// Name is 1–50 letters, digits or '_'; required.
	Name string
	// ResourceType is one of Aurora, DocumentDB, DynamoDB, EBS, EC2, EFS,
	// FSx, Neptune, RDS, S3; required.
	ResourceType backup.ResourceType
	// IAMRoleARN is the role AWS Backup uses to restore; required.
	IAMRoleARN string
	// ResourceARNs are specific protected resources, at most 30, or ["*"]
	// for all of the type.
	ResourceARNs []string
	// StringEquals and StringNotEquals are tag conditions (key → value),
	// at most 30 in all.
	StringEquals, StringNotEquals map[string]string
	// MetadataOverrides override inferred restore metadata (e.g. an Input's
	// Metadata()).
	MetadataOverrides map[string]string
	// ValidationWindow is how long restored data is kept for validation:
	// whole hours, 1–168. Default: AWS's.
	ValidationWindow time.Duration
	// CreatorRequestID makes creation idempotent.
	CreatorRequestID string
}

// Input validates the selection and returns the
// CreateRestoreTestingSelection input.
func (s *TestingSelection) Input() (*awsbackup.CreateRestoreTestingSelectionInput, error) {
	var errs []error
	fail := func(field, format string, args ...any) {
		errs = append(errs, &ValidationError{Field: "TestingSelection." + field, Reason: fmt.Sprintf(format, args...)})
	}
	if limits.RestoreTestingName(s.Plan) != "" {
		fail("Plan", "is %q; want 1–50 letters, digits or '_'", s.Plan)
	}
	if limits.RestoreTestingName(s.Name) != "" {
		fail("Name", "is %q; want 1–50 letters, digits or '_'", s.Name)
	}
	if !slices.Contains(testingTypes, s.ResourceType) {
		fail("ResourceType", "is %q; want one of %s", s.ResourceType, joinTypes(testingTypes))
	}
	if !strings.HasPrefix(s.IAMRoleARN, "arn:") || !strings.Contains(s.IAMRoleARN, ":iam::") {
		fail("IAMRoleARN", "is %q; want an IAM role ARN", s.IAMRoleARN)
	}
	conds := len(s.StringEquals) + len(s.StringNotEquals)
	arns := slices.Clone(s.ResourceARNs)
	if conds > 0 && len(arns) == 0 {
		arns = []string{"*"} // tag conditions apply to the wildcard
	}
	if member, problem, _ := limits.RestoreTestingResources(arns, conds, conds > 0); member != "" {
		field := strings.Replace(member, "ProtectedResourceArns", "ResourceARNs", 1)
		if member == "ProtectedResourceConditions" {
			field = "StringEquals"
		}
		fail(field, "%s", problem)
	}
	for i, a := range arns {
		if a != "*" && !strings.HasPrefix(a, "arn:") {
			fail(fmt.Sprintf("ResourceARNs[%d]", i), "is %q; want an ARN", a)
		}
	}
	if s.ValidationWindow != 0 {
		if err := checkHours(s.ValidationWindow); err != "" {
			fail("ValidationWindow", "%s", err)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	sel := &types.RestoreTestingSelectionForCreate{
		RestoreTestingSelectionName: aws.String(s.Name),
		ProtectedResourceType:       aws.String(string(s.ResourceType)),
		IamRoleArn:                  aws.String(s.IAMRoleARN),
		RestoreMetadataOverrides:    maps.Clone(s.MetadataOverrides),
	}
	sel.ProtectedResourceArns = arns
	if conds > 0 {
		sel.ProtectedResourceConditions = &types.ProtectedResourceConditions{
			StringEquals:    keyValues(s.StringEquals),
			StringNotEquals: keyValues(s.StringNotEquals),
		}
	}
	if s.ValidationWindow != 0 {
		sel.ValidationWindowHours = aws.Int32(int32(s.ValidationWindow / time.Hour))
	}
	in := &awsbackup.CreateRestoreTestingSelectionInput{
		RestoreTestingPlanName:  aws.String(s.Plan),
		RestoreTestingSelection: sel,
	}
	if s.CreatorRequestID != "" {
		in.CreatorRequestId = aws.String(s.CreatorRequestID)
	}
	return in, nil
}

func keyValues(m map[string]string) []types.KeyValue {
	if len(m) == 0 {
		return nil
	}
	keys := slices.Sorted(maps.Keys(m))
	out := make([]types.KeyValue, 0, len(keys))
	for _, k := range keys {
		out = append(out, types.KeyValue{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return out
}

func joinTypes(ts []backup.ResourceType) string {
	ss := make([]string, len(ts))
	for i, t := range ts {
		ss[i] = string(t)
	}
	return strings.Join(ss, ", ")
}
