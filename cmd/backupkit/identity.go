package main

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/logging"
)

// callerIdentity returns the ARN and account of the credentials in cfg
// (STS GetCallerIdentity, which needs no permission).
func callerIdentity(ctx context.Context, cfg aws.Config) (arn, account string, err error) {
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", "", fmt.Errorf("STS GetCallerIdentity: %w", err)
	}
	return aws.ToString(out.Arn), aws.ToString(out.Account), nil
}

// callerAccount loads the default credential chain (with profile, when
// set) and returns the caller's account id.
func callerAccount(ctx context.Context, profile string) (string, error) {
	opts := []func(*config.LoadOptions) error{config.WithLogger(logging.Nop{}), config.WithHTTPClient(newHTTPClient())}
	if profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(profile))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return "", fmt.Errorf("load AWS config: %w", err)
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1" // STS answers in every Region
	}
	if err := checkCredentials(ctx, cfg); err != nil {
		return "", err
	}
	_, account, err := callerIdentity(ctx, cfg)
	return account, err
}
