package restore

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/smithy-go"

	"github.com/backupkit/backupkit/backup"
)

// ErrNotReady is returned (wrapped) by Handler.Validate while a restored
// resource is still in a transitional state (creating, modifying, …); the
// drill retries until it is ready or Options.CleanupTimeout-long patience
// runs out.
var ErrNotReady = errors.New("resource not ready yet")

// Handler does the resource-service side of a drill for one resource type:
// tagging, validating and deleting what a restore created. The built-in
// handlers use the services' own SDK clients from Options.Services;
// provide your own in Options.Handlers for other types.
type Handler interface {
	// Tag adds tags to a resource.
	Tag(ctx context.Context, resourceARN string, tags map[string]string) error
	// Tags returns a resource's tags, or an error wrapping ErrNotFound when
	// the resource does not exist (or is terminated).
	Tags(ctx context.Context, resourceARN string) (map[string]string, error)
	// Validate checks that restored is in its available state and, when
	// source is still readable, passes cheap content checks against it. It
	// returns an error wrapping ErrNotReady while restored is still
	// transitioning, and a *ValidationFailedError when it is unusable.
	Validate(ctx context.Context, restored, source string) error
	// Delete starts deleting a resource. The drill then polls Tags until
	// it reports ErrNotFound.
	Delete(ctx context.Context, resourceARN string) error
}

// Services are the SDK clients (or fakes with the same methods, such as
// the backuptest fakes) of the services whose resources a drill restores.
// A nil field means no built-in handler for those types.
type Services struct {
	// EC2 serves EBS volumes and EC2 instances.
	EC2 EC2API
	// RDS serves RDS instances and Aurora, DocumentDB and Neptune clusters.
	RDS RDSAPI
	// DynamoDB serves DynamoDB tables.
	DynamoDB DynamoDBAPI
	// EFS serves EFS file systems.
	EFS EFSAPI
	// FSx serves FSx file systems.
	FSx FSxAPI
	// S3 serves S3 buckets.
	S3 S3API
	// Gateway serves VMware virtual machines (AWS Backup gateway); VM
	// drills restore to EC2 or EBS and also need EC2.
	Gateway GatewayAPI
	// SSMSAP (AWS Systems Manager for SAP) serves SAP HANA databases.
	SSMSAP SSMSAPAPI
}

// handlers returns the built-in handlers for the configured services,
// overlaid with Options.Handlers.
func (c *Client) handlers() map[backup.ResourceType]Handler {
	s := c.opts.Services
	h := map[backup.ResourceType]Handler{}
	if s.EC2 != nil {
		h[backup.EBS] = &ebsHandler{api: s.EC2}
		h[backup.EC2] = &ec2Handler{api: s.EC2}
	}
	if s.RDS != nil {
		h[backup.RDS] = &rdsHandler{api: s.RDS}
		ch := &clusterHandler{api: s.RDS}
		h[backup.Aurora], h[backup.DocumentDB], h[backup.Neptune] = ch, ch, ch
	}
	if s.DynamoDB != nil {
		h[backup.DynamoDB] = &dynamoDBHandler{api: s.DynamoDB}
	}
	if s.EFS != nil {
		h[backup.EFS] = &efsHandler{api: s.EFS}
	}
	if s.FSx != nil {
		h[backup.FSx] = &fsxHandler{api: s.FSx}
	}
	if s.S3 != nil {
		h[backup.S3] = &s3Handler{api: s.S3}
	}
	registerVMAndSAP(s, h)
	for k, v := range c.opts.Handlers {
		h[k] = v
	}
	return h
}

// arnResourceID returns the part of an ARN's resource after the first
// '/' or ':' ("volume/vol-1" → "vol-1", "db:mydb" → "mydb"); for S3 the
// bucket name.
func arnResourceID(resourceARN string) (string, error) {
	a, err := arn.Parse(resourceARN)
	if err != nil {
		return "", fmt.Errorf("parse ARN %q: %w", resourceARN, err)
	}
	res := a.Resource
	if i := strings.IndexAny(res, "/:"); i >= 0 {
		return res[i+1:], nil
	}
	return res, nil
}

// apiErrorCode returns the error code of a smithy.APIError in err's chain.
func apiErrorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func notFound(resourceARN string, err error) error {
	return fmt.Errorf("%s: %w: %w", resourceARN, ErrNotFound, err)
}

func notReady(resourceARN, state string) error {
	return fmt.Errorf("%s is %s: %w", resourceARN, state, ErrNotReady)
}

func invalid(resourceARN, format string, args ...any) error {
	return &ValidationFailedError{ResourceARN: resourceARN, Reason: fmt.Sprintf(format, args...)}
}
