package main

import (
	"strings"
	"testing"
)

func TestSplitResourcesFile(t *testing.T) {
	t.Parallel()
	arr := `[{"arn": "arn:aws:ec2:us-east-1:123456789012:volume/vol-1"}]`
	res, org, err := splitResourcesFile([]byte(arr))
	if err != nil || org != nil || string(res) != arr {
		t.Errorf("array form: %s %v %v", res, org, err)
	}
	obj := `{"resources": ` + arr + `, "organization": {"ous": [{"name": "prod"}], "accounts": [{"id": "111111111111", "ou": "prod"}]}}`
	res, org, err = splitResourcesFile([]byte(obj))
	if err != nil || org == nil || len(org.Accounts) != 1 || org.Accounts[0].OU != "prod" || string(res) != arr {
		t.Errorf("object form: %s %+v %v", res, org, err)
	}
	if _, _, err := splitResourcesFile([]byte(`{"organisation": {}}`)); err == nil || !strings.Contains(err.Error(), "organisation") {
		t.Errorf("unknown key: %v; want it named", err)
	}
	res, org, err = splitResourcesFile([]byte(`{"organization": {"accounts": [{"id": "111111111111"}]}}`))
	if err != nil || string(res) != "[]" || org == nil {
		t.Errorf("organization only: %s %+v %v", res, org, err)
	}
}
