"""Support for the PITR and export end-to-end tests (test_continuous_backups.py, test_export_*.py,
test_list_exports.py, test_describe_export.py, test_history_collection.py).

What is here, on top of harness.py:
  ExportTestCase     a ServerTestCase with helpers to enable PITR, make buckets (directories of the
                     local sink, <data-dir>/s3/<bucket>), start exports and wait for them
  check_export()     reads one finished export back (from the local sink or from S3) and checks
                     every byte-level fact of shared/spec/export-and-pitr.md §1 and Appendix A;
                     returns the exported items in canonical wire JSON
  ion_items()        parses ION data files with Amazon's ion-js (tools/ion-check/check.js)
  wire()/canonical() turn boto3 items into DynamoDB wire JSON with sets sorted and numbers in
                     DynamoDB's canonical text, so that exports compare item by item
  MotoServer         a real `moto_server` on a free port, the S3 endpoint of --s3-endpoint tests
  GatedProxy         a TCP proxy in front of an S3 endpoint that holds every connection until it
                     is opened: an export sent through it stays IN_PROGRESS for as long as the test
                     wants (no target at all makes it a black hole)
  HoldingS3Proxy     an HTTP proxy in front of an S3 endpoint that passes every request except
                     those whose path matches a pattern, which it holds until opened: an export is
                     stopped at a chosen step (e.g. after its data files, before its manifests)
"""

import base64
import datetime
import decimal
import gzip
import hashlib
import http.client
import http.server
import json
import os
import random
import re
import select
import socket
import string
import subprocess
import tempfile
import threading
import time

import boto3
from botocore.config import Config

from harness import CREDS, REGION, REPO, ServerTestCase, free_port

ION_CHECK_DIR = os.path.join(REPO, "tools", "ion-check")

# shared/spec/export-and-pitr.md §1.3: every data file starts with this gzip header (no FNAME,
# MTIME=0, XFL=0, OS=255) and an empty data file is exactly these 20 bytes.
GZIP_HEADER = bytes.fromhex("1f8b08000000000000ff")
EMPTY_GZIP = GZIP_HEADER + bytes.fromhex("0300") + bytes(8)
EMPTY_MD5 = "FjvgqIxwymKf1RbbqtrZag=="
EMPTY_ETAG = "7deb4078f238dd87d6af0538152c04e9-1"

# §1.4 and §1.5: the fields of the manifests, in the order AWS writes them.
SUMMARY_FIELDS = ["version", "exportArn", "startTime", "endTime", "tableArn", "tableId",
                  "exportTime", "s3Bucket", "s3Prefix", "s3SseAlgorithm", "s3SseKmsKeyId",
                  "manifestFilesS3Key", "billedSizeBytes", "itemCount", "outputFormat"]
FILE_FIELDS = ["itemCount", "md5Checksum", "etag", "dataFileS3Key"]

ISO_MS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
EXPORT_ID = re.compile(r"^(\d{14})-[0-9a-f]{8}$")
DATA_FILE = re.compile(r"^[a-z2-7]{26}\.(json|ion)\.gz$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
PITR_WINDOW_MESSAGE = "The specified ExportTime is outside of the point in time recovery window."


def md5_b64(data):
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def one_part_etag(data):
    """The ETag S3 gives a one-part multipart upload: hex(md5(md5(bytes))) + "-1" (§1.5)."""
    return hashlib.md5(hashlib.md5(data).digest()).hexdigest() + "-1"


def random_bucket():
    return "tl-bucket-" + "".join(random.choices(string.ascii_lowercase + string.digits, k=12))


def epoch_ms(dt):
    """Milliseconds since the epoch of an aware datetime (what boto3 returns for timestamps)."""
    return round(dt.timestamp() * 1000)


def iso_ms(ms):
    dt = datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def wait_for(predicate, timeout=30, interval=0.05, what="condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not reached within {timeout}s")
        time.sleep(interval)


def sleep_past_next_second(margin=0.15):
    """Sleeps until `margin` seconds after the next whole second and returns that second. Every
    write acknowledged before the call is at or before it; every later write is after it. boto3
    sends ExportTime in whole seconds, so this is how a boto3 user picks a time between writes."""
    second = int(time.time()) + 1
    time.sleep(max(0.0, second + margin - time.time()))
    return second


def time_after_last_write():
    """A millisecond-precision epoch time (float) after every write acknowledged so far and
    before any later one: for raw requests, which may carry fractional ExportTimes (§4.0)."""
    time.sleep(0.003)
    t = int(time.time() * 1000) / 1000
    time.sleep(0.003)
    return t


# --- items --------------------------------------------------------------------------------------

_NUMBER_CONTEXT = decimal.Context(prec=80)


def canonical_number(text):
    """DynamoDB's canonical text of a number: no exponent, no leading or trailing zeros."""
    d = _NUMBER_CONTEXT.normalize(decimal.Decimal(text))
    if d.is_zero():
        return "0"
    return format(d, "f")


def wire_value(av):
    """A boto3 low-level AttributeValue (bytes for binaries) as DynamoDB wire JSON."""
    (kind, v), = av.items()
    if kind == "B":
        return {"B": base64.b64encode(bytes(v)).decode()}
    if kind == "BS":
        return {"BS": [base64.b64encode(bytes(b)).decode() for b in v]}
    if kind == "L":
        return {"L": [wire_value(x) for x in v]}
    if kind == "M":
        return {"M": {k: wire_value(x) for k, x in v.items()}}
    return {kind: v}


def wire(item):
    return {k: wire_value(v) for k, v in item.items()}


def canonical_value(av):
    """Wire JSON with sets sorted (AWS writes set members in any order, §2.1) and numbers in
    canonical text."""
    (kind, v), = av.items()
    if kind == "N":
        return {"N": canonical_number(v)}
    if kind == "NS":
        return {"NS": sorted(canonical_number(x) for x in v)}
    if kind in ("SS", "BS"):
        return {kind: sorted(v)}
    if kind == "L":
        return {"L": [canonical_value(x) for x in v]}
    if kind == "M":
        return {"M": {k: canonical_value(x) for k, x in v.items()}}
    return {kind: v}


def canonical(item):
    """A wire-JSON item in canonical form."""
    return {k: canonical_value(v) for k, v in item.items()}


def key_of(item, key_names):
    return tuple(json.dumps(item[k], sort_keys=True) for k in key_names)


def by_key(items, key_names):
    out = {}
    for item in items:
        k = key_of(item, key_names)
        assert k not in out, f"item exported twice: {k}"
        out[k] = item
    return out


# --- ION ----------------------------------------------------------------------------------------

_ion_ready = False


def ensure_ion_check():
    """Installs tools/ion-check's npm dependencies (ion-js) if they are missing."""
    global _ion_ready
    if _ion_ready:
        return
    if not os.path.isdir(os.path.join(ION_CHECK_DIR, "node_modules", "ion-js")):
        proc = subprocess.run(["npm", "install", "--no-audit", "--no-fund"], cwd=ION_CHECK_DIR,
                              capture_output=True, text=True, timeout=600,
                              stdin=subprocess.DEVNULL)
        if proc.returncode != 0:
            raise RuntimeError(f"npm install in {ION_CHECK_DIR} failed:\n{proc.stderr[-2000:]}")
    _ion_ready = True


def ion_items(data, name="data"):
    """Parses one ION data file (gzip or plain Ion text) with ion-js; returns its items as wire
    JSON ({"Item": ...} stripped), in file order. Raises AssertionError with ion-check's reason
    if the file breaks the format."""
    ensure_ion_check()
    proc = subprocess.run(["node", os.path.join(ION_CHECK_DIR, "check.js")], input=data,
                          capture_output=True, timeout=300)
    if proc.returncode != 0:
        raise AssertionError(f"ion-check rejected {name}: {proc.stderr.decode(errors='replace')}")
    return [json.loads(line)["Item"] for line in proc.stdout.decode().splitlines()]


# --- where exports land -------------------------------------------------------------------------

class LocalBucket:
    """A bucket of the local sink: the directory <root>/<bucket>."""

    def __init__(self, root, bucket):
        self.dir = os.path.join(root, bucket)
        self.name = bucket

    def get(self, key):
        with open(os.path.join(self.dir, key), "rb") as f:
            return f.read()

    def keys(self, prefix=""):
        out = []
        for dirpath, _, files in os.walk(self.dir):
            for f in files:
                key = os.path.relpath(os.path.join(dirpath, f), self.dir).replace(os.sep, "/")
                if key.startswith(prefix):
                    out.append(key)
        return sorted(out)

    def etag(self, key):
        return None  # a directory has no ETags; the manifest's are checked by formula


class S3Bucket:
    """A bucket of a real S3 endpoint (moto_server in these tests)."""

    def __init__(self, s3, bucket):
        self.s3 = s3
        self.name = bucket

    def get(self, key):
        return self.s3.get_object(Bucket=self.name, Key=key)["Body"].read()

    def keys(self, prefix=""):
        out = []
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.name,
                                                                      Prefix=prefix):
            out += [o["Key"] for o in page.get("Contents", [])]
        return sorted(out)

    def head(self, key):
        return self.s3.head_object(Bucket=self.name, Key=key)

    def etag(self, key):
        return self.head(key)["ETag"].strip('"')


class ExportObjects:
    def __init__(self):
        self.export_id = None
        self.base = None            # <prefix/>AWSDynamoDB/<id>
        self.summary_raw = b""
        self.summary = {}
        self.files_raw = b""
        self.files = []             # manifest-files.json lines, parsed
        self.data = {}              # data file key -> gzip bytes
        self.items = []             # every exported item, canonical wire JSON
        self.items_by_file = {}     # data file key -> its items


def check_export(tc, bucket, desc, table_arn, table_id, prefix=None, fmt="DYNAMODB_JSON",
                 sse="AES256", kms_key=None, export_time_ms=None):
    """Checks a COMPLETED export (`desc` is its DescribeExport description) object by object
    against shared/spec/export-and-pitr.md §1 and Appendix A and returns its contents. `bucket`
    is a LocalBucket or S3Bucket. export_time_ms None means the request had no ExportTime, so
    exportTime must equal startTime (§1.4)."""
    out = ExportObjects()
    tc.assertEqual(desc["ExportStatus"], "COMPLETED", desc)
    arn = desc["ExportArn"]
    tc.assertTrue(arn.startswith(table_arn + "/export/"), arn)
    out.export_id = arn[len(table_arn + "/export/"):]
    m = EXPORT_ID.match(out.export_id)
    tc.assertIsNotNone(m, f"export id {out.export_id!r} is not <14 digits>-<8 hex> (§3)")
    start_ms = epoch_ms(desc["StartTime"])
    tc.assertEqual(int(m.group(1)), start_ms, "the id's 14 digits are the start time in ms (§3)")

    root = (prefix + "/" if prefix else "") + "AWSDynamoDB"
    out.base = f"{root}/{out.export_id}"
    tc.assertEqual(desc["ExportManifest"], out.base + "/manifest-summary.json", "§1.6")

    keys = bucket.keys(out.base + "/")
    fixed = {out.base + "/" + n for n in ("_started", "manifest-files.json", "manifest-files.md5",
                                          "manifest-summary.json", "manifest-summary.md5")}
    data_keys = [k for k in keys if k not in fixed]
    tc.assertEqual(fixed - set(keys), set(), f"missing objects; bucket has {keys}")
    suffix = ".ion.gz" if fmt == "ION" else ".json.gz"
    for k in data_keys:
        tc.assertNotIn(".tideline-tmp.", k, f"a temporary file was left among the export's "
                                            f"objects: {k} (§1.1 lists every object)")
        tc.assertTrue(k.startswith(out.base + "/data/"), f"unexpected object {k} (§1.1)")
        name = k[len(out.base + "/data/"):]
        tc.assertRegex(name, DATA_FILE, "data file name: 26 base32 chars (§1.3)")
        tc.assertTrue(name.endswith(suffix), name)
    tc.assertTrue(data_keys, "at least one data file, even for an empty table (§1.1)")
    tc.assertEqual(bucket.get(out.base + "/_started"), b"", "_started is empty (§1.1)")

    # manifest-summary.json and its .md5 (§1.4)
    out.summary_raw = bucket.get(out.base + "/manifest-summary.json")
    tc.assertFalse(out.summary_raw.endswith(b"\n"), "manifest-summary.json has no trailing newline")
    out.summary = json.loads(out.summary_raw)
    tc.assertEqual(list(out.summary), SUMMARY_FIELDS, "summary fields in AWS's order")
    tc.assertEqual(json.dumps(out.summary, separators=(",", ":"), ensure_ascii=False).encode(),
                   out.summary_raw, "manifest-summary.json is compact JSON")
    tc.assertEqual(bucket.get(out.base + "/manifest-summary.md5").decode(), md5_b64(out.summary_raw),
                   "manifest-summary.md5 = base64(md5), no newline (§1.1)")
    s = out.summary
    tc.assertEqual(s["version"], "2020-06-30")
    tc.assertEqual(s["exportArn"], arn)
    for f in ("startTime", "endTime", "exportTime"):
        tc.assertRegex(s[f], ISO_MS, f)
    tc.assertEqual(s["startTime"], iso_ms(start_ms))
    tc.assertEqual(s["endTime"], iso_ms(epoch_ms(desc["EndTime"])))
    tc.assertLessEqual(s["startTime"], s["endTime"])
    if export_time_ms is None:
        tc.assertEqual(s["exportTime"], s["startTime"], "no ExportTime: exportTime == startTime")
    else:
        tc.assertEqual(s["exportTime"], iso_ms(export_time_ms))
    tc.assertEqual(s["exportTime"], iso_ms(epoch_ms(desc["ExportTime"])))
    tc.assertEqual(s["tableArn"], table_arn)
    tc.assertEqual(s["tableId"], table_id)
    tc.assertRegex(s["tableId"], UUID)
    tc.assertEqual(s["s3Bucket"], bucket.name)
    tc.assertEqual(s["s3Prefix"], prefix, "s3Prefix is null without a prefix")
    tc.assertEqual(s["s3SseAlgorithm"], sse)
    tc.assertEqual(s["s3SseKmsKeyId"], kms_key)
    tc.assertEqual(s["manifestFilesS3Key"], out.base + "/manifest-files.json")
    tc.assertIsInstance(s["billedSizeBytes"], int)
    tc.assertGreaterEqual(s["billedSizeBytes"], 0)
    tc.assertEqual(s["billedSizeBytes"], desc["BilledSizeBytes"])
    tc.assertEqual(s["itemCount"], desc["ItemCount"])
    tc.assertEqual(s["outputFormat"], fmt)

    # manifest-files.json and its .md5 (§1.5)
    out.files_raw = bucket.get(out.base + "/manifest-files.json")
    tc.assertEqual(bucket.get(out.base + "/manifest-files.md5").decode(), md5_b64(out.files_raw))
    tc.assertTrue(out.files_raw.endswith(b"\n"), "every manifest-files line ends with \\n")
    lines = out.files_raw.decode().split("\n")[:-1]
    listed = []
    total = 0
    for line in lines:
        entry = json.loads(line)
        tc.assertEqual(list(entry), FILE_FIELDS, "manifest-files fields in AWS's order")
        tc.assertEqual(json.dumps(entry, separators=(",", ":")), line, "compact JSON line")
        out.files.append(entry)
        key = entry["dataFileS3Key"]
        listed.append(key)
        gz = bucket.get(key)
        out.data[key] = gz
        tc.assertEqual(gz[:10], GZIP_HEADER, f"gzip header of {key} (§1.3)")
        tc.assertEqual(entry["md5Checksum"], md5_b64(gz), key)
        s3_etag = bucket.etag(key)
        if s3_etag is None:
            # The local sink: the ETag S3 gives a one-part multipart upload (§1.5).
            tc.assertEqual(entry["etag"], one_part_etag(gz), key)
        else:
            # A real S3 endpoint: exactly the ETag S3 reports for the object, which for a
            # multipart upload is "<hex>-<parts>" (§1.5, Appendix A step 3).
            tc.assertEqual(entry["etag"], s3_etag, key)
            tc.assertRegex(entry["etag"], r"^[0-9a-f]{32}-[0-9]+$", key)
        if entry["itemCount"] == 0:
            tc.assertEqual(gz, EMPTY_GZIP, f"an empty data file is the 20-byte gzip (§1.3): {key}")
            tc.assertEqual(entry["md5Checksum"], EMPTY_MD5)
            tc.assertEqual(entry["etag"], EMPTY_ETAG)
        text = gzip.decompress(gz)
        tc.assertTrue(text == b"" or text.endswith(b"\n"), f"last line of {key} ends with \\n")
        if fmt == "ION":
            items = ion_items(gz, key)
            for raw_line in text.split(b"\n")[:-1]:
                tc.assertTrue(raw_line.startswith(b"$ion_1_0 {Item:"), raw_line[:80])
        else:
            items = []
            for raw_line in text.decode().split("\n")[:-1]:
                doc = json.loads(raw_line)
                tc.assertEqual(list(doc), ["Item"], raw_line[:200])
                tc.assertEqual(json.dumps(doc, separators=(",", ":"), ensure_ascii=False), raw_line,
                               "one compact JSON document per line")
                items.append(doc["Item"])
        tc.assertEqual(entry["itemCount"], len(items), f"itemCount of {key}")
        total += len(items)
        out.items_by_file[key] = [canonical(i) for i in items]
        out.items += out.items_by_file[key]
    tc.assertEqual(sorted(listed), sorted(data_keys), "manifest lists exactly the data files")
    tc.assertEqual(len(set(listed)), len(listed))
    tc.assertEqual(total, s["itemCount"], "sum of itemCount == summary itemCount (§1.5)")
    return out


# --- test case base -----------------------------------------------------------------------------

class ExportTestCase(ServerTestCase):
    """A server test case with PITR/export helpers. Exports go to the local sink unless the
    class starts the server with --s3-endpoint."""

    @classmethod
    def s3_root(cls):
        args = list(cls.server.extra_args)
        if "--export-dir" in args:
            return args[args.index("--export-dir") + 1]
        return os.path.join(cls.server.data_dir, "s3")

    @classmethod
    def make_bucket(cls, name=None):
        """A bucket of the local sink (a directory that must exist before the export)."""
        name = name or random_bucket()
        os.makedirs(os.path.join(cls.s3_root(), name), exist_ok=True)
        return name

    def local_bucket(self, name):
        return LocalBucket(self.s3_root(), name)

    @classmethod
    def describe_table(cls, table):
        return cls.client.describe_table(TableName=table)["Table"]

    @classmethod
    def table_arn(cls, table):
        return cls.describe_table(table)["TableArn"]

    @classmethod
    def enable_pitr(cls, table, days=None):
        spec = {"PointInTimeRecoveryEnabled": True}
        if days is not None:
            spec["RecoveryPeriodInDays"] = days
        return cls.client.update_continuous_backups(
            TableName=table, PointInTimeRecoverySpecification=spec)["ContinuousBackupsDescription"]

    @classmethod
    def create_pitr_table(cls, hash_key=("pk", "S"), range_key=None, **kw):
        name = cls.create_table(hash_key, range_key, **kw)
        cls.enable_pitr(name)
        return name

    @classmethod
    def pitr(cls, table):
        return cls.client.describe_continuous_backups(TableName=table)[
            "ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]

    def start_export(self, table, bucket, client=None, **kw):
        """ExportTableToPointInTime of `table` (a name) to `bucket`; returns ExportDescription."""
        client = client or self.client
        return client.export_table_to_point_in_time(TableArn=self.table_arn(table),
                                                    S3Bucket=bucket, **kw)["ExportDescription"]

    def describe_export(self, arn):
        return self.client.describe_export(ExportArn=arn)["ExportDescription"]

    def wait_export(self, arn, timeout=30):
        """Polls DescribeExport until the export leaves IN_PROGRESS; returns the description."""
        deadline = time.monotonic() + timeout
        while True:
            desc = self.describe_export(arn)
            if desc["ExportStatus"] != "IN_PROGRESS":
                return desc
            if time.monotonic() > deadline:
                self.fail(f"export {arn} still IN_PROGRESS after {timeout}s")
            time.sleep(0.05)

    def export_and_wait(self, table, bucket, timeout=30, **kw):
        return self.wait_export(self.start_export(table, bucket, **kw)["ExportArn"], timeout)

    def check_local_export(self, table, desc, **kw):
        """check_export() of a COMPLETED export of `table` to the local sink."""
        t = self.describe_table(table)
        return check_export(self, self.local_bucket(desc["S3Bucket"]), desc, t["TableArn"],
                            t["TableId"], prefix=desc.get("S3Prefix"),
                            fmt=desc["ExportFormat"], **kw)

    def raw_export(self, payload):
        """ExportTableToPointInTime as raw JSON (for values no SDK sends, e.g. fractional
        ExportTime); returns the RawResponse."""
        return self.raw_op("ExportTableToPointInTime", payload)

    def scan_wire(self, table):
        """Every item of `table` as the server sends it (wire JSON), canonical form."""
        items, start = [], None
        while True:
            body = {"TableName": table}
            if start:
                body["ExclusiveStartKey"] = start
            resp = self.raw_op("Scan", body)
            self.assertEqual(resp.status, 200, resp)
            page = resp.json()
            items += [canonical(i) for i in page["Items"]]
            start = page.get("LastEvaluatedKey")
            if not start:
                return items

    def assertSameItems(self, got, expected, key_names=("pk", "sk")):
        """Two lists of canonical wire items hold the same items, compared key by key."""
        key_names = [k for k in key_names if all(k in i for i in expected + got)] or ["pk"]
        g, e = by_key(got, key_names), by_key(expected, key_names)
        self.assertEqual(sorted(g), sorted(e), "the exported keys")
        for k in sorted(e):
            self.assertEqual(g[k], e[k], f"item {k}")

    def list_all_exports(self, **kw):
        """Every ExportSummary of ListExports, following NextToken."""
        out = []
        while True:
            resp = self.client.list_exports(**kw)
            out += resp["ExportSummaries"]
            if not resp.get("NextToken"):
                return out
            kw["NextToken"] = resp["NextToken"]


# --- S3 peers -----------------------------------------------------------------------------------

class MotoServer:
    """`moto_server -H 127.0.0.1 -p <free port>`: a real S3 endpoint for --s3-endpoint tests."""

    def __init__(self):
        self.port = None
        self.proc = None
        self.log = tempfile.NamedTemporaryFile(prefix="moto-", suffix=".log", delete=False)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout=60):
        for _ in range(3):
            self.port = free_port()
            self.proc = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(self.port)],
                                         stdout=self.log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and self.proc.poll() is None:
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                    conn.request("GET", "/")
                    body = conn.getresponse().read()
                    conn.close()
                    # S3's ListBuckets answer: not another test's server that took the port.
                    if b"ListAllMyBucketsResult" in body:
                        return self
                    time.sleep(0.1)
                except OSError:
                    time.sleep(0.1)
            self.stop()
        raise RuntimeError("moto_server did not start; log: " + self.log.name)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def client(self):
        return boto3.client("s3", endpoint_url=self.url, region_name=REGION,
                            aws_access_key_id=CREDS["AWS_ACCESS_KEY_ID"],
                            aws_secret_access_key=CREDS["AWS_SECRET_ACCESS_KEY"],
                            config=Config(s3={"addressing_style": "path"},
                                          retries={"total_max_attempts": 2}))


class MotoPeer:
    """Mixin, listed before the server test case in a class's bases: its server sends exports
    to a real moto_server (cls.moto; cls.s3 a client of it), with the AWS credentials in the
    environment for the server and the tools it runs."""

    @classmethod
    def setUpClass(cls):
        cls.moto = MotoServer().start()
        cls.SERVER_ARGS = ("--s3-endpoint", cls.moto.url)
        cls.s3 = cls.moto.client()
        os.environ.update(CREDS)
        try:
            super().setUpClass()
        except BaseException:
            cls.moto.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls.moto.stop()


class GatedProxy:
    """Accepts TCP connections on a free port and holds them until open(); then pipes each to
    127.0.0.1:<target_port>. With target_port None it never forwards (a black hole). close()
    drops every connection, so a client waiting on it gets an error at once."""

    def __init__(self, target_port=None):
        self.target_port = target_port
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.gate = threading.Event()
        self.closed = threading.Event()
        self.accepted = 0
        self.sockets = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept_loop, daemon=True).start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def open(self):
        self.gate.set()

    def close(self):
        self.closed.set()
        self.gate.set()
        try:
            self.listener.close()
        except OSError:
            pass
        with self.lock:
            for s in self.sockets:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
            self.sockets.clear()

    def _track(self, s):
        with self.lock:
            if self.closed.is_set():
                s.close()
                return False
            self.sockets.append(s)
            return True

    def _accept_loop(self):
        while not self.closed.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                self.accepted += 1
            if self._track(conn):
                threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        self.gate.wait()
        if self.closed.is_set() or self.target_port is None:
            return
        try:
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
        except OSError:
            conn.close()
            return
        if not self._track(upstream):
            return
        pair = {conn: upstream, upstream: conn}
        try:
            while not self.closed.is_set():
                ready, _, _ = select.select(list(pair), [], [], 0.5)
                for s in ready:
                    data = s.recv(65536)
                    if not data:
                        return
                    pair[s].sendall(data)
        except OSError:
            return
        finally:
            for s in (conn, upstream):
                try:
                    s.close()
                except OSError:
                    pass


class HoldingS3Proxy:
    """An HTTP/1.1 reverse proxy to 127.0.0.1:<target_port> that forwards every request as is,
    except requests whose path matches `hold` (a regex) while the gate is shut: those wait until
    open() and are then dropped (connection closed, never forwarded). After open() everything
    passes. `held` counts the requests that have been held."""

    def __init__(self, target_port, hold):
        proxy = self
        self.target_port = target_port
        self.pattern = re.compile(hold)
        self.gate = threading.Event()
        self.held = 0
        self.lock = threading.Lock()

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def relay(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if proxy.pattern.search(self.path) and not proxy.gate.is_set():
                    with proxy.lock:
                        proxy.held += 1
                    proxy.gate.wait()
                    # Never forwarded: its sender has usually been killed meanwhile, and a late
                    # copy of its object must not overwrite what a later run writes.
                    self.close_connection = True
                    return
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in ("connection", "expect", "keep-alive")}
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", proxy.target_port, timeout=60)
                    conn.request(self.command, self.path, body=body if length else None,
                                 headers=headers)
                    resp = conn.getresponse()
                    data = resp.read()
                except OSError:
                    self.close_connection = True
                    return
                conn.close()
                try:
                    self.send_response_only(resp.status, resp.reason)
                    for k, v in resp.getheaders():
                        if k.lower() not in ("connection", "transfer-encoding", "keep-alive",
                                             "content-length", "date", "server"):
                            self.send_header(k, v)
                    if self.command == "HEAD":
                        self.send_header("Content-Length", resp.getheader("Content-Length") or "0")
                    else:
                        self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(data)
                except OSError:
                    self.close_connection = True  # the client went away (e.g. was killed)

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = relay

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def open(self):
        self.gate.set()

    def shut(self):
        self.gate.clear()

    def close(self):
        self.gate.set()
        self.server.shutdown()
        self.server.server_close()


class StalledS3TestCase(ExportTestCase):
    """A server whose S3 endpoint accepts connections and never answers (GatedProxy(None)), so
    its exports stay IN_PROGRESS until the class closes the proxy. EXTRA_SERVER_ARGS are added
    to the server's command line."""

    EXTRA_SERVER_ARGS = ()

    @classmethod
    def setUpClass(cls):
        cls.proxy = GatedProxy(None)
        cls.SERVER_ARGS = ("--s3-endpoint", cls.proxy.url) + tuple(cls.EXTRA_SERVER_ARGS)
        os.environ.update(CREDS)
        try:
            super().setUpClass()
        except BaseException:
            cls.proxy.close()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.proxy.close()  # lets the held exports fail, so the server can stop
        super().tearDownClass()
