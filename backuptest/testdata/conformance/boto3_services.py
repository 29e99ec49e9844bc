"""Drive the emulator's EC2, RDS, DynamoDB, S3 and EFS APIs with Debian's
boto3: its paginators, waiters and error codes, as scripts written against
AWS use them. Prints a JSON summary on the last line."""
import json
import sys

import boto3
import botocore
from botocore.exceptions import ClientError

url = sys.argv[1]
session = boto3.session.Session(aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
                                aws_secret_access_key="secret", region_name="us-east-1")


def client(name):
    return session.client(name, endpoint_url=url)


def pages(c, op, page_size, key, **kw):
    n, p = 0, 0
    for page in c.get_paginator(op).paginate(PaginationConfig={"PageSize": page_size}, **kw):
        p += 1
        n += len(page[key])
    return n, p


def code(fn, **kw):
    try:
        fn(**kw)
    except ClientError as e:
        return e.response["Error"]["Code"]
    return None


fast = {"Delay": 1, "MaxAttempts": 5}
out = {"botocore": botocore.__version__}
ec2 = client("ec2")
out["ec2Volumes"], out["ec2VolumePages"] = pages(ec2, "describe_volumes", 5, "Volumes")
out["ec2Missing"] = code(ec2.describe_volumes, VolumeIds=["vol-nope"])
ec2.delete_volume(VolumeId="vol-00")
ec2.get_waiter("volume_deleted").wait(VolumeIds=["vol-00"], WaiterConfig=fast)
ec2.terminate_instances(InstanceIds=["i-0123456789abcdef0"])
ec2.get_waiter("instance_terminated").wait(InstanceIds=["i-0123456789abcdef0"], WaiterConfig=fast)

rds = client("rds")
out["rdsInstances"], out["rdsPages"] = pages(rds, "describe_db_instances", 20, "DBInstances")
out["rdsMissing"] = code(rds.describe_db_instances, DBInstanceIdentifier="nope")
rds.delete_db_instance(DBInstanceIdentifier="orders-00", SkipFinalSnapshot=True)
rds.get_waiter("db_instance_deleted").wait(DBInstanceIdentifier="orders-00", WaiterConfig=fast)

ddb = client("dynamodb")
out["ddbTables"], out["ddbPages"] = pages(ddb, "list_tables", 3, "TableNames")
out["ddbStatus"] = ddb.describe_table(TableName="sessions-0")["Table"]["TableStatus"]
out["ddbMissing"] = code(ddb.describe_table, TableName="nope")
ddb.delete_table(TableName="sessions-0")
ddb.get_waiter("table_not_exists").wait(TableName="sessions-0", WaiterConfig=fast)

s3 = client("s3")
out["s3Buckets"] = sorted(b["Name"] for b in s3.list_buckets()["Buckets"])
out["s3Objects"], out["s3Pages"] = pages(s3, "list_objects_v2", 1000, "Contents", Bucket="assets")
out["s3Missing"] = code(s3.list_objects_v2, Bucket="nope")
out["s3NoTags"] = code(s3.get_bucket_tagging, Bucket="empty-bucket")

efs = client("efs")
out["efsFileSystems"], out["efsPages"] = pages(efs, "describe_file_systems", 2, "FileSystems")
out["efsMissing"] = code(efs.describe_file_systems, FileSystemId="fs-nope")
print(json.dumps(out))
