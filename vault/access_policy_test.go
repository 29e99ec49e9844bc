package vault

import (
	"encoding/json"
	"slices"
	"testing"
)

func TestAccessPolicyBuild(t *testing.T) {
	t.Parallel()
	js, err := NewAccessPolicy().
		DenyRecoveryPointDeletion("arn:aws:iam::123456789012:role/break-glass").
		AllowCopyFromOrganization("o-abcdef1234").
		AllowCopyFromAccounts("111122223333", "444455556666").
		Build()
	if err != nil {
		t.Fatalf("Build() error = %v", err)
	}
	// Parse generically: this is what IAM sees.
	var doc struct {
		Version   string
		Statement []struct {
			Sid       string
			Effect    string
			Principal json.RawMessage
			Action    json.RawMessage
			Resource  json.RawMessage
			Condition map[string]map[string]json.RawMessage
		}
	}
	if err := json.Unmarshal([]byte(js), &doc); err != nil {
		t.Fatalf("policy is not JSON: %v\n%s", err, js)
	}
	if doc.Version != "2012-10-17" {
		t.Errorf("Version = %q; want 2012-10-17", doc.Version)
	}
	if got := len(doc.Statement); got != 3 {
		t.Fatalf("statements = %d; want 3", got)
	}
	deny := doc.Statement[0]
	var actions []string
	if err := json.Unmarshal(deny.Action, &actions); err != nil {
		t.Fatalf("deny Action = %s; want a list: %v", deny.Action, err)
	}
	if deny.Effect != "Deny" || string(deny.Principal) != `"*"` || !slices.Contains(actions, "backup:DeleteRecoveryPoint") || !slices.Contains(actions, "backup:UpdateRecoveryPointLifecycle") {
		t.Errorf("deny statement = %+v actions %v; want Deny * DeleteRecoveryPoint+UpdateRecoveryPointLifecycle", deny, actions)
	}
	var except []string
	if err := json.Unmarshal(deny.Condition["ArnNotLike"]["aws:PrincipalArn"], &except); err != nil || !slices.Equal(except, []string{"arn:aws:iam::123456789012:role/break-glass"}) {
		t.Errorf("deny exception = %v (%v); want the break-glass role", except, err)
	}
	org := doc.Statement[1]
	if org.Effect != "Allow" || string(org.Action) != `"backup:CopyIntoBackupVault"` || string(org.Condition["StringEquals"]["aws:PrincipalOrgID"]) != `"o-abcdef1234"` {
		t.Errorf("org statement = %+v; want Allow CopyIntoBackupVault with PrincipalOrgID", org)
	}
	acct := doc.Statement[2]
	var principal struct{ AWS []string }
	if err := json.Unmarshal(acct.Principal, &principal); err != nil {
		t.Fatalf("accounts Principal = %s: %v", acct.Principal, err)
	}
	if !slices.Equal(principal.AWS, []string{"arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:root"}) {
		t.Errorf("accounts principals = %v; want both account roots", principal.AWS)
	}
}

func TestAccessPolicyErrors(t *testing.T) {
	t.Parallel()
	_, err := NewAccessPolicy().AllowCopyFromOrganization("org-1").AllowCopyFromAccounts("123", "123456789012").DenyRecoveryPointDeletion("not-an-arn").Build()
	got := validationFields(err)
	want := []string{"AllowCopyFromOrganization", "AllowCopyFromAccounts[0]", "DenyRecoveryPointDeletion.except[0]"}
	if !slices.Equal(got, want) {
		t.Errorf("Build() fields = %v; want %v", got, want)
	}
	if _, err := NewAccessPolicy().Build(); err == nil {
		t.Error("empty policy Build() = nil error; want error")
	}
}

func TestTopicPolicy(t *testing.T) {
	t.Parallel()
	topic := "arn:aws:sns:us-east-1:123456789012:backup-events"
	js, err := TopicPolicy(topic)
	if err != nil {
		t.Fatalf("TopicPolicy error = %v", err)
	}
	var doc PolicyDocument
	if err := json.Unmarshal([]byte(js), &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	st := doc.Statement[0]
	p, _ := st.Principal.(map[string]any)
	if st.Effect != "Allow" || p["Service"] != "backup.amazonaws.com" || st.Action != "SNS:Publish" || st.Resource != topic {
		t.Errorf("statement = %+v; want Allow backup.amazonaws.com SNS:Publish on the topic", st)
	}
	if st.Condition["StringEquals"]["aws:SourceAccount"] != "123456789012" {
		t.Errorf("condition = %v; want aws:SourceAccount 123456789012", st.Condition)
	}
	if _, err := TopicPolicy("arn:aws:sqs:us-east-1:123456789012:q"); err == nil {
		t.Error("TopicPolicy(sqs arn) = nil error; want error")
	}
}
