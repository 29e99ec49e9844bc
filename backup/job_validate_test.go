package backup

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

const (
	testRole = "arn:aws:iam::123456789012:role/backup-role"
	testVol  = "arn:aws:ec2:us-east-1:123456789012:volume/vol-1"
)

func fieldsOf(err error) []string {
	var out []string
	var walk func(error)
	walk = func(e error) {
		var ve *ValidationError
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
			return
		}
		if errors.As(e, &ve) {
			out = append(out, ve.Field)
		}
	}
	if err != nil {
		walk(errors.Unwrap(err))
		if len(out) == 0 {
			walk(err)
		}
	}
	return out
}

func TestBackupInputValidation(t *testing.T) {
	t.Parallel()
	tags := map[string]string{}
	for i := range 11 {
		tags[string(rune('a'+i))] = "v"
	}
	tests := []struct {
		name string
		in   JobInput
		want []string
	}{
		{"ok", JobInput{VaultName: "v1", ResourceARN: testVol, IAMRoleARN: testRole, StartWindow: time.Hour, CompletionWindow: 2 * time.Hour}, nil},
		{"everything wrong", JobInput{VaultName: "x", ResourceARN: "arn:aws:sqs:us-east-1:1:q", IAMRoleARN: "arn:aws:iam::1:user/u",
			StartWindow: 30 * time.Minute, CompletionWindow: 2*time.Hour + 30*time.Second,
			Lifecycle: Lifecycle{MoveToColdStorageAfter: Days(30), DeleteAfter: Days(60)}, RecoveryPointTags: tags},
			[]string{"VaultName", "ResourceARN", "IAMRoleARN", "StartWindow", "CompletionWindow", "Lifecycle.DeleteAfterDays", "RecoveryPointTags"}},
		{"completion shorter than start", JobInput{VaultName: "v1", ResourceARN: testVol, IAMRoleARN: testRole, StartWindow: 2 * time.Hour, CompletionWindow: time.Hour}, []string{"CompletionWindow"}},
		{"reserved tag", JobInput{VaultName: "v1", ResourceARN: testVol, IAMRoleARN: testRole, RecoveryPointTags: map[string]string{"aws:x": "1"}}, []string{"RecoveryPointTags[aws:x]"}},
		{"fractional day", JobInput{VaultName: "v1", ResourceARN: testVol, IAMRoleARN: testRole, Lifecycle: Lifecycle{DeleteAfter: 36 * time.Hour}}, []string{"Lifecycle.DeleteAfterDays"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.in.validate()
			got := fieldsOf(err)
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("validate() fields = %v; want %v (err %v)", got, tt.want, err)
			}
		})
	}
}

func TestBackupIdempotencyTokenDeterministic(t *testing.T) {
	t.Parallel()
	a := JobInput{VaultName: "v1", ResourceARN: testVol, IAMRoleARN: testRole, RecoveryPointTags: map[string]string{"a": "1", "b": "2"}}
	b := a
	b.RecoveryPointTags = map[string]string{"b": "2", "a": "1"}
	if IdempotencyToken(a) != IdempotencyToken(b) {
		t.Error("tokens differ for equal inputs; want equal")
	}
	c := a
	c.WindowsVSS = true
	if IdempotencyToken(a) == IdempotencyToken(c) {
		t.Error("tokens equal for different BackupOptions; want different")
	}
	if tok := IdempotencyToken(a); len(tok) != 43 || !strings.HasPrefix(tok, "bk-") {
		t.Errorf("token = %q; want bk- plus 40 hex characters", tok)
	}
	if DeriveToken("ab", "c") == DeriveToken("a", "bc") {
		t.Error("DeriveToken is ambiguous across part boundaries")
	}
}

func TestCopyDestinationARN(t *testing.T) {
	t.Parallel()
	rp := "arn:aws:backup:us-east-1:123456789012:recovery-point:abc"
	tests := []struct {
		name    string
		in      CopyInput
		want    string
		wantErr bool
	}{
		{"explicit", CopyInput{DestinationVaultARN: "arn:aws:backup:eu-west-1:210987654321:backup-vault:dr"}, "arn:aws:backup:eu-west-1:210987654321:backup-vault:dr", false},
		{"built cross-region", CopyInput{RecoveryPointARN: rp, IAMRoleARN: testRole, DestinationVaultName: "dr", DestinationRegion: "eu-west-1"}, "arn:aws:backup:eu-west-1:123456789012:backup-vault:dr", false},
		{"built cross-account", CopyInput{RecoveryPointARN: rp, IAMRoleARN: testRole, DestinationVaultName: "dr", DestinationAccountID: "210987654321"}, "arn:aws:backup:us-east-1:210987654321:backup-vault:dr", false},
		{"built from EBS snapshot arn", CopyInput{RecoveryPointARN: "arn:aws:ec2:us-west-2::snapshot/snap-1", IAMRoleARN: testRole, DestinationVaultName: "dr"}, "arn:aws:backup:us-west-2:123456789012:backup-vault:dr", false},
		{"govcloud partition", CopyInput{RecoveryPointARN: "arn:aws-us-gov:backup:us-gov-west-1:123456789012:recovery-point:x", IAMRoleARN: "arn:aws-us-gov:iam::123456789012:role/r", DestinationVaultName: "dr", DestinationRegion: "us-gov-east-1"}, "arn:aws-us-gov:backup:us-gov-east-1:123456789012:backup-vault:dr", false},
		{"not a vault", CopyInput{DestinationVaultARN: "arn:aws:s3:::bucket"}, "", true},
		{"bad account", CopyInput{DestinationVaultARN: "arn:aws:backup:eu-west-1:12:backup-vault:dr"}, "", true},
		{"both forms", CopyInput{DestinationVaultARN: "arn:aws:backup:eu-west-1:210987654321:backup-vault:dr", DestinationRegion: "eu-west-1"}, "", true},
		{"nothing", CopyInput{}, "", true},
		{"bad name", CopyInput{RecoveryPointARN: rp, IAMRoleARN: testRole, DestinationVaultName: "d r"}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := tt.in.DestinationARN()
			if (err != nil) != tt.wantErr {
				t.Fatalf("DestinationARN() error = %v; want error %v", err, tt.wantErr)
			}
			if err == nil && got.String() != tt.want {
				t.Errorf("DestinationARN() = %s; want %s", got, tt.want)
			}
		})
	}
}

func TestCopyToSourceVaultRejected(t *testing.T) {
	t.Parallel()
	in := CopyInput{SourceVaultName: "v1", RecoveryPointARN: "arn:aws:backup:us-east-1:123456789012:recovery-point:x", IAMRoleARN: testRole, DestinationVaultName: "v1"}
	if _, err := in.validate(); err == nil {
		t.Error("validate() error = nil; want copy-to-itself rejected")
	}
}

func TestLifecycleSDKRoundTrip(t *testing.T) {
	t.Parallel()
	l := Lifecycle{MoveToColdStorageAfter: Days(30), DeleteAfter: Days(120), OptInToArchive: true}
	if err := l.Validate("L"); err != nil {
		t.Fatalf("Validate() = %v; want nil", err)
	}
	s := l.SDK()
	if *s.MoveToColdStorageAfterDays != 30 || *s.DeleteAfterDays != 120 || !*s.OptInToArchiveForSupportedResources {
		t.Errorf("SDK() = %+v; want 30/120/true", s)
	}
	if back := LifecycleFromSDK(s); back != l {
		t.Errorf("LifecycleFromSDK(SDK()) = %+v; want %+v", back, l)
	}
	if err := (Lifecycle{DeleteAfter: Days(36501)}).Validate("L"); err == nil {
		t.Error("Validate(36501 days) = nil; want error")
	}
}

func TestLifecycleKeepForeverAndZero(t *testing.T) {
	t.Parallel()
	if got := (Lifecycle{}).SDK(); got != nil {
		t.Errorf("Lifecycle{}.SDK() = %+v; want nil", got)
	}
	if got := LifecycleFromSDK(nil); !got.IsZero() {
		t.Errorf("LifecycleFromSDK(nil) = %+v; want zero", got)
	}
	// API_Lifecycle: "specify -1 for MoveToColdStorageAfterDays and
	// DeleteAfterDays" to keep recovery points indefinitely; -1 in one
	// field alone is refused (internal/lifecycle).
	if err := (Lifecycle{DeleteAfter: KeepForever}).Validate("L"); err == nil {
		t.Error("Validate(DeleteAfter: KeepForever alone) = nil; want an error")
	}
	l := Lifecycle{MoveToColdStorageAfter: KeepForever, DeleteAfter: KeepForever}
	if err := l.Validate("L"); err != nil {
		t.Errorf("Validate(KeepForever in both) = %v; want nil", err)
	}
	s := l.SDK()
	if s.DeleteAfterDays == nil || *s.DeleteAfterDays != -1 || s.MoveToColdStorageAfterDays == nil || *s.MoveToColdStorageAfterDays != -1 {
		t.Errorf("SDK() = %+v; want -1 in both", s)
	}
	if back := LifecycleFromSDK(s); back != l {
		t.Errorf("LifecycleFromSDK(SDK()) = %+v; want %+v", back, l)
	}
	if Days(-1) != KeepForever {
		t.Errorf("Days(-1) = %v; want KeepForever (%v)", Days(-1), KeepForever)
	}
	err := Lifecycle{DeleteAfter: -2 * Day, MoveToColdStorageAfter: time.Hour}.Validate("L")
	var fields []string
	for _, ve := range ValidationErrors(err) {
		fields = append(fields, ve.Field)
	}
	if want := []string{"L.MoveToColdStorageAfterDays", "L.DeleteAfterDays"}; !slices.Equal(fields, want) {
		t.Errorf("Validate(-2 days, 1h) fields = %v; want %v", fields, want)
	}
}

func TestJobInputSDK(t *testing.T) {
	t.Parallel()
	in := JobInput{VaultName: "v1", ResourceARN: testVol, IAMRoleARN: testRole, StartWindow: 2 * time.Hour,
		Lifecycle: Lifecycle{DeleteAfter: Days(35)}, WindowsVSS: true}
	got, err := in.SDK()
	if err != nil {
		t.Fatalf("SDK() error = %v", err)
	}
	if *got.IdempotencyToken != IdempotencyToken(in) || *got.StartWindowMinutes != 120 || *got.Lifecycle.DeleteAfterDays != 35 ||
		got.BackupOptions[OptionWindowsVSS] != "enabled" || *got.IamRoleArn != testRole {
		t.Errorf("SDK() = %+v; want the input's fields, the derived token, 120 minutes, 35 days, VSS", got)
	}
	in.IdempotencyToken = "ticket-42"
	if got, _ := in.SDK(); *got.IdempotencyToken != "ticket-42" {
		t.Errorf("SDK().IdempotencyToken = %q; want the input's own", *got.IdempotencyToken)
	}
	if _, err := (JobInput{VaultName: "v1", ResourceARN: testVol}).SDK(); len(fieldsOf(err)) != 1 || fieldsOf(err)[0] != "IAMRoleARN" {
		t.Errorf("SDK() without a role = %v; want an IAMRoleARN validation error", err)
	}
}
