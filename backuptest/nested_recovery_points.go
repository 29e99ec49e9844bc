package backuptest

// Nested (child) recovery points of a composite backup
// (DisassociateRecoveryPointFromParent).
//
// AWS Backup backs up a CloudFormation stack or an EC2 instance with its
// application as a composite recovery point: a parent with nested child
// points, which DisassociateRecoveryPointFromParent detaches
// (https://docs.aws.amazon.com/aws-backup/latest/devguide/applicationstackbackups.html).
//
// Known difference: the emulator backs every resource up as one recovery
// point, so no point has a parent and the operation answers
// InvalidRequestException for every existing point.

import (
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
)

func (e *Emulator) registerNestedRecoveryPoints() {
	e.register("DisassociateRecoveryPointFromParent", handle(disassociateRecoveryPointFromParent))
}

func disassociateRecoveryPointFromParent(c *opCtx, in *awsbackup.DisassociateRecoveryPointFromParentInput) (*struct{}, error) {
	_, _, rp, err := c.recoveryPointIn(in.BackupVaultName, nil, in.RecoveryPointArn)
	if err != nil {
		return nil, err
	}
	return nil, invalidRequest("Recovery point %s is not a nested recovery point of a composite backup; it has no parent to disassociate from", rp.ARN)
}
