package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/plan"
)

func TestAdviseReadsPlanTags(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	if _, err := srv.Client().CreateBackupVault(t.Context(), &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("Default")}); err != nil {
		t.Fatal(err)
	}
	pc := plan.NewClient(srv.Client())
	for _, b := range []*plan.Builder{
		plan.Daily35("as-code", "Default").Tag("managed-by", "backupkit"),
		plan.Daily35("by-hand", "Default"),
	} {
		p, err := b.Build()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := pc.Create(t.Context(), p); err != nil {
			t.Fatal(err)
		}
	}
	r := runBin(t, "advise", "--json", "--endpoint", srv.URL, "--region", "us-east-1")
	if r.code != 0 {
		t.Fatalf("advise: %s", r)
	}
	var findings []struct{ Check, Resource, Evidence string }
	if err := json.Unmarshal([]byte(r.stdout), &findings); err != nil {
		t.Fatalf("advise --json: %v\n%s", err, r.stdout)
	}
	var notAsCode []string
	for _, f := range findings {
		if f.Check == "plan-not-managed-as-code" {
			notAsCode = append(notAsCode, f.Resource)
			if strings.Contains(f.Evidence, "map[") {
				t.Errorf("evidence %q shows Go syntax", f.Evidence)
			}
		}
	}
	if len(notAsCode) != 1 || notAsCode[0] != "by-hand" {
		t.Errorf("plan-not-managed-as-code for %v; want only by-hand (as-code is tagged managed-by)", notAsCode)
	}
}
