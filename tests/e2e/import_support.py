"""Support for the ImportTable end-to-end tests (test_import*.py).

ImportTestCase: an ExportTestCase (local sink or S3) with helpers to put source objects, start
imports and wait for them. Objects of the local source are files <data-dir>/s3/<bucket>/<key>,
the directory layout exports write.
"""

import gzip
import os
import subprocess
import time
import uuid

from export_support import ExportTestCase

DEFAULT_SCHEMA = {
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                  {"AttributeName": "sk", "KeyType": "RANGE"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                             {"AttributeName": "sk", "AttributeType": "N"}],
}


def compress(data, kind):
    if kind == "GZIP":
        return gzip.compress(data)
    if kind == "ZSTD":
        return subprocess.run(["zstd", "-q", "-c"], input=data, stdout=subprocess.PIPE,
                              check=True).stdout
    return data


class ImportTestCase(ExportTestCase):

    def put_object(self, bucket, key, data):
        path = os.path.join(self.s3_root(), bucket, key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)

    def put_lines(self, bucket, key, lines, kind="NONE"):
        body = ("\n".join(lines) + "\n").encode()
        self.put_object(bucket, key, compress(body, kind))
        return len(body)

    def start_import(self, bucket, prefix, table=None, fmt="DYNAMODB_JSON", schema=None,
                     client=None, **kw):
        params = {"TableName": table or f"imp-{uuid.uuid4().hex[:12]}",
                  "BillingMode": "PAY_PER_REQUEST", **(schema or DEFAULT_SCHEMA)}
        params.update(kw.pop("table_params", {}))
        source = {"S3Bucket": bucket}
        if prefix is not None:
            source["S3KeyPrefix"] = prefix
        return (client or self.client).import_table(
            S3BucketSource=source, InputFormat=fmt, TableCreationParameters=params,
            **kw)["ImportTableDescription"]

    def describe_import(self, arn):
        return self.client.describe_import(ImportArn=arn)["ImportTableDescription"]

    def wait_import(self, arn, timeout=60):
        deadline = time.monotonic() + timeout
        while True:
            desc = self.describe_import(arn)
            if desc["ImportStatus"] != "IN_PROGRESS":
                return desc
            if time.monotonic() > deadline:
                self.fail(f"import {arn} still IN_PROGRESS after {timeout}s")
            time.sleep(0.05)

    def import_and_wait(self, bucket, prefix, timeout=60, **kw):
        return self.wait_import(self.start_import(bucket, prefix, **kw)["ImportArn"], timeout)

    def table_of(self, desc):
        return desc["TableCreationParameters"]["TableName"]

    def error_log(self, desc):
        import_id = desc["ImportArn"].rsplit("/", 1)[1]
        path = os.path.join(self.server.data_dir, "import-logs", "aws-dynamodb", "imports",
                            import_id, "error")
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return [line for line in f.read().splitlines() if line]
