package fleet_test

import (
	"fmt"

	"github.com/backupkit/backupkit/fleet"
)

// A Spec reports every problem with a user's request before any call.
func ExampleSpec_Validate() {
	spec := fleet.Spec{
		Accounts:     []string{"12345"},
		Organization: true,
		Regions:      []string{"us-east-1", "eu-west"},
	}
	fmt.Println(spec.Validate())
	// Output:
	// Accounts: a static account list and the organization's accounts exclude each other
	// Accounts[0]: "12345" is not a 12-digit account id
	// Regions[1]: "eu-west" is not an AWS Region name (like us-east-1)
}

// ParseRegions reads the CLI's --regions: a list, or "enabled".
func ExampleParseRegions() {
	regions, enabled, err := fleet.ParseRegions("us-east-1,eu-central-1")
	fmt.Println(regions, enabled, err)
	_, enabled, err = fleet.ParseRegions("enabled")
	fmt.Println(enabled, err)
	// Output:
	// [us-east-1 eu-central-1] false <nil>
	// true <nil>
}

// RoleName expands a role name template for one account.
func ExampleRoleName() {
	name, err := fleet.RoleName("ops/backupkit-{account}", "111122223333")
	fmt.Println(fleet.RoleARN("aws", "111122223333", name), err)
	// Output:
	// arn:aws:iam::111122223333:role/ops/backupkit-111122223333 <nil>
}
