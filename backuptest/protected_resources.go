package backuptest

// Protected resources: resources with at least one recovery point in the
// caller's account and Region.
//
// Known difference: a resource stays protected while any of its recovery
// points exists, also after it left the inventory, as in AWS; the restore
// statistics come from the restore jobs the emulator ran.

import (
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
)

func (e *Emulator) registerProtectedResources() {
	e.register("ListProtectedResources", handle(listProtectedResources))
	e.register("ListProtectedResourcesByBackupVault", handle(listProtectedResourcesByBackupVault))
	e.register("DescribeProtectedResource", handle(describeProtectedResource))
}

func protectedResource(latest *recoveryPoint) types.ProtectedResource {
	return types.ProtectedResource{
		LastBackupTime:       timePtr(latest.CreationDate),
		LastBackupVaultArn:   aws.String(latest.VaultARN),
		LastRecoveryPointArn: aws.String(latest.ARN),
		ResourceArn:          aws.String(latest.ResourceARN),
		ResourceName:         aws.String(latest.ResourceName),
		ResourceType:         aws.String(latest.ResourceType),
	}
}

func pageProtected(list []types.ProtectedResource, token *string, maxResults *int32) ([]types.ProtectedResource, *string, error) {
	slices.SortFunc(list, func(a, b types.ProtectedResource) int {
		return compareStr(aws.ToString(a.ResourceArn), aws.ToString(b.ResourceArn))
	})
	return page(list, token, maxResults)
}

func compareStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func listProtectedResources(c *opCtx, in *awsbackup.ListProtectedResourcesInput) (*awsbackup.ListProtectedResourcesOutput, error) {
	idx := c.rs().index()
	list := make([]types.ProtectedResource, 0, len(idx.byResource))
	for _, rps := range idx.byResource {
		list = append(list, protectedResource(rps[len(rps)-1]))
	}
	pg, next, err := pageProtected(list, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return &awsbackup.ListProtectedResourcesOutput{Results: pg, NextToken: next}, nil
}

func listProtectedResourcesByBackupVault(c *opCtx, in *awsbackup.ListProtectedResourcesByBackupVaultInput) (*awsbackup.ListProtectedResourcesByBackupVaultOutput, error) {
	rs, v, err := c.vaultState(in.BackupVaultName, in.BackupVaultAccountId)
	if err != nil {
		return nil, err
	}
	latest := map[string]*recoveryPoint{}
	for _, rp := range rs.index().byVault[v.Name] { // oldest first: the last one wins
		latest[rp.ResourceARN] = rp
	}
	list := make([]types.ProtectedResource, 0, len(latest))
	for _, rp := range latest {
		list = append(list, protectedResource(rp))
	}
	pg, next, err := pageProtected(list, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return &awsbackup.ListProtectedResourcesByBackupVaultOutput{Results: pg, NextToken: next}, nil
}

func describeProtectedResource(c *opCtx, in *awsbackup.DescribeProtectedResourceInput) (*awsbackup.DescribeProtectedResourceOutput, error) {
	if in.ResourceArn == nil || *in.ResourceArn == "" {
		return nil, missingParam("ResourceArn")
	}
	rs := c.rs()
	rps := rs.index().byResource[*in.ResourceArn]
	if len(rps) == 0 {
		return nil, notFound("Resource %s is not protected by AWS Backup in %s: it has no recovery points", *in.ResourceArn, c.region)
	}
	pr := protectedResource(rps[len(rps)-1])
	out := &awsbackup.DescribeProtectedResourceOutput{LastBackupTime: pr.LastBackupTime, LastBackupVaultArn: pr.LastBackupVaultArn,
		LastRecoveryPointArn: pr.LastRecoveryPointArn, ResourceArn: pr.ResourceArn, ResourceName: pr.ResourceName, ResourceType: pr.ResourceType}
	var last *restoreJob
	for _, j := range rs.RestoreJobs {
		if j.SourceResourceARN != *in.ResourceArn || j.Status != "COMPLETED" {
			continue
		}
		if last == nil || j.CreationDate.After(last.CreationDate) || j.CreationDate.Equal(last.CreationDate) && j.ID > last.ID {
			last = j
		}
	}
	if last != nil {
		out.LatestRestoreJobCreationDate = timePtr(last.CreationDate)
		out.LatestRestoreRecoveryPointCreationDate = timePtr(last.RecoveryPointCreationDate)
		mins := int64(last.CompletionDate.Sub(last.CreationDate).Round(time.Minute) / time.Minute)
		out.LatestRestoreExecutionTimeMinutes = aws.Int64(mins)
	}
	return out, nil
}
