package plan_test

import (
	"testing"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/plan"
)

// ARN shapes: a VMware VM behind AWS Backup gateway is
// arn:aws:backup-gateway:us-west-1:0000000000000:vm/vm-0000ABCDEFGIJKL
// (API_BGW_VirtualMachine); an SAP HANA database registered with Systems
// Manager for SAP is arn:aws:ssm-sap:us-east-1:112233445566:HANA/Bar/DB/HDB
// (AWS Backup, "Restore an SAP HANA database on an Amazon EC2 instance").
func TestAllOfTypeVirtualMachineAndSAPHANA(t *testing.T) {
	vm := "arn:aws:backup-gateway:us-west-1:123456789012:vm/vm-0000ABCDEFGIJKL"
	sap := "arn:aws:ssm-sap:us-east-1:112233445566:HANA/Bar/DB/HDB"
	gw := "arn:aws:backup-gateway:us-west-1:123456789012:gateway/bgw-0000ABCDEFGIJKL"
	for _, c := range []struct {
		typ       backup.ResourceType
		match     string
		notMatch  []string
		wantShape string
	}{
		{backup.VirtualMachine, vm, []string{sap, gw}, "arn:aws:backup-gateway:*:*:vm/*"},
		{backup.SAPHANA, sap, []string{vm}, "arn:aws:ssm-sap:*:*:HANA/*"},
	} {
		p, ok := plan.ResourceTypePattern(c.typ)
		if !ok || p != c.wantShape {
			t.Errorf("ResourceTypePattern(%s) = %q, %v; want %q", c.typ, p, ok, c.wantShape)
		}
		sel, err := plan.NewSelection("all-"+string(c.typ[:3]), "arn:aws:iam::123456789012:role/backup").AllOfType(c.typ).Build()
		if err != nil {
			t.Fatalf("AllOfType(%s): %v", c.typ, err)
		}
		if !sel.Matches(c.match, nil) {
			t.Errorf("AllOfType(%s) does not select %s", c.typ, c.match)
		}
		for _, n := range c.notMatch {
			if sel.Matches(n, nil) {
				t.Errorf("AllOfType(%s) selects %s", c.typ, n)
			}
		}
		if got, err := backup.ResourceTypeFromARN(c.match); err != nil || got != c.typ {
			t.Errorf("ResourceTypeFromARN(%s) = %s, %v; want %s", c.match, got, err, c.typ)
		}
	}
	if _, err := backup.ResourceTypeFromARN(gw); err == nil {
		t.Errorf("a gateway ARN is not a protectable resource, got no error")
	}
}
