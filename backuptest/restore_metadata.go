package backuptest

// Restore metadata and the resources restores create.
//
// Known difference: GetRecoveryPointRestoreMetadata returns a plausible,
// fixed set of keys per resource type (values from the resource's
// Attributes when it has a key of the same name); AWS returns what it
// recorded about the real resource.
//
// Known difference: StartRestoreJob checks only the metadata keys that name
// the new resource (and a few enumerations); a name that already exists in
// the inventory makes the restore job end FAILED, as AWS does for an
// existing table, DB instance or cluster. S3 restores into an existing
// bucket, and EFS restores with newFileSystem=false into an existing file
// system, update that resource instead of creating one.

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"

	"github.com/backupkit/backupkit/internal/arntype"
	"github.com/backupkit/backupkit/internal/restoremeta"
)

// supportedResourceTypes are the types GetSupportedResourceTypes returns.
var supportedResourceTypes = arntype.Types()

// checkRestoreMetadata checks the metadata keys that name or place the
// restored resource, with the library's rules (internal/restoremeta).
func checkRestoreMetadata(typ string, md map[string]string) error {
	key := restoremeta.NameKey(typ)
	name, _ := restoremeta.Get(md, key)
	switch typ {
	case "DynamoDB", "RDS", "Aurora", "DocumentDB", "Neptune", "Redshift", "S3":
		if name == "" {
			return invalidParam("Metadata: %s is required to restore a %s resource", key, typ)
		}
	case "CloudFormation":
		if cs, _ := restoremeta.Get(md, restoremeta.ChangeSetName); name == "" || cs == "" {
			return invalidParam("Metadata: StackName and ChangeSetName are required to restore a CloudFormation stack")
		}
	}
	if name != "" {
		if reason := restoremeta.CheckName(typ, name); reason != "" {
			return invalidParam("Metadata.%s %q is invalid: %s", key, name, reason)
		}
	}
	switch typ {
	case "EBS":
		if vt, ok := md["volumeType"]; ok && !slices.Contains([]string{"gp2", "gp3", "io1", "io2", "st1", "sc1", "standard"}, vt) {
			return invalidParam("Metadata.volumeType %q is invalid: allowed gp2, gp3, io1, io2, st1, sc1, standard", vt)
		}
	case "SAP HANA on Amazon EC2":
		if t := md["aws:backup:TargetDatabaseArn"]; !strings.HasPrefix(t, "arn:") {
			return invalidParam("Metadata: aws:backup:TargetDatabaseArn (the ARN of the database to overwrite) is required to restore an SAP HANA database")
		}
	case "VirtualMachine":
		if rt := md["RestoreTo"]; rt != "" && rt != "EC2" && rt != "EBS" && rt != "VMware" {
			return invalidParam("Metadata.RestoreTo %q is invalid: allowed EC2, EBS, VMware", rt)
		}
	case "EFS":
		if pm, ok := md["PerformanceMode"]; ok && pm != "generalPurpose" && pm != "maxIO" {
			return invalidParam("Metadata.PerformanceMode %q is invalid: allowed generalPurpose, maxIO", pm)
		}
		if nf, ok := restoremeta.Get(md, restoremeta.NewFileSystem); ok {
			if nf != "true" && nf != "false" {
				return invalidParam("Metadata.newFileSystem %q is invalid: allowed true, false", nf)
			}
			if fs, _ := restoremeta.Get(md, restoremeta.FileSystemID); nf == "false" && fs == "" {
				return invalidParam("Metadata: file-system-id is required when newFileSystem is false")
			}
		}
	}
	return nil
}

// restoreMetadataFor builds the metadata AWS would return for a recovery
// point of rp's type. attrs are the backed-up resource's Attributes; a key
// of the same name overrides the default value.
func restoreMetadataFor(rp *recoveryPoint, region string, attrs map[string]string) map[string]string {
	gib := max((rp.BackupSizeInBytes+(1<<30)-1)>>30, 1)
	az := region + "a"
	name := rp.ResourceName
	var md map[string]string
	switch rp.ResourceType {
	case "EBS":
		md = map[string]string{"availabilityZone": az, "encrypted": "false", "volumeType": "gp3", "volumeSize": strconv.FormatInt(gib, 10),
			"iops": "3000", "throughput": "125"}
	case "EC2":
		md = map[string]string{"InstanceType": "t3.micro", "SubnetId": "subnet-" + fingerprintOf(rp.ResourceARN + "subnet")[:8],
			"SecurityGroupIds": `["sg-` + fingerprintOf(rp.ResourceARN + "sg")[:8] + `"]`, "VpcId": "vpc-" + fingerprintOf(rp.ResourceARN + "vpc")[:8],
			"Placement": `{"AvailabilityZone":"` + az + `","Tenancy":"default"}`, "RequireIMDSv2": "false", "EbsOptimized": "true",
			"DisableApiTermination": "false", "InstanceInitiatedShutdownBehavior": "stop"}
	case "RDS":
		md = map[string]string{"DBInstanceIdentifier": name, "DBInstanceClass": "db.t3.micro", "Engine": "postgres", "Port": "5432",
			"MultiAZ": "false", "DBSubnetGroupName": "default", "StorageType": "gp2", "AvailabilityZone": az,
			"VpcSecurityGroupIds": `["sg-` + fingerprintOf(rp.ResourceARN + "sg")[:8] + `"]`, "CopyTagsToSnapshot": "true"}
	case "Aurora", "DocumentDB", "Neptune":
		engine := map[string]string{"Aurora": "aurora-postgresql", "DocumentDB": "docdb", "Neptune": "neptune"}[rp.ResourceType]
		md = map[string]string{"dbClusterIdentifier": name, "engine": engine, "dbSubnetGroupName": "default", "port": "5432",
			"availabilityZones":   `["` + region + `a","` + region + `b","` + region + `c"]`,
			"vpcSecurityGroupIds": `["sg-` + fingerprintOf(rp.ResourceARN + "sg")[:8] + `"]`}
	case "DynamoDB":
		md = map[string]string{"targetTableName": name, "encryptionType": "Default"}
	case "EFS":
		md = map[string]string{"file-system-id": name, "newFileSystem": "true", "Encrypted": "false", "PerformanceMode": "generalPurpose",
			"CreationToken": newID()}
	case "FSx":
		md = map[string]string{"StorageCapacity": strconv.FormatInt(gib, 10), "StorageType": "SSD", "DeploymentType": "SINGLE_AZ_2",
			"SubnetIds": `["subnet-` + fingerprintOf(rp.ResourceARN + "subnet")[:8] + `"]`, "SecurityGroupIds": `["sg-` + fingerprintOf(rp.ResourceARN + "sg")[:8] + `"]`}
	case "S3":
		md = map[string]string{"DestinationBucketName": name, "EncryptionType": "original", "RestoreACLs": "false"}
	case "Redshift":
		md = map[string]string{"ClusterIdentifier": name, "NodeType": "ra3.xlplus", "NumberOfNodes": "1", "RestoreType": "CLUSTER_RESTORE"}
	case "Timestream":
		md = map[string]string{"TableName": name, "DestinationDatabase": timestreamDatabase(rp.ResourceARN),
			"MemoryStoreRetentionPeriodInHours": "24", "MagneticStoreRetentionPeriodInDays": "365", "EnableMagneticStoreWrites": "false"}
	case "Storage Gateway":
		md = map[string]string{"gatewayArn": rp.ResourceARN, "gatewayType": "CACHED", "targetName": name, "volumeSize": strconv.FormatInt(rp.BackupSizeInBytes, 10)}
	case "CloudFormation":
		md = map[string]string{"StackName": name, "ChangeSetName": "aws-backup-restore"}
	case "VirtualMachine":
		md = map[string]string{"RestoreTo": "EC2", "InstanceType": "t3.medium"}
	case "SAP HANA on Amazon EC2":
		md = map[string]string{"aws:backup:TargetDatabaseArn": rp.ResourceARN, "CatalogRestoreOption": "NO_CATALOG", "RecoveryType": "FULL_DATA_BACKUP_RECOVERY"}
	default:
		md = map[string]string{}
	}
	for k := range md {
		if v, ok := attrs[k]; ok {
			md[k] = v
		}
	}
	return md
}

func timestreamDatabase(a string) string {
	// arn:aws:timestream:REGION:ACCOUNT:database/DB/table/TABLE
	p, err := arn.Parse(a)
	if err != nil {
		return ""
	}
	parts := strings.Split(p.Resource, "/")
	if len(parts) >= 2 && parts[0] == "database" {
		return parts[1]
	}
	return ""
}

// metadataTags reads restore metadata "Tags": a JSON object, or a list of
// {"Key","Value"} pairs.
func metadataTags(md map[string]string) map[string]string {
	raw, ok := md["Tags"]
	if !ok {
		raw, ok = md["tags"]
	}
	if !ok {
		return nil
	}
	var m map[string]string
	if json.Unmarshal([]byte(raw), &m) == nil {
		return m
	}
	var l []struct{ Key, Value string }
	if json.Unmarshal([]byte(raw), &l) == nil {
		m = map[string]string{}
		for _, t := range l {
			m[t.Key] = t.Value
		}
		return m
	}
	return nil
}

// restoredResource builds the inventory resource a completed restore job
// creates (or updates), or explains why the restore fails.
func (e *Emulator) restoredResource(j *restoreJob, rp *recoveryPoint) (*Resource, string) {
	md := j.Metadata
	typ := j.ResourceType
	region, account := j.Region, j.Account
	name, _ := restoremeta.Get(md, restoremeta.NameKey(typ))
	svc := "rds"
	if p, err := arn.Parse(rp.ResourceARN); err == nil {
		svc = p.Service
	}
	var newARN string
	mustBeNew := true
	createdType := typ
	switch typ {
	case "DynamoDB":
		newARN = fmt.Sprintf("arn:aws:dynamodb:%s:%s:table/%s", region, account, name)
	case "RDS":
		newARN = fmt.Sprintf("arn:aws:rds:%s:%s:db:%s", region, account, name)
	case "Aurora", "DocumentDB", "Neptune":
		newARN = fmt.Sprintf("arn:aws:%s:%s:%s:cluster:%s", svc, region, account, name)
	case "Redshift":
		newARN = fmt.Sprintf("arn:aws:redshift:%s:%s:cluster:%s", region, account, name)
	case "S3":
		newARN = "arn:aws:s3:::" + name
		mustBeNew = false
	case "CloudFormation":
		newARN = fmt.Sprintf("arn:aws:cloudformation:%s:%s:stack/%s/%s", region, account, name, newID())
	case "Timestream":
		db := md["DestinationDatabase"]
		if db == "" {
			db = timestreamDatabase(rp.ResourceARN)
		}
		if name == "" {
			name = rp.ResourceName + "-restored"
		}
		newARN = fmt.Sprintf("arn:aws:timestream:%s:%s:database/%s/table/%s", region, account, db, name)
	case "EBS":
		name = "vol-" + randHex(17)
		newARN = fmt.Sprintf("arn:aws:ec2:%s:%s:volume/%s", region, account, name)
	case "EC2":
		name = "i-" + randHex(17)
		newARN = fmt.Sprintf("arn:aws:ec2:%s:%s:instance/%s", region, account, name)
	case "EFS":
		if md["newFileSystem"] == "false" {
			name = md["file-system-id"]
			newARN = fmt.Sprintf("arn:aws:elasticfilesystem:%s:%s:file-system/%s", region, account, name)
			if e.st.Resources[newARN] == nil {
				return nil, fmt.Sprintf("File system %s does not exist", name)
			}
			mustBeNew = false
		} else {
			name = "fs-" + randHex(17)
			newARN = fmt.Sprintf("arn:aws:elasticfilesystem:%s:%s:file-system/%s", region, account, name)
		}
	case "FSx":
		name = "fs-" + randHex(17)
		newARN = fmt.Sprintf("arn:aws:fsx:%s:%s:file-system/%s", region, account, name)
	case "SAP HANA on Amazon EC2":
		// A restore overwrites the target database (saphana-restore).
		newARN = md["aws:backup:TargetDatabaseArn"]
		t := e.st.Resources[newARN]
		if t == nil || t.Type != typ {
			return nil, fmt.Sprintf("Target database %s does not exist", newARN)
		}
		name, mustBeNew = t.Name, false
	case "VirtualMachine":
		switch md["RestoreTo"] {
		case "EBS":
			name, createdType = "vol-"+randHex(17), "EBS"
			newARN = fmt.Sprintf("arn:aws:ec2:%s:%s:volume/%s", region, account, name)
		case "VMware":
			name = "vm-" + strings.ToUpper(randHex(17))
			newARN = fmt.Sprintf("arn:aws:backup-gateway:%s:%s:vm/%s", region, account, name)
		default:
			name, createdType = "i-"+randHex(17), "EC2"
			newARN = fmt.Sprintf("arn:aws:ec2:%s:%s:instance/%s", region, account, name)
		}
	default:
		p, err := arn.Parse(rp.ResourceARN)
		if err != nil {
			return nil, fmt.Sprintf("cannot restore resource %s", rp.ResourceARN)
		}
		suffix := "-restored-" + randHex(8)
		p.Resource += suffix
		if p.Region != "" {
			p.Region = region
		}
		if p.AccountID != "" {
			p.AccountID = account
		}
		newARN = p.String()
		name = resourceName(newARN)
	}
	existing := e.st.Resources[newARN]
	if existing != nil && mustBeNew {
		return nil, fmt.Sprintf("Cannot restore: a %s resource named %s already exists (%s)", typ, name, newARN)
	}
	tags := map[string]string{}
	if j.CopySourceTags {
		maps.Copy(tags, rp.SourceTags)
	}
	maps.Copy(tags, metadataTags(md))
	res := &Resource{
		ARN: newARN, Type: createdType, Name: name, SizeBytes: rp.BackupSizeInBytes, Fingerprint: rp.Fingerprint,
		Attributes: maps.Clone(rp.SourceAttributes), CreatedBy: j.ID,
	}
	if existing != nil {
		res.CreationTime = existing.CreationTime
		res.Tags = maps.Clone(existing.Tags)
		if res.Tags == nil {
			res.Tags = map[string]string{}
		}
		maps.Copy(res.Tags, tags)
	} else if len(tags) > 0 {
		res.Tags = tags
	}
	if len(res.Tags) == 0 {
		res.Tags = nil
	}
	return res, ""
}
