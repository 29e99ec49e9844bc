package backuptest_test

import (
	"strings"
	"testing"

	"github.com/backupkit/backupkit/backuptest"
)

func TestParseResourcesFile(t *testing.T) {
	t.Parallel()
	arr := `[{"arn": "arn:aws:ec2:us-east-1:123456789012:volume/vol-1", "tags": {"env": "prod"}, "sizeBytes": 42}]`
	f, err := backuptest.ParseResourcesFile([]byte(arr))
	if err != nil || f.Organization != nil || len(f.Resources) != 1 || f.Resources[0].Tags["env"] != "prod" || f.Resources[0].SizeBytes != 42 {
		t.Fatalf("array form: %+v %v", f, err)
	}
	obj := `{"resources": ` + arr + `, "organization": {"ous": [{"name": "prod"}], "accounts": [{"id": "111111111111", "ou": "prod"}]}}`
	f, err = backuptest.ParseResourcesFile([]byte(obj))
	if err != nil || f.Organization == nil || len(f.Organization.Accounts) != 1 || f.Organization.Accounts[0].OU != "prod" || len(f.Resources) != 1 {
		t.Fatalf("object form: %+v %v", f, err)
	}
	f, err = backuptest.ParseResourcesFile([]byte(`{"organization": {"accounts": [{"id": "111111111111"}]}}`))
	if err != nil || f.Organization == nil || len(f.Resources) != 0 {
		t.Fatalf("organization only: %+v %v", f, err)
	}
}

func TestParseResourcesFileErrors(t *testing.T) {
	t.Parallel()
	vol := `"arn": "arn:aws:ec2:us-east-1:123456789012:volume/vol-1"`
	for _, tc := range []struct{ name, in, want string }{
		{"not json", `[{"arn": `, "not valid JSON"},
		{"a string", `"x"`, "want a JSON array"},
		{"unknown top-level key", `{"organisation": {}}`, `unknown field "organisation" (allowed: resources, organization)`},
		{"missing arn", `[{` + vol + `}, {"tags": {}}]`, `entry 1: field "arn" is required`},
		{"bad arn", `[{"arn": "vol-1"}]`, `entry 0: field "arn": "vol-1" is not an ARN`},
		{"no resource part", `[{"arn": "arn:aws:ec2:us-east-1:123456789012:"}]`, `has no service or resource part`},
		{"size wrong type", `[{` + vol + `, "sizeBytes": "8GB"}]`, `entry 0: field "sizeBytes": got JSON string, want an integer`},
		{"negative size", `[{` + vol + `, "sizeBytes": -1}]`, `entry 0: field "sizeBytes": -1 is negative`},
		{"tags wrong type", `[{` + vol + `, "tags": ["a"]}]`, `entry 0: field "tags"`},
		{"empty tag key", `[{` + vol + `, "tags": {"": "v"}}]`, `entry 0: field "tags": a tag key is empty`},
		{"unknown field", `[{` + vol + `, "size": 1}]`, `entry 0: unknown field "size" (allowed: arn, tags, sizeBytes, type, name, attributes)`},
		{"duplicate", `[{` + vol + `}, {` + vol + `}]`, `entry 1: field "arn": "arn:aws:ec2:us-east-1:123456789012:volume/vol-1" repeats entry 0`},
		{"an entry not an object", `[1]`, `entry 0: want an object`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := backuptest.ParseResourcesFile([]byte(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ParseResourcesFile(%s) error = %v; want it to contain %q", tc.in, err, tc.want)
			}
		})
	}
}

func TestResourcesFileApply(t *testing.T) {
	t.Parallel()
	f, err := backuptest.ParseResourcesFile([]byte(`{"resources": [{"arn": "arn:aws:ec2:us-east-1:123456789012:volume/vol-1"}],
		"organization": {"accounts": [{"id": "111111111111"}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	e := backuptest.New()
	if err := f.Apply(e); err != nil {
		t.Fatal(err)
	}
	if r, ok := e.Resource("arn:aws:ec2:us-east-1:123456789012:volume/vol-1"); !ok || r.Type != "EBS" {
		t.Errorf("resource after Apply: %+v %v; want the EBS volume", r, ok)
	}
	bad, err := backuptest.ParseResourcesFile([]byte(`[{"arn": "arn:aws:ec2:us-east-1:123456789012:volume/vol-1"}, {"arn": "arn:aws:sqs:us-east-1:123456789012:queue"}]`))
	if err != nil {
		t.Fatal(err)
	}
	if err := bad.Apply(backuptest.New()); err == nil || !strings.Contains(err.Error(), `entry 1: field "arn"`) {
		t.Errorf("Apply of an unprotectable type: %v; want entry 1 named", err)
	}
}

// FuzzParseResourcesFile: any input gives resources or an error, never a
// panic, and every resource it accepts has an ARN.
func FuzzParseResourcesFile(f *testing.F) {
	for _, s := range []string{
		`[]`, `{}`, `[{"arn": "arn:aws:ec2:us-east-1:123456789012:volume/vol-1", "tags": {"env": "prod"}, "sizeBytes": 42}]`,
		`{"resources": [{"arn": "arn:aws:s3:::bucket"}], "organization": {"ous": [{"name": "prod"}], "accounts": [{"id": "111111111111", "ou": "prod"}]}}`,
		`[{"arn": "vol-1"}]`, `[{"arn": null}]`, `[1, "a", null]`, `{"resources": 1}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		rf, err := backuptest.ParseResourcesFile(b)
		if err != nil {
			return
		}
		for i, r := range rf.Resources {
			if r.ARN == "" || r.SizeBytes < 0 {
				t.Fatalf("entry %d accepted: %+v", i, r)
			}
		}
	})
}
