// Command enable-region opts a Region into AWS Backup for the resource
// types you use and shows the Region and global settings.
//
// By default it runs against an embedded AWS Backup emulator:
//
//	go run ./examples/enable-region
//
// -endpoint URL targets a running emulator (backupkit emulator); -aws uses
// the default credential chain and real AWS (it changes the Region's
// resource type opt-in settings).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/examples/internal/exenv"
)

func main() {
	where := exenv.Register(nil)
	flag.Parse()
	ctx := context.Background()
	env, err := where.Open(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer env.Close()
	cfg := env.Config
	if err := run(ctx, cfg, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// wanted are the resource types this account protects.
var wanted = []backup.ResourceType{backup.EBS, backup.EC2, backup.RDS, backup.Aurora, backup.DynamoDB, backup.EFS, backup.S3}

func run(ctx context.Context, cfg aws.Config, out io.Writer) error {
	c := backup.New(awsbackup.NewFromConfig(cfg))

	// Unknown types are rejected before any call.
	if err := c.SetOptIn(ctx, map[backup.ResourceType]bool{"Lambda": true}); err != nil {
		fmt.Fprintf(out, "rejected: %v\n", err)
	}

	rs, err := c.EnableRegion(ctx, wanted...)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Region %s opt-in:\n", cfg.Region)
	for _, t := range backup.ResourceTypes() {
		state := "off"
		if rs.OptIn[t] {
			state = "on"
		}
		mark := ""
		if slices.Contains(wanted, t) {
			mark = " (requested)"
		}
		fmt.Fprintf(out, "  %-24s %s%s\n", t, state, mark)
	}
	on, err := c.CrossAccountBackupEnabled(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "cross-account backup enabled: %v\n", on)
	return nil
}
