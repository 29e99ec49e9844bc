// Package sts answers AWS STS (awsQuery protocol) over the emulated
// organization: AssumeRole issues credentials whose access key id ends in
// the role's account, so every later call with them lands in that
// account's partition of the emulator, and GetCallerIdentity says who a
// caller is.
//
// Known differences from AWS: a role's trust policy is a list of trusted
// accounts and an optional external id (internal/orgstate Role), not an
// IAM policy document; session policies, tags, MFA and source identity
// are accepted and ignored; issued credentials never expire in the
// emulator (Expiration is still reported).
package sts

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/backupkit/backupkit/backuptest/internal/orgstate"
	"github.com/backupkit/backupkit/backuptest/internal/protocol/query"
	"github.com/backupkit/backupkit/backuptest/internal/serve"
	"github.com/backupkit/backupkit/internal/awsid"
)

// Namespace is STS's XML namespace.
const Namespace = "https://sts.amazonaws.com/doc/2011-06-15/"

// New returns the STS service with its handlers.
func New() *serve.Service {
	s := serve.NewService("sts", query.NewAWSQuery(Namespace, wireModel))
	s.Register("AssumeRole", serve.Handle(assumeRole))
	s.Register("GetCallerIdentity", serve.Handle(getCallerIdentity))
	return s
}

func validation(format string, args ...any) error {
	return serve.Errorf(http.StatusBadRequest, "ValidationError", format, args...)
}

// Session length bounds of AssumeRole, and the one-hour cap when the
// caller is itself an assumed role (role chaining).
const (
	minDuration   = 15 * time.Minute
	maxDuration   = 12 * time.Hour
	chainDuration = time.Hour
	defDuration   = time.Hour
)

var credentialRE = regexp.MustCompile(`Credential=([^/,\s]+)/`)

// accessKey is the caller's access key id, from the SigV4 Authorization
// header.
func accessKey(r *serve.Request) string {
	if r.HTTP == nil {
		return ""
	}
	if m := credentialRE.FindStringSubmatch(r.HTTP.Header.Get("Authorization")); m != nil {
		return m[1]
	}
	return r.HTTP.URL.Query().Get("X-Amz-Credential")
}

// callerARN is the caller's identity: the assumed-role session its access
// key was issued for, else an IAM user of its account.
func callerARN(r *serve.Request) (arnStr string, session *orgstate.Session) {
	if s, ok := r.Org.SessionOf(accessKey(r)); ok {
		return fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/%s", s.Account, s.Role, s.Name), &s
	}
	return fmt.Sprintf("arn:aws:iam::%s:user/backupkit", r.Account), nil
}

func random(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func assumeRole(r *serve.Request, in *awssts.AssumeRoleInput) (*awssts.AssumeRoleOutput, error) {
	roleARN := aws.ToString(in.RoleArn)
	a, err := arn.Parse(roleARN)
	if err != nil || a.Service != "iam" || !strings.HasPrefix(a.Resource, "role/") || !awsid.AccountID(a.AccountID) {
		return nil, validation("%q is not a valid role ARN (arn:aws:iam::ACCOUNT:role/NAME)", roleARN)
	}
	path := strings.TrimPrefix(a.Resource, "role/")
	name := path[strings.LastIndexByte(path, '/')+1:]
	if !awsid.RoleName(path) {
		return nil, validation("%q is not a valid role name", path)
	}
	session := aws.ToString(in.RoleSessionName)
	if !awsid.SessionName(session) {
		return nil, validation("1 validation error detected: Value '%s' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]* and have length 2-64", session)
	}
	if in.ExternalId != nil && !awsid.ExternalID(*in.ExternalId) {
		return nil, validation("1 validation error detected: Value at 'externalId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@:/-]* and have length 2-1224")
	}
	caller, chained := callerARN(r)
	d := defDuration
	if in.DurationSeconds != nil {
		d = time.Duration(*in.DurationSeconds) * time.Second
		if d < minDuration || d > maxDuration {
			return nil, validation("1 validation error detected: Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200", *in.DurationSeconds)
		}
		if chained != nil && d > chainDuration {
			return nil, validation("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
		}
	}
	if why := r.Org.CanAssume(r.Account, a.AccountID, name, aws.ToString(in.ExternalId)); why != "" {
		return nil, serve.Errorf(http.StatusForbidden, "AccessDenied", "User: %s is not authorized to perform: sts:AssumeRole on resource: %s (emulator: %s)", caller, roleARN, why)
	}
	// AWS access key ids are 20 characters; the last 12 name the account
	// here, which is how the emulator routes every later call.
	akid := "ASIA" + strings.ToUpper(random(2)) + a.AccountID
	r.Org.AddSession(akid, orgstate.Session{Account: a.AccountID, Role: name, Name: session})
	roleID := "AROA" + strings.ToUpper(random(8))
	return &awssts.AssumeRoleOutput{
		Credentials: &ststypes.Credentials{
			AccessKeyId: aws.String(akid), SecretAccessKey: aws.String(random(20)), SessionToken: aws.String("backupkit-" + random(32)),
			Expiration: aws.Time(r.Now.Add(d).UTC().Truncate(time.Second)),
		},
		AssumedRoleUser: &ststypes.AssumedRoleUser{
			AssumedRoleId: aws.String(roleID + ":" + session),
			Arn:           aws.String(fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/%s", a.AccountID, name, session)),
		},
		PackedPolicySize: aws.Int32(0),
	}, nil
}

func getCallerIdentity(r *serve.Request, _ *awssts.GetCallerIdentityInput) (*awssts.GetCallerIdentityOutput, error) {
	callerArn, s := callerARN(r)
	userID := "AIDA" + strings.ToUpper(hex.EncodeToString([]byte(r.Account))[:16])
	if s != nil {
		userID = "AROA" + strings.ToUpper(hex.EncodeToString([]byte(s.Role + s.Account))[:16]) + ":" + s.Name
	}
	return &awssts.GetCallerIdentityOutput{Account: aws.String(r.Account), Arn: aws.String(callerArn), UserId: aws.String(userID)}, nil
}
