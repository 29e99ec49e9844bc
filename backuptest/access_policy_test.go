package backuptest

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	smithy "github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupkit/backupkit/backuptest/internal/orgstate"
)

const (
	apRole       = "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole"
	apVolume     = "arn:aws:ec2:us-east-1:123456789012:volume/vol-0123456789abcdef0"
	apTable      = "arn:aws:dynamodb:us-east-1:123456789012:table/orders"
	apBreakGlass = "arn:aws:iam::123456789012:role/BreakGlass"
	apOperator   = "arn:aws:iam::123456789012:role/Operator"
)

// policyEnv is an emulator with a vault "main" holding a completed EBS and
// a completed DynamoDB recovery point, and clients for the account's root
// user, a break-glass role session and an operator role session.
type policyEnv struct {
	srv                 *Server
	clk                 *ManualClock
	root, glass, oper   *awsbackup.Client
	ebsPoint, ddbPoint  string
	vaultARN            string
	rootARN, sessionARN string
}

func newPolicyEnv(t *testing.T) *policyEnv {
	t.Helper()
	clk := NewManualClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	srv := NewServer(t, func(o *Options) { o.Clock = clk; o.JobDuration = time.Hour })
	env := &policyEnv{srv: srv, clk: clk, root: srv.Client(), rootARN: "arn:aws:iam::123456789012:root"}
	env.glass = env.roleClient(t, apBreakGlass, "alice")
	env.oper = env.roleClient(t, apOperator, "bob")
	env.sessionARN = "arn:aws:sts::123456789012:assumed-role/Operator/bob"
	ctx := t.Context()
	out, err := env.root.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("main")})
	require.NoError(t, err)
	env.vaultARN = aws.ToString(out.BackupVaultArn)
	_, err = srv.ClientFor("123456789012", "us-west-2").CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("dr")})
	require.NoError(t, err)
	require.NoError(t, srv.PutResource(Resource{ARN: apVolume, SizeBytes: 1 << 30}))
	require.NoError(t, srv.PutResource(Resource{ARN: apTable, SizeBytes: 1 << 20}))
	env.ebsPoint = env.backup(t, apVolume)
	env.ddbPoint = env.backup(t, apTable)
	return env
}

// roleClient assumes roleARN (created in the account, trusting it) with
// the emulator's STS, as a user would, and returns a client using the
// session's credentials.
func (env *policyEnv) roleClient(t *testing.T, roleARN, session string) *awsbackup.Client {
	t.Helper()
	name := roleARN[strings.LastIndexByte(roleARN, '/')+1:]
	require.NoError(t, env.srv.Organization().PutRole("123456789012", orgstate.Role{Name: name}))
	out, err := sts.NewFromConfig(env.srv.Config()).AssumeRole(t.Context(), &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String(session)})
	require.NoError(t, err)
	cr := out.Credentials
	cfg := env.srv.Config(func(c *aws.Config) {
		c.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(cr.AccessKeyId), aws.ToString(cr.SecretAccessKey), aws.ToString(cr.SessionToken))
	})
	return awsbackup.NewFromConfig(cfg)
}

func (env *policyEnv) backup(t *testing.T, resourceARN string) string {
	t.Helper()
	out, err := env.root.StartBackupJob(t.Context(), &awsbackup.StartBackupJobInput{BackupVaultName: aws.String("main"),
		ResourceArn: aws.String(resourceARN), IamRoleArn: aws.String(apRole)})
	require.NoError(t, err)
	env.clk.Advance(time.Hour)
	d, err := env.root.DescribeBackupJob(t.Context(), &awsbackup.DescribeBackupJobInput{BackupJobId: out.BackupJobId})
	require.NoError(t, err)
	require.Equal(t, types.BackupJobStateCompleted, d.State)
	return aws.ToString(d.RecoveryPointArn)
}

func (env *policyEnv) putPolicy(t *testing.T, c *awsbackup.Client, policy string) {
	t.Helper()
	_, err := c.PutBackupVaultAccessPolicy(t.Context(), &awsbackup.PutBackupVaultAccessPolicyInput{BackupVaultName: aws.String("main"), Policy: aws.String(policy)})
	require.NoError(t, err)
}

// requireDenied checks AWS's answer to a call a resource policy denies:
// AccessDeniedException, HTTP 403, naming the caller, action and resource.
func requireDenied(t *testing.T, err error, who, action, resource string) {
	t.Helper()
	require.Error(t, err, "%s by %s was allowed", action, who)
	var ae smithy.APIError
	require.True(t, errors.As(err, &ae), "%v", err)
	assert.Equal(t, CodeAccessDenied, ae.ErrorCode())
	var re *smithyhttp.ResponseError
	require.True(t, errors.As(err, &re))
	assert.Equal(t, http.StatusForbidden, re.HTTPStatusCode())
	assert.Equal(t, "User: "+who+" is not authorized to perform: "+action+" on resource: "+resource+" with an explicit deny in a resource-based policy", ae.ErrorMessage())
}

// TestBreakGlassVaultPolicy is the hardening step of the developer guide:
// deny deleting and shortening recovery points to everyone except a
// break-glass role, matched on aws:PrincipalArn (the role of the session).
func TestBreakGlassVaultPolicy(t *testing.T) {
	t.Parallel()
	env := newPolicyEnv(t)
	ctx := t.Context()
	env.putPolicy(t, env.root, `{"Version":"2012-10-17","Statement":[{"Sid":"DenyDeletion","Effect":"Deny","Principal":"*",
		"Action":["backup:DeleteRecoveryPoint","backup:UpdateRecoveryPointLifecycle"],"Resource":"*",
		"Condition":{"ArnNotLike":{"aws:PrincipalArn":"`+apBreakGlass+`"}}}]}`)

	del := func(c *awsbackup.Client, rp string) error {
		_, err := c.DeleteRecoveryPoint(ctx, &awsbackup.DeleteRecoveryPointInput{BackupVaultName: aws.String("main"), RecoveryPointArn: aws.String(rp)})
		return err
	}
	requireDenied(t, del(env.root, env.ebsPoint), env.rootARN, "backup:DeleteRecoveryPoint", env.ebsPoint)
	requireDenied(t, del(env.oper, env.ebsPoint), env.sessionARN, "backup:DeleteRecoveryPoint", env.ebsPoint)
	_, err := env.oper.UpdateRecoveryPointLifecycle(ctx, &awsbackup.UpdateRecoveryPointLifecycleInput{BackupVaultName: aws.String("main"),
		RecoveryPointArn: aws.String(env.ebsPoint), Lifecycle: &types.Lifecycle{DeleteAfterDays: aws.Int64(1)}})
	requireDenied(t, err, env.sessionARN, "backup:UpdateRecoveryPointLifecycle", env.ebsPoint)

	// Reading is not denied; the point is still there.
	d, err := env.oper.DescribeRecoveryPoint(ctx, &awsbackup.DescribeRecoveryPointInput{BackupVaultName: aws.String("main"), RecoveryPointArn: aws.String(env.ebsPoint)})
	require.NoError(t, err)
	assert.Equal(t, types.RecoveryPointStatusCompleted, d.Status)

	// The break-glass role may delete.
	require.NoError(t, del(env.glass, env.ebsPoint))
	_, err = env.root.DescribeRecoveryPoint(ctx, &awsbackup.DescribeRecoveryPointInput{BackupVaultName: aws.String("main"), RecoveryPointArn: aws.String(env.ebsPoint)})
	var nf *types.ResourceNotFoundException
	require.ErrorAs(t, err, &nf, "the break-glass delete went through")

	// A denied call is logged with its status.
	calls := env.srv.Calls()
	var denied int
	for _, c := range calls {
		if c.ErrorCode == CodeAccessDenied {
			assert.Equal(t, http.StatusForbidden, c.Status)
			denied++
		}
	}
	assert.Equal(t, 3, denied)
}

// TestVaultPolicyGovernsOperations denies each governed operation in turn
// and checks that it, and only it, is refused.
func TestVaultPolicyGovernsOperations(t *testing.T) {
	t.Parallel()
	type call struct {
		action   string
		resource func(env *policyEnv) string
		do       func(ctx context.Context, env *policyEnv, c *awsbackup.Client) error
	}
	vault := func(env *policyEnv) string { return env.vaultARN }
	point := func(env *policyEnv) string { return env.ebsPoint }
	name := aws.String("main")
	calls := []call{
		{"DescribeBackupVault", vault, func(ctx context.Context, env *policyEnv, c *awsbackup.Client) error {
			_, err := c.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: name})
			return err
		}},
		{"GetBackupVaultAccessPolicy", vault, func(ctx context.Context, env *policyEnv, c *awsbackup.Client) error {
			_, err := c.GetBackupVaultAccessPolicy(ctx, &awsbackup.GetBackupVaultAccessPolicyInput{BackupVaultName: name})
			return err
		}},
		{"PutBackupVaultNotifications", vault, func(ctx context.Context, env *policyEnv, c *awsbackup.Client) error {
			_, err := c.PutBackupVaultNotifications(ctx, &awsbackup.PutBackupVaultNotificationsInput{BackupVaultName: name,
				SNSTopicArn: aws.String("arn:aws:sns:us-east-1:123456789012:backup"), BackupVaultEvents: []types.BackupVaultEvent{types.BackupVaultEventBackupJobCompleted}})
			return err
		}},
		{"GetBackupVaultNotifications", vault, func(ctx context.Context, env *policyEnv, c *awsbackup.Client) error {
			_, err := c.GetBackupVaultNotifications(ctx, &awsbackup.GetBackupVaultNotificationsInput{BackupVaultName: name})
			var nf *types.ResourceNotFoundException
			if errors.As(err, &nf) {
				return nil // allowed: the vault has no notifications
			}
			return err
		}},
		{"StartBackupJob", vault, func(ctx context.Context, env *policyEnv, c *awsbackup.Client) error {
			_, err := c.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{BackupVaultName: name, ResourceArn: aws.String(apVolume), IamRoleArn: aws.String(apRole)})
			return err
		}},
		{"DescribeRecoveryPoint", point, func(ctx context.Context, env *policyEnv, c *awsbackup.Client) error {
			_, err := c.DescribeRecoveryPoint(ctx, &awsbackup.DescribeRecoveryPointInput{BackupVaultName: name, RecoveryPointArn: aws.String(env.ebsPoint)})
			return err
		}},
		{"GetRecoveryPointRestoreMetadata", point, func(ctx context.Context, env *policyEnv, c *awsbackup.Client) error {
			_, err := c.GetRecoveryPointRestoreMetadata(ctx, &awsbackup.GetRecoveryPointRestoreMetadataInput{BackupVaultName: name, RecoveryPointArn: aws.String(env.ebsPoint)})
			return err
		}},
		{"StartRestoreJob", point, func(ctx context.Context, env *policyEnv, c *awsbackup.Client) error {
			_, err := c.StartRestoreJob(ctx, &awsbackup.StartRestoreJobInput{RecoveryPointArn: aws.String(env.ebsPoint), IamRoleArn: aws.String(apRole),
				Metadata: map[string]string{"availabilityZone": "us-east-1a"}})
			return err
		}},
		{"StartCopyJob", point, func(ctx context.Context, env *policyEnv, c *awsbackup.Client) error {
			_, err := c.StartCopyJob(ctx, &awsbackup.StartCopyJobInput{SourceBackupVaultName: name, RecoveryPointArn: aws.String(env.ebsPoint),
				DestinationBackupVaultArn: aws.String("arn:aws:backup:us-west-2:123456789012:backup-vault:dr"), IamRoleArn: aws.String(apRole)})
			return err
		}},
		{"UpdateRecoveryPointLifecycle", point, func(ctx context.Context, env *policyEnv, c *awsbackup.Client) error {
			_, err := c.UpdateRecoveryPointLifecycle(ctx, &awsbackup.UpdateRecoveryPointLifecycleInput{BackupVaultName: name, RecoveryPointArn: aws.String(env.ebsPoint),
				Lifecycle: &types.Lifecycle{DeleteAfterDays: aws.Int64(400)}})
			return err
		}},
		{"DeleteRecoveryPoint", point, func(ctx context.Context, env *policyEnv, c *awsbackup.Client) error {
			_, err := c.DeleteRecoveryPoint(ctx, &awsbackup.DeleteRecoveryPointInput{BackupVaultName: name, RecoveryPointArn: aws.String(env.ebsPoint)})
			return err
		}},
		{"DeleteBackupVaultAccessPolicy", vault, func(ctx context.Context, env *policyEnv, c *awsbackup.Client) error {
			_, err := c.DeleteBackupVaultAccessPolicy(ctx, &awsbackup.DeleteBackupVaultAccessPolicyInput{BackupVaultName: name})
			return err
		}},
		{"PutBackupVaultAccessPolicy", vault, func(ctx context.Context, env *policyEnv, c *awsbackup.Client) error {
			_, err := c.PutBackupVaultAccessPolicy(ctx, &awsbackup.PutBackupVaultAccessPolicyInput{BackupVaultName: name,
				Policy: aws.String(`{"Statement":{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"backup:DescribeBackupVault","Resource":"*"}}`)})
			return err
		}},
	}
	for _, tc := range calls {
		t.Run(tc.action, func(t *testing.T) {
			t.Parallel()
			env := newPolicyEnv(t)
			ctx := t.Context()
			// Deny the operation to the operator role only.
			env.putPolicy(t, env.root, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"`+apOperator+`"},"Action":"backup:`+tc.action+`","Resource":"*"}]}`)
			requireDenied(t, tc.do(ctx, env, env.oper), env.sessionARN, "backup:"+tc.action, tc.resource(env))
			// Every other governed call still works for the operator.
			for _, other := range calls {
				if other.action == tc.action || other.action == "DeleteRecoveryPoint" || other.action == "PutBackupVaultAccessPolicy" || other.action == "DeleteBackupVaultAccessPolicy" {
					continue
				}
				assert.NoError(t, other.do(ctx, env, env.oper), "%s while only %s is denied", other.action, tc.action)
			}
			// The root user is not named, so it may (once the jobs above
			// are done with the point).
			env.clk.Advance(time.Hour)
			assert.NoError(t, tc.do(ctx, env, env.root), "%s by the root user", tc.action)
		})
	}

	t.Run("DeleteBackupVault", func(t *testing.T) {
		t.Parallel()
		env := newPolicyEnv(t)
		ctx := t.Context()
		_, err := env.root.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("empty")})
		require.NoError(t, err)
		_, err = env.root.PutBackupVaultAccessPolicy(ctx, &awsbackup.PutBackupVaultAccessPolicyInput{BackupVaultName: aws.String("empty"),
			Policy: aws.String(`{"Statement":[{"Effect":"Deny","Principal":"*","Action":"backup:DeleteBackupVault","Resource":"*"}]}`)})
		require.NoError(t, err)
		_, err = env.root.DeleteBackupVault(ctx, &awsbackup.DeleteBackupVaultInput{BackupVaultName: aws.String("empty")})
		requireDenied(t, err, env.rootARN, "backup:DeleteBackupVault", "arn:aws:backup:us-east-1:123456789012:backup-vault:empty")
	})
}

// TestVaultPolicyResourceTypes denies restores of EBS snapshots only, the
// developer guide's "Deny access to a resource type in a backup vault".
func TestVaultPolicyResourceTypes(t *testing.T) {
	t.Parallel()
	env := newPolicyEnv(t)
	ctx := t.Context()
	env.putPolicy(t, env.root, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"`+apOperator+`"},
		"Action":["backup:StartRestoreJob","backup:DeleteRecoveryPoint"],"Resource":["arn:aws:ec2:*::snapshot/*"]}]}`)
	_, err := env.oper.StartRestoreJob(ctx, &awsbackup.StartRestoreJobInput{RecoveryPointArn: aws.String(env.ebsPoint), IamRoleArn: aws.String(apRole),
		Metadata: map[string]string{"availabilityZone": "us-east-1a"}})
	requireDenied(t, err, env.sessionARN, "backup:StartRestoreJob", env.ebsPoint)
	_, err = env.oper.StartRestoreJob(ctx, &awsbackup.StartRestoreJobInput{RecoveryPointArn: aws.String(env.ddbPoint), IamRoleArn: aws.String(apRole),
		Metadata: map[string]string{"targetTableName": "orders-restored"}})
	require.NoError(t, err, "DynamoDB points are not denied")
	env.clk.Advance(time.Hour)
	_, err = env.oper.DeleteRecoveryPoint(ctx, &awsbackup.DeleteRecoveryPointInput{BackupVaultName: aws.String("main"), RecoveryPointArn: aws.String(env.ddbPoint)})
	require.NoError(t, err)

	// The console's example names the vault's ARN: it covers every point
	// in the vault.
	env.putPolicy(t, env.root, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"backup:DeleteRecoveryPoint","Resource":"`+env.vaultARN+`"}]}`)
	_, err = env.glass.DeleteRecoveryPoint(ctx, &awsbackup.DeleteRecoveryPointInput{BackupVaultName: aws.String("main"), RecoveryPointArn: aws.String(env.ebsPoint)})
	requireDenied(t, err, "arn:aws:sts::123456789012:assumed-role/BreakGlass/alice", "backup:DeleteRecoveryPoint", env.ebsPoint)
}

// TestVaultPolicyValidation checks PutBackupVaultAccessPolicy's grammar
// check and that a policy can lock its own changes.
func TestVaultPolicyValidation(t *testing.T) {
	t.Parallel()
	env := newPolicyEnv(t)
	ctx := t.Context()
	for _, bad := range []string{
		`{not json`,
		`{"Version":"2012-10-17","Statement":[]}`,
		`{"Statement":[{"Effect":"Deny","Action":"backup:DeleteRecoveryPoint","Resource":"*"}]}`,
		`{"Statement":[{"Effect":"Deny","Principal":"*","Action":"backup:DeleteRecoveryPoint","Resource":"*","Condition":{"StringEqualz":{"aws:PrincipalArn":"x"}}}]}`,
	} {
		_, err := env.root.PutBackupVaultAccessPolicy(ctx, &awsbackup.PutBackupVaultAccessPolicyInput{BackupVaultName: aws.String("main"), Policy: aws.String(bad)})
		var ipv *types.InvalidParameterValueException
		require.ErrorAs(t, err, &ipv, "%s", bad)
		assert.Contains(t, ipv.ErrorMessage(), "Policy is not a valid access policy")
	}
	_, err := env.root.GetBackupVaultAccessPolicy(ctx, &awsbackup.GetBackupVaultAccessPolicyInput{BackupVaultName: aws.String("main")})
	var nf *types.ResourceNotFoundException
	require.ErrorAs(t, err, &nf, "no bad policy was stored")

	// A policy that denies changing itself holds until a principal it
	// does not name removes it.
	env.putPolicy(t, env.root, `{"Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"`+apBreakGlass+`"},"Action":["backup:PutBackupVaultAccessPolicy","backup:DeleteBackupVaultAccessPolicy"],"Resource":"*"}]}`)
	_, err = env.root.DeleteBackupVaultAccessPolicy(ctx, &awsbackup.DeleteBackupVaultAccessPolicyInput{BackupVaultName: aws.String("main")})
	requireDenied(t, err, env.rootARN, "backup:DeleteBackupVaultAccessPolicy", env.vaultARN)
	_, err = env.glass.DeleteBackupVaultAccessPolicy(ctx, &awsbackup.DeleteBackupVaultAccessPolicyInput{BackupVaultName: aws.String("main")})
	require.NoError(t, err)
	_, err = env.root.DeleteRecoveryPoint(ctx, &awsbackup.DeleteRecoveryPointInput{BackupVaultName: aws.String("main"), RecoveryPointArn: aws.String(env.ddbPoint)})
	require.NoError(t, err, "no policy, nothing denied")
}

// TestCopyIntoVaultPolicy checks backup:CopyIntoBackupVault by evaluation:
// from another account the destination policy must allow the copy job's
// role (or its account or organization); an explicit deny refuses even
// within one account.
func TestCopyIntoVaultPolicy(t *testing.T) {
	t.Parallel()
	const central = "210987654321"
	cases := []struct {
		name    string
		account string // destination account
		policy  string
		ok      bool
	}{
		{"cross-account without policy", central, "", false},
		{"cross-account allowed by account", central, `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"backup:CopyIntoBackupVault","Resource":"*"}]}`, true},
		{"cross-account allowed by role", central, `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"` + apRole + `"},"Action":"backup:CopyIntoBackupVault","Resource":"*"}]}`, true},
		{"cross-account other role", central, `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"` + apOperator + `"},"Action":"backup:CopyIntoBackupVault","Resource":"*"}]}`, false},
		{"cross-account other action", central, `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"backup:CopyFromBackupVault","Resource":"*"}]}`, false},
		{"text mentions the action in a deny", central, `{"Statement":[{"Effect":"Deny","Principal":"*","Action":"backup:CopyIntoBackupVault","Resource":"*"}]}`, false},
		{"organization condition, another organization", central, `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"backup:CopyIntoBackupVault","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}`, false},
		{"organization condition, its organization", central, `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"backup:CopyIntoBackupVault","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"` + orgstate.ID + `"}}}]}`, true},
		{"organization path condition", central, `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"backup:CopyIntoBackupVault","Resource":"*","Condition":{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"` + orgstate.ID + `/` + orgstate.RootID + `/*"}}}]}`, true},
		{"same account without policy", "123456789012", "", true},
		{"same account explicit deny", "123456789012", `{"Statement":[{"Effect":"Deny","Principal":"*","Action":"backup:CopyIntoBackupVault","Resource":"*"}]}`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := newPolicyEnv(t)
			ctx := t.Context()
			_, err := env.root.UpdateGlobalSettings(ctx, &awsbackup.UpdateGlobalSettingsInput{GlobalSettings: map[string]string{"isCrossAccountBackupEnabled": "true"}})
			require.NoError(t, err)
			dst := env.srv.ClientFor(tc.account, "us-west-2")
			out, err := dst.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("central")})
			require.NoError(t, err)
			if tc.policy != "" {
				_, err = dst.PutBackupVaultAccessPolicy(ctx, &awsbackup.PutBackupVaultAccessPolicyInput{BackupVaultName: aws.String("central"), Policy: aws.String(tc.policy)})
				require.NoError(t, err)
			}
			cj, err := env.root.StartCopyJob(ctx, &awsbackup.StartCopyJobInput{SourceBackupVaultName: aws.String("main"), RecoveryPointArn: aws.String(env.ebsPoint),
				DestinationBackupVaultArn: out.BackupVaultArn, IamRoleArn: aws.String(apRole)})
			require.NoError(t, err)
			env.clk.Advance(time.Hour)
			d, err := env.root.DescribeCopyJob(ctx, &awsbackup.DescribeCopyJobInput{CopyJobId: cj.CopyJobId})
			require.NoError(t, err)
			if tc.ok {
				assert.Equal(t, types.CopyJobStateCompleted, d.CopyJob.State, aws.ToString(d.CopyJob.StatusMessage))
				return
			}
			assert.Equal(t, types.CopyJobStateFailed, d.CopyJob.State)
			assert.Contains(t, aws.ToString(d.CopyJob.StatusMessage), "Access denied")
			assert.Contains(t, aws.ToString(d.CopyJob.StatusMessage), "backup:CopyIntoBackupVault")
			assert.Equal(t, "ACCESS_DENIED", aws.ToString(d.CopyJob.MessageCategory))
		})
	}
}
