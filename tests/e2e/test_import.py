"""ImportTable, DescribeImport and ListImports from the local directory standing for S3.

Facts: shared/spec/export-and-pitr.md §4.6 (shapes), §5 "Import semantics" (AWS's behaviour as
measured by ScyllaDB's test_import.py against DynamoDB), the developer guide's import formats
(CSV typing, escaping) and validation pages (bad lines, duplicates).
"""

import gzip
import json
import os
import time

from botocore.exceptions import ClientError

from export_support import canonical, ensure_ion_check, wire
from harness import ACCOUNT, REGION
from import_support import DEFAULT_SCHEMA, ImportTestCase, compress

# (boto3 form: binaries as bytes.) Every attribute type, 38-digit numbers, binaries that are not UTF-8, nesting, a ~400 KB item.
ROUND_TRIP_ITEMS = [
    {"pk": {"S": "minimal"}, "sk": {"N": "1"}},
    {"pk": {"S": "strings"}, "sk": {"N": "2"}, "u": {"S": "zażółć 日本語 🦑 \"q\" \\ \n\t"},
     "e": {"S": ""}},
    {"pk": {"S": "numbers"}, "sk": {"N": "3"}, "d38": {"N": "1" * 38},
     "neg": {"N": "-0.00000000000000000000000000000000000012345678901234567890123456789012345678"},
     "big": {"N": "9.9999999999999999999999999999999999999E+125"}, "small": {"N": "1E-130"},
     "z": {"N": "0"}},
    {"pk": {"S": "binary"}, "sk": {"N": "4"}, "b": {"B": b"\x00\x01\xfe\xff"},
     "eb": {"B": b""}},
    {"pk": {"S": "scalars"}, "sk": {"N": "5"}, "t": {"BOOL": True}, "f": {"BOOL": False},
     "n": {"NULL": True}},
    {"pk": {"S": "sets"}, "sk": {"N": "6"}, "ss": {"SS": ["a", "b", "c"]},
     "ns": {"NS": ["1", "-2", "3.5", "1" * 38]},
     "bs": {"BS": [b"\x00", b"\x01"]}},
    {"pk": {"S": "documents"}, "sk": {"N": "7"},
     "l": {"L": [{"S": "s"}, {"N": "1"}, {"BOOL": True}, {"NULL": True}, {"B": b"b"},
                 {"L": []}, {"M": {}}]},
     "m": {"M": {"a": {"N": "1"}, "b": {"M": {"c": {"S": "d"}}}, "": {"S": "empty name"}}}},
    {"pk": {"S": "nested"}, "sk": {"N": "8"},
     "deep": {"M": {"0": {"M": {"1": {"L": [{"M": {"2": {"SS": ["leaf"]}}}]}}}}}},
    {"pk": {"S": "names"}, "sk": {"N": "9"}, "Size": {"S": "reserved"}, "a.b": {"S": "dotted"},
     "weird name'\"": {"S": "quoted"}, "n" * 255: {"S": "long name"}, "$ion_1_0": {"S": "m"},
     "null": {"S": "ion keyword"}, "$12": {"S": "symbol id"}},
    {"pk": {"S": "big"}, "sk": {"N": "10"}, "blob": {"S": "y" * 399000}},
    {"pk": {"S": "bigbin"}, "sk": {"N": "11"},
     "blob": {"B": bytes(range(256)) * 1500}},
] + [{"pk": {"S": f"many{i % 7}"}, "sk": {"N": str(i)}, "v": {"N": f"{i}.{i}"}}
     for i in range(300)]

# Real lines of AWS exports recorded in the spec (§2.1, §2.2): gurre/ddb-pitr's full export, the
# scylla-migrator line with every type, and the developer guide's ION example (one line).
AWS_JSON_LINES = [
    '{"Item":{"pk":{"S":"1"},"sk":{"S":"1"},"test":{"S":"test"}}}',
    '{"Item":{"pk":{"S":"1"},"sk":{"S":"3"},"test2":{"S":"2"},"test1":{"S":"1"}}}',
]
SCYLLA_MIGRATOR_LINE = (
    '{"Item":{"id":{"S":"K3TXQk84Si"},"a":{"BOOL":false},"b":{"NULL":true},"c":{"SS":["8gfX8dh0xa",'
    '"fRjHZJ2Ce9"]},"d":{"NS":["3","2"]},"e":{"L":[{"N":"1"},{"S":"Dsb87qc6Es"}]},"f":{"M":{"h":'
    '{"NULL":true},"i":{"BOOL":true},"g":{"N":"9"}}},"j":{"B":"aGVsbG8="},"k":{"BS":["aXMgZmFzdA==",'
    '"c2N5bGxhZGI="]}}}')
# gurre/ddb-pitr's incremental export records (§2.3): an insert, an update and a delete.
AWS_INCREMENTAL_LINES = [
    '{"Metadata":{"WriteTimestampMicros":{"N":"1768386096366933"}},"Keys":{"pk":{"S":"2"},"sk":'
    '{"S":"1"}},"NewImage":{"pk":{"S":"2"},"sk":{"S":"1"},"test":{"S":"test2"}}}',
    '{"Metadata":{"WriteTimestampMicros":{"N":"1768387673917155"}},"Keys":{"pk":{"S":"1"},"sk":'
    '{"S":"3"}},"OldImage":{"pk":{"S":"1"},"sk":{"S":"3"},"test1":{"S":"1"},"test2":{"S":"2"}},'
    '"NewImage":{"bin_update":{"BS":["0000","0001"]},"pk":{"S":"1"},"sk":{"S":"3"},"test1":'
    '{"S":"1"},"test2":{"S":"2"}}}',
    '{"Metadata":{"WriteTimestampMicros":{"N":"1768387654350448"}},"Keys":{"pk":{"S":"1"},"sk":'
    '{"S":"1"}},"OldImage":{"pk":{"S":"1"},"sk":{"S":"1"},"test":{"S":"test"}}}',
]
AWS_ION_LINE = (
    '$ion_1_0 {Item:{Authors:$dynamodb_SS::["Author1","Author2"],Dimensions:"8.5 x 11.0 x 1.5",'
    'ISBN:"333-3333333333",Id:103.,InPublication:false,PageCount:6d2,Price:2d3,'
    'ProductCategory:"Book",Title:"Book 103 Title"}}')


def sorted_items(items):
    return sorted((canonical(i) for i in items), key=lambda i: json.dumps(i, sort_keys=True))


class ImportOwnExports(ImportTestCase):
    """Export a table, import the export: the new table holds the source as of the export."""

    @classmethod
    def _create_class_tables(cls):
        ensure_ion_check()
        cls.source = cls.create_pitr_table(("pk", "S"), ("sk", "N"))
        cls.put_items(cls.source, ROUND_TRIP_ITEMS)

    def round_trip(self, fmt):
        bucket = self.make_bucket()
        desc = self.export_and_wait(self.source, bucket, ExportFormat=fmt)
        self.assertEqual(desc["ExportStatus"], "COMPLETED", desc)
        # Written after the export: must not appear in the import.
        self.client.put_item(TableName=self.source, Item={"pk": {"S": "late"}, "sk": {"N": "0"}})
        self.addCleanup(self.client.delete_item, TableName=self.source,
                        Key={"pk": {"S": "late"}, "sk": {"N": "0"}})
        data_prefix = desc["ExportManifest"].rsplit("/", 1)[0] + "/data/"
        imp = self.import_and_wait(bucket, data_prefix, fmt=fmt, InputCompressionType="GZIP")
        self.assertEqual(imp["ImportStatus"], "COMPLETED", imp)
        self.assertEqual(imp["ErrorCount"], 0)
        self.assertEqual(imp["ImportedItemCount"], len(ROUND_TRIP_ITEMS))
        self.assertEqual(imp["ProcessedItemCount"], len(ROUND_TRIP_ITEMS))
        self.assertGreater(imp["ProcessedSizeBytes"], 0)
        table = self.client.describe_table(TableName=self.table_of(imp))["Table"]
        self.assertEqual(table["TableStatus"], "ACTIVE")
        self.assertEqual(table["TableId"], imp["TableId"])
        self.assertEqual(table["ItemCount"], len(ROUND_TRIP_ITEMS))
        self.assertEqual(sorted_items(self.scan_wire(self.table_of(imp))),
                         sorted_items(wire(i) for i in ROUND_TRIP_ITEMS))

    def test_dynamodb_json_export_round_trip(self):
        self.round_trip("DYNAMODB_JSON")

    def test_ion_export_round_trip(self):
        self.round_trip("ION")


class ImportFormats(ImportTestCase):

    def test_aws_sample_lines(self):
        bucket = self.make_bucket()
        self.put_lines(bucket, "gurre/AWSDynamoDB/01768385930622-efd1a093/data/"
                       "5mrfg3b44e3vhnfickkozoym6a.json.gz", AWS_JSON_LINES, "GZIP")
        # The empty data file of an empty partition: the 20-byte gzip of nothing.
        self.put_object(bucket, "gurre/AWSDynamoDB/01768385930622-efd1a093/data/"
                        "zqp435kgma323mmasy7jmciuje.json.gz",
                        bytes.fromhex("1f8b08000000000000ff0300") + bytes(8))
        imp = self.import_and_wait(bucket, "gurre/", InputCompressionType="GZIP", schema={
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                          {"AttributeName": "sk", "KeyType": "RANGE"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                     {"AttributeName": "sk", "AttributeType": "S"}]})
        self.assertEqual(imp["ImportStatus"], "COMPLETED", imp)
        self.assertEqual(sorted_items(self.scan_wire(self.table_of(imp))),
                         sorted_items(json.loads(line)["Item"] for line in AWS_JSON_LINES))

        # Incremental records: the NewImages are the items; the deleted key leaves nothing.
        self.put_lines(bucket, "incr/AWSDynamoDB/data/u2wov2dg246wzitouzsnk6jbd4.json.gz",
                       AWS_INCREMENTAL_LINES, "GZIP")
        imp = self.import_and_wait(bucket, "incr/", InputCompressionType="GZIP", schema={
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                          {"AttributeName": "sk", "KeyType": "RANGE"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                     {"AttributeName": "sk", "AttributeType": "S"}]})
        self.assertEqual(imp["ImportStatus"], "COMPLETED", imp)
        self.assertEqual(imp["ImportedItemCount"], 2)
        self.assertEqual(sorted_items(self.scan_wire(self.table_of(imp))),
                         sorted_items(json.loads(line)["NewImage"]
                                      for line in AWS_INCREMENTAL_LINES[:2]))

        self.put_lines(bucket, "scylla/data.json.gz", [SCYLLA_MIGRATOR_LINE], "GZIP")
        imp = self.import_and_wait(bucket, "scylla/", InputCompressionType="GZIP", schema={
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]})
        self.assertEqual(imp["ImportStatus"], "COMPLETED", imp)
        self.assertEqual(sorted_items(self.scan_wire(self.table_of(imp))),
                         sorted_items([json.loads(SCYLLA_MIGRATOR_LINE)["Item"]]))

        self.put_lines(bucket, "ion/oul53eynru4wzoadxd7flaqj3e.ion.gz", [AWS_ION_LINE], "GZIP")
        imp = self.import_and_wait(bucket, "ion/", fmt="ION", InputCompressionType="GZIP",
                                   schema={"KeySchema": [{"AttributeName": "Id", "KeyType": "HASH"}],
                                           "AttributeDefinitions": [{"AttributeName": "Id",
                                                                     "AttributeType": "N"}]})
        self.assertEqual(imp["ImportStatus"], "COMPLETED", imp)
        self.assertEqual(self.scan_wire(self.table_of(imp)), [canonical({
            "Authors": {"SS": ["Author1", "Author2"]}, "Dimensions": {"S": "8.5 x 11.0 x 1.5"},
            "ISBN": {"S": "333-3333333333"}, "Id": {"N": "103"}, "InPublication": {"BOOL": False},
            "PageCount": {"N": "600"}, "Price": {"N": "2000"}, "ProductCategory": {"S": "Book"},
            "Title": {"S": "Book 103 Title"}})])

    def test_compression_types(self):
        bucket = self.make_bucket()
        lines = [json.dumps({"Item": {"pk": {"S": f"k{i}"}, "sk": {"N": str(i)}}})
                 for i in range(50)]
        expected = sorted_items(json.loads(line)["Item"] for line in lines)
        for kind in ("NONE", "GZIP", "ZSTD"):
            with self.subTest(kind=kind):
                size = self.put_lines(bucket, f"{kind}/a", lines[:25], kind)
                size += self.put_lines(bucket, f"{kind}/b", lines[25:], kind)
                imp = self.import_and_wait(bucket, f"{kind}/", InputCompressionType=kind)
                self.assertEqual(imp["ImportStatus"], "COMPLETED", imp)
                self.assertEqual(imp["InputCompressionType"], kind)
                # Counted after decompression (AWS: the same figure for gzip and plain).
                self.assertEqual(imp["ProcessedSizeBytes"], size)
                self.assertEqual(sorted_items(self.scan_wire(self.table_of(imp))), expected)
        # Absent InputCompressionType means NONE; concatenated gzip members are one stream.
        body = "\n".join(lines).encode() + b"\n"
        self.put_object(bucket, "multi/x.gz", gzip.compress(body[:100]) + gzip.compress(body[100:]))
        imp = self.import_and_wait(bucket, "multi/", InputCompressionType="GZIP")
        self.assertEqual(imp["ImportedItemCount"], 50, imp)
        imp = self.import_and_wait(bucket, "NONE/")
        self.assertEqual(imp["InputCompressionType"], "NONE")
        self.assertEqual(imp["ImportStatus"], "COMPLETED")

    def test_csv_with_header_line(self):
        bucket = self.make_bucket()
        self.put_object(bucket, "csv/one.csv",
                        b'pk,sk,name,quote\r\nalpha,1,Al,"a ""quoted"", text"\nbeta,2.50,,x\n')
        imp = self.import_and_wait(bucket, "csv/", fmt="CSV")
        self.assertEqual(imp["ImportStatus"], "COMPLETED", imp)
        self.assertEqual(imp["ImportedItemCount"], 2)
        self.assertEqual(sorted_items(self.scan_wire(self.table_of(imp))), sorted_items([
            {"pk": {"S": "alpha"}, "sk": {"N": "1"}, "name": {"S": "Al"},
             "quote": {"S": 'a "quoted", text'}},
            {"pk": {"S": "beta"}, "sk": {"N": "2.5"}, "quote": {"S": "x"}}]))

    def test_csv_header_list_and_delimiters(self):
        bucket = self.make_bucket()
        for delimiter, name in ((";", "semi"), ("\t", "tab"), ("|", "pipe")):
            with self.subTest(delimiter=name):
                lines = [delimiter.join(["k1", "10", "7", "x y"]),
                         delimiter.join(["k2", "20", "8", "z"])]
                self.put_lines(bucket, f"{name}/data.csv", lines, "GZIP")
                imp = self.import_and_wait(
                    bucket, f"{name}/", fmt="CSV", InputCompressionType="GZIP",
                    InputFormatOptions={"Csv": {"Delimiter": delimiter,
                                                "HeaderList": ["pk", "sk", "n", "text"]}})
                self.assertEqual(imp["ImportStatus"], "COMPLETED", imp)
                self.assertEqual(imp["InputFormatOptions"]["Csv"]["Delimiter"], delimiter)
                # Non-key columns are strings, even when they look like numbers.
                self.assertEqual(sorted_items(self.scan_wire(self.table_of(imp))), sorted_items([
                    {"pk": {"S": "k1"}, "sk": {"N": "10"}, "n": {"S": "7"}, "text": {"S": "x y"}},
                    {"pk": {"S": "k2"}, "sk": {"N": "20"}, "n": {"S": "8"}, "text": {"S": "z"}}]))

    def test_csv_gsi_keys_are_typed(self):
        bucket = self.make_bucket()
        self.put_lines(bucket, "g/d.csv", ["pk,sk,g,other", "a,1,5,6", "b,2,7,8"])
        schema = dict(DEFAULT_SCHEMA)
        schema["AttributeDefinitions"] = DEFAULT_SCHEMA["AttributeDefinitions"] + [
            {"AttributeName": "g", "AttributeType": "N"}]
        imp = self.import_and_wait(bucket, "g/", fmt="CSV", schema=schema, table_params={
            "GlobalSecondaryIndexes": [{"IndexName": "byg",
                                        "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                        "Projection": {"ProjectionType": "ALL"}}]})
        self.assertEqual(imp["ImportStatus"], "COMPLETED", imp)
        table = self.table_of(imp)
        found = self.client.query(TableName=table, IndexName="byg",
                                  KeyConditionExpression="g = :g",
                                  ExpressionAttributeValues={":g": {"N": "7"}})["Items"]
        self.assertEqual(found, [{"pk": {"S": "b"}, "sk": {"N": "2"}, "g": {"N": "7"},
                                  "other": {"S": "8"}}])


class ImportErrors(ImportTestCase):

    def test_bad_lines_counted_logged_and_table_kept(self):
        bucket = self.make_bucket()
        good = [{"pk": {"S": "good"}, "sk": {"N": "1"}, "v": {"S": "kept"}},
                {"pk": {"S": "good"}, "sk": {"N": "2"}, "v": {"S": "kept too"}}]
        self.put_lines(bucket, "bad/00000-good",
                       [json.dumps({"Item": i}) for i in good] + ["", "   "])
        defects = {
            "no Item": '{"NotAnItem": {"pk": {"S": "x"}, "sk": {"N": "1"}}}',
            "missing sort key": '{"Item": {"pk": {"S": "x"}}}',
            "wrong key type": '{"Item": {"pk": {"S": "x"}, "sk": {"S": "1"}}}',
            "not JSON": '{"Item": ',
            "empty name": '{"Item": {"pk": {"S": "x"}, "sk": {"N": "1"}, "": {"S": "v"}}}',
            "too big": json.dumps({"Item": {"pk": {"S": "x"}, "sk": {"N": "1"},
                                            "b": {"S": "z" * 410000}}}),
        }
        for i, line in enumerate(defects.values(), start=1):
            # The rest of an object after its first bad line is not read (AWS).
            self.put_lines(bucket, f"bad/{i:05}-bad", [line, json.dumps({"Item": good[0]})])
        imp = self.import_and_wait(bucket, "bad/")
        self.assertEqual(imp["ImportStatus"], "FAILED", imp)
        self.assertEqual(imp["FailureCode"], "ItemValidationError")
        self.assertTrue(imp["FailureMessage"])
        self.assertEqual(imp["ErrorCount"], len(defects))
        self.assertEqual(imp["ImportedItemCount"], len(good))
        self.assertEqual(imp["ProcessedItemCount"], len(good) + len(defects))
        self.assertEqual(sorted_items(self.scan_wire(self.table_of(imp))), sorted_items(good))
        self.assertEqual(self.client.describe_table(
            TableName=self.table_of(imp))["Table"]["TableStatus"], "ACTIVE")
        events = [json.loads(line) for line in self.error_log(imp)]
        self.assertEqual(len(events), len(defects))
        for event in events:
            self.assertEqual(event["importArn"], imp["ImportArn"])
            self.assertEqual(event["itemS3Pointer"]["bucket"], bucket)
            self.assertEqual(event["itemS3Pointer"]["itemIndex"], 0)
            self.assertTrue(event["errorMessages"][0])
        reasons = {e["itemS3Pointer"]["key"]: e["errorMessages"][0] for e in events}
        self.assertIn("Item", reasons["bad/00001-bad"])
        self.assertIn("Missing the key sk", reasons["bad/00002-bad"])
        self.assertIn("Type mismatch for key sk", reasons["bad/00003-bad"])
        self.assertIn("maximum allowed size", reasons["bad/00006-bad"])
        self.assertEqual(imp["CloudWatchLogGroupArn"],
                         f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws-dynamodb/imports:*")

    def test_duplicate_keys_overwrite_silently(self):
        bucket = self.make_bucket()
        items = [{"pk": {"S": "dup"}, "sk": {"N": "1"}, "w": {"S": "first"}},
                 {"pk": {"S": "dup"}, "sk": {"N": "2"}, "w": {"S": "first"}},
                 {"pk": {"S": "unique"}, "sk": {"N": "3"}, "w": {"S": "only"}},
                 {"pk": {"S": "dup"}, "sk": {"N": "1"}, "w": {"S": "second"}},
                 {"pk": {"S": "dup"}, "sk": {"N": "2.0"}, "w": {"S": "second"}}]
        self.put_lines(bucket, "dup/x", [json.dumps({"Item": i}) for i in items])
        imp = self.import_and_wait(bucket, "dup/")
        self.assertEqual(imp["ImportStatus"], "COMPLETED", imp)
        self.assertEqual(imp["ErrorCount"], 0)
        self.assertEqual(imp["ProcessedItemCount"], 5)
        self.assertEqual(imp["ImportedItemCount"], 5)
        rows = self.scan_wire(self.table_of(imp))
        self.assertEqual(len(rows), 3)
        self.assertEqual(self.client.describe_table(
            TableName=self.table_of(imp))["Table"]["ItemCount"], 3)

    def test_not_an_export_fails_with_item_validation_error(self):
        bucket = self.make_bucket()
        self.put_object(bucket, "junk/picture.png", b"\x89PNG\r\n\x1a\n" + os.urandom(2000))
        self.put_object(bucket, "junk/notes.txt", b"hello, this is not DynamoDB JSON\n")
        imp = self.import_and_wait(bucket, "junk/")
        self.assertEqual(imp["ImportStatus"], "FAILED", imp)
        self.assertEqual(imp["FailureCode"], "ItemValidationError")
        self.assertEqual(imp["ErrorCount"], 2)
        self.assertEqual(imp["ImportedItemCount"], 0)
        # Plain text said to be GZIP: one error for the object, with the reason logged.
        imp = self.import_and_wait(bucket, "junk/notes", InputCompressionType="GZIP")
        self.assertEqual(imp["FailureCode"], "ItemValidationError", imp)
        self.assertIn("GZIP", json.loads(self.error_log(imp)[0])["errorMessages"][0])
        # A truncated zstd object.
        self.put_object(bucket, "trunc/x.zst",
                        compress(b'{"Item":{"pk":{"S":"a"},"sk":{"N":"1"}}}\n' * 100, "ZSTD")[:-7])
        imp = self.import_and_wait(bucket, "trunc/", InputCompressionType="ZSTD")
        self.assertEqual(imp["FailureCode"], "ItemValidationError", imp)

    def test_missing_bucket_fails_without_table(self):
        imp = self.import_and_wait("no-such-bucket-here", "x/")
        self.assertEqual(imp["ImportStatus"], "FAILED", imp)
        self.assertEqual(imp["FailureCode"], "S3NoSuchBucket")
        self.assertEqual(imp["FailureMessage"], "The specified bucket does not exist")
        self.assertEqual(imp["ProcessedItemCount"], 0)
        self.assertNotIn("ProcessedSizeBytes", imp)
        with self.assertRaises(ClientError) as e:
            self.client.describe_table(TableName=self.table_of(imp))
        self.assertEqual(e.exception.response["Error"]["Code"], "ResourceNotFoundException")

    def test_empty_prefix_completes_with_empty_table(self):
        bucket = self.make_bucket()
        imp = self.import_and_wait(bucket, "nothing-here/")
        self.assertEqual(imp["ImportStatus"], "COMPLETED", imp)
        self.assertNotIn("FailureCode", imp)
        self.assertEqual(imp["ProcessedItemCount"], 0)
        self.assertEqual(self.client.describe_table(
            TableName=self.table_of(imp))["Table"]["TableStatus"], "ACTIVE")
        self.assertEqual(self.scan_wire(self.table_of(imp)), [])

    def test_existing_table_is_resource_in_use(self):
        bucket = self.make_bucket()
        name = self.create_table(("pk", "S"), ("sk", "N"))
        with self.assertRaises(ClientError) as e:
            self.start_import(bucket, "x/", table=name)
        self.assertEqual(e.exception.response["Error"]["Code"], "ResourceInUseException")
        self.assertEqual(e.exception.response["Error"]["Message"], f"Table already exists: {name}")

    def test_validation(self):
        bucket = self.make_bucket()
        cases = [
            ({"InputFormat": "NOT_A_FORMAT"}, "inputFormat"),
            ({"InputCompressionType": "BZIP2"}, "inputCompressionType"),
            ({"S3BucketSource": {"S3Bucket": "x" * 256}}, "s3Bucket"),
            ({"S3BucketSource": {"S3Bucket": "-nope!"}}, "s3Bucket"),
            ({"S3BucketSource": {"S3Bucket": bucket, "S3KeyPrefix": "p" * 1025}}, "s3KeyPrefix"),
            ({"S3BucketSource": {"S3Bucket": bucket, "S3BucketOwner": "12"}}, "s3BucketOwner"),
            ({"TableCreationParameters": {"TableName": "not a table name!",
                                          "BillingMode": "PAY_PER_REQUEST", **DEFAULT_SCHEMA}},
             "tableName"),
            ({"TableCreationParameters": {
                "TableName": "okname", "BillingMode": "PAY_PER_REQUEST",
                "KeySchema": DEFAULT_SCHEMA["KeySchema"],
                "AttributeDefinitions": [{"AttributeName": "other", "AttributeType": "S"}]}},
             "KeySchema"),
            ({"TableCreationParameters": {"TableName": "okname", **DEFAULT_SCHEMA}},
             "ReadCapacityUnits and WriteCapacityUnits must both be specified"),
            ({"InputFormat": "CSV", "InputFormatOptions": {"Csv": {"Delimiter": "x"}}},
             "delimiter"),
            ({"InputFormat": "CSV", "InputFormatOptions": {"Csv": {"HeaderList": ["a,b"]}}},
             "headerList"),
            ({"InputFormatOptions": {"Csv": {"Delimiter": ","}}}, "InputFormatOptions"),
            ({"ClientToken": "has$dollar"}, "clientToken"),
        ]
        for override, fragment in cases:
            with self.subTest(fragment=fragment):
                req = {"S3BucketSource": {"S3Bucket": bucket, "S3KeyPrefix": "x/"},
                       "InputFormat": "DYNAMODB_JSON", "ClientToken": "tok",
                       "TableCreationParameters": {"TableName": "vtable",
                                                   "BillingMode": "PAY_PER_REQUEST",
                                                   **DEFAULT_SCHEMA}}
                req.update(override)
                resp = self.raw_op("ImportTable", req)
                self.assertEqual(resp.status, 400, resp)
                body = resp.json()
                self.assertTrue(body["__type"].endswith("#ValidationException"), body)
                self.assertIn(fragment, body["message"])
        self.assertNotIn("vtable", self.client.list_tables()["TableNames"])

    def test_client_token_is_required(self):
        resp = self.raw_op("ImportTable", {
            "S3BucketSource": {"S3Bucket": "abc"}, "InputFormat": "CSV",
            "TableCreationParameters": {"TableName": "notoken", "BillingMode": "PAY_PER_REQUEST",
                                        **DEFAULT_SCHEMA}})
        self.assertEqual(resp.status, 400)
        self.assertEqual(resp.json()["message"],
                         "1 validation error detected: Value null at 'clientToken' failed to "
                         "satisfy constraint: Member must not be null")

    def test_describe_import_errors(self):
        arn = (f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/some-table/import/"
               "01658528578619-c4d4e311")
        with self.assertRaises(ClientError) as e:
            self.client.describe_import(ImportArn=arn)
        self.assertEqual(e.exception.response["Error"]["Code"], "ImportNotFoundException")
        with self.assertRaises(ClientError) as e:
            self.client.describe_import(
                ImportArn=f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/x/import/01658528578619-c4")
        self.assertEqual(e.exception.response["Error"]["Code"], "ValidationException")
        self.assertIn("Import ARN", e.exception.response["Error"]["Message"])


class ListImports(ImportTestCase):

    def test_paging_newest_first_and_table_filter(self):
        bucket = self.make_bucket()
        self.put_lines(bucket, "p/x", ['{"Item":{"pk":{"S":"a"},"sk":{"N":"1"}}}'])
        arns = []
        for _ in range(4):
            arns.append(self.import_and_wait(bucket, "p/")["ImportArn"])
        paged, token = [], None
        while True:
            kw = {"NextToken": token} if token else {}
            resp = self.client.list_imports(PageSize=1, **kw)
            self.assertLessEqual(len(resp["ImportSummaryList"]), 1)
            for s in resp["ImportSummaryList"]:
                self.assertLessEqual(set(s), {"ImportArn", "ImportStatus", "TableArn",
                                              "S3BucketSource", "InputFormat", "StartTime",
                                              "EndTime", "CloudWatchLogGroupArn"})
                self.assertIn("EndTime", s)
            paged += [s["ImportArn"] for s in resp["ImportSummaryList"]]
            token = resp.get("NextToken")
            if not token:
                break
            self.assertRegex(token, r"^([0-9a-f]{16})+$")
            self.assertGreaterEqual(len(token), 112)
        self.assertEqual(len(paged), len(set(paged)))
        # Other tests of the class may have imported before this one: they come after ours.
        self.assertEqual(paged[:len(arns)], list(reversed(arns)))
        one = self.client.list_imports(TableArn=arns[1].rsplit("/import/", 1)[0])
        self.assertEqual([s["ImportArn"] for s in one["ImportSummaryList"]], [arns[1]])
        for bad in ({"PageSize": 26}, {"PageSize": 0}, {"NextToken": "0" * 112}):
            with self.subTest(bad=bad):
                resp = self.raw_op("ListImports", bad)
                self.assertEqual(resp.status, 400)
                self.assertTrue(resp.json()["__type"].endswith("#ValidationException"))

    def test_aws_cli(self):
        bucket = self.make_bucket()
        self.put_lines(bucket, "cli/x.csv", ["pk,sk,v", "a,1,one"])
        out = self.aws(
            "import-table", "--input-format", "CSV",
            "--s3-bucket-source", json.dumps({"S3Bucket": bucket, "S3KeyPrefix": "cli/"}),
            "--table-creation-parameters", json.dumps({
                "TableName": "cli-imported", "BillingMode": "PAY_PER_REQUEST",
                **DEFAULT_SCHEMA}))
        arn = out["ImportTableDescription"]["ImportArn"]
        self.assertTrue(arn.startswith(f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/cli-imported"
                                       "/import/"))
        self.wait_import(arn)
        desc = self.aws("describe-import", "--import-arn", arn)
        self.assertEqual(desc["ImportTableDescription"]["ImportStatus"], "COMPLETED")
        listed = self.aws("list-imports")
        self.assertIn(arn, [s["ImportArn"] for s in listed["ImportSummaryList"]])
        self.assertEqual(self.client.get_item(TableName="cli-imported",
                                              Key={"pk": {"S": "a"}, "sk": {"N": "1"}})["Item"],
                         {"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"S": "one"}})


class ImportKilledWhileLoading(ImportTestCase):
    """kill -9 at some point of a local import of many items: after the restart the import ends
    COMPLETED with every item, and no DescribeTable ever shows the table ACTIVE with fewer."""

    def test_kill9_at_any_moment(self):
        bucket = self.make_bucket()
        n = 0
        for f in range(8):
            lines = [json.dumps({"Item": {"pk": {"S": f"p{(n + i) * 7919 % 100003}"},
                                          "sk": {"N": str(n + i)}, "pad": {"S": "x" * 100}}})
                     for i in range(12000)]
            n += len(lines)
            self.put_lines(bucket, f"big/{f:03}.json.gz", lines, "GZIP")
        for delay in (0.05, 0.4, 1.0):
            with self.subTest(delay=delay):
                first = self.start_import(bucket, "big/", InputCompressionType="GZIP")
                table = self.table_of(first)
                time.sleep(delay)
                self.restart_server(kill=True)
                deadline = time.monotonic() + 120
                while True:
                    t = self.client.describe_table(TableName=table)["Table"]
                    if t["TableStatus"] == "ACTIVE":
                        break
                    self.assertEqual(t["TableStatus"], "CREATING")
                    self.assertLess(time.monotonic(), deadline)
                    time.sleep(0.05)
                self.assertEqual(t["ItemCount"], n)
                done = self.wait_import(first["ImportArn"])
                self.assertEqual(done["ImportStatus"], "COMPLETED", done)
                self.assertEqual(done["ImportedItemCount"], n)
                self.assertEqual(done["TableId"], first["TableId"])
                count = self.client.scan(TableName=table, Select="COUNT")
                total = count["Count"]
                while "LastEvaluatedKey" in count:
                    count = self.client.scan(TableName=table, Select="COUNT",
                                             ExclusiveStartKey=count["LastEvaluatedKey"])
                    total += count["Count"]
                self.assertEqual(total, n)
        # At least the earliest kill caught an import in progress, which ran again.
        self.assertIn("runs again after a restart", self.server.log_text())
