package backuptest

// Backup access points: read-only Amazon S3 access points onto an S3
// recovery point (Create/Describe/Delete/ListBackupAccessPoints,
// ListBackupAccessPointsByRecoveryPoint, ListBackupAccessPointsByResource).
//
// As AWS documents
// (https://docs.aws.amazon.com/aws-backup/latest/devguide/backup-access-points.html):
// the recovery point must be an S3 point that is COMPLETED (AVAILABLE or
// STOPPED in AWS's newer terms); a new access point is CREATING, then
// AVAILABLE with S3AccessPointArn and S3AccessPointAlias in its metadata;
// a continuous point needs AccessPointInTime within its restorable window,
// a snapshot point must not have one; while an access point exists the
// recovery point's lifecycle is paused and it cannot be deleted.
//
// Known difference: the S3 access point it names serves no data.

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// Access point names follow S3's access point naming rules: 3 to 50
// lowercase letters, digits and hyphens, starting and ending with a letter
// or digit, not ending in -s3alias or -ext-s3alias (the API reference's
// AccessPointArn pattern).
var (
	accessPointNamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,48}[a-z0-9]$`)
	accessPointARNPattern  = regexp.MustCompile(`^arn:aws[a-z-]*:backup:[a-z0-9-]+:\d{12}:accesspoint/([a-z0-9][a-z0-9-]{1,48}[a-z0-9])$`)
)

// accessPointInTime is the metadata key of a continuous point's time.
const accessPointInTime = "AccessPointInTime"

// accessPoint is a backup access point.
type accessPoint struct {
	Name             string
	ARN              string
	RecoveryPointARN string
	VaultName        string
	VaultARN         string
	ResourceARN      string
	ResourceType     string
	CreationTime     time.Time
	// AvailableAt is when CREATING turns AVAILABLE.
	AvailableAt time.Time
	// DeletedAt is set by DeleteBackupAccessPoint: DELETING until the
	// next request after it, then gone.
	DeletedAt time.Time
	Metadata  map[string]string
	Policy    string
}

func (e *Emulator) registerAccessPoints() {
	e.register("CreateBackupAccessPoint", handle(createBackupAccessPoint))
	e.register("DescribeBackupAccessPoint", handle(describeBackupAccessPoint))
	e.register("DeleteBackupAccessPoint", handle(deleteBackupAccessPoint))
	e.register("ListBackupAccessPoints", handle(listBackupAccessPoints))
	e.register("ListBackupAccessPointsByRecoveryPoint", handle(listBackupAccessPointsByRecoveryPoint))
	e.register("ListBackupAccessPointsByResource", handle(listBackupAccessPointsByResource))
}

func (r *regionState) accessPoints(now time.Time) map[string]*accessPoint {
	if r.AccessPoints == nil {
		r.AccessPoints = map[string]*accessPoint{}
	}
	for arn, ap := range r.AccessPoints {
		if !ap.DeletedAt.IsZero() && now.After(ap.DeletedAt) {
			delete(r.AccessPoints, arn)
			delete(r.Tags, arn)
		}
	}
	return r.AccessPoints
}

// accessPointOn returns the ARN of an access point that holds rpARN, "" when
// none does (one being deleted no longer holds it).
func (r *regionState) accessPointOn(rpARN string) string {
	for _, ap := range r.AccessPoints {
		if ap.RecoveryPointARN == rpARN && ap.DeletedAt.IsZero() {
			return ap.ARN
		}
	}
	return ""
}

// accessPointBlocksDeletion is DeleteRecoveryPoint's answer for a point an
// access point still reads.
func (r *regionState) accessPointBlocksDeletion(rpARN string) error {
	if ap := r.accessPointOn(rpARN); ap != "" {
		return invalidRequest("Recovery point %s has backup access point %s; delete its backup access points before the recovery point", rpARN, ap)
	}
	return nil
}

func (ap *accessPoint) status(now time.Time) types.AccessPointStatus {
	switch {
	case !ap.DeletedAt.IsZero():
		return types.AccessPointStatusDeleting
	case now.Before(ap.AvailableAt):
		return types.AccessPointStatusCreating
	}
	return types.AccessPointStatusAvailable
}

// metadata is the access point's metadata; once AVAILABLE it names the S3
// access point.
func (ap *accessPoint) metadata(now time.Time, account, region string) map[string]string {
	m := make(map[string]string, len(ap.Metadata)+2)
	for k, v := range ap.Metadata {
		m[k] = v
	}
	if ap.status(now) == types.AccessPointStatusAvailable {
		m["S3AccessPointArn"] = fmt.Sprintf("arn:aws:s3:%s:%s:accesspoint/%s", region, account, ap.Name)
		m["S3AccessPointAlias"] = ap.Name + "-" + strings.ToLower(fingerprintOf(ap.ARN))[:12] + "-s3alias"
	}
	return m
}

func checkAccessPointARN(v *string) error {
	if v == nil || *v == "" {
		return missingParam("AccessPointArn")
	}
	m := accessPointARNPattern.FindStringSubmatch(*v)
	if m == nil || strings.HasSuffix(m[1], "-s3alias") || strings.HasSuffix(m[1], "-ext-s3alias") {
		return invalidParam("AccessPointArn %q is not a backup access point ARN (arn:aws:backup:REGION:ACCOUNT:accesspoint/NAME)", *v)
	}
	return nil
}

func createBackupAccessPoint(c *opCtx, in *awsbackup.CreateBackupAccessPointInput) (*awsbackup.CreateBackupAccessPointOutput, error) {
	if in.Name == nil || *in.Name == "" {
		return nil, missingParam("Name")
	}
	name := *in.Name
	if !accessPointNamePattern.MatchString(name) || strings.Contains(name, "--") || strings.HasSuffix(name, "-s3alias") || strings.HasSuffix(name, "-ext-s3alias") {
		return nil, invalidParam("Name %q is invalid: use 3 to 50 lowercase letters, digits and hyphens, starting and ending with a letter or digit, not ending in -s3alias", name)
	}
	if in.RecoveryPointArn == nil || *in.RecoveryPointArn == "" {
		return nil, missingParam("RecoveryPointArn")
	}
	for k, v := range in.AccessPointMetadata {
		if k == "" || v == "" {
			return nil, invalidParam("AccessPointMetadata keys and values must not be empty")
		}
	}
	if in.AccessPointPolicy != nil && *in.AccessPointPolicy != "" {
		if err := checkAccessPolicy(*in.AccessPointPolicy); err != nil {
			return nil, invalidParam("AccessPointPolicy is not a valid access point policy: %v", err.(*APIError).Message)
		}
	}
	if err := checkTags("Tags", in.Tags); err != nil {
		return nil, err
	}
	rs := c.rs()
	rp := rs.RecoveryPoints[*in.RecoveryPointArn]
	if rp == nil {
		return nil, notFound("Recovery point %s does not exist", *in.RecoveryPointArn)
	}
	if rp.ResourceType != "S3" {
		return nil, invalidRequest("Recovery point %s is a %s recovery point; backup access points are for Amazon S3 recovery points", rp.ARN, rp.ResourceType)
	}
	if rp.Status != "COMPLETED" {
		return nil, invalidRequest("Recovery point %s is %s; a backup access point needs an AVAILABLE (COMPLETED) recovery point", rp.ARN, rp.Status)
	}
	t, hasTime := in.AccessPointMetadata[accessPointInTime]
	if win := c.e.continuousWindow(rs, rp, c.now); win != nil {
		if !hasTime {
			return nil, invalidParam("AccessPointMetadata.%s is required for a continuous recovery point", accessPointInTime)
		}
		at, err := time.Parse(time.RFC3339, t)
		if err != nil {
			return nil, invalidParam("AccessPointMetadata.%s %q is not a time such as 2021-11-27T03:30:27Z", accessPointInTime, t)
		}
		if at.Before(win.earliest) || at.After(win.latest) {
			return nil, invalidParam("AccessPointMetadata.%s %s is outside the recovery point's restorable window %s to %s",
				accessPointInTime, t, win.earliest.Format(time.RFC3339), win.latest.Format(time.RFC3339))
		}
	} else if hasTime {
		return nil, invalidParam("AccessPointMetadata.%s is only for continuous recovery points; %s is a snapshot", accessPointInTime, rp.ARN)
	}
	aps := rs.accessPoints(c.now)
	arn := c.arn("accesspoint/" + name)
	if _, dup := aps[arn]; dup {
		return nil, alreadyExists("A backup access point named %s already exists in %s", name, c.region)
	}
	ap := &accessPoint{
		Name: name, ARN: arn, RecoveryPointARN: rp.ARN, VaultName: rp.VaultName, VaultARN: rp.VaultARN,
		ResourceARN: rp.ResourceARN, ResourceType: rp.ResourceType, CreationTime: c.now,
		AvailableAt: c.now.Add(c.e.opts.JobDuration), Metadata: cloneStrings(in.AccessPointMetadata),
		Policy: aws.ToString(in.AccessPointPolicy),
	}
	aps[arn] = ap
	rs.setTags(arn, in.Tags)
	return &awsbackup.CreateBackupAccessPointOutput{AccessPointArn: aws.String(arn), Status: types.AccessPointStatusCreating}, nil
}

// accessPointOf finds an access point of the caller's account and Region.
func (c *opCtx) accessPointOf(arn *string) (*accessPoint, error) {
	if err := checkAccessPointARN(arn); err != nil {
		return nil, err
	}
	ap := c.rs().accessPoints(c.now)[*arn]
	if ap == nil {
		return nil, notFound("Backup access point %s does not exist", *arn)
	}
	return ap, nil
}

func describeBackupAccessPoint(c *opCtx, in *awsbackup.DescribeBackupAccessPointInput) (*awsbackup.DescribeBackupAccessPointOutput, error) {
	ap, err := c.accessPointOf(in.AccessPointArn)
	if err != nil {
		return nil, err
	}
	m := c.accessPointMember(ap)
	return &awsbackup.DescribeBackupAccessPointOutput{
		AccessPointArn: m.AccessPointArn, AccessPointMetadata: m.AccessPointMetadata, BackupVaultArn: m.BackupVaultArn,
		BackupVaultName: m.BackupVaultName, CreationTime: m.CreationTime, Name: m.Name, RecoveryPointArn: m.RecoveryPointArn,
		ResourceArn: m.ResourceArn, ResourceType: m.ResourceType, Status: m.Status, StatusMessage: m.StatusMessage,
	}, nil
}

func deleteBackupAccessPoint(c *opCtx, in *awsbackup.DeleteBackupAccessPointInput) (*struct{}, error) {
	ap, err := c.accessPointOf(in.AccessPointArn)
	if err != nil {
		return nil, err
	}
	switch ap.status(c.now) {
	case types.AccessPointStatusDeleting:
		return nil, invalidRequest("Backup access point %s is already being deleted", ap.ARN)
	case types.AccessPointStatusCreating:
		return nil, invalidRequest("Backup access point %s is still CREATING; delete it once it is AVAILABLE", ap.ARN)
	}
	ap.DeletedAt = c.now
	c.rs().recheckKept() // the point's lifecycle resumes
	return nil, nil
}

func (c *opCtx) accessPointMember(ap *accessPoint) types.ListAccessPointsMember {
	return types.ListAccessPointsMember{
		AccessPointArn: aws.String(ap.ARN), AccessPointMetadata: ap.metadata(c.now, c.account, c.region),
		BackupVaultArn: aws.String(ap.VaultARN), BackupVaultName: aws.String(ap.VaultName),
		CreationTime: timePtr(ap.CreationTime), Name: aws.String(ap.Name), RecoveryPointArn: aws.String(ap.RecoveryPointARN),
		ResourceArn: aws.String(ap.ResourceARN), ResourceType: aws.String(ap.ResourceType), Status: ap.status(c.now),
	}
}

// listAccessPoints pages the caller's access points that keep says to,
// oldest first.
func (c *opCtx) listAccessPoints(next *string, max *int32, keep func(*accessPoint) bool) ([]types.ListAccessPointsMember, *string, error) {
	var all []*accessPoint
	for _, ap := range c.rs().accessPoints(c.now) {
		if keep(ap) {
			all = append(all, ap)
		}
	}
	slices.SortFunc(all, func(a, b *accessPoint) int {
		if d := a.CreationTime.Compare(b.CreationTime); d != 0 {
			return d
		}
		return strings.Compare(a.ARN, b.ARN)
	})
	pg, tok, err := page(all, next, max)
	if err != nil {
		return nil, nil, err
	}
	out := make([]types.ListAccessPointsMember, 0, len(pg))
	for _, ap := range pg {
		out = append(out, c.accessPointMember(ap))
	}
	return out, tok, nil
}

func listBackupAccessPoints(c *opCtx, in *awsbackup.ListBackupAccessPointsInput) (*awsbackup.ListBackupAccessPointsOutput, error) {
	l, next, err := c.listAccessPoints(in.NextToken, in.MaxResults, func(*accessPoint) bool { return true })
	if err != nil {
		return nil, err
	}
	return &awsbackup.ListBackupAccessPointsOutput{BackupAccessPoints: l, NextToken: next}, nil
}

func listBackupAccessPointsByRecoveryPoint(c *opCtx, in *awsbackup.ListBackupAccessPointsByRecoveryPointInput) (*awsbackup.ListBackupAccessPointsByRecoveryPointOutput, error) {
	if in.RecoveryPointArn == nil || *in.RecoveryPointArn == "" {
		return nil, missingParam("RecoveryPointArn")
	}
	if c.rs().RecoveryPoints[*in.RecoveryPointArn] == nil {
		return nil, notFound("Recovery point %s does not exist", *in.RecoveryPointArn)
	}
	l, next, err := c.listAccessPoints(in.NextToken, in.MaxResults, func(ap *accessPoint) bool { return ap.RecoveryPointARN == *in.RecoveryPointArn })
	if err != nil {
		return nil, err
	}
	return &awsbackup.ListBackupAccessPointsByRecoveryPointOutput{BackupAccessPoints: l, NextToken: next}, nil
}

func listBackupAccessPointsByResource(c *opCtx, in *awsbackup.ListBackupAccessPointsByResourceInput) (*awsbackup.ListBackupAccessPointsByResourceOutput, error) {
	if in.ResourceArn == nil || *in.ResourceArn == "" {
		return nil, missingParam("ResourceArn")
	}
	if !strings.HasPrefix(*in.ResourceArn, "arn:") {
		return nil, invalidParam("ResourceArn %q is not an ARN", *in.ResourceArn)
	}
	l, next, err := c.listAccessPoints(in.NextToken, in.MaxResults, func(ap *accessPoint) bool { return ap.ResourceARN == *in.ResourceArn })
	if err != nil {
		return nil, err
	}
	return &awsbackup.ListBackupAccessPointsByResourceOutput{BackupAccessPoints: l, NextToken: next}, nil
}

func cloneStrings(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
