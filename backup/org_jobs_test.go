package backup

import (
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/backupkit/backupkit/backuptest"
)

func TestAccountReports(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 10*time.Minute)
	ctx := t.Context()
	start := e.clk.Now()
	// Two member accounts in the same Region, each with its own resource
	// and vault: member 1 backs up twice, member 2 fails once.
	members := map[string]int{"111111111111": 2, "222222222222": 1}
	for acctID, n := range members {
		api := e.srv.ClientFor(acctID, "us-east-1", func(o *awsbackup.Options) { o.Retryer = fastRetryer(5) })
		vol := "arn:aws:ec2:us-east-1:" + acctID + ":volume/vol-m"
		if err := e.srv.PutResource(backuptest.Resource{ARN: vol, SizeBytes: 1 << 30}); err != nil {
			t.Fatal(err)
		}
		if _, err := api.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String(testVlt)}); err != nil {
			t.Fatal(err)
		}
		if acctID == "222222222222" {
			e.srv.FailJobs(backuptest.JobFailure{JobType: "BACKUP", ResourceARN: vol, StatusMessage: "no permission", Count: 1})
		}
		mc := New(api, func(o *Options) { o.Now = e.clk.Now })
		for i := range n {
			if _, err := mc.StartBackup(ctx, JobInput{VaultName: testVlt, ResourceARN: vol, IAMRoleARN: "arn:aws:iam::" + acctID + ":role/r", IdempotencyToken: acctID + string(rune('a'+i))}); err != nil {
				t.Fatal(err)
			}
			e.clk.Advance(time.Hour)
		}
	}
	// The management account's own job.
	if _, err := e.backup(t, vol1).Wait(ctx, 2*time.Hour); err != nil {
		t.Fatal(err)
	}
	e.clk.Advance(time.Hour)

	reps, err := e.c.AccountReports(ctx, start.Add(-time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	var accounts []string
	for a := range reps {
		accounts = append(accounts, a)
	}
	slices.Sort(accounts)
	if want := []string{"111111111111", acct, "222222222222"}; !slices.Equal(accounts, []string{"111111111111", "123456789012", "222222222222"}) {
		t.Fatalf("reports for %v; want %v", accounts, want)
	}
	if got := reps["111111111111"].Counts["BACKUP"]["COMPLETED"]; got != 2 {
		t.Errorf("member 1 COMPLETED = %d; want 2", got)
	}
	m2 := reps["222222222222"]
	if m2.Counts["BACKUP"]["FAILED"] != 1 || len(m2.Failed) != 1 || m2.Failed[0].StatusMessage != "no permission" {
		t.Errorf("member 2 = %+v; want its one failed job with the reason", m2.Counts)
	}
	if got := reps[acct].Counts["BACKUP"]["COMPLETED"]; got != 1 || len(reps[acct].Resources) != 1 || reps[acct].Resources[0].ResourceARN != vol1 {
		t.Errorf("management report %+v; want only its own vol1 job", reps[acct])
	}
	// One cross-account listing per job kind, not one per account.
	if got := e.srv.CallCount("ListBackupJobs"); got != 2 {
		t.Errorf("ListBackupJobs called %d times; want 2 (window + last success) for all accounts", got)
	}
}
