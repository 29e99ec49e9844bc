package restore

import (
	"errors"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/backupkit/backupkit/backup"
)

func ptr[T any](v T) *T { return &v }

func TestInputMetadata(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      Input
		typ     backup.ResourceType
		want    map[string]string // subset that must be present
		wantErr []string          // fields that must be named
	}{
		{name: "EBS ok", in: EBS{AvailabilityZone: "us-east-1a", VolumeType: "gp3", VolumeSizeGiB: 100, IOPS: 3000, ThroughputMiBps: 125, Encrypted: ptr(true), KMSKeyID: "k"}, typ: "EBS",
			want: map[string]string{"availabilityZone": "us-east-1a", "volumeType": "gp3", "volumeSize": "100", "iops": "3000", "throughput": "125", "encrypted": "true", "kmsKeyId": "k"}},
		{name: "EBS bad", in: EBS{VolumeType: "gp9", VolumeSizeGiB: 70000, TemporaryRestoreDays: 181, KMSKeyID: "k"},
			wantErr: []string{"EBS.VolumeType", "EBS.VolumeSizeGiB", "EBS.TemporaryRestoreDays", "EBS.Encrypted"}},
		{name: "EBS throughput needs gp3", in: EBS{VolumeType: "gp2", ThroughputMiBps: 200, IOPS: 500}, wantErr: []string{"EBS.ThroughputMiBps", "EBS.IOPS"}},
		{name: "EC2 ok", in: EC2{InstanceType: "t3.micro", SubnetID: "subnet-0abc", SecurityGroupIDs: []string{"sg-1", "sg-2"}, RequireIMDSv2: ptr(true)}, typ: "EC2",
			want: map[string]string{"InstanceType": "t3.micro", "SubnetId": "subnet-0abc", "SecurityGroupIds": `["sg-1","sg-2"]`, "RequireIMDSv2": "true"}},
		{name: "EC2 bad", in: EC2{InstanceType: "huge", SubnetID: "vpc-1", SecurityGroupIDs: []string{"x"}}, wantErr: []string{"EC2.InstanceType", "EC2.SubnetID", "EC2.SecurityGroupIDs[0]"}},
		{name: "RDS ok", in: RDS{DBInstanceIdentifier: "restored-db", DBInstanceClass: "db.t3.micro", Port: 5432, MultiAZ: ptr(false)}, typ: "RDS",
			want: map[string]string{"DBInstanceIdentifier": "restored-db", "DBInstanceClass": "db.t3.micro", "Port": "5432", "MultiAZ": "false"}},
		{name: "RDS missing id", in: RDS{Port: 80}, wantErr: []string{"RDS.DBInstanceIdentifier", "RDS.Port"}},
		{name: "RDS bad id", in: RDS{DBInstanceIdentifier: "1db--", AvailabilityZone: "a", MultiAZ: ptr(true)}, wantErr: []string{"RDS.DBInstanceIdentifier", "RDS.AvailabilityZone"}},
		{name: "Aurora ok", in: Aurora{Cluster{DBClusterIdentifier: "c1", Engine: "aurora-postgresql", UseLatestRestorableTime: true}}, typ: "Aurora",
			want: map[string]string{"dbClusterIdentifier": "c1", "engine": "aurora-postgresql", "useLatestRestorableTime": "true"}},
		{name: "Aurora needs engine", in: Aurora{Cluster{DBClusterIdentifier: "c1"}}, wantErr: []string{"Aurora.Engine"}},
		{name: "Aurora PITR exclusive", in: Aurora{Cluster{DBClusterIdentifier: "c1", Engine: "aurora-mysql", RestoreToTime: time.Unix(1, 0), UseLatestRestorableTime: true}}, wantErr: []string{"Aurora.RestoreToTime"}},
		{name: "DocumentDB ok", in: DocumentDB{Cluster{DBClusterIdentifier: "d1"}}, typ: "DocumentDB", want: map[string]string{"dbClusterIdentifier": "d1"}},
		{name: "Neptune bad engine", in: Neptune{Cluster{DBClusterIdentifier: "n1", Engine: "docdb"}}, wantErr: []string{"Neptune.Engine"}},
		{name: "DynamoDB ok", in: DynamoDB{TargetTableName: "orders-restored", EncryptionType: "KMS", KMSMasterKeyARN: "arn:aws:kms:us-east-1:1:key/k"}, typ: "DynamoDB",
			want: map[string]string{"targetTableName": "orders-restored", "encryptionType": "KMS", "kmsMasterKeyArn": "arn:aws:kms:us-east-1:1:key/k"}},
		{name: "DynamoDB bad", in: DynamoDB{TargetTableName: "a", EncryptionType: "KMS"}, wantErr: []string{"DynamoDB.TargetTableName", "DynamoDB.KMSMasterKeyARN"}},
		{name: "EFS ok", in: EFS{FileSystemID: "fs-1", NewFileSystem: true, PerformanceMode: "maxIO", ItemsToRestore: []string{"/a"}}, typ: "EFS",
			want: map[string]string{"file-system-id": "fs-1", "newFileSystem": "true", "PerformanceMode": "maxIO", "itemsToRestore": `["/a"]`}},
		{name: "EFS bad", in: EFS{FileSystemID: "x", SingleAZ: true, ItemsToRestore: []string{"a", "/b", "/c", "/d", "/e", "/f"}},
			wantErr: []string{"EFS.FileSystemID", "EFS.AvailabilityZoneName", "EFS.ItemsToRestore[0]", "EFS.ItemsToRestore"}},
		{name: "FSx Windows ok", in: FSx{Kind: FSxWindows, StorageCapacityGiB: 32, DeploymentType: "SINGLE_AZ_2", SubnetIDs: []string{"subnet-1"}}, typ: "FSx",
			want: map[string]string{"StorageCapacity": "32", "DeploymentType": "SINGLE_AZ_2", "SubnetIds": `["subnet-1"]`}},
		{name: "FSx Lustre bad", in: FSx{Kind: FSxLustre, StorageCapacityGiB: 100, DeploymentType: "MULTI_AZ_1"}, wantErr: []string{"FSx.StorageCapacityGiB", "FSx.DeploymentType"}},
		{name: "FSx ONTAP ok", in: FSx{Kind: FSxONTAP, StorageCapacityGiB: 1024}, typ: "FSx", want: map[string]string{"FileSystemType": "ONTAP"}},
		{name: "FSx OpenZFS config", in: FSx{Kind: FSxOpenZFS, Configuration: map[string]any{"ThroughputCapacity": 64}}, typ: "FSx", want: map[string]string{"OpenZFSConfiguration": `{"ThroughputCapacity":64}`}},
		{name: "FSx kind", in: FSx{}, wantErr: []string{"FSx.Kind"}},
		{name: "S3 ok", in: S3{DestinationBucketName: "my-restore", NewBucket: true, EncryptionType: "SSE-KMS", KMSKey: "k"}, typ: "S3",
			want: map[string]string{"DestinationBucketName": "my-restore", "NewBucket": "true", "EncryptionType": "SSE-KMS", "KMSKey": "k"}},
		{name: "S3 bad", in: S3{DestinationBucketName: "Bad_Bucket", KMSKey: "k", ItemsToRestore: []string{"1", "2", "3", "4", "5", "6"}},
			wantErr: []string{"S3.DestinationBucketName", "S3.KMSKey", "S3.ItemsToRestore"}},
		{name: "S3 required", in: S3{}, wantErr: []string{"S3.DestinationBucketName"}},
		{name: "StorageGateway ok", in: StorageGateway{GatewayARN: "arn:aws:storagegateway:us-east-1:1:gateway/sgw-1", TargetName: "vol1", GatewayType: "CACHED"}, typ: "Storage Gateway",
			want: map[string]string{"gatewayArn": "arn:aws:storagegateway:us-east-1:1:gateway/sgw-1", "targetName": "vol1"}},
		{name: "StorageGateway bad", in: StorageGateway{GatewayType: "STORED", TargetName: "UPPER"}, wantErr: []string{"StorageGateway.GatewayARN", "StorageGateway.TargetName", "StorageGateway.DiskID"}},
		{name: "Redshift ok", in: Redshift{ClusterIdentifier: "rs-1", NumberOfNodes: 2, RestoreType: "CLUSTER_RESTORE"}, typ: "Redshift", want: map[string]string{"ClusterIdentifier": "rs-1", "NumberOfNodes": "2"}},
		{name: "Redshift table restore", in: Redshift{ClusterIdentifier: "rs-1", RestoreType: "TABLE_RESTORE", NumberOfNodes: 200}, wantErr: []string{"Redshift.SourceDatabaseName", "Redshift.SourceTableName", "Redshift.NewTableName", "Redshift.NumberOfNodes"}},
		{name: "Timestream ok", in: Timestream{TableName: "t1x", DestinationDatabase: "db1", MemoryStoreRetentionHours: 24}, typ: "Timestream", want: map[string]string{"TableName": "t1x", "MemoryStoreRetentionPeriodInHours": "24"}},
		{name: "Timestream bad", in: Timestream{MagneticStoreRetentionDays: 80000}, wantErr: []string{"Timestream.TableName", "Timestream.DestinationDatabase", "Timestream.MagneticStoreRetentionDays"}},
		{name: "VM to EC2", in: VirtualMachine{RestoreTo: "EC2", EC2: &EC2{InstanceType: "m5.large"}}, typ: "VirtualMachine", want: map[string]string{"RestoreTo": "EC2", "InstanceType": "m5.large"}},
		{name: "VM mismatch", in: VirtualMachine{RestoreTo: "EBS", EC2: &EC2{InstanceType: "bad"}}, wantErr: []string{"VirtualMachine.EC2", "EC2.InstanceType"}},
		{name: "VM required", in: VirtualMachine{}, wantErr: []string{"VirtualMachine.RestoreTo"}},
		{name: "SAP HANA ok", in: SAPHANA{TargetDatabaseARN: "arn:aws:ssm-sap:us-east-1:1:HANA/db", CatalogRestoreOption: "NO_CATALOG"}, typ: "SAP HANA on Amazon EC2",
			want: map[string]string{"aws:backup:TargetDatabaseArn": "arn:aws:ssm-sap:us-east-1:1:HANA/db"}},
		{name: "SAP HANA bad", in: SAPHANA{CatalogRestoreOption: "LOCAL_CATALOG"}, wantErr: []string{"SAPHANA.TargetDatabaseARN", "SAPHANA.LocalCatalogPath"}},
		{name: "CloudFormation ok", in: CloudFormation{StackName: "s1", ChangeSetName: "c1", StackParameters: map[string]string{"Env": "dr"}}, typ: "CloudFormation",
			want: map[string]string{"StackName": "s1", "StackParameters": `{"Env":"dr"}`}},
		{name: "CloudFormation bad", in: CloudFormation{StackName: "1bad"}, wantErr: []string{"CloudFormation.StackName", "CloudFormation.ChangeSetName"}},
		{name: "extra keys win", in: RDS{DBInstanceIdentifier: "a", Extra: map[string]string{"dbinstanceidentifier": "b"}}, typ: "RDS", want: map[string]string{"dbinstanceidentifier": "b"}},
		{name: "raw", in: Raw{Type: "EKS", Values: map[string]string{"k": "v"}}, typ: "EKS", want: map[string]string{"k": "v"}},
		{name: "raw needs type", in: Raw{}, wantErr: []string{"Raw.Type"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := tt.in.Metadata()
			if len(tt.wantErr) > 0 {
				if err == nil {
					t.Fatalf("Metadata() error = nil; want errors naming %v", tt.wantErr)
				}
				var ve *ValidationError
				if !errors.As(err, &ve) {
					t.Fatalf("Metadata() error %v is not a *ValidationError", err)
				}
				for _, f := range tt.wantErr {
					if !strings.Contains(err.Error(), f+":") {
						t.Errorf("Metadata() error = %q; want it to name field %s", err, f)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("Metadata() error = %v; want nil", err)
			}
			if tt.in.ResourceType() != tt.typ {
				t.Errorf("ResourceType() = %q; want %q", tt.in.ResourceType(), tt.typ)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("Metadata()[%q] = %q; want %q (all: %v)", k, got[k], v, got)
				}
			}
		})
	}
}

func TestMergeMetadata(t *testing.T) {
	t.Parallel()
	base := map[string]string{"DBInstanceIdentifier": "source", "DBInstanceClass": "db.t3.micro", "Port": "3306"}
	got := MergeMetadata(base, map[string]string{"dbInstanceIdentifier": "copy", "Port": "3307"})
	want := map[string]string{"dbInstanceIdentifier": "copy", "DBInstanceClass": "db.t3.micro", "Port": "3307"}
	if !maps.Equal(got, want) {
		t.Errorf("MergeMetadata() = %v; want %v", got, want)
	}
	if base["DBInstanceIdentifier"] != "source" {
		t.Errorf("MergeMetadata modified base: %v", base)
	}
}
