package backuptest

// Multi-party approval (MPA) teams of logically air-gapped vaults
// (Associate/DisassociateBackupVaultMpaApprovalTeam) and the restore
// access backup vaults they approve (CreateRestoreAccessBackupVault,
// ListRestoreAccessBackupVaults, RevokeRestoreAccessBackupVault).
//
// As AWS documents
// (https://docs.aws.amazon.com/aws-backup/latest/devguide/multipartyapproval.html):
// an approval team is associated with a logically air-gapped vault; a
// restore access backup vault (type RESTORE_ACCESS_BACKUP_VAULT) gives
// temporary access to that vault's recovery points once the team approves,
// and revoking it deletes it for good.
//
// Known difference: the emulator has no MPA service, so every approval
// session is approved at once: a team update takes effect immediately, a
// restore access vault is AVAILABLE when created, and a revocation deletes
// the vault on the spot. A restore access vault lists no recovery points
// of its source vault.

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/backupkit/backupkit/internal/awsid"
)

// mpaAssociation is the approval team of one logically air-gapped vault.
type mpaAssociation struct {
	TeamARN    string
	SessionARN string
	// UpdateSessionARN and UpdateAt describe the latest team update
	// (LatestMpaApprovalTeamUpdate).
	UpdateSessionARN string
	UpdateAt         time.Time
}

// restoreAccess is a restore access backup vault, kept in the Region state
// of the account that created it, by vault name.
type restoreAccess struct {
	VaultARN       string
	SourceVaultARN string
	CreationDate   time.Time
	ApprovalDate   time.Time
}

func (e *Emulator) registerMpa() {
	e.register("AssociateBackupVaultMpaApprovalTeam", handle(associateBackupVaultMpaApprovalTeam))
	e.register("DisassociateBackupVaultMpaApprovalTeam", handle(disassociateBackupVaultMpaApprovalTeam))
	e.register("CreateRestoreAccessBackupVault", handle(createRestoreAccessBackupVault))
	e.register("ListRestoreAccessBackupVaults", handle(listRestoreAccessBackupVaults))
	e.register("RevokeRestoreAccessBackupVault", handle(revokeRestoreAccessBackupVault))
}

func (r *regionState) mpaTeams() map[string]*mpaAssociation {
	if r.MpaTeams == nil {
		r.MpaTeams = map[string]*mpaAssociation{}
	}
	return r.MpaTeams
}

// liveRestoreAccess returns the restore access record of the vault name
// when that vault is still a restore access vault.
func (r *regionState) liveRestoreAccess(name string) *restoreAccess {
	ra := r.RestoreAccess[name]
	if v := r.Vaults[name]; ra == nil || v == nil || v.ARN != ra.VaultARN || v.Type != types.VaultTypeRestoreAccessBackupVault {
		return nil
	}
	return ra
}

func (r *regionState) restoreAccessVaults() map[string]*restoreAccess {
	if r.RestoreAccess == nil {
		r.RestoreAccess = map[string]*restoreAccess{}
	}
	return r.RestoreAccess
}

// airGappedVault returns the caller's logically air-gapped vault.
func (c *opCtx) airGappedVault(name *string) (*vault, error) {
	v, err := c.vaultOf(name)
	if err != nil {
		return nil, err
	}
	if v.Type != types.VaultTypeLogicallyAirGappedBackupVault {
		return nil, invalidRequest("Backup vault %s is a %s; multi-party approval is for logically air-gapped backup vaults", v.Name, v.Type)
	}
	return v, nil
}

func (c *opCtx) mpaSessionARN() string {
	return fmt.Sprintf("arn:aws:mpa:%s:%s:session/%s", c.region, c.account, strings.ReplaceAll(newID(), "-", ""))
}

func associateBackupVaultMpaApprovalTeam(c *opCtx, in *awsbackup.AssociateBackupVaultMpaApprovalTeamInput) (*struct{}, error) {
	if err := checkVaultName(in.BackupVaultName); err != nil {
		return nil, err
	}
	if in.MpaApprovalTeamArn == nil || *in.MpaApprovalTeamArn == "" {
		return nil, missingParam("MpaApprovalTeamArn")
	}
	if a, err := arn.Parse(*in.MpaApprovalTeamArn); err != nil || a.Service != "mpa" || !strings.HasPrefix(a.Resource, "approval-team/") {
		return nil, invalidParam("MpaApprovalTeamArn %q is not an MPA approval team ARN (arn:aws:mpa:REGION:ACCOUNT:approval-team/ID)", *in.MpaApprovalTeamArn)
	}
	v, err := c.airGappedVault(in.BackupVaultName)
	if err != nil {
		return nil, err
	}
	teams := c.rs().mpaTeams()
	a := teams[v.Name]
	switch {
	case a == nil:
		teams[v.Name] = &mpaAssociation{TeamARN: *in.MpaApprovalTeamArn, SessionARN: c.mpaSessionARN()}
	case a.TeamARN != *in.MpaApprovalTeamArn:
		// An update is approved by the current team; approved at once here.
		a.TeamARN, a.UpdateSessionARN, a.UpdateAt = *in.MpaApprovalTeamArn, c.mpaSessionARN(), c.now
		a.SessionARN = a.UpdateSessionARN
	}
	return nil, nil
}

func disassociateBackupVaultMpaApprovalTeam(c *opCtx, in *awsbackup.DisassociateBackupVaultMpaApprovalTeamInput) (*struct{}, error) {
	v, err := c.airGappedVault(in.BackupVaultName)
	if err != nil {
		return nil, err
	}
	teams := c.rs().mpaTeams()
	if teams[v.Name] == nil {
		return nil, invalidRequest("Backup vault %s has no MPA approval team", v.Name)
	}
	delete(teams, v.Name)
	return nil, nil
}

// describeMpa adds a vault's MPA team and restore access source to
// DescribeBackupVault's answer.
func (c *opCtx) describeMpa(v *vault, out *awsbackup.DescribeBackupVaultOutput) {
	rs := c.rs()
	if a := rs.MpaTeams[v.Name]; a != nil {
		out.MpaApprovalTeamArn, out.MpaSessionArn = aws.String(a.TeamARN), aws.String(a.SessionARN)
		if a.UpdateSessionARN != "" {
			out.LatestMpaApprovalTeamUpdate = &types.LatestMpaApprovalTeamUpdate{MpaSessionArn: aws.String(a.UpdateSessionARN),
				Status: types.MpaSessionStatusApproved, InitiationDate: timePtr(a.UpdateAt)}
		}
	}
	if ra := rs.liveRestoreAccess(v.Name); ra != nil {
		out.SourceBackupVaultArn = aws.String(ra.SourceVaultARN)
	}
}

// sourceVault resolves a backup vault ARN to its vault, in any account.
func (c *opCtx) sourceVault(field string, a *string) (*regionState, *vault, error) {
	if a == nil || *a == "" {
		return nil, nil, missingParam(field)
	}
	p, err := arn.Parse(*a)
	if err != nil || p.Service != "backup" || !strings.HasPrefix(p.Resource, "backup-vault:") || !awsid.AccountID(p.AccountID) {
		return nil, nil, invalidParam("%s %q is not a backup vault ARN (arn:aws:backup:REGION:ACCOUNT:backup-vault:NAME)", field, *a)
	}
	if p.Region != c.region {
		return nil, nil, invalidParam("%s %q is in %s; a restore access backup vault is created in the source vault's Region", field, *a, p.Region)
	}
	rs := c.rsFor(p.AccountID, p.Region)
	v := rs.Vaults[strings.TrimPrefix(p.Resource, "backup-vault:")]
	if v == nil {
		return nil, nil, notFound("Backup vault %s does not exist", *a)
	}
	return rs, v, nil
}

func createRestoreAccessBackupVault(c *opCtx, in *awsbackup.CreateRestoreAccessBackupVaultInput) (*awsbackup.CreateRestoreAccessBackupVaultOutput, error) {
	srs, src, err := c.sourceVault("SourceBackupVaultArn", in.SourceBackupVaultArn)
	if err != nil {
		return nil, err
	}
	if in.BackupVaultName != nil {
		if err := checkVaultName(in.BackupVaultName); err != nil {
			return nil, err
		}
	}
	if err := checkCreatorRequestId(in.CreatorRequestId); err != nil {
		return nil, err
	}
	if err := checkTags("BackupVaultTags", in.BackupVaultTags); err != nil {
		return nil, err
	}
	if src.Type != types.VaultTypeLogicallyAirGappedBackupVault {
		return nil, invalidRequest("Backup vault %s is a %s; restore access backup vaults are created from logically air-gapped backup vaults", src.ARN, src.Type)
	}
	if srs.MpaTeams[src.Name] == nil {
		return nil, invalidRequest("Backup vault %s has no MPA approval team to approve restore access", src.ARN)
	}
	rs := c.rs()
	name := aws.ToString(in.BackupVaultName)
	if name == "" {
		if id, ok := rs.token("CreateRestoreAccessBackupVault", aws.ToString(in.CreatorRequestId)); ok && rs.Vaults[id] != nil {
			name = id
		} else {
			name = strings.ToLower(src.Name)
			if len(name) > 30 {
				name = name[:30]
			}
			name += "-restore-" + randHex(8)
		}
	}
	v, err := c.newVault(&name, nil, in.CreatorRequestId, in.BackupVaultTags, types.VaultTypeRestoreAccessBackupVault)
	if err != nil {
		return nil, err
	}
	ras := rs.restoreAccessVaults()
	ra := ras[v.Name]
	if ra == nil {
		// Approved at once by the source vault's team.
		ra = &restoreAccess{VaultARN: v.ARN, SourceVaultARN: src.ARN, CreationDate: c.now, ApprovalDate: c.now}
		ras[v.Name] = ra
		rs.rememberToken("CreateRestoreAccessBackupVault", aws.ToString(in.CreatorRequestId), v.Name)
	} else if ra.SourceVaultARN != src.ARN {
		return nil, alreadyExists("Backup vault %s already gives restore access to %s", v.Name, ra.SourceVaultARN)
	}
	return &awsbackup.CreateRestoreAccessBackupVaultOutput{CreationDate: timePtr(ra.CreationDate), RestoreAccessBackupVaultArn: aws.String(v.ARN),
		RestoreAccessBackupVaultName: aws.String(v.Name), VaultState: v.State}, nil
}

// restoreAccessOf lists the live restore access vaults of a source vault,
// in every account.
func (c *opCtx) restoreAccessOf(src *vault) []*restoreAccess {
	var out []*restoreAccess
	c.e.st.allRegions(func(rs *regionState) {
		for name := range rs.RestoreAccess {
			if ra := rs.liveRestoreAccess(name); ra != nil && ra.SourceVaultARN == src.ARN {
				out = append(out, ra)
			}
		}
	})
	slices.SortFunc(out, func(a, b *restoreAccess) int { return strings.Compare(a.VaultARN, b.VaultARN) })
	return out
}

func listRestoreAccessBackupVaults(c *opCtx, in *awsbackup.ListRestoreAccessBackupVaultsInput) (*awsbackup.ListRestoreAccessBackupVaultsOutput, error) {
	src, err := c.vaultOf(in.BackupVaultName)
	if err != nil {
		return nil, err
	}
	pg, next, err := page(c.restoreAccessOf(src), in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	out := &awsbackup.ListRestoreAccessBackupVaultsOutput{NextToken: next, RestoreAccessBackupVaults: make([]types.RestoreAccessBackupVaultListMember, 0, len(pg))}
	for _, ra := range pg {
		out.RestoreAccessBackupVaults = append(out.RestoreAccessBackupVaults, types.RestoreAccessBackupVaultListMember{
			ApprovalDate: timePtr(ra.ApprovalDate), CreationDate: timePtr(ra.CreationDate),
			RestoreAccessBackupVaultArn: aws.String(ra.VaultARN), VaultState: types.VaultStateAvailable,
		})
	}
	return out, nil
}

func revokeRestoreAccessBackupVault(c *opCtx, in *awsbackup.RevokeRestoreAccessBackupVaultInput) (*struct{}, error) {
	src, err := c.vaultOf(in.BackupVaultName)
	if err != nil {
		return nil, err
	}
	if in.RestoreAccessBackupVaultArn == nil || *in.RestoreAccessBackupVaultArn == "" {
		return nil, missingParam("RestoreAccessBackupVaultArn")
	}
	p, perr := arn.Parse(*in.RestoreAccessBackupVaultArn)
	if perr != nil || p.Service != "backup" || !strings.HasPrefix(p.Resource, "backup-vault:") {
		return nil, invalidParam("RestoreAccessBackupVaultArn %q is not a backup vault ARN", *in.RestoreAccessBackupVaultArn)
	}
	rs := c.rsFor(p.AccountID, p.Region)
	name := strings.TrimPrefix(p.Resource, "backup-vault:")
	ra := rs.liveRestoreAccess(name)
	if ra == nil || ra.SourceVaultARN != src.ARN {
		return nil, notFound("Restore access backup vault %s of %s does not exist", *in.RestoreAccessBackupVaultArn, src.ARN)
	}
	// Approved at once: the vault is deleted for good.
	delete(rs.Vaults, name)
	delete(rs.Tags, ra.VaultARN)
	delete(rs.RestoreAccess, name)
	return nil, nil
}
