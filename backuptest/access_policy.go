package backuptest

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/backupkit/backupkit/backuptest/internal/orgstate"
	"github.com/backupkit/backupkit/internal/awsid"
	"github.com/backupkit/backupkit/internal/iampolicy"
)

// Vault access policies, enforced. AWS Backup evaluates a vault's
// resource-based policy for the calls on the vault and on the recovery
// points in it; an explicit Deny answers AccessDeniedException (403), and
// a copy from another account needs an Allow for backup:CopyIntoBackupVault
// in the destination vault's policy.
//
// The governed actions are those the AWS Backup developer guide's vault
// access policy examples name, on the vault
// (https://docs.aws.amazon.com/aws-backup/latest/devguide/create-a-vault-access-policy.html,
// "Deny access to backup vault operations"; the console's default policy),
// on its recovery points ("Deny access to a resource type in a backup
// vault", "Deny access to delete recovery points in a backup vault") and
// the ones AWS's own default policy of the EFS automatic backup vault
// denies (StartCopyJob, StartRestoreJob):
var vaultPolicyActions = map[string]bool{
	"DescribeBackupVault":             true,
	"DeleteBackupVault":               true,
	"PutBackupVaultAccessPolicy":      true,
	"DeleteBackupVaultAccessPolicy":   true,
	"GetBackupVaultAccessPolicy":      true,
	"StartBackupJob":                  true,
	"GetBackupVaultNotifications":     true,
	"PutBackupVaultNotifications":     true,
	"DescribeRecoveryPoint":           true,
	"DeleteRecoveryPoint":             true,
	"UpdateRecoveryPointLifecycle":    true,
	"GetRecoveryPointRestoreMetadata": true,
	"StartRestoreJob":                 true,
	"StartCopyJob":                    true,
	// backup:CopyIntoBackupVault is checked when a copy job starts
	// (copyIntoDenied), on the destination vault.
}

// accessState is what the emulator keeps for authorization: parsed vault
// policies by their text (used with e.mu held).
type accessState struct {
	policies map[string]*iampolicy.Policy
}

// principalOf is the principal a request's credentials stand for: the
// assumed-role session STS issued its access key for, else the root user
// of the request's account (identify).
func (e *Emulator) principalOf(r *http.Request, account string) iampolicy.Principal {
	if m := credentialScope.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		if s, ok := e.org.SessionOf(m[1]); ok {
			p, err := iampolicy.AssumedRole(fmt.Sprintf("arn:aws:iam::%s:role/%s", s.Account, s.Role), s.Name)
			if err == nil {
				e.withOrg(&p)
				return p
			}
		}
	}
	return e.accountPrincipal(account)
}

// accountPrincipal is an account's root user, with its organization.
func (e *Emulator) accountPrincipal(account string) iampolicy.Principal {
	p := iampolicy.Root(account)
	e.withOrg(&p)
	return p
}

// withOrg fills aws:PrincipalOrgID and aws:PrincipalOrgPaths from the
// emulated organization.
func (e *Emulator) withOrg(p *iampolicy.Principal) {
	if path, ok := e.org.OrgPath(p.Account); ok {
		p.OrgID, p.OrgPaths = orgstate.ID, []string{path}
	}
}

// checkAccessPolicy validates a vault access policy as
// PutBackupVaultAccessPolicy does: IAM's policy grammar, every problem at
// once.
func checkAccessPolicy(doc string) error {
	if _, err := iampolicy.Parse(doc); err != nil {
		return invalidParam("Policy is not a valid access policy: %v", err)
	}
	return nil
}

// parsedPolicy returns a vault's parsed access policy, nil without one.
// Called with e.mu held.
func (e *Emulator) parsedPolicy(v *vault) *iampolicy.Policy {
	if v == nil || v.AccessPolicy == "" {
		return nil
	}
	if p, ok := e.access.policies[v.AccessPolicy]; ok {
		return p
	}
	p, err := iampolicy.Parse(v.AccessPolicy)
	if err != nil {
		// Stored before policies were checked (an old --state file): it
		// governs nothing, as AWS would not have accepted it.
		p = nil
	}
	if e.access.policies == nil || len(e.access.policies) > 1000 {
		e.access.policies = map[string]*iampolicy.Policy{}
	}
	e.access.policies[v.AccessPolicy] = p
	return p
}

// requestContext is the request's global condition keys besides the
// principal's. aws:SecureTransport is "true": clients reach AWS over TLS,
// and a policy denying plain HTTP must not lock tests out.
func requestContext(now time.Time, region, resourceAccount string) map[string][]string {
	return map[string][]string{
		"aws:CurrentTime":     {now.UTC().Format(time.RFC3339)},
		"aws:EpochTime":       {strconv.FormatInt(now.Unix(), 10)},
		"aws:SecureTransport": {"true"},
		"aws:RequestedRegion": {region},
		"aws:ResourceAccount": {resourceAccount},
	}
}

// authorize evaluates the access policy of the vault an operation works
// on, before the handler runs. It answers only with AccessDeniedException;
// a vault or recovery point that does not exist is left to the handler.
// Called with e.mu held.
func (c *opCtx) authorize(in any) error {
	if !vaultPolicyActions[c.op] {
		return nil
	}
	var name, account, rpARN *string
	switch in := in.(type) {
	case *awsbackup.DescribeBackupVaultInput:
		name, account = in.BackupVaultName, in.BackupVaultAccountId
	case *awsbackup.DeleteBackupVaultInput:
		name = in.BackupVaultName
	case *awsbackup.PutBackupVaultAccessPolicyInput:
		name = in.BackupVaultName
	case *awsbackup.GetBackupVaultAccessPolicyInput:
		name = in.BackupVaultName
	case *awsbackup.DeleteBackupVaultAccessPolicyInput:
		name = in.BackupVaultName
	case *awsbackup.GetBackupVaultNotificationsInput:
		name = in.BackupVaultName
	case *awsbackup.PutBackupVaultNotificationsInput:
		name = in.BackupVaultName
	case *awsbackup.StartBackupJobInput:
		name = in.BackupVaultName
	case *awsbackup.DescribeRecoveryPointInput:
		name, account, rpARN = in.BackupVaultName, in.BackupVaultAccountId, in.RecoveryPointArn
	case *awsbackup.GetRecoveryPointRestoreMetadataInput:
		name, account, rpARN = in.BackupVaultName, in.BackupVaultAccountId, in.RecoveryPointArn
	case *awsbackup.DeleteRecoveryPointInput:
		name, rpARN = in.BackupVaultName, in.RecoveryPointArn
	case *awsbackup.UpdateRecoveryPointLifecycleInput:
		name, rpARN = in.BackupVaultName, in.RecoveryPointArn
	case *awsbackup.StartCopyJobInput:
		name, rpARN = in.SourceBackupVaultName, in.RecoveryPointArn
	case *awsbackup.StartRestoreJobInput:
		// The recovery point names its vault.
		if in.RecoveryPointArn == nil {
			return nil
		}
		rp := c.rs().RecoveryPoints[*in.RecoveryPointArn]
		if rp == nil {
			return nil
		}
		name, rpARN = &rp.VaultName, &rp.ARN
	default:
		return nil
	}
	if name == nil {
		return nil
	}
	rs := c.rs()
	if account != nil && *account != "" && *account != c.account {
		if !awsid.AccountID(*account) {
			return nil
		}
		rs = c.rsFor(*account, c.region)
	}
	v := rs.Vaults[*name]
	pol := c.e.parsedPolicy(v)
	if pol == nil {
		return nil
	}
	req := iampolicy.Request{Principal: c.principal, Action: "backup:" + c.op, Resource: v.ARN,
		Context: requestContext(c.now, c.region, rs.Account)}
	if rpARN != nil {
		rp := rs.RecoveryPoints[*rpARN]
		if rp == nil || rp.VaultName != v.Name {
			return nil
		}
		// A recovery point is named by its own ARN; AWS's examples also
		// name the vault's ARN for "the backups in this vault".
		req.Resource, req.Aliases = rp.ARN, []string{v.ARN}
	}
	if d, _ := pol.Evaluate(req); d == iampolicy.Denied {
		return accessDenied(c.principal, req.Action, req.Resource)
	}
	return nil
}

// accessDenied is AWS's answer to a call a resource-based policy denies.
func accessDenied(p iampolicy.Principal, action, resource string) *APIError {
	who := p.ARN
	if who == "" {
		who = p.Service
	}
	return apiErr(CodeAccessDenied, "User: %s is not authorized to perform: %s on resource: %s with an explicit deny in a resource-based policy", who, action, resource)
}

// copyIntoDenied reports why the destination vault's access policy
// refuses a copy job's backup:CopyIntoBackupVault, "" when it allows it.
// AWS Backup copies with the job's IAM role, so the principal is a session
// of that role in the source account. Within one account an explicit Deny
// refuses; from another account the policy must also Allow. Called with
// e.mu held.
func (e *Emulator) copyIntoDenied(src *regionState, s copyJobSpec) string {
	dv := s.dv
	if dv == nil {
		return ""
	}
	who, err := iampolicy.AssumedRole(s.iamRole, "AWSBackup-"+src.Account)
	if err != nil {
		who = iampolicy.Root(src.Account)
	}
	e.withOrg(&who)
	crossAccount := s.dAccount != src.Account
	pol := e.parsedPolicy(dv)
	if pol == nil {
		if crossAccount {
			return fmt.Sprintf("Access denied: backup vault %s has no access policy allowing backup:CopyIntoBackupVault from account %s", dv.ARN, src.Account)
		}
		return ""
	}
	d, _ := pol.Evaluate(iampolicy.Request{Principal: who, Action: "backup:CopyIntoBackupVault", Resource: dv.ARN,
		Context: requestContext(s.now, s.dRegion, s.dAccount)})
	switch {
	case d == iampolicy.Denied:
		return fmt.Sprintf("Access denied: %s is not authorized to perform backup:CopyIntoBackupVault on %s: an explicit deny in the vault's access policy", who.ARN, dv.ARN)
	case crossAccount && d != iampolicy.Allowed:
		return fmt.Sprintf("Access denied: the access policy of backup vault %s does not allow backup:CopyIntoBackupVault from %s (account %s)", dv.ARN, who.ARN, src.Account)
	}
	return ""
}
