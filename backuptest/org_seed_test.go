package backuptest_test

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/backupkit/backupkit/backuptest"
)

func TestSeedOrganizationOverControlAPI(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	body := `{"ous": [{"id": "ou-prod-11111111", "name": "prod"}, {"name": "prod-eu", "parent": "prod"}, {"name": "dev"}],
	  "accounts": [
	    {"id": "111111111111", "name": "shop", "ou": "prod", "tags": {"env": "prod"}},
	    {"id": "222222222222", "ou": "prod-eu"},
	    {"id": "333333333333", "ou": "dev", "roles": []},
	    {"id": "444444444444", "ou": "dev", "state": "SUSPENDED", "roles": [{"name": "BackupKitReader", "externalId": "tenant-1"}]}
	  ]}`
	resp, err := http.Post(srv.URL+"/_backupkit/organization", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST organization: %s", resp.Status)
	}
	org := srv.Organization()
	if got := org.Roles("333333333333"); len(got) != 0 {
		t.Errorf("roles of an account seeded with none: %v", got)
	}
	if got := org.Roles("444444444444"); !slices.Equal(got, []string{"BackupKitReader"}) {
		t.Errorf("roles %v; want [BackupKitReader]", got)
	}
	c := organizations.NewFromConfig(srv.Config())
	out, err := c.ListAccountsForParent(t.Context(), &organizations.ListAccountsForParentInput{ParentId: aws.String("ou-prod-11111111")})
	if err != nil || len(out.Accounts) != 1 || aws.ToString(out.Accounts[0].Name) != "shop" {
		t.Errorf("accounts under prod: %+v, %v", out, err)
	}

	// The same body again (an emulator restarted with --state) is
	// accepted and changes nothing.
	resp, err = http.Post(srv.URL+"/_backupkit/organization", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("seeding the same organization again: %s", resp.Status)
	}
	all, err := c.ListAccounts(t.Context(), &organizations.ListAccountsInput{})
	if err != nil || len(all.Accounts) != 5 {
		t.Errorf("accounts after seeding twice: %d, %v; want 5", len(all.Accounts), err)
	}
	if got := org.Roles("444444444444"); !slices.Equal(got, []string{"BackupKitReader"}) {
		t.Errorf("roles after seeding twice %v; want [BackupKitReader]", got)
	}

	// Bad entries are named, and nothing panics.
	bad := `{"ous": [{"id": "prod", "name": "x"}], "accounts": [{"id": "12", "ou": "nowhere"}, {"id": "555555555555", "state": "SLEEPING"}, {"id": "666666666666"}, {"id": "666666666666"}]}`
	resp, err = http.Post(srv.URL+"/_backupkit/organization", "application/json", bytes.NewReader([]byte(bad)))
	if err != nil {
		t.Fatal(err)
	}
	var msg bytes.Buffer
	_, _ = msg.ReadFrom(resp.Body)
	resp.Body.Close()
	for _, want := range []string{"ous[0]", "accounts[0]", "accounts[1]", "SLEEPING", "accounts[3]: account 666666666666 is listed twice"} {
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(msg.String(), want) {
			t.Errorf("bad organization: %s %s; want 400 naming %s", resp.Status, msg.String(), want)
		}
	}
}
