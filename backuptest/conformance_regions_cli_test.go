package backuptest_test

import (
	"testing"

	"github.com/backupkit/backupkit/backuptest"
)

// The real AWS CLI reads the caller's Regions with ec2 describe-regions,
// the fallback fleet runs use when account:ListRegions is denied. (Debian's
// AWS CLI v2 predates "aws account list-regions"; TestAccountListRegions
// drives that operation with the SDK.)
func TestConformanceAWSCLIRegions(t *testing.T) {
	t.Parallel()
	cliPath := requireAWSCLIv2(t)
	srv := backuptest.NewServer(t)
	if err := srv.SeedOrganization(backuptest.OrgSpec{Accounts: []backuptest.AccountSpec{{ID: "111111111111", OptInRegions: []string{"af-south-1"}}}}); err != nil {
		t.Fatal(err)
	}
	env := cliEnv(t)
	out, stderr, code := awsRun(t, cliPath, srv.URL, env, "ec2", "describe-regions", "--all-regions", "--filters", "Name=opt-in-status,Values=not-opted-in")
	if code != 0 {
		t.Fatalf("ec2 describe-regions: exit %d: %s", code, stderr)
	}
	for _, r := range out["Regions"].([]any) {
		if m := r.(map[string]any); m["OptInStatus"] != "not-opted-in" || m["RegionName"] == "us-east-1" {
			t.Errorf("describe-regions not-opted-in lists %v", m)
		}
	}
	if len(out["Regions"].([]any)) == 0 {
		t.Error("describe-regions --all-regions lists no Region not opted in")
	}
}
