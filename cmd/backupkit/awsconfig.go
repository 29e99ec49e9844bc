package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/ssmsap"
	"github.com/aws/smithy-go/logging"
	"github.com/spf13/cobra"

	"github.com/backupkit/backupkit/gateway"
	"github.com/backupkit/backupkit/restore"
)

// awsFlags are the connection flags shared by every subcommand that talks to
// AWS Backup: real AWS through the default credential chain, or an emulator.
type awsFlags struct {
	endpoint string
	region   string
	profile  string
}

func (f *awsFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.endpoint, "endpoint", "", "endpoint URL for every AWS service (e.g. a running backupkit emulator); default: AWS_ENDPOINT_URL, else real AWS")
	cmd.Flags().StringVar(&f.region, "region", "", "AWS Region; default: from the environment or shared config")
	cmd.Flags().StringVar(&f.profile, "profile", "", "shared config profile")
}

// endpointFromEnv is the SDK's AWS_ENDPOINT_URL, unless
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS turns configured endpoints off.
func endpointFromEnv() string {
	if ignore, _ := strconv.ParseBool(os.Getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")); ignore {
		return ""
	}
	return os.Getenv("AWS_ENDPOINT_URL")
}

// overridden reports whether requests go to an endpoint override:
// --endpoint, or AWS_ENDPOINT_URL as every AWS SDK reads it.
func (f *awsFlags) overridden() bool { return f.endpoint != "" || endpointFromEnv() != "" }

// load returns an aws.Config from the default credential chain. --endpoint
// becomes its BaseEndpoint (AWS_ENDPOINT_URL works the same way through the
// SDK). With an endpoint override and no credentials available, it falls
// back to static test credentials so that an emulator works without any AWS
// setup.
func (f *awsFlags) load(ctx context.Context) (aws.Config, error) {
	var opts []func(*config.LoadOptions) error
	if f.region != "" {
		opts = append(opts, config.WithRegion(f.region))
	}
	if f.profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(f.profile))
	}
	// The credential probe may fall through to EC2 instance metadata; keep
	// the SDK's warnings about that off the user's terminal (a missing
	// credential is reported below, in one line).
	opts = append(opts, config.WithLogger(logging.Nop{}), config.WithHTTPClient(newHTTPClient()))
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("load AWS config: %w", err)
	}
	if cfg.Region != "" && f.region == "" {
		if err := checkRegion(cfg.Region); err != nil {
			return aws.Config{}, fmt.Errorf("Region from the environment or shared config: %w", err)
		}
	}
	if !f.overridden() {
		if cfg.Region == "" {
			return aws.Config{}, fmt.Errorf("no AWS Region: set --region or AWS_REGION")
		}
		if err := checkCredentials(ctx, cfg); err != nil {
			return aws.Config{}, err
		}
		return cfg, nil
	}
	if f.endpoint != "" {
		cfg.BaseEndpoint = aws.String(f.endpoint)
	}
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

// resourceServices returns the SDK clients of the services whose resources
// a drill restores, validates and deletes. --endpoint is set on every
// client (it wins over service-specific AWS_ENDPOINT_URL_<SERVICE>
// variables); under any endpoint override S3 uses path-style addressing,
// since a custom host rarely resolves bucket subdomains.
func (f *awsFlags) resourceServices(cfg aws.Config) restore.Services {
	var ep *string
	if f.endpoint != "" {
		ep = aws.String(f.endpoint)
	}
	pathStyle := f.overridden()
	return restore.Services{
		EC2: ec2.NewFromConfig(cfg, func(o *ec2.Options) {
			if ep != nil {
				o.BaseEndpoint = ep
			}
		}),
		RDS: rds.NewFromConfig(cfg, func(o *rds.Options) {
			if ep != nil {
				o.BaseEndpoint = ep
			}
		}),
		DynamoDB: dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
			if ep != nil {
				o.BaseEndpoint = ep
			}
		}),
		EFS: efs.NewFromConfig(cfg, func(o *efs.Options) {
			if ep != nil {
				o.BaseEndpoint = ep
			}
		}),
		FSx: fsx.NewFromConfig(cfg, func(o *fsx.Options) {
			if ep != nil {
				o.BaseEndpoint = ep
			}
		}),
		S3: s3.NewFromConfig(cfg, func(o *s3.Options) {
			if ep != nil {
				o.BaseEndpoint = ep
			}
			o.UsePathStyle = o.UsePathStyle || pathStyle
		}),
		Gateway: gateway.NewFromConfig(cfg, func(o *gateway.Options) {
			if ep != nil {
				o.BaseEndpoint = *ep
			}
		}),
		SSMSAP: ssmsap.NewFromConfig(cfg, func(o *ssmsap.Options) {
			if ep != nil {
				o.BaseEndpoint = ep
			}
		}),
	}
}

// HTTP limits of every AWS call the CLI makes. The SDK's default client
// waits for a response forever, so a server that accepts a connection and
// never answers would hang the command; these bound each attempt (the SDK
// retries), and --timeout bounds the whole command.
var (
	dialTimeout           = 10 * time.Second
	tlsHandshakeTimeout   = 10 * time.Second
	responseHeaderTimeout = 30 * time.Second
)

// newHTTPClient is the SDK's buildable client with the limits above.
func newHTTPClient() *awshttp.BuildableClient {
	return awshttp.NewBuildableClient().
		WithDialerOptions(func(d *net.Dialer) { d.Timeout = dialTimeout }).
		WithTransportOptions(func(t *http.Transport) {
			t.TLSHandshakeTimeout = tlsHandshakeTimeout
			t.ResponseHeaderTimeout = responseHeaderTimeout
		})
}

// errNoCredentials is the one line a user sees when the default credential
// chain finds nothing.
var errNoCredentials = errors.New("no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, " +
	"or pick a profile with --profile or AWS_PROFILE (run 'aws sso login' first for SSO), or run where an IAM role is attached; " +
	"for a local emulator use --endpoint URL")

// checkCredentials asks the credential chain for credentials once, so that
// a missing credential is reported before any call, in one line.
func checkCredentials(ctx context.Context, cfg aws.Config) error {
	if cfg.Credentials == nil {
		return errNoCredentials
	}
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return errNoCredentials
	}
	return nil
}
