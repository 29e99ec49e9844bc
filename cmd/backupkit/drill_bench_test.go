//go:build unix

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/restore"
)

// BenchmarkDrillPaths drills the six demo types (EBS, EC2, RDS, DynamoDB,
// EFS, S3) against an emulator served over HTTP, two ways, on the same
// targets with the demo's settings (restore jobs take 300ms, polls every
// 20ms):
//
//   - one-endpoint: the production path — the SDK clients of each service
//     with BaseEndpoint at the emulator, the validators and cleanup that
//     run against AWS;
//   - control-api: the path the CLI took before, validating and deleting
//     through the emulator's /_backupkit/resources control API. It lives on
//     here only as the baseline (controlAPIHandler below).
//
// BENCHMARKS.md records the ratio.
func BenchmarkDrillPaths(b *testing.B) {
	for _, path := range []string{"control-api", "one-endpoint"} {
		b.Run(path, func(b *testing.B) {
			srv := backuptest.NewServer(b, func(o *backuptest.Options) { o.JobDuration = 300 * time.Millisecond })
			f := &awsFlags{endpoint: srv.URL}
			role := "arn:aws:iam::123456789012:role/bench"
			api := srv.Client()
			ctx := b.Context()
			if _, err := api.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("bench")}); err != nil {
				b.Fatal(err)
			}
			wait := pollWaiter(20 * time.Millisecond)
			for i, k := range drillDemoKinds {
				r := backuptest.Resource{ARN: k.arn(i), SizeBytes: k.size, Attributes: maps.Clone(k.attrs)}
				if err := srv.PutResource(r); err != nil {
					b.Fatal(err)
				}
				j, err := api.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{BackupVaultName: aws.String("bench"), ResourceArn: aws.String(r.ARN), IamRoleArn: aws.String(role)})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := backup.NewJobWaiter(api, wait).Wait(ctx, aws.ToString(j.BackupJobId), time.Minute); err != nil {
					b.Fatal(err)
				}
			}
			opt := func(o *restore.Options) {
				o.Waiter = wait
				o.DeletePollInterval = 20 * time.Millisecond
				if path == "one-endpoint" {
					o.Services = f.resourceServices(srv.Config())
					return
				}
				h := &controlAPIHandler{base: srv.URL, client: http.DefaultClient}
				o.Handlers = map[backup.ResourceType]restore.Handler{}
				for _, t := range backup.ResourceTypes() {
					o.Handlers[t] = h
				}
			}
			client := restore.New(api, opt)
			cpu0 := processCPU()
			for i := 0; b.Loop(); i++ {
				rep, err := client.Run(ctx, &restore.Drill{ID: fmt.Sprintf("bench-%d", i), Vault: "bench", AllInVault: true, IAMRoleARN: role, Concurrency: 6})
				if err != nil {
					b.Fatal(err)
				}
				if !rep.Passed || rep.Summary.Passed != 6 {
					b.Fatalf("drill passed=%v summary=%+v", rep.Passed, rep.Summary)
				}
			}
			b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
}

// processCPU is the user+system CPU time this process has used (client and
// emulator both run in it).
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// controlAPIHandler is the restore.Handler the CLI used for an emulator
// before the emulator served the resource services: it reads, tags and
// deletes inventory resources through the control API. Kept only as the
// benchmark's baseline.
type controlAPIHandler struct {
	base   string
	client *http.Client
}

func (h *controlAPIHandler) find(ctx context.Context, arn string) (*backuptest.Resource, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, h.base+"/_backupkit/resources", nil)
	if err != nil {
		return nil, err
	}
	resp, err := h.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("emulator control API: %s", resp.Status)
	}
	var list []backuptest.Resource
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		return nil, err
	}
	for i := range list {
		if list[i].ARN == arn {
			return &list[i], nil
		}
	}
	return nil, fmt.Errorf("%s: %w", arn, restore.ErrNotFound)
}

func (h *controlAPIHandler) send(ctx context.Context, method, path string, body any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, h.base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := h.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode == http.StatusNotFound {
		return restore.ErrNotFound
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("emulator control API %s %s: %s", method, path, resp.Status)
	}
	return nil
}

func (h *controlAPIHandler) Tag(ctx context.Context, arn string, tags map[string]string) error {
	r, err := h.find(ctx, arn)
	if err != nil {
		return err
	}
	if r.Tags == nil {
		r.Tags = map[string]string{}
	}
	maps.Copy(r.Tags, tags)
	return h.send(ctx, http.MethodPost, "/_backupkit/resources", r)
}

func (h *controlAPIHandler) Tags(ctx context.Context, arn string) (map[string]string, error) {
	r, err := h.find(ctx, arn)
	if err != nil {
		return nil, err
	}
	return r.Tags, nil
}

func (h *controlAPIHandler) Validate(ctx context.Context, restored, source string) error {
	r, err := h.find(ctx, restored)
	if err != nil {
		return err
	}
	if src, err := h.find(ctx, source); err == nil && src.Fingerprint != "" && r.Fingerprint != src.Fingerprint {
		return &restore.ValidationFailedError{ResourceARN: restored, Reason: "content fingerprint differs from the source's"}
	}
	return nil
}

func (h *controlAPIHandler) Delete(ctx context.Context, arn string) error {
	err := h.send(ctx, http.MethodDelete, "/_backupkit/resources?arn="+url.QueryEscape(arn), nil)
	if errors.Is(err, restore.ErrNotFound) {
		return nil
	}
	return err
}
