package backuptest_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupkit/backupkit/backuptest"
)

func param(name, value string) types.ControlInputParameter {
	return types.ControlInputParameter{ParameterName: aws.String(name), ParameterValue: aws.String(value)}
}

func sampleControls() []types.FrameworkControl {
	return []types.FrameworkControl{
		{ControlName: aws.String("BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN"),
			ControlScope: &types.ControlScope{ComplianceResourceTypes: []string{"EBS", "RDS"}}},
		{ControlName: aws.String("BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK"), ControlInputParameters: []types.ControlInputParameter{
			param("requiredFrequencyUnit", "hours"), param("requiredFrequencyValue", "12"), param("requiredRetentionDays", "35"),
		}},
		{ControlName: aws.String("BACKUP_RECOVERY_POINT_ENCRYPTED"), ControlScope: &types.ControlScope{Tags: map[string]string{"env": "prod"}}},
	}
}

// manualAudit returns a server whose deployments and report jobs take a
// minute on a manual clock.
func manualAudit(t *testing.T) (*backuptest.ManualClock, *awsbackup.Client) {
	t.Helper()
	clk := backuptest.NewManualClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	srv := backuptest.NewServer(t, func(o *backuptest.Options) { o.Clock = clk; o.JobDuration = time.Minute })
	return clk, srv.Client()
}

func TestFrameworkLifecycle(t *testing.T) {
	t.Parallel()
	clk, c := manualAudit(t)
	ctx := t.Context()

	out, err := c.CreateFramework(ctx, &awsbackup.CreateFrameworkInput{
		FrameworkName:        aws.String("prod_guardrails"),
		FrameworkDescription: aws.String("what prod must meet"),
		FrameworkControls:    sampleControls(),
		FrameworkTags:        map[string]string{"owner": "sec"},
		IdempotencyToken:     aws.String("fw-token-1"),
	})
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(aws.ToString(out.FrameworkArn), "arn:aws:backup:us-east-1:123456789012:framework:prod_guardrails-"), aws.ToString(out.FrameworkArn))

	again, err := c.CreateFramework(ctx, &awsbackup.CreateFrameworkInput{FrameworkName: aws.String("prod_guardrails"), FrameworkControls: sampleControls(), IdempotencyToken: aws.String("fw-token-1")})
	require.NoError(t, err)
	assert.Equal(t, aws.ToString(out.FrameworkArn), aws.ToString(again.FrameworkArn))

	_, err = c.CreateFramework(ctx, &awsbackup.CreateFrameworkInput{FrameworkName: aws.String("prod_guardrails"), FrameworkControls: sampleControls()})
	var ae *types.AlreadyExistsException
	require.ErrorAs(t, err, &ae)

	tags, err := c.ListTags(ctx, &awsbackup.ListTagsInput{ResourceArn: out.FrameworkArn})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"owner": "sec"}, tags.Tags)

	d, err := c.DescribeFramework(ctx, &awsbackup.DescribeFrameworkInput{FrameworkName: aws.String("prod_guardrails")})
	require.NoError(t, err)
	assert.Equal(t, "CREATE_IN_PROGRESS", aws.ToString(d.DeploymentStatus))
	assert.Equal(t, "fw-token-1", aws.ToString(d.IdempotencyToken))
	require.Len(t, d.FrameworkControls, 3)
	assert.Equal(t, "12", aws.ToString(d.FrameworkControls[1].ControlInputParameters[1].ParameterValue))

	// No update while the deployment runs.
	_, err = c.UpdateFramework(ctx, &awsbackup.UpdateFrameworkInput{FrameworkName: aws.String("prod_guardrails"), FrameworkDescription: aws.String("v2")})
	var ce *types.ConflictException
	require.ErrorAs(t, err, &ce)
	_, err = c.DeleteFramework(ctx, &awsbackup.DeleteFrameworkInput{FrameworkName: aws.String("prod_guardrails")})
	require.ErrorAs(t, err, &ce)

	clk.Advance(time.Minute)
	d, err = c.DescribeFramework(ctx, &awsbackup.DescribeFrameworkInput{FrameworkName: aws.String("prod_guardrails")})
	require.NoError(t, err)
	assert.Equal(t, "COMPLETED", aws.ToString(d.DeploymentStatus))
	assert.Equal(t, "ACTIVE", aws.ToString(d.FrameworkStatus))

	upd, err := c.UpdateFramework(ctx, &awsbackup.UpdateFrameworkInput{
		FrameworkName: aws.String("prod_guardrails"), FrameworkDescription: aws.String("v2"),
		FrameworkControls: sampleControls()[:1], IdempotencyToken: aws.String("upd-1"),
	})
	require.NoError(t, err)
	assert.Equal(t, aws.ToString(out.FrameworkArn), aws.ToString(upd.FrameworkArn))
	// The same update token again is a no-op, not a conflict.
	_, err = c.UpdateFramework(ctx, &awsbackup.UpdateFrameworkInput{FrameworkName: aws.String("prod_guardrails"), FrameworkDescription: aws.String("v2"), IdempotencyToken: aws.String("upd-1")})
	require.NoError(t, err)

	list, err := c.ListFrameworks(ctx, &awsbackup.ListFrameworksInput{})
	require.NoError(t, err)
	require.Len(t, list.Frameworks, 1)
	assert.Equal(t, int32(1), list.Frameworks[0].NumberOfControls)
	assert.Equal(t, "UPDATE_IN_PROGRESS", aws.ToString(list.Frameworks[0].DeploymentStatus))
	assert.Equal(t, "v2", aws.ToString(list.Frameworks[0].FrameworkDescription))

	clk.Advance(time.Minute)
	_, err = c.DeleteFramework(ctx, &awsbackup.DeleteFrameworkInput{FrameworkName: aws.String("prod_guardrails")})
	require.NoError(t, err)
	_, err = c.DescribeFramework(ctx, &awsbackup.DescribeFrameworkInput{FrameworkName: aws.String("prod_guardrails")})
	var nf *types.ResourceNotFoundException
	require.ErrorAs(t, err, &nf)
	_, err = c.UpdateFramework(ctx, &awsbackup.UpdateFrameworkInput{FrameworkName: aws.String("prod_guardrails")})
	require.ErrorAs(t, err, &nf)
	_, err = c.ListTags(ctx, &awsbackup.ListTagsInput{ResourceArn: out.FrameworkArn})
	require.ErrorAs(t, err, &nf, "a deleted framework has no tags")
}

func TestFrameworkValidation(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	c := srv.Client()
	ctl := func(name string, params ...types.ControlInputParameter) []types.FrameworkControl {
		return []types.FrameworkControl{{ControlName: aws.String(name), ControlInputParameters: params}}
	}
	tests := []struct {
		name     string
		in       awsbackup.CreateFrameworkInput
		field    string
		missing  bool
		limitErr bool
	}{
		{"name starts with digit", awsbackup.CreateFrameworkInput{FrameworkName: aws.String("1fw"), FrameworkControls: sampleControls()}, "FrameworkName", false, false},
		{"name with hyphen", awsbackup.CreateFrameworkInput{FrameworkName: aws.String("my-fw"), FrameworkControls: sampleControls()}, "FrameworkName", false, false},
		{"long description", awsbackup.CreateFrameworkInput{FrameworkName: aws.String("fw"), FrameworkDescription: aws.String(strings.Repeat("x", 1025)), FrameworkControls: sampleControls()}, "FrameworkDescription", false, false},
		{"no controls", awsbackup.CreateFrameworkInput{FrameworkName: aws.String("fw"), FrameworkControls: []types.FrameworkControl{}}, "FrameworkControls", true, false},
		{"unknown control", awsbackup.CreateFrameworkInput{FrameworkName: aws.String("fw"), FrameworkControls: ctl("BACKUP_EVERYTHING")}, "FrameworkControls[0].ControlName", false, false},
		{"duplicate control", awsbackup.CreateFrameworkInput{FrameworkName: aws.String("fw"), FrameworkControls: append(ctl("BACKUP_RECOVERY_POINT_ENCRYPTED"), ctl("BACKUP_RECOVERY_POINT_ENCRYPTED")...)}, "FrameworkControls[1].ControlName", false, false},
		{"unknown parameter", awsbackup.CreateFrameworkInput{FrameworkName: aws.String("fw"), FrameworkControls: ctl("BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK", param("retentionDays", "35"))}, "ControlInputParameters[0].ParameterName", false, false},
		{"bad unit", awsbackup.CreateFrameworkInput{FrameworkName: aws.String("fw"), FrameworkControls: ctl("BACKUP_LAST_RECOVERY_POINT_CREATED", param("recoveryPointAgeUnit", "weeks"))}, "ControlInputParameters[0].ParameterValue", false, false},
		{"retention not a number", awsbackup.CreateFrameworkInput{FrameworkName: aws.String("fw"), FrameworkControls: ctl("BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK", param("requiredRetentionDays", "a month"))}, "ParameterValue", false, false},
		{"max below min", awsbackup.CreateFrameworkInput{FrameworkName: aws.String("fw"), FrameworkControls: ctl("BACKUP_RESOURCES_PROTECTED_BY_BACKUP_VAULT_LOCK", param("minRetentionDays", "30"), param("maxRetentionDays", "7"))}, "maxRetentionDays", false, false},
		{"six principals", awsbackup.CreateFrameworkInput{FrameworkName: aws.String("fw"), FrameworkControls: ctl("BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED", param("principalArnList", "a,b,c,d,e,f"))}, "ParameterValue", false, false},
		{"two scope tags", awsbackup.CreateFrameworkInput{FrameworkName: aws.String("fw"), FrameworkControls: []types.FrameworkControl{{ControlName: aws.String("BACKUP_RECOVERY_POINT_ENCRYPTED"),
			ControlScope: &types.ControlScope{Tags: map[string]string{"a": "1", "b": "2"}}}}}, "ControlScope.Tags", false, false},
		{"ids without one type", awsbackup.CreateFrameworkInput{FrameworkName: aws.String("fw"), FrameworkControls: []types.FrameworkControl{{ControlName: aws.String("BACKUP_RECOVERY_POINT_ENCRYPTED"),
			ControlScope: &types.ControlScope{ComplianceResourceIds: []string{"vol-1"}, ComplianceResourceTypes: []string{"EBS", "RDS"}}}}}, "ControlScope.ComplianceResourceTypes", false, false},
		{"unknown resource type", awsbackup.CreateFrameworkInput{FrameworkName: aws.String("fw"), FrameworkControls: []types.FrameworkControl{{ControlName: aws.String("BACKUP_RECOVERY_POINT_ENCRYPTED"),
			ControlScope: &types.ControlScope{ComplianceResourceTypes: []string{"Lambda"}}}}}, "ComplianceResourceTypes[0]", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := c.CreateFramework(t.Context(), &tt.in, serverSide)
			require.Error(t, err)
			if tt.missing {
				var e *types.MissingParameterValueException
				require.ErrorAs(t, err, &e)
			} else {
				var e *types.InvalidParameterValueException
				require.ErrorAs(t, err, &e)
			}
			assert.Contains(t, err.Error(), tt.field)
		})
	}
}

func TestFrameworkQuotas(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	c := srv.Client()
	// 15 frameworks per Region, then 50 controls per Region.
	for i := range 15 {
		_, err := c.CreateFramework(t.Context(), &awsbackup.CreateFrameworkInput{FrameworkName: aws.String(fmt.Sprintf("fw%d", i)), FrameworkControls: sampleControls()})
		require.NoError(t, err)
	}
	_, err := c.CreateFramework(t.Context(), &awsbackup.CreateFrameworkInput{FrameworkName: aws.String("fw15"), FrameworkControls: sampleControls()[:1]}, serverSide)
	var le *types.LimitExceededException
	require.ErrorAs(t, err, &le)
	assert.Contains(t, err.Error(), "frameworks")

	srv2 := backuptest.NewServer(t)
	c2 := srv2.Client()
	all := []string{
		"BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN", "BACKUP_RECOVERY_POINT_ENCRYPTED", "BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK",
		"BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK", "BACKUP_LAST_RECOVERY_POINT_CREATED",
	}
	for i := range 10 {
		var ctls []types.FrameworkControl
		for _, n := range all {
			ctls = append(ctls, types.FrameworkControl{ControlName: aws.String(n)})
		}
		_, err := c2.CreateFramework(t.Context(), &awsbackup.CreateFrameworkInput{FrameworkName: aws.String(fmt.Sprintf("fw%d", i)), FrameworkControls: ctls})
		require.NoError(t, err)
	}
	_, err = c2.CreateFramework(t.Context(), &awsbackup.CreateFrameworkInput{FrameworkName: aws.String("one_more"), FrameworkControls: sampleControls()[:1]}, serverSide)
	require.ErrorAs(t, err, &le)
	assert.Contains(t, err.Error(), "controls")
}

func TestReportPlansAndJobs(t *testing.T) {
	t.Parallel()
	clk, c := manualAudit(t)
	ctx := t.Context()
	fw, err := c.CreateFramework(ctx, &awsbackup.CreateFrameworkInput{FrameworkName: aws.String("fw"), FrameworkControls: sampleControls()})
	require.NoError(t, err)

	created, err := c.CreateReportPlan(ctx, &awsbackup.CreateReportPlanInput{
		ReportPlanName:        aws.String("daily_jobs"),
		ReportPlanDescription: aws.String("backup jobs"),
		ReportDeliveryChannel: &types.ReportDeliveryChannel{S3BucketName: aws.String("audit-reports"), S3KeyPrefix: aws.String("backup"), Formats: []string{"CSV"}},
		ReportSetting:         &types.ReportSetting{ReportTemplate: aws.String("BACKUP_JOB_REPORT"), Accounts: []string{"123456789012"}, Regions: []string{"us-east-1", "eu-west-1"}},
		ReportPlanTags:        map[string]string{"team": "audit"},
		IdempotencyToken:      aws.String("rp-1"),
	})
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(aws.ToString(created.ReportPlanArn), "arn:aws:backup:us-east-1:123456789012:report-plan:daily_jobs"))

	// JSON only for a report of the calling account and Region ("working
	// with audit reports"; internal/audit.CheckFormats, as compliance).
	_, err = c.CreateReportPlan(ctx, &awsbackup.CreateReportPlanInput{ReportPlanName: aws.String("wide_json"),
		ReportDeliveryChannel: &types.ReportDeliveryChannel{S3BucketName: aws.String("audit-reports"), Formats: []string{"CSV", "JSON"}},
		ReportSetting:         &types.ReportSetting{ReportTemplate: aws.String("BACKUP_JOB_REPORT"), Regions: []string{"us-east-1", "eu-west-1"}}})
	var wide *types.InvalidParameterValueException
	require.ErrorAs(t, err, &wide)
	assert.Contains(t, err.Error(), "Formats[1]")

	rpTags, err := c.ListTags(ctx, &awsbackup.ListTagsInput{ResourceArn: created.ReportPlanArn})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"team": "audit"}, rpTags.Tags)

	again, err := c.CreateReportPlan(ctx, &awsbackup.CreateReportPlanInput{ReportPlanName: aws.String("daily_jobs"),
		ReportDeliveryChannel: &types.ReportDeliveryChannel{S3BucketName: aws.String("audit-reports")},
		ReportSetting:         &types.ReportSetting{ReportTemplate: aws.String("BACKUP_JOB_REPORT")}, IdempotencyToken: aws.String("rp-1")})
	require.NoError(t, err)
	assert.Equal(t, aws.ToString(created.ReportPlanArn), aws.ToString(again.ReportPlanArn))
	_, err = c.CreateReportPlan(ctx, &awsbackup.CreateReportPlanInput{ReportPlanName: aws.String("daily_jobs"),
		ReportDeliveryChannel: &types.ReportDeliveryChannel{S3BucketName: aws.String("audit-reports")},
		ReportSetting:         &types.ReportSetting{ReportTemplate: aws.String("BACKUP_JOB_REPORT")}})
	var ae *types.AlreadyExistsException
	require.ErrorAs(t, err, &ae)

	compliance, err := c.CreateReportPlan(ctx, &awsbackup.CreateReportPlanInput{
		ReportPlanName:        aws.String("compliance"),
		ReportDeliveryChannel: &types.ReportDeliveryChannel{S3BucketName: aws.String("audit-reports")},
		ReportSetting:         &types.ReportSetting{ReportTemplate: aws.String("CONTROL_COMPLIANCE_REPORT"), FrameworkArns: []string{aws.ToString(fw.FrameworkArn)}},
	})
	require.NoError(t, err)

	d, err := c.DescribeReportPlan(ctx, &awsbackup.DescribeReportPlanInput{ReportPlanName: aws.String("compliance")})
	require.NoError(t, err)
	assert.Equal(t, aws.ToString(compliance.ReportPlanArn), aws.ToString(d.ReportPlan.ReportPlanArn))
	assert.Equal(t, "CREATE_IN_PROGRESS", aws.ToString(d.ReportPlan.DeploymentStatus))
	assert.Equal(t, int32(1), d.ReportPlan.ReportSetting.NumberOfFrameworks)
	assert.Equal(t, []string{"CSV"}, d.ReportPlan.ReportDeliveryChannel.Formats, "Formats default to CSV")

	_, err = c.UpdateReportPlan(ctx, &awsbackup.UpdateReportPlanInput{ReportPlanName: aws.String("compliance"), ReportPlanDescription: aws.String("x")})
	var ce *types.ConflictException
	require.ErrorAs(t, err, &ce)

	clk.Advance(time.Minute)
	_, err = c.UpdateReportPlan(ctx, &awsbackup.UpdateReportPlanInput{ReportPlanName: aws.String("daily_jobs"),
		ReportSetting: &types.ReportSetting{ReportTemplate: aws.String("COPY_JOB_REPORT")}})
	var ipv *types.InvalidParameterValueException
	require.ErrorAs(t, err, &ipv, "the template of a report plan cannot change")
	update := &awsbackup.UpdateReportPlanInput{ReportPlanName: aws.String("daily_jobs"), ReportPlanDescription: aws.String("all backup jobs"),
		ReportDeliveryChannel: &types.ReportDeliveryChannel{S3BucketName: aws.String("audit-reports"), S3KeyPrefix: aws.String("backup"), Formats: []string{"CSV"}},
		IdempotencyToken:      aws.String("rp-upd-1")}
	_, err = c.UpdateReportPlan(ctx, update)
	require.NoError(t, err)
	_, err = c.UpdateReportPlan(ctx, update)
	require.NoError(t, err, "the same update token again is a no-op")
	update.IdempotencyToken = aws.String("rp-upd-2")
	_, err = c.UpdateReportPlan(ctx, update)
	require.ErrorAs(t, err, &ce, "a new update while the last one deploys")

	// Report jobs run for JobDuration.
	job, err := c.StartReportJob(ctx, &awsbackup.StartReportJobInput{ReportPlanName: aws.String("daily_jobs"), IdempotencyToken: aws.String("job-1")})
	require.NoError(t, err)
	same, err := c.StartReportJob(ctx, &awsbackup.StartReportJobInput{ReportPlanName: aws.String("daily_jobs"), IdempotencyToken: aws.String("job-1")})
	require.NoError(t, err)
	assert.Equal(t, aws.ToString(job.ReportJobId), aws.ToString(same.ReportJobId))

	dj, err := c.DescribeReportJob(ctx, &awsbackup.DescribeReportJobInput{ReportJobId: job.ReportJobId})
	require.NoError(t, err)
	assert.Equal(t, "RUNNING", aws.ToString(dj.ReportJob.Status))
	assert.Nil(t, dj.ReportJob.CompletionTime)
	assert.Equal(t, "BACKUP_JOB_REPORT", aws.ToString(dj.ReportJob.ReportTemplate))
	assert.Equal(t, "audit-reports", aws.ToString(dj.ReportJob.ReportDestination.S3BucketName))
	require.Len(t, dj.ReportJob.ReportDestination.S3Keys, 1)
	key := dj.ReportJob.ReportDestination.S3Keys[0]
	assert.True(t, strings.HasPrefix(key, "backup/Backup/123456789012/us-east-1/2026/03/01/"), key)
	assert.True(t, strings.HasSuffix(key, ".csv"), key)

	_, err = c.StartReportJob(ctx, &awsbackup.StartReportJobInput{ReportPlanName: aws.String("compliance")})
	require.NoError(t, err)

	running, err := c.ListReportJobs(ctx, &awsbackup.ListReportJobsInput{ByStatus: aws.String("RUNNING")})
	require.NoError(t, err)
	assert.Len(t, running.ReportJobs, 2)

	clk.Advance(time.Minute)
	dj, err = c.DescribeReportJob(ctx, &awsbackup.DescribeReportJobInput{ReportJobId: job.ReportJobId})
	require.NoError(t, err)
	assert.Equal(t, "COMPLETED", aws.ToString(dj.ReportJob.Status))
	require.NotNil(t, dj.ReportJob.CompletionTime)

	rp, err := c.DescribeReportPlan(ctx, &awsbackup.DescribeReportPlanInput{ReportPlanName: aws.String("daily_jobs")})
	require.NoError(t, err)
	require.NotNil(t, rp.ReportPlan.LastSuccessfulExecutionTime)
	require.NotNil(t, rp.ReportPlan.LastAttemptedExecutionTime)
	assert.Equal(t, "all backup jobs", aws.ToString(rp.ReportPlan.ReportPlanDescription))

	byPlan, err := c.ListReportJobs(ctx, &awsbackup.ListReportJobsInput{ByReportPlanName: aws.String("daily_jobs")})
	require.NoError(t, err)
	require.Len(t, byPlan.ReportJobs, 1)
	assert.Equal(t, aws.ToString(job.ReportJobId), aws.ToString(byPlan.ReportJobs[0].ReportJobId))
	after, err := c.ListReportJobs(ctx, &awsbackup.ListReportJobsInput{ByCreationAfter: aws.Time(clk.Now())})
	require.NoError(t, err)
	assert.Empty(t, after.ReportJobs)
	paged, err := c.ListReportJobs(ctx, &awsbackup.ListReportJobsInput{MaxResults: aws.Int32(1)})
	require.NoError(t, err)
	assert.Len(t, paged.ReportJobs, 1)
	assert.NotNil(t, paged.NextToken)

	plans, err := c.ListReportPlans(ctx, &awsbackup.ListReportPlansInput{})
	require.NoError(t, err)
	require.Len(t, plans.ReportPlans, 2)
	assert.Equal(t, "compliance", aws.ToString(plans.ReportPlans[0].ReportPlanName))

	var nf *types.ResourceNotFoundException
	_, err = c.DescribeReportJob(ctx, &awsbackup.DescribeReportJobInput{ReportJobId: aws.String("nope")})
	require.ErrorAs(t, err, &nf)
	_, err = c.ListReportJobs(ctx, &awsbackup.ListReportJobsInput{ByStatus: aws.String("DONE")})
	require.ErrorAs(t, err, &ipv)
	_, err = c.StartReportJob(ctx, &awsbackup.StartReportJobInput{ReportPlanName: aws.String("missing")})
	require.ErrorAs(t, err, &nf)

	_, err = c.DeleteReportPlan(ctx, &awsbackup.DeleteReportPlanInput{ReportPlanName: aws.String("daily_jobs")})
	require.NoError(t, err)
	_, err = c.DescribeReportPlan(ctx, &awsbackup.DescribeReportPlanInput{ReportPlanName: aws.String("daily_jobs")})
	require.ErrorAs(t, err, &nf)
	_, err = c.DeleteReportPlan(ctx, &awsbackup.DeleteReportPlanInput{ReportPlanName: aws.String("daily_jobs")})
	require.ErrorAs(t, err, &nf)
}

func TestReportPlanValidation(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	c := srv.Client()
	ch := &types.ReportDeliveryChannel{S3BucketName: aws.String("audit-reports")}
	jobs := &types.ReportSetting{ReportTemplate: aws.String("BACKUP_JOB_REPORT")}
	tests := []struct {
		name    string
		in      awsbackup.CreateReportPlanInput
		field   string
		missing bool
	}{
		{"bad name", awsbackup.CreateReportPlanInput{ReportPlanName: aws.String("daily-jobs"), ReportDeliveryChannel: ch, ReportSetting: jobs}, "ReportPlanName", false},
		{"no bucket", awsbackup.CreateReportPlanInput{ReportPlanName: aws.String("rp"), ReportDeliveryChannel: &types.ReportDeliveryChannel{}, ReportSetting: jobs}, "ReportDeliveryChannel.S3BucketName", true},
		{"bad bucket", awsbackup.CreateReportPlanInput{ReportPlanName: aws.String("rp"), ReportDeliveryChannel: &types.ReportDeliveryChannel{S3BucketName: aws.String("Bad_Bucket")}, ReportSetting: jobs}, "ReportDeliveryChannel.S3BucketName", false},
		{"bad format", awsbackup.CreateReportPlanInput{ReportPlanName: aws.String("rp"), ReportDeliveryChannel: &types.ReportDeliveryChannel{S3BucketName: aws.String("b-1"), Formats: []string{"PDF"}}, ReportSetting: jobs}, "ReportDeliveryChannel.Formats[0]", false},
		{"bad template", awsbackup.CreateReportPlanInput{ReportPlanName: aws.String("rp"), ReportDeliveryChannel: ch, ReportSetting: &types.ReportSetting{ReportTemplate: aws.String("EVERYTHING")}}, "ReportSetting.ReportTemplate", false},
		{"compliance without frameworks", awsbackup.CreateReportPlanInput{ReportPlanName: aws.String("rp"), ReportDeliveryChannel: ch, ReportSetting: &types.ReportSetting{ReportTemplate: aws.String("RESOURCE_COMPLIANCE_REPORT")}}, "ReportSetting.FrameworkArns", true},
		{"unknown framework", awsbackup.CreateReportPlanInput{ReportPlanName: aws.String("rp"), ReportDeliveryChannel: ch, ReportSetting: &types.ReportSetting{ReportTemplate: aws.String("RESOURCE_COMPLIANCE_REPORT"),
			FrameworkArns: []string{"arn:aws:backup:us-east-1:123456789012:framework:nope-1"}}}, "ReportSetting.FrameworkArns[0]", false},
		{"bad account", awsbackup.CreateReportPlanInput{ReportPlanName: aws.String("rp"), ReportDeliveryChannel: ch, ReportSetting: &types.ReportSetting{ReportTemplate: aws.String("BACKUP_JOB_REPORT"), Accounts: []string{"1234"}}}, "ReportSetting.Accounts[0]", false},
		{"reserved tag", awsbackup.CreateReportPlanInput{ReportPlanName: aws.String("rp"), ReportDeliveryChannel: ch, ReportSetting: jobs, ReportPlanTags: map[string]string{"aws:x": "y"}}, "ReportPlanTags", false},
		{"bad region", awsbackup.CreateReportPlanInput{ReportPlanName: aws.String("rp"), ReportDeliveryChannel: ch, ReportSetting: &types.ReportSetting{ReportTemplate: aws.String("BACKUP_JOB_REPORT"), Regions: []string{"Europe"}}}, "ReportSetting.Regions[0]", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := c.CreateReportPlan(t.Context(), &tt.in, serverSide)
			require.Error(t, err)
			if tt.missing {
				var e *types.MissingParameterValueException
				require.ErrorAs(t, err, &e)
			} else {
				var e *types.InvalidParameterValueException
				require.ErrorAs(t, err, &e)
			}
			assert.Contains(t, err.Error(), tt.field)
		})
	}

	for i := range 20 {
		_, err := c.CreateReportPlan(t.Context(), &awsbackup.CreateReportPlanInput{ReportPlanName: aws.String(fmt.Sprintf("rp%d", i)), ReportDeliveryChannel: ch, ReportSetting: jobs})
		require.NoError(t, err)
	}
	_, err := c.CreateReportPlan(t.Context(), &awsbackup.CreateReportPlanInput{ReportPlanName: aws.String("rp20"), ReportDeliveryChannel: ch, ReportSetting: jobs}, serverSide)
	var le *types.LimitExceededException
	require.ErrorAs(t, err, &le)
}
