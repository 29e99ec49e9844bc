package backuptest_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/backupkit/backupkit/backuptest"
)

// Drive a running emulator (here one served by Start; usually
// `backupkit emulator`, seeded with --resources) through its control API:
// look at one resource, move its manual clock.
func ExampleControlClient() {
	seed, err := backuptest.ParseResourcesFile([]byte(`[{"arn": "arn:aws:ec2:us-east-1:123456789012:volume/vol-1", "tags": {"env": "prod"}}]`))
	if err != nil {
		log.Fatal(err)
	}
	srv, err := backuptest.Start("127.0.0.1:0", func(o *backuptest.Options) {
		o.Clock = backuptest.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	if err := seed.Apply(srv.Emulator); err != nil {
		log.Fatal(err)
	}

	ctx := context.Background()
	c := backuptest.NewControlClient(srv.URL, nil)
	r, err := c.Resource(ctx, "arn:aws:ec2:us-east-1:123456789012:volume/vol-1")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.Type, r.Tags["env"])
	now, err := c.Advance(ctx, 2*time.Hour)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(now.Format(time.RFC3339))
	// Output:
	// EBS prod
	// 2026-01-01T02:00:00Z
}

// Keep an emulator's state in a file across restarts, as `backupkit
// emulator --state` does.
func ExampleStateSaver() {
	dir, err := os.MkdirTemp("", "emulator")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "state.json")

	e := backuptest.New()
	if _, err := e.LoadStateFile(path); err != nil { // nothing yet
		log.Fatal(err)
	}
	s := backuptest.NewStateSaver(e, path)
	// Serve s.Handler(e) and run s.Run(ctx) until shutdown; then:
	if err := e.PutResource(backuptest.Resource{ARN: "arn:aws:s3:::kept"}); err != nil {
		log.Fatal(err)
	}
	if err := s.Save(); err != nil {
		log.Fatal(err)
	}

	again := backuptest.New()
	loaded, err := again.LoadStateFile(path)
	_, ok := again.Resource("arn:aws:s3:::kept")
	fmt.Println(loaded, ok, err)
	// Output: true true <nil>
}
