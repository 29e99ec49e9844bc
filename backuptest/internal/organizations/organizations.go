// Package organizations answers AWS Organizations (awsJson 1.1) over the
// emulated organization (internal/orgstate): accounts, OUs and their tags;
// trusted service access and delegated administrators; backup policies,
// their attachments, the root's policy types and effective policies.
//
// Who may call what follows AWS: a caller outside the organization gets
// AWSOrganizationsNotInUseException; changes are for the management
// account; the read operations are for the management account and any
// delegated administrator; a member may describe the organization and its
// own effective policy. Others get AccessDeniedException.
//
// Known differences from AWS: a delegated administrator of any service may
// call every read operation (AWS lets an account registered for a service
// read only what that service needs); ListDelegatedAdministrators,
// ListPolicies and ListTargetsForPolicy answer in one page.
package organizations

import (
	"context"
	"errors"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsorg "github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/smithy-go"

	"github.com/backupkit/backupkit/backuptest/internal/orgstate"
	"github.com/backupkit/backupkit/backuptest/internal/protocol/awsjson"
	"github.com/backupkit/backupkit/backuptest/internal/serve"
)

// TargetPrefix is Organizations' X-Amz-Target prefix.
const TargetPrefix = "AWSOrganizationsV20161128."

// access says who may call an operation.
type access int

const (
	manage   access = iota // the management account only
	read                   // the management account or a delegated administrator
	member                 // any account of the organization
	selfOrUp               // a member for itself, the management account for any
)

// New returns the Organizations service with its handlers.
func New() *serve.Service {
	s := serve.NewService("organizations", awsjson.New("1.1", TargetPrefix))
	s.TargetPrefix = TargetPrefix
	s.Register("DescribeOrganization", op(member, (*orgstate.Org).DescribeOrganization))
	s.Register("ListRoots", op(read, (*orgstate.Org).ListRoots))
	s.Register("ListAccounts", op(read, (*orgstate.Org).ListAccounts))
	s.Register("ListAccountsForParent", op(read, (*orgstate.Org).ListAccountsForParent))
	s.Register("ListOrganizationalUnitsForParent", op(read, (*orgstate.Org).ListOrganizationalUnitsForParent))
	s.Register("ListTagsForResource", op(read, (*orgstate.Org).ListTagsForResource))
	s.Register("ListDelegatedAdministrators", op(read, (*orgstate.Org).ListDelegatedAdministrators))
	s.Register("RegisterDelegatedAdministrator", op(manage, (*orgstate.Org).RegisterDelegatedAdministrator))
	s.Register("DeregisterDelegatedAdministrator", op(manage, (*orgstate.Org).DeregisterDelegatedAdministrator))
	s.Register("EnableAWSServiceAccess", op(manage, (*orgstate.Org).EnableAWSServiceAccess))
	s.Register("ListAWSServiceAccessForOrganization", op(read, (*orgstate.Org).ListAWSServiceAccessForOrganization))
	s.Register("CreatePolicy", op(manage, (*orgstate.Org).CreatePolicy))
	s.Register("UpdatePolicy", op(manage, (*orgstate.Org).UpdatePolicy))
	s.Register("DescribePolicy", op(read, (*orgstate.Org).DescribePolicy))
	s.Register("ListPolicies", op(read, (*orgstate.Org).ListPolicies))
	s.Register("AttachPolicy", op(manage, (*orgstate.Org).AttachPolicy))
	s.Register("ListTargetsForPolicy", op(read, (*orgstate.Org).ListTargetsForPolicy))
	s.Register("EnablePolicyType", op(manage, (*orgstate.Org).EnablePolicyType))
	s.Register("DescribeEffectivePolicy", serve.Handle(describeEffectivePolicy))
	return s
}

// op serves an operation by the organization's method of the same name,
// after checking the caller may call it.
func op[I, O any](who access, method func(*orgstate.Org, context.Context, *I, ...func(*awsorg.Options)) (*O, error)) serve.Operation {
	return serve.Handle(func(r *serve.Request, in *I) (*O, error) {
		if err := allowed(r, who, ""); err != nil {
			return nil, err
		}
		out, err := method(r.Org, r.Context, in)
		return out, apiError(err)
	})
}

func describeEffectivePolicy(r *serve.Request, in *awsorg.DescribeEffectivePolicyInput) (*awsorg.DescribeEffectivePolicyOutput, error) {
	target := aws.ToString(in.TargetId)
	if target == "" {
		target = r.Account
		in.TargetId = aws.String(target)
	}
	if err := allowed(r, selfOrUp, target); err != nil {
		return nil, err
	}
	out, err := r.Org.DescribeEffectivePolicy(r.Context, in)
	return out, apiError(err)
}

func allowed(r *serve.Request, who access, target string) error {
	if !r.Org.IsMember(r.Account) {
		return serve.Errorf(http.StatusBadRequest, "AWSOrganizationsNotInUseException", "Your account %s is not a member of an organization.", r.Account)
	}
	mgmt := r.Account == r.Org.Management()
	ok := false
	switch who {
	case manage:
		ok = mgmt
	case read:
		ok = mgmt || r.Org.IsAnyDelegatedAdmin(r.Account)
	case member:
		ok = true
	case selfOrUp:
		ok = mgmt || target == r.Account
	}
	if !ok {
		return serve.Errorf(http.StatusBadRequest, "AccessDeniedException", "You don't have permissions to access this resource. (emulator: %s calls this operation from account %s, which is not the management account%s)", r.Operation, r.Account, map[bool]string{true: " or a delegated administrator", false: ""}[who == read])
	}
	return nil
}

// apiError turns the organization's typed SDK errors into wire errors with
// the same code and message.
func apiError(err error) error {
	if err == nil {
		return nil
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return serve.Errorf(http.StatusBadRequest, ae.ErrorCode(), "%s", ae.ErrorMessage())
	}
	return err
}
