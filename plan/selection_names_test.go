package plan_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/plan"
)

// Duplicate selection names in one plan. AWS does not make SelectionName
// unique: API_BackupSelection calls it "the display name of a resource
// selection document" and states no uniqueness, a selection is addressed
// by the SelectionId that API_CreateBackupSelection returns, and AWS does
// not make backup plan names unique either ("It is easy to create
// multiple plans with the same name", ansible/ansible #53655). So
// CreateBackupSelection accepts a second selection with the same name, in
// the emulator as in the library's Validate. (Not confirmed against a
// live account: no AWS page or thread shows the call either way.) What
// cannot work with two equal names is finding a selection by name, which
// EnsureSelection and `plan apply` do: ValidateEnsure refuses such a Spec,
// and EnsureSelection refuses to choose between live namesakes.
func TestDuplicateSelectionNames(t *testing.T) {
	t.Parallel()
	p := mustBuild(t, plan.New("dup").AddRule(plan.NewRule("daily", "Default").DeleteAfter(backup.Days(7))))
	a, err := plan.NewSelection("same", roleARN).Tag("backup", "daily").Build()
	if err != nil {
		t.Fatal(err)
	}
	b, err := plan.NewSelection("same", roleARN).Resources("arn:aws:rds:*:*:db:*").Build()
	if err != nil {
		t.Fatal(err)
	}
	sp := plan.Spec{Plan: p, Selections: []*plan.Selection{a, b}}
	if err := sp.Validate(); err != nil {
		t.Errorf("Spec.Validate with two selections named %q = %v; want nil (AWS accepts it)", a.Name, err)
	}
	ves := backup.ValidationErrors(sp.ValidateEnsure())
	if len(ves) != 1 || ves[0].Field != "Selections[1].SelectionName" {
		t.Errorf("Spec.ValidateEnsure = %v; want one problem at Selections[1].SelectionName", ves)
	}

	srv, api, c := newEnv(t)
	live, err := c.Create(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	idA, err := c.CreateSelection(t.Context(), live.ID, a)
	if err != nil {
		t.Fatalf("first selection %q: %v", a.Name, err)
	}
	idB, err := c.CreateSelection(t.Context(), live.ID, b)
	if err != nil {
		t.Fatalf("second selection with the same name: %v; want it accepted, as AWS does", err)
	}
	if idA == idB {
		t.Fatalf("both selections got ID %s", idA)
	}
	out, err := api.ListBackupSelections(t.Context(), &awsbackup.ListBackupSelectionsInput{BackupPlanId: aws.String(live.ID)})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(out.BackupSelectionsList); n != 2 {
		t.Errorf("ListBackupSelections lists %d selections; want 2", n)
	}

	writes := count(srv, "CreateBackupSelection", "DeleteBackupSelection")
	_, _, err = c.EnsureSelection(t.Context(), live.ID, a)
	var ae *plan.AmbiguousSelectionError
	if !errors.As(err, &ae) || ae.Name != "same" || ae.PlanID != live.ID {
		t.Fatalf("EnsureSelection with two live namesakes = %v; want *AmbiguousSelectionError", err)
	}
	slices.Sort(ae.IDs)
	want := []string{idA, idB}
	slices.Sort(want)
	if !slices.Equal(ae.IDs, want) {
		t.Errorf("AmbiguousSelectionError.IDs = %v; want %v", ae.IDs, want)
	}
	if n := count(srv, "CreateBackupSelection", "DeleteBackupSelection") - writes; n != 0 {
		t.Errorf("EnsureSelection made %d write calls; want none", n)
	}
}
