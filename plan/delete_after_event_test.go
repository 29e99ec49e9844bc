package plan_test

import (
	"testing"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/plan"
)

// DeleteAfterEvent is "Not valid as an input" (API_Lifecycle): a plan JSON
// that sets it is refused by name, with the words the emulator uses
// (internal/lifecycle), in a rule's and in a copy action's lifecycle.
func TestParseCLIRefusesDeleteAfterEvent(t *testing.T) {
	t.Parallel()
	doc := `{"BackupPlanName":"p","Rules":[{"RuleName":"r","TargetBackupVaultName":"Default",
		"Lifecycle":{"DeleteAfterDays":7,"DeleteAfterEvent":"DELETE_AFTER_COPY"},
		"CopyActions":[{"DestinationBackupVaultArn":"arn:aws:backup:eu-west-1:123456789012:backup-vault:dr","Lifecycle":{"DeleteAfterDays":7,"DeleteAfterEvent":"DELETE_AFTER_COPY"}}]}]}`
	_, err := plan.ParseCLI([]byte(doc))
	got := map[string]string{}
	for _, ve := range backup.ValidationErrors(err) {
		got[ve.Field] = ve.Reason
	}
	for _, f := range []string{"Rules[0].Lifecycle.DeleteAfterEvent", "Rules[0].CopyActions[0].Lifecycle.DeleteAfterEvent"} {
		if r := got[f]; r != `is output only (API_Lifecycle: not valid as an input), got "DELETE_AFTER_COPY"` {
			t.Errorf("ParseCLI problem at %s = %q; want the output-only refusal (all: %v)", f, r, err)
		}
	}
}
