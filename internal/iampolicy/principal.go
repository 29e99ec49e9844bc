package iampolicy

import (
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
)

// Principal is who makes a request: what the request's credentials stand
// for. It fills the Principal element's match and the aws:Principal… and
// aws:userid condition keys.
type Principal struct {
	// Account is the principal's 12-digit account id.
	Account string
	// ARN is the caller's ARN as STS GetCallerIdentity reports it:
	// arn:aws:iam::ACCOUNT:root, arn:aws:iam::ACCOUNT:user/NAME or
	// arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION. Empty for a service
	// principal.
	ARN string
	// RoleARN is the IAM role of an assumed-role session
	// (arn:aws:iam::ACCOUNT:role/PATH/ROLE); aws:PrincipalArn reports it.
	RoleARN string
	// UserID is aws:userid: the account id for the root user,
	// ROLEID:SESSION for an assumed role.
	UserID string
	// OrgID and OrgPaths are the principal's AWS Organizations id
	// (aws:PrincipalOrgID) and organization paths (aws:PrincipalOrgPaths,
	// "o-…/r-…/ou-…/"); empty outside an organization.
	OrgID    string
	OrgPaths []string
	// Service is a service principal ("backup.amazonaws.com") when a
	// service calls on its own behalf.
	Service string
}

// Root is an account's root user (also what an access key of the account
// stands for when nothing more is known).
func Root(account string) Principal {
	return Principal{Account: account, ARN: "arn:aws:iam::" + account + ":root", UserID: account}
}

// AssumedRole is a session of an IAM role: roleARN is the role's ARN
// (with its path, if any), session the role session name.
func AssumedRole(roleARN, session string) (Principal, error) {
	a, err := arn.Parse(roleARN)
	if err != nil || a.Service != "iam" || !strings.HasPrefix(a.Resource, "role/") || !isAccountID(a.AccountID) {
		return Principal{}, fmt.Errorf("iampolicy: %q is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)", roleARN)
	}
	if session == "" {
		return Principal{}, fmt.Errorf("iampolicy: an assumed role needs a session name")
	}
	name := a.Resource[strings.LastIndexByte(a.Resource, '/')+1:]
	return Principal{
		Account: a.AccountID,
		ARN:     fmt.Sprintf("arn:%s:sts::%s:assumed-role/%s/%s", a.Partition, a.AccountID, name, session),
		RoleARN: roleARN,
		UserID:  RoleID(roleARN) + ":" + session,
	}, nil
}

// ServicePrincipal is an AWS service acting on its own behalf.
func ServicePrincipal(service string) Principal { return Principal{Service: service} }

// RoleID is a stable stand-in for a role's unique id (AROA…, 21
// characters), derived from its ARN, so aws:userid conditions such as
// "AROA…:*" can be written against a role.
func RoleID(roleARN string) string {
	sum := sha256.Sum256([]byte(roleARN))
	return "AROA" + base32.StdEncoding.EncodeToString(sum[:])[:17]
}

// PrincipalArn is aws:PrincipalArn: the role ARN of an assumed role, else
// the caller's ARN.
func (p Principal) PrincipalArn() string {
	if p.RoleARN != "" {
		return p.RoleARN
	}
	return p.ARN
}

// principalType is aws:PrincipalType.
func (p Principal) principalType() string {
	switch {
	case p.Service != "":
		return ""
	case p.RoleARN != "":
		return "AssumedRole"
	case strings.HasSuffix(p.ARN, ":root"):
		return "Account"
	case strings.Contains(p.ARN, ":federated-user/"):
		return "FederatedUser"
	default:
		return "User"
	}
}

// contextKeys are the principal's global condition keys, lower-cased.
func (p Principal) contextKeys(into map[string][]string) {
	set := func(k, v string) {
		if v != "" {
			into[k] = []string{v}
		}
	}
	if p.Service != "" {
		set("aws:principalservicename", p.Service)
		set("aws:principalisawsservice", "true")
		return
	}
	set("aws:principalisawsservice", "false")
	set("aws:principalarn", p.PrincipalArn())
	set("aws:principalaccount", p.Account)
	set("aws:principaltype", p.principalType())
	set("aws:userid", p.UserID)
	set("aws:principalorgid", p.OrgID)
	if len(p.OrgPaths) > 0 {
		into["aws:principalorgpaths"] = append([]string(nil), p.OrgPaths...)
	}
	if p.principalType() == "User" {
		set("aws:username", p.ARN[strings.LastIndexByte(p.ARN, '/')+1:])
	}
}

// matches reports whether the principal is one that ps names.
func (ps *Principals) matches(p Principal) bool {
	if ps.Any {
		return true
	}
	for _, s := range ps.Service {
		if p.Service != "" && s == p.Service {
			return true
		}
	}
	if p.Service != "" {
		return false
	}
	for _, a := range ps.AWS {
		switch {
		case isAccountID(a):
			if a == p.Account {
				return true
			}
		case strings.HasSuffix(a, ":root"):
			// arn:aws:iam::ACCOUNT:root names the whole account.
			if acct := accountOfARN(a); acct != "" && acct == p.Account {
				return true
			}
		case a == p.ARN || (p.RoleARN != "" && a == p.RoleARN):
			return true
		}
	}
	return false
}

func accountOfARN(s string) string {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 {
		return ""
	}
	return parts[4]
}
