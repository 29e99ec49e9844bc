"""Writes the part of botocore's AWS Backup model that the restore testing
conformance test uses (backup-restore-testing.json), without documentation.

Debian 12's AWS CLI (2.9.19) predates restore testing (AWS Backup, November
2023); the test loads this model into the CLI with `aws configure add-model`,
the CLI's documented way to call operations newer than its bundled model.

Usage: python3 trim_model.py BOTOCORE_DATA/backup/2018-11-15/service-2.json[.gz]
(botocore is Apache-2.0; the model is AWS's published API model.)
"""
import gzip
import json
import sys

OPS = [
    "CreateBackupVault", "StartBackupJob", "CreateRestoreTestingPlan", "CreateRestoreTestingSelection",
    "GetRestoreTestingPlan", "ListRestoreJobs", "DescribeRestoreJob", "PutRestoreValidationResult",
    "GetRestoreJobMetadata", "ListRestoreJobsByProtectedResource",
]

path = sys.argv[1]
opener = gzip.open if path.endswith(".gz") else open
with opener(path, "rt") as f:
    model = json.load(f)


def strip(node):
    if isinstance(node, dict):
        return {k: strip(v) for k, v in node.items() if k not in ("documentation", "documentationUrl")}
    if isinstance(node, list):
        return [strip(v) for v in node]
    return node


shapes, todo = set(), []
ops = {}
for name in OPS:
    op = model["operations"][name]
    ops[name] = op
    for key in ("input", "output"):
        if key in op:
            todo.append(op[key]["shape"])
    todo.extend(e["shape"] for e in op.get("errors", []))
while todo:
    s = todo.pop()
    if s in shapes:
        continue
    shapes.add(s)
    shape = model["shapes"][s]
    for m in shape.get("members", {}).values():
        todo.append(m["shape"])
    for key in ("member", "key", "value"):
        if key in shape:
            todo.append(shape[key]["shape"])

out = {
    "version": model.get("version", "2.0"),
    "metadata": {k: v for k, v in model["metadata"].items() if k not in ("protocols", "auth")},
    "operations": strip(ops),
    "shapes": strip({s: model["shapes"][s] for s in sorted(shapes)}),
}
json.dump(out, sys.stdout, indent=1, sort_keys=True)
sys.stdout.write("\n")
