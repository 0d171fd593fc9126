"""ImportTable from an S3 endpoint (--s3-endpoint, a real moto_server), held IN_PROGRESS by a
GatedProxy where a test needs an import that is still running: ClientToken replays, the table
CREATING meanwhile, ListImports of a running import, and kill -9 in the middle of an import.

Facts: shared/spec/export-and-pitr.md §5 "Import semantics" (ScyllaDB's measurements against
DynamoDB): only another TableName conflicts with a ClientToken; a replay of a finished import
meets its table (ResourceInUseException); ListImports shows IN_PROGRESS imports.
"""

import gzip
import json
import os
import uuid

from botocore.exceptions import ClientError

from export_support import GatedProxy, MotoServer, random_bucket, wait_for
from harness import CREDS
from import_support import DEFAULT_SCHEMA, ImportTestCase

LINES = [json.dumps({"Item": {"pk": {"S": f"k{i % 13}"}, "sk": {"N": str(i)},
                              "v": {"S": "x" * (i % 50)}}}) for i in range(2000)]


class S3ImportTestCase(ImportTestCase):
    GATED = False

    @classmethod
    def setUpClass(cls):
        cls.moto = MotoServer().start()
        cls.proxy = GatedProxy(cls.moto.port) if cls.GATED else None
        cls.SERVER_ARGS = ("--s3-endpoint", cls.proxy.url if cls.proxy else cls.moto.url)
        cls.s3 = cls.moto.client()
        os.environ.update(CREDS)
        try:
            super().setUpClass()
        except BaseException:
            cls._stop_peers()
            raise

    @classmethod
    def _stop_peers(cls):
        if cls.proxy:
            cls.proxy.close()
        cls.moto.stop()

    @classmethod
    def tearDownClass(cls):
        if cls.proxy:
            cls.proxy.open()
        try:
            super().tearDownClass()
        finally:
            cls._stop_peers()

    def new_bucket(self):
        name = random_bucket()
        self.s3.create_bucket(Bucket=name)
        return name

    def upload(self, bucket, prefix, parts=4):
        step = len(LINES) // parts
        for p in range(parts):
            body = ("\n".join(LINES[p * step:(p + 1) * step]) + "\n").encode()
            self.s3.put_object(Bucket=bucket, Key=f"{prefix}part-{p}.json.gz",
                               Body=gzip.compress(body))

    def expected_keys(self):
        return {(json.loads(line)["Item"]["pk"]["S"], json.loads(line)["Item"]["sk"]["N"])
                for line in LINES}

    def table_keys(self, table):
        return {(i["pk"]["S"], i["sk"]["N"]) for i in self.scan_wire(table)}


class ImportFromS3(S3ImportTestCase):

    def test_import_from_moto(self):
        bucket = self.new_bucket()
        self.upload(bucket, "exp/AWSDynamoDB/01768385930622-efd1a093/data/")
        imp = self.import_and_wait(bucket, "exp/", InputCompressionType="GZIP")
        self.assertEqual(imp["ImportStatus"], "COMPLETED", imp)
        self.assertEqual(imp["ImportedItemCount"], len(LINES))
        self.assertEqual(self.table_keys(self.table_of(imp)), self.expected_keys())

    def test_many_objects_listed_over_pages(self):
        # ListObjectsV2 answers at most 1000 keys a page: 1001 objects need two.
        bucket = self.new_bucket()
        for i in range(1001):
            self.s3.put_object(Bucket=bucket, Key=f"many/{i:05}",
                               Body=json.dumps({"Item": {"pk": {"S": "p"},
                                                         "sk": {"N": str(i)}}}).encode())
        imp = self.import_and_wait(bucket, "many/", timeout=180)
        self.assertEqual(imp["ImportStatus"], "COMPLETED", imp)
        self.assertEqual(imp["ImportedItemCount"], 1001)

    def test_missing_bucket(self):
        imp = self.import_and_wait(random_bucket(), "x/")
        self.assertEqual((imp["ImportStatus"], imp["FailureCode"]), ("FAILED", "S3NoSuchBucket"))
        with self.assertRaises(ClientError):
            self.client.describe_table(TableName=self.table_of(imp))


class ImportWhileRunning(S3ImportTestCase):
    GATED = True

    def test_client_token_replays_and_conflicts(self):
        bucket = random_bucket()
        # The bucket is made straight on moto: the proxy holds Tideline's requests only.
        self.s3.create_bucket(Bucket=bucket)
        self.upload(bucket, "tok/")
        token = uuid.uuid4().hex
        table = f"tok-{uuid.uuid4().hex[:8]}"
        first = self.start_import(bucket, "tok/", table=table, ClientToken=token,
                                  InputCompressionType="GZIP")
        self.assertEqual(first["ImportStatus"], "IN_PROGRESS")
        for member in ("EndTime", "FailureCode", "ProcessedSizeBytes"):
            self.assertNotIn(member, first)
        self.assertEqual((first["ProcessedItemCount"], first["ImportedItemCount"],
                          first["ErrorCount"]), (0, 0, 0))
        # Same token: the same import, whatever else changed but the table.
        again = self.start_import(bucket, "tok/", table=table, ClientToken=token,
                                  InputCompressionType="GZIP")
        self.assertEqual(again["ImportArn"], first["ImportArn"])
        other_source = self.start_import("some-other-bucket", "other/", table=table,
                                         ClientToken=token, fmt="CSV")
        self.assertEqual(other_source["ImportArn"], first["ImportArn"])
        self.assertEqual(other_source["InputFormat"], "DYNAMODB_JSON")
        with self.assertRaises(ClientError) as e:
            self.start_import(bucket, "tok/", table=table + "-x", ClientToken=token)
        self.assertEqual(e.exception.response["Error"]["Code"], "ImportConflictException")
        # The table is CREATING and takes no reads or writes until the import ends.
        self.assertEqual(self.client.describe_table(TableName=table)["Table"]["TableStatus"],
                         "CREATING")
        with self.assertRaises(ClientError) as e:
            self.client.get_item(TableName=table, Key={"pk": {"S": "k1"}, "sk": {"N": "1"}})
        self.assertEqual(e.exception.response["Error"]["Code"], "ResourceNotFoundException")
        with self.assertRaises(ClientError) as e:
            self.client.delete_table(TableName=table)
        self.assertEqual(e.exception.response["Error"]["Code"], "ResourceInUseException")
        listed = self.client.list_imports(TableArn=first["TableArn"])["ImportSummaryList"]
        self.assertEqual([(s["ImportArn"], s["ImportStatus"]) for s in listed],
                         [(first["ImportArn"], "IN_PROGRESS")])
        self.assertNotIn("EndTime", listed[0])
        self.proxy.open()
        done = self.wait_import(first["ImportArn"])
        self.assertEqual(done["ImportStatus"], "COMPLETED", done)
        self.assertEqual(done["TableId"], first["TableId"])
        self.assertEqual(self.table_keys(table), self.expected_keys())
        with self.assertRaises(ClientError) as e:
            self.start_import(bucket, "tok/", table=table, ClientToken=token)
        self.assertEqual(e.exception.response["Error"]["Code"], "ResourceInUseException")


class ImportCutByKill9(S3ImportTestCase):
    GATED = True

    def test_kill9_mid_import_resumes_after_restart(self):
        bucket = random_bucket()
        self.s3.create_bucket(Bucket=bucket)
        self.upload(bucket, "k9/")
        table = f"k9-{uuid.uuid4().hex[:8]}"
        first = self.start_import(bucket, "k9/", table=table, InputCompressionType="GZIP")
        self.restart_server(kill=True)
        # After the restart the import runs again; until the gate opens it cannot finish, and
        # its table is never ACTIVE with part of the items.
        desc = self.describe_import(first["ImportArn"])
        self.assertEqual(desc["ImportStatus"], "IN_PROGRESS")
        t = self.client.describe_table(TableName=table)["Table"]
        self.assertEqual(t["TableStatus"], "CREATING")
        self.assertEqual(t["TableId"], first["TableId"])
        self.proxy.open()
        done = self.wait_import(first["ImportArn"])
        self.assertEqual(done["ImportStatus"], "COMPLETED", done)
        self.assertEqual(done["ImportedItemCount"], len(LINES))
        self.assertEqual(self.table_keys(table), self.expected_keys())
        self.restart_server(kill=True)
        self.assertEqual(self.describe_import(first["ImportArn"])["ImportStatus"], "COMPLETED")
        self.assertEqual(self.table_keys(table), self.expected_keys())
