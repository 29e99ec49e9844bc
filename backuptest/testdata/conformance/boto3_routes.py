"""Route check: every AWS Backup operation in Debian's botocore model,
called with made-up values for its required members, must reach the
backupkit emulator as that operation (botocore's paths, trailing slashes,
label encoding and query strings), and be answered in AWS's error shape.

Usage: python3 boto3_routes.py ENDPOINT_URL

Prints one JSON summary line; exits 1 listing every mismatch.
"""

import datetime
import json
import sys
import urllib.request

import boto3
import botocore
from botocore.exceptions import ClientError


def value_for(shape, name, depth=0):
    t = shape.type_name
    if t == "structure":
        out = {}
        if depth > 4:
            return out
        for member in shape.required_members:
            out[member] = value_for(shape.members[member], member, depth + 1)
        return out
    if t == "list":
        return [value_for(shape.member, name, depth + 1)]
    if t == "map":
        return {"k": value_for(shape.value, name, depth + 1)}
    if t == "string":
        if shape.enum:
            return shape.enum[0]
        if name.endswith("Arn"):
            return "arn:aws:ec2:us-east-1:123456789012:snapshot/snap-0123"
        return "lbl-" + name
    if t in ("integer", "long"):
        return max(1, shape.metadata.get("min", 1))
    if t in ("double", "float"):
        return 1.0
    if t == "boolean":
        return True
    if t == "timestamp":
        return datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    if t == "blob":
        return b"x"
    raise ValueError("unsupported shape type %s" % t)


def last_call(endpoint):
    with urllib.request.urlopen(endpoint + "/_backupkit/calls") as resp:
        calls = json.load(resp)
    return calls[-1] if calls else None


def main(endpoint):
    session = boto3.session.Session(
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        region_name="us-east-1",
    )
    client = session.client(
        "backup",
        endpoint_url=endpoint,
        config=botocore.config.Config(retries={"max_attempts": 1, "mode": "standard"}),
    )
    model = client.meta.service_model
    problems = []
    routed = 0
    for op_name in model.operation_names:
        op = model.operation_model(op_name)
        params = value_for(op.input_shape, "") if op.input_shape is not None else {}
        method = getattr(client, botocore.xform_name(op_name))
        code = ""
        try:
            method(**params)
        except ClientError as e:
            code = e.response["Error"]["Code"]
            if not e.response["Error"].get("Message"):
                problems.append("%s: error %s without a message" % (op_name, code))
        except Exception as e:  # anything but an AWS error is a problem
            problems.append("%s: %s: %s" % (op_name, type(e).__name__, e))
            continue
        call = last_call(endpoint)
        if call is None or call["operation"] != op_name:
            problems.append("%s was routed as %r" % (op_name, call))
            continue
        if code in ("InternalFailure", "UnknownOperationException"):
            problems.append("%s answered %s" % (op_name, code))
            continue
        routed += 1
    print(json.dumps({"operations": len(model.operation_names), "routed": routed, "problems": problems}))
    if problems:
        sys.exit(1)


if __name__ == "__main__":
    main(sys.argv[1])
