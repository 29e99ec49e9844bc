"""boto3 conformance check for the backupkit AWS Backup emulator.

Usage: python3 boto3_check.py ENDPOINT_URL

Runs a short scenario with Debian's boto3 against a running
`backupkit emulator` and exits non-zero (with a traceback) on the first
assertion that fails. The last line printed is a JSON summary.
"""

import json
import sys
import time

import boto3
import botocore

VOLUME = "arn:aws:ec2:us-east-1:123456789012:volume/vol-0123456789abcdef0"
ROLE = "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole"


def expect_error(fn, exc, code, **kwargs):
    try:
        fn(**kwargs)
    except exc as e:
        err = e.response["Error"]
        assert err["Code"] == code, err
        assert err["Message"], err
        return e
    raise AssertionError("%s did not raise %s" % (fn.__name__, code))


def main(endpoint):
    session = boto3.session.Session(
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        region_name="us-east-1",
    )
    client = session.client(
        "backup",
        endpoint_url=endpoint,
        config=botocore.config.Config(retries={"max_attempts": 2, "mode": "standard"}),
    )
    summary = {"boto3": boto3.__version__, "botocore": botocore.__version__}

    # A missing vault raises the modelled exception class.
    e = expect_error(
        client.describe_backup_vault,
        client.exceptions.ResourceNotFoundException,
        "ResourceNotFoundException",
        BackupVaultName="noSuchVault",
    )
    assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 400, e.response
    assert "noSuchVault" in e.response["Error"]["Message"]

    # Validation errors are typed too.
    expect_error(
        client.create_backup_vault,
        client.exceptions.InvalidParameterValueException,
        "InvalidParameterValueException",
        BackupVaultName="x",
    )

    created = client.create_backup_vault(
        BackupVaultName="myVault",
        BackupVaultTags={"project": "finance"},
        CreatorRequestId="boto3-1",
    )
    assert created["BackupVaultArn"] == "arn:aws:backup:us-east-1:123456789012:backup-vault:myVault", created
    assert created["CreationDate"].year >= 2020, created  # epoch seconds parsed into a datetime

    # AlreadyExistsException carries the extra members.
    e = expect_error(
        client.create_backup_vault,
        client.exceptions.AlreadyExistsException,
        "AlreadyExistsException",
        BackupVaultName="myVault",
        CreatorRequestId="boto3-2",
    )

    names = ["myVault"]
    for i in range(4):
        name = "pageVault%d" % i
        client.create_backup_vault(BackupVaultName=name)
        names.append(name)

    paginator = client.get_paginator("list_backup_vaults")
    pages = list(paginator.paginate(PaginationConfig={"PageSize": 2}))
    listed = [v["BackupVaultName"] for p in pages for v in p["BackupVaultList"]]
    assert sorted(listed) == sorted(names), listed
    assert len(pages) == 3, [len(p["BackupVaultList"]) for p in pages]
    summary["vaultPages"] = len(pages)

    tags = client.list_tags(ResourceArn=created["BackupVaultArn"])["Tags"]
    assert tags == {"project": "finance"}, tags

    job = client.start_backup_job(
        BackupVaultName="myVault", ResourceArn=VOLUME, IamRoleArn=ROLE, IdempotencyToken="boto3-job-1"
    )
    again = client.start_backup_job(
        BackupVaultName="myVault", ResourceArn=VOLUME, IamRoleArn=ROLE, IdempotencyToken="boto3-job-1"
    )
    assert again["BackupJobId"] == job["BackupJobId"], (job, again)
    deadline = time.time() + 60
    while True:
        d = client.describe_backup_job(BackupJobId=job["BackupJobId"])
        if d["State"] == "COMPLETED":
            break
        assert d["State"] in ("CREATED", "PENDING", "RUNNING"), d["State"]
        assert time.time() < deadline, "backup job did not complete"
        time.sleep(0.1)
    assert d["ResourceArn"] == VOLUME, d
    summary["backupJob"] = d["State"]

    points = client.list_recovery_points_by_backup_vault(BackupVaultName="myVault")["RecoveryPoints"]
    assert len(points) == 1, points
    assert points[0]["RecoveryPointArn"] == d["RecoveryPointArn"], points

    # Deleting a vault that still holds a recovery point is refused.
    e = expect_error(
        client.delete_backup_vault,
        client.exceptions.InvalidRequestException,
        "InvalidRequestException",
        BackupVaultName="myVault",
    )

    client.delete_backup_vault(BackupVaultName="pageVault0")
    remaining = [v["BackupVaultName"] for v in client.list_backup_vaults()["BackupVaultList"]]
    assert "pageVault0" not in remaining, remaining

    print(json.dumps(summary, sort_keys=True))


if __name__ == "__main__":
    main(sys.argv[1])
