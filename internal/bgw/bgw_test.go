package bgw

import (
	"strings"
	"testing"
)

// The ARN example is API_BGW_VirtualMachine's; the limits are those of
// API_BGW_CreateGateway, API_BGW_ImportHypervisorConfiguration and
// API_BGW_PutMaintenanceStartTime.
func TestARN(t *testing.T) {
	ok := []struct{ arn, kind string }{
		{"arn:aws:backup-gateway:us-west-1:0000000000000:vm/vm-0000ABCDEFGIJKL", "vm"},
		{"arn:aws:backup-gateway:us-east-1:123456789012:gateway/bgw-0123456789ABCDEF", "gateway"},
		{"arn:aws-us-gov:backup-gateway:us-gov-west-1:123456789012:hypervisor/hype-0123456789", ""},
	}
	for _, c := range ok {
		if r := ARN(c.arn, c.kind); r != "" {
			t.Errorf("ARN(%q, %q) = %q, want valid", c.arn, c.kind, r)
		}
	}
	bad := []struct{ arn, kind, want string }{
		{"", "vm", "required"},
		{"arn:aws:backup-gateway:us-east-1:1:vm/x", "vm", "want 50-500"},
		{"arn:aws:storagegateway:us-east-1:123456789012:gateway/sgw-0123456789ABCDEF", "", "not a backup-gateway ARN"},
		{"arn:aws:backup-gateway:us-east-1:123456789012:gateway/bgw-0123456789ABCDEF", "vm", "not a vm ARN"},
		{"arn:aws:backup-gateway:us-east-1:123456789012:vm/vm_0123456789ABCDEFGH", "vm", "not a backup-gateway ARN"},
	}
	for _, c := range bad {
		if r := ARN(c.arn, c.kind); !strings.Contains(r, c.want) {
			t.Errorf("ARN(%q, %q) = %q, want it to say %q", c.arn, c.kind, r, c.want)
		}
	}
}

func TestNamesAndKeys(t *testing.T) {
	cases := []struct {
		got, want string
	}{
		{Name("vcenter-1"), ""},
		{Name(""), "required"},
		{Name("my gateway"), "letters, digits and hyphens"},
		{Name(strings.Repeat("a", 101)), "at most 100"},
		{ActivationKey("ABCDE-12345-FGHIJ-67890-KLMNO"), ""},
		{ActivationKey("key_1"), "letters, digits and hyphens"},
		{ActivationKey(strings.Repeat("A", 51)), "at most 50"},
		{GatewayType("BACKUP_VM"), ""},
		{GatewayType("FILE_S3"), "want BACKUP_VM"},
		{Host("10.0.0.5"), ""},
		{Host("a"), "want 3-128"},
		{Host(""), "required"},
		{Credential("", true), ""},
		{Credential("administrator@vsphere.local", true), ""},
		{Credential("domain/user", true), "'/'"},
		{Credential("pässword", false), "printable ASCII"},
		{KMSKey(""), ""},
		{KMSKey("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"), ""},
		{KMSKey("arn:aws:s3:::not-a-key-but-long-enough-to-pass-the-length-check"), "not a KMS key"},
	}
	for i, c := range cases {
		if c.want == "" && c.got != "" || c.want != "" && !strings.Contains(c.got, c.want) {
			t.Errorf("case %d: got %q, want %q", i, c.got, c.want)
		}
	}
}

func TestMaintenance(t *testing.T) {
	if f, r := Maintenance(3, 30, 0, -1); f != "" {
		t.Errorf("weekly Sunday 03:30: %s %s", f, r)
	}
	if f, r := Maintenance(23, 59, -1, 28); f != "" {
		t.Errorf("monthly 28th: %s %s", f, r)
	}
	for _, c := range []struct {
		h, m, dw, dm int
		field        string
	}{{24, 0, -1, -1, "HourOfDay"}, {0, 60, -1, -1, "MinuteOfHour"}, {0, 0, 7, -1, "DayOfWeek"}, {0, 0, -1, 0, "DayOfMonth"}, {0, 0, -1, 32, "DayOfMonth"}} {
		if f, _ := Maintenance(c.h, c.m, c.dw, c.dm); f != c.field {
			t.Errorf("Maintenance(%d,%d,%d,%d) field %q, want %q", c.h, c.m, c.dw, c.dm, f, c.field)
		}
	}
}
