package compliance_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/compliance"
)

// TestControlParametersLibraryAndEmulatorAgree sends control parameters as
// AWS receives them through Framework.Validate and through the emulator's
// CreateFramework (real SDK client): both read internal/audit, so both
// must give the same verdict. Sources: AWS Config developer guide,
// backup-plan-min-frequency-and-min-retention-check (requiredFrequencyValue
// "Maximum of 24 for hours, 31 for days"; unit 'hours' or 'days', default
// days); the recovery point age controls (1–744 hours, 1–31 days);
// backup-recovery-point-manual-deletion-disabled (principalArnList, at most
// 5 principals).
func TestControlParametersLibraryAndEmulatorAgree(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	api := srv.Client(func(o *awsbackup.Options) { o.RetryMaxAttempts = 1 })
	freq := func(unit, value string) map[string]string {
		return map[string]string{"requiredFrequencyUnit": unit, "requiredFrequencyValue": value, "requiredRetentionDays": "35"}
	}
	age := func(unit, value string) map[string]string {
		return map[string]string{"recoveryPointAgeUnit": unit, "recoveryPointAgeValue": value}
	}
	cases := []struct {
		control string
		params  map[string]string
		ok      bool
	}{
		{compliance.ControlPlanMinFrequencyAndMinRetention, freq("hours", "24"), true},
		{compliance.ControlPlanMinFrequencyAndMinRetention, freq("hours", "25"), false},
		{compliance.ControlPlanMinFrequencyAndMinRetention, freq("days", "31"), true},
		{compliance.ControlPlanMinFrequencyAndMinRetention, freq("days", "32"), false},
		{compliance.ControlPlanMinFrequencyAndMinRetention, freq("weeks", "1"), false},
		{compliance.ControlLastRecoveryPointCreated, age("hours", "744"), true},
		{compliance.ControlLastRecoveryPointCreated, age("hours", "745"), false},
		{compliance.ControlLastRecoveryPointCreated, age("days", "31"), true},
		{compliance.ControlLastRecoveryPointCreated, age("days", "32"), false},
		{compliance.ControlResourcesInLogicallyAirGappedVault, age("days", "0"), false},
		{compliance.ControlRecoveryPointMinimumRetention, map[string]string{"requiredRetentionDays": "36500"}, true},
		{compliance.ControlRecoveryPointMinimumRetention, map[string]string{"requiredRetentionDays": "36501"}, false},
		{compliance.ControlResourcesProtectedByVaultLock, map[string]string{"minRetentionDays": "7", "maxRetentionDays": "30"}, true},
		{compliance.ControlResourcesProtectedByVaultLock, map[string]string{"minRetentionDays": "30", "maxRetentionDays": "7"}, false},
		{compliance.ControlRecoveryPointManualDeletionDisabled, map[string]string{"principalArnList": "a,b,c,d,e"}, true},
		{compliance.ControlRecoveryPointManualDeletionDisabled, map[string]string{"principalArnList": "a,b,c,d,e,f"}, false},
		{compliance.ControlRecoveryPointEncrypted, map[string]string{"requiredRetentionDays": "35"}, false},
		{"BACKUP_NO_SUCH_CONTROL", nil, false},
	}
	for i, c := range cases {
		fw := compliance.Framework{Name: fmt.Sprintf("fw_%d", i), Controls: []compliance.Control{{Name: c.control, Parameters: c.params}}}
		libErr := fw.Validate()
		fc := types.FrameworkControl{ControlName: aws.String(c.control)}
		for k, v := range c.params {
			fc.ControlInputParameters = append(fc.ControlInputParameters, types.ControlInputParameter{ParameterName: aws.String(k), ParameterValue: aws.String(v)})
		}
		_, emuErr := api.CreateFramework(t.Context(), &awsbackup.CreateFrameworkInput{FrameworkName: aws.String(fw.Name), FrameworkControls: []types.FrameworkControl{fc}})
		if (libErr == nil) != c.ok || (emuErr == nil) != c.ok {
			t.Errorf("%s %v: library %v, emulator %v; want both to %s", c.control, c.params, libErr, emuErr, map[bool]string{true: "accept", false: "refuse"}[c.ok])
		}
	}
	// The typed constructor follows the same limit: 36 hours is neither
	// whole days nor at most 24 hours.
	if err := (compliance.Framework{Name: "typed", Controls: []compliance.Control{compliance.PlanMinFrequencyAndRetention(36*time.Hour, 35*24*time.Hour)}}).Validate(); err == nil {
		t.Error("PlanMinFrequencyAndRetention(36h) validated; AWS takes at most 24 hours")
	}
}
