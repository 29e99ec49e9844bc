package main

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
)

// TestEmulatorManualClock: with --manual-clock, POST /_backupkit/clock
// moves time (without it the emulator answers 409).
func TestEmulatorManualClock(t *testing.T) {
	t.Parallel()
	url, stdout, stderr, _ := startEmulator(t, "--manual-clock")
	if !strings.Contains(stderr.String(), "manual clock at ") || !strings.HasPrefix(stdout.String(), "listening on ") {
		t.Errorf("stdout %q, stderr %q; want the listening line first and the manual clock announced", stdout.String(), stderr.String())
	}
	clock := func(method, body string) (int, time.Time) {
		req, err := http.NewRequestWithContext(t.Context(), method, url+"/_backupkit/clock", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var c struct {
			Now time.Time `json:"now"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&c)
		return resp.StatusCode, c.Now
	}
	_, before := clock(http.MethodGet, "")
	code, after := clock(http.MethodPost, `{"advance":"1h"}`)
	if code != http.StatusOK || after.Sub(before) != time.Hour {
		t.Errorf("POST clock advance 1h: %d, %v -> %v; want 200 and one hour later", code, before, after)
	}
	realURL, _, _, _ := startEmulator(t)
	url = realURL
	if code, _ := clock(http.MethodPost, `{"advance":"1h"}`); code != http.StatusConflict {
		t.Errorf("POST clock without --manual-clock: %d; want 409", code)
	}
}

// TestEmulatorLoadedStateLine: a restart with --state says what it loaded.
func TestEmulatorLoadedStateLine(t *testing.T) {
	t.Parallel()
	state := filepath.Join(t.TempDir(), "state.json")
	url, _, stderr, stop := startEmulator(t, "--state", state)
	if !strings.Contains(stderr.String(), "does not exist yet") {
		t.Errorf("first start: %q; want it to say the state file is new", stderr.String())
	}
	for _, v := range []string{"va", "vb"} {
		if _, err := clientFor(url).CreateBackupVault(t.Context(), &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String(v)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	_, stdout, stderr, _ := startEmulator(t, "--state", state)
	if want := "loaded state from " + state + " (2 vaults, 0 recovery points)\n"; !strings.Contains(stderr.String(), want) || !strings.HasPrefix(stdout.String(), "listening on ") {
		t.Errorf("restart: stdout %q, stderr %q; want %q on stderr", stdout.String(), stderr.String(), want)
	}
}
