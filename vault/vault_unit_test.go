package vault

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/backup"
)

func TestSpecValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		spec Spec
		want []string
	}{
		{"ok", Spec{Name: "prod-vault", KMSKeyARN: testKey, Tags: map[string]string{"env": "prod"}}, nil},
		{"aws managed key", Spec{Name: "prod_vault"}, nil},
		{"bad name", Spec{Name: "a"}, []string{"Name"}},
		{"alias", Spec{Name: "v1", KMSKeyARN: "arn:aws:kms:us-east-1:123456789012:alias/backup"}, []string{"KMSKeyARN"}},
		{"key id only", Spec{Name: "v1", KMSKeyARN: "1234abcd-12ab-34cd-56ef-1234567890ab"}, []string{"KMSKeyARN"}},
		{"s3 arn", Spec{Name: "v1", KMSKeyARN: "arn:aws:s3:::bucket"}, []string{"KMSKeyARN"}},
		{"bad request id and tag", Spec{Name: "v1", CreatorRequestID: "has space", Tags: map[string]string{"aws:reserved": "x"}}, []string{"CreatorRequestID", "Tags[aws:reserved]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := validationFields(tt.spec.validate()); !slices.Equal(got, tt.want) {
				t.Errorf("validate() fields = %v; want %v", got, tt.want)
			}
		})
	}
}

func TestCreatorRequestIDDeterministic(t *testing.T) {
	t.Parallel()
	a, b := CreatorRequestID("v1", testKey), CreatorRequestID("v1", testKey)
	if a != b {
		t.Errorf("CreatorRequestID not deterministic: %q vs %q", a, b)
	}
	if a == CreatorRequestID("v1", testKey2) {
		t.Error("CreatorRequestID ignores the key")
	}
	if !requestIDRE.MatchString(a) {
		t.Errorf("CreatorRequestID = %q; does not match the AWS pattern", a)
	}
}

func TestNotificationsValidate(t *testing.T) {
	t.Parallel()
	ok := Notifications{TopicARN: "arn:aws:sns:us-east-1:123456789012:t", Events: JobEvents()}
	if err := ok.Validate(); err != nil {
		t.Errorf("Validate(JobEvents) = %v; want nil", err)
	}
	// API_PutBackupVaultNotifications: BackupVaultEvents takes every value
	// of the BackupVaultEvent enum, older ones included.
	all := Notifications{TopicARN: "arn:aws:sns:us-east-1:123456789012:t", Events: SupportedEvents()}
	if err := all.Validate(); err != nil {
		t.Errorf("Validate(SupportedEvents) = %v; want nil", err)
	}
	bad := Notifications{TopicARN: "arn:aws:sqs:us-east-1:123456789012:q", Events: []types.BackupVaultEvent{"BACKUP_JOB_EXPLODED"}}
	if got, want := validationFields(bad.Validate()), []string{"TopicARN", "Events[0]"}; !slices.Equal(got, want) {
		t.Errorf("Validate() fields = %v; want %v (SQS topic and unknown event rejected)", got, want)
	}
	// backup-notifications, Limitations: "AWS Backup does not currently
	// support SNS FIFO topics".
	fifo := Notifications{TopicARN: "arn:aws:sns:us-east-1:123456789012:t.fifo", Events: JobEvents()}
	if got, want := validationFields(fifo.Validate()), []string{"TopicARN"}; !slices.Equal(got, want) {
		t.Errorf("Validate(FIFO) fields = %v; want %v", got, want)
	}
}

func TestAirGappedValidate(t *testing.T) {
	t.Parallel()
	d := backup.Days
	tests := []struct {
		name string
		spec AirGappedSpec
		want []string
	}{
		{"ok", AirGappedSpec{Name: "lag", MinRetention: d(7), MaxRetention: d(365)}, nil},
		{"min too small, max missing", AirGappedSpec{Name: "lag", MinRetention: d(6)}, []string{"MinRetention", "MaxRetention"}},
		{"max below min", AirGappedSpec{Name: "lag", MinRetention: d(30), MaxRetention: d(10)}, []string{"MaxRetention"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := validationFields(tt.spec.validate()); !slices.Equal(got, tt.want) {
				t.Errorf("validate() fields = %v; want %v", got, tt.want)
			}
		})
	}
}
