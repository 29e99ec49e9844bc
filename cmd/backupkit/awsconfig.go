package main

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/smithy-go/logging"
	"github.com/spf13/cobra"
)

// awsFlags are the connection flags shared by every subcommand that talks to
// AWS Backup: real AWS through the default credential chain, or an emulator.
type awsFlags struct {
	endpoint string
	region   string
	profile  string
}

func (f *awsFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.endpoint, "endpoint", "", "AWS Backup endpoint URL (e.g. a running `backupkit emulator`); default: real AWS")
	cmd.Flags().StringVar(&f.region, "region", "", "AWS Region; default: from the environment or shared config")
	cmd.Flags().StringVar(&f.profile, "profile", "", "shared config profile")
}

// load returns an aws.Config from the default credential chain. With an
// endpoint and no credentials available, it falls back to static test
// credentials so that an emulator works without any AWS setup.
func (f *awsFlags) load(ctx context.Context) (aws.Config, error) {
	var opts []func(*config.LoadOptions) error
	if f.region != "" {
		opts = append(opts, config.WithRegion(f.region))
	}
	if f.profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(f.profile))
	}
	if f.endpoint != "" {
		// Against an emulator the credential probe below may fall through
		// to EC2 instance metadata; keep the SDK's warnings about that off
		// the user's terminal.
		opts = append(opts, config.WithLogger(logging.Nop{}))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("load AWS config: %w", err)
	}
	if f.endpoint == "" {
		if cfg.Region == "" {
			return aws.Config{}, fmt.Errorf("no AWS Region: set --region or AWS_REGION")
		}
		return cfg, nil
	}
	cfg.BaseEndpoint = aws.String(f.endpoint)
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	rctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if _, err := cfg.Credentials.Retrieve(rctx); err != nil {
		cfg.Credentials = credentials.NewStaticCredentialsProvider("AKIDBACKUPKIT", "backupkit-emulator", "")
	}
	return cfg, nil
}
