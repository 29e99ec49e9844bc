package vault_test

import (
	"context"
	"fmt"
	"log"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/vault"
)

func ExampleNewAccessPolicy() {
	policy, err := vault.NewAccessPolicy().
		DenyRecoveryPointDeletion("arn:aws:iam::123456789012:role/break-glass").
		AllowCopyFromOrganization("o-a1b2c3d4e5").
		Build()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(policy)
	// Output:
	// {
	//   "Version": "2012-10-17",
	//   "Statement": [
	//     {
	//       "Sid": "DenyRecoveryPointDeletion",
	//       "Effect": "Deny",
	//       "Principal": "*",
	//       "Action": [
	//         "backup:DeleteRecoveryPoint",
	//         "backup:UpdateRecoveryPointLifecycle"
	//       ],
	//       "Resource": "*",
	//       "Condition": {
	//         "ArnNotLike": {
	//           "aws:PrincipalArn": [
	//             "arn:aws:iam::123456789012:role/break-glass"
	//           ]
	//         }
	//       }
	//     },
	//     {
	//       "Sid": "AllowCopyFromOrganization",
	//       "Effect": "Allow",
	//       "Principal": "*",
	//       "Action": "backup:CopyIntoBackupVault",
	//       "Resource": "*",
	//       "Condition": {
	//         "StringEquals": {
	//           "aws:PrincipalOrgID": "o-a1b2c3d4e5"
	//         }
	//       }
	//     }
	//   ]
	// }
}

// A compliance-mode lock is permanent after its grace period, so it needs
// an explicit acknowledgement.
func ExampleComplianceLock() {
	err := vault.ComplianceLock(backup.Days(7), backup.Days(365), backup.Days(3)).Validate()
	fmt.Println(err)
	err = vault.ComplianceLock(backup.Days(7), backup.Days(365), backup.Days(3), vault.AcknowledgeIrreversible()).Validate()
	fmt.Println(err)
	// Output:
	// IrreversibleAcknowledged: compliance mode becomes irreversible after ChangeableFor; pass vault.AcknowledgeIrreversible()
	// <nil>
}

func ExampleClient_Ensure() {
	srv, err := backuptest.Start("127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	c := vault.New(srv.Client())
	spec := vault.Spec{Name: "prod", KMSKeyARN: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"}
	for range 2 {
		info, created, err := c.Ensure(context.Background(), spec)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(info.ARN, created)
	}
	// Output:
	// arn:aws:backup:us-east-1:123456789012:backup-vault:prod true
	// arn:aws:backup:us-east-1:123456789012:backup-vault:prod false
}

func ExampleTopicPolicy() {
	p, err := vault.TopicPolicy("arn:aws:sns:us-east-1:123456789012:backup-events")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p)
	// Output:
	// {
	//   "Version": "2012-10-17",
	//   "Statement": [
	//     {
	//       "Sid": "AllowAWSBackupToPublish",
	//       "Effect": "Allow",
	//       "Principal": {
	//         "Service": "backup.amazonaws.com"
	//       },
	//       "Action": "SNS:Publish",
	//       "Resource": "arn:aws:sns:us-east-1:123456789012:backup-events",
	//       "Condition": {
	//         "StringEquals": {
	//           "aws:SourceAccount": "123456789012"
	//         }
	//       }
	//     }
	//   ]
	// }
}
