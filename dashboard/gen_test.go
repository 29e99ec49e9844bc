package dashboard_test

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/restore"
)

var genTypes = []struct{ typ, arnFmt string }{
	{"EBS", "arn:aws:ec2:us-east-1:123456789012:volume/vol-%05d"},
	{"RDS", "arn:aws:rds:us-east-1:123456789012:db:orders-%05d"},
	{"DynamoDB", "arn:aws:dynamodb:us-east-1:123456789012:table/t-%05d"},
	{"S3", "arn:aws:s3:::bucket-%05d"},
	{"EFS", "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-%05d"},
}

func genARN(i int) (string, string) {
	k := genTypes[i%len(genTypes)]
	return k.typ, fmt.Sprintf(k.arnFmt, i)
}

// genReport makes drill i of a synthetic history: targets resources taken
// round-robin from a pool, one drill every interval from start, about 5%
// of targets failing (RTO missed or an error).
func genReport(i, targets, pool int, start time.Time, interval time.Duration) *restore.Report {
	rng := rand.New(rand.NewPCG(uint64(i), 42))
	st := start.Add(time.Duration(i) * interval)
	r := &restore.Report{SchemaVersion: restore.ReportSchemaVersion, DrillID: fmt.Sprintf("drill-%06d", i), Vault: "prod",
		StartedAt: st, FinishedAt: st.Add(40 * time.Minute), Concurrency: 10, MaxRTOSeconds: 3600, MaxRPOSeconds: 86400}
	for j := range targets {
		typ, a := genARN((i*targets + j) % pool)
		rto := 300 + rng.Float64()*1800
		t := restore.TargetResult{ResourceARN: a, ResourceType: backup.ResourceType(typ), RecoveryPointARN: a + ":rp", RestoreJobID: fmt.Sprintf("job-%d-%d", i, j),
			CreatedResourceARN: a + "-restored", RPOSeconds: 3600 + rng.Float64()*40000, RTORestoreSeconds: rto * 0.8, RTOTotalSeconds: rto,
			MaxRTOSeconds: 3600, MaxRPOSeconds: 86400, RPOMet: true, RTOMet: true, Validation: restore.Passed, Cleanup: restore.Deleted,
			Status: restore.Passed, PhaseSeconds: map[string]float64{"select": 0.2, "restore": rto * 0.8, "validate": rto * 0.2, "cleanup": 30},
			StartedAt: st, FinishedAt: st.Add(time.Duration(rto) * time.Second)}
		switch rng.IntN(40) {
		case 0:
			t.RTOTotalSeconds, t.RTOMet, t.Status = 4000+rng.Float64()*3000, false, restore.Failed
		case 1:
			t.Error, t.Validation, t.Status = "validate "+a+": volume size 8 GiB; want 100 GiB", restore.Failed, restore.Failed
		}
		r.Targets = append(r.Targets, t)
	}
	r.Passed = true
	for _, t := range r.Targets {
		r.Summary.Targets++
		if t.Status == restore.Passed {
			r.Summary.Passed++
		} else {
			r.Summary.Failed++
			r.Passed = false
		}
	}
	r.LeftBehind = []string{}
	return r
}
