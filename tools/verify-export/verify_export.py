#!/usr/bin/env python3
"""tideline verify-export: checks a DynamoDB export (Tideline's or AWS's) before anyone trusts it.

    verify_export.py LOCATION [--against-table NAME [--endpoint URL]] [--quiet]

LOCATION is a local directory or s3://bucket[/prefix] (S3: boto3's usual credentials; set
AWS_ENDPOINT_URL_S3 or --s3-endpoint for an S3-compatible store). Every export found there is
checked: a directory holding manifest-summary.json is one export; otherwise every
AWSDynamoDB/<id>/manifest-summary.json below LOCATION is. For a local directory the bucket root
is LOCATION minus the export's own folder (manifestFilesS3Key says which); below a bucket root,
keys resolve directly.

Checks, in order, stopping at the first inconsistency (exit status 1, one line on stderr:
"verify-export: <object>: <what is wrong>"):
  * manifest-summary.json is one JSON object with the fields of its version (2020-06-30 full,
    2023-08-01 incremental) and manifest-summary.md5 is base64(md5) of it;
  * manifest-files.json (at manifestFilesS3Key) is JSON Lines of itemCount, md5Checksum, etag,
    dataFileS3Key, and manifest-files.md5 matches it; on S3 each manifest's ETag is its MD5;
  * every data file exists where its layout says (full: <export>/data/, incremental: the shared
    AWSDynamoDB/data/), its bytes have the md5Checksum, and its etag is the S3 ETag (on S3) or,
    for a one-part "-1" etag, hex(md5(md5(bytes)))-1;
  * it is one complete gzip stream of lines each ending in "\\n", as many as its itemCount, and
    the itemCounts add up to the summary's;
  * every line parses in its format (DYNAMODB_JSON or ION text) as {"Item":...} (full) or
    Metadata/Keys/OldImage/NewImage as outputView allows (incremental), with valid attribute
    values, Keys inside the images, WriteTimestampMicros inside [exportFromTime, exportToTime),
    and (incremental) no key twice in one export.
--against-table NAME restores the table (RestoreTableToPointInTime, at exportTime for a full
export, at exportFromTime - 1 ms and exportToTime - 1 ms for an incremental one) into temporary
tables, scans them and compares item by item, then deletes them.
Exit status: 0 all good, 1 an inconsistency, 2 bad usage or an unreachable location.
"""

import argparse
import base64
import decimal
import gzip
import hashlib
import json
import os
import re
import sys
import time
import uuid
import zlib

SUMMARY_FULL = ["version", "exportArn", "startTime", "endTime", "tableArn", "tableId",
                "exportTime", "s3Bucket", "s3Prefix", "s3SseAlgorithm", "s3SseKmsKeyId",
                "manifestFilesS3Key", "billedSizeBytes", "itemCount", "outputFormat"]
SUMMARY_INCREMENTAL = ["version", "exportArn", "startTime", "endTime", "tableArn", "tableId",
                       "exportFromTime", "exportToTime", "s3Bucket", "s3Prefix", "s3SseAlgorithm",
                       "s3SseKmsKeyId", "manifestFilesS3Key", "billedSizeBytes", "itemCount",
                       "outputFormat", "outputView", "exportType"]
FILE_FIELDS = ["itemCount", "md5Checksum", "etag", "dataFileS3Key"]
ISO_MS = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{3})Z$")
DATA_NAME = re.compile(r"^[a-z2-7]{26}\.(json|ion)\.gz$")


class Inconsistency(Exception):
    def __init__(self, where, what):
        super().__init__(f"{where}: {what}")


class UsageError(Exception):
    pass


def md5_b64(data):
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def iso_ms_to_epoch_ms(text):
    import calendar
    m = ISO_MS.match(text or "")
    if not m:
        return None
    y, mo, d, h, mi, s, ms = (int(x) for x in m.groups())
    return calendar.timegm((y, mo, d, h, mi, s)) * 1000 + ms


# --- where the objects are ------------------------------------------------------------------

class LocalStore:
    def __init__(self, root):
        self.root = root

    def describe(self, key):
        return os.path.join(self.root, key)

    def get(self, key):
        try:
            with open(os.path.join(self.root, key), "rb") as f:
                return f.read()
        except FileNotFoundError:
            return None

    def etag(self, key):
        return None  # a directory keeps no ETags

    def find_summaries(self, prefix):
        base = os.path.join(self.root, prefix)
        found = []
        for dirpath, _, files in os.walk(base):
            if "manifest-summary.json" in files:
                rel = os.path.relpath(os.path.join(dirpath, "manifest-summary.json"), self.root)
                found.append(rel.replace(os.sep, "/"))
        return sorted(found)


class S3Store:
    def __init__(self, bucket, endpoint):
        import boto3
        from botocore.config import Config
        kw = {"config": Config(retries={"total_max_attempts": 3})}
        if endpoint:
            kw["endpoint_url"] = endpoint
        self.s3 = boto3.client("s3", **kw)
        self.bucket = bucket

    def describe(self, key):
        return f"s3://{self.bucket}/{key}"

    def get(self, key):
        try:
            return self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except self.s3.exceptions.NoSuchKey:
            return None

    def etag(self, key):
        try:
            return self.s3.head_object(Bucket=self.bucket, Key=key)["ETag"].strip('"')
        except Exception:  # noqa: BLE001 - a missing object is reported by get()
            return None

    def find_summaries(self, prefix):
        found = []
        paginator = self.s3.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            for obj in page.get("Contents", []):
                if obj["Key"].endswith("/manifest-summary.json"):
                    found.append(obj["Key"])
        return sorted(found)


# --- record parsing -------------------------------------------------------------------------

def check_number(text, where):
    if not isinstance(text, str):
        raise Inconsistency(where, f"number is not a string: {text!r}")
    try:
        d = decimal.Decimal(text)
    except decimal.InvalidOperation:
        raise Inconsistency(where, f"not a number: {text!r}") from None
    if not d.is_finite() or text.strip() != text or "_" in text:
        raise Inconsistency(where, f"not a DynamoDB number: {text!r}")
    return canonical_number(text)


# DynamoDB numbers have up to 38 significant digits and exponents -130..125: a context wide
# enough that normalising never rounds (the default context keeps 28 digits).
_EXACT = decimal.Context(prec=200, Emax=999999, Emin=-999999)


def canonical_number(text):
    d = decimal.Decimal(text)
    if d == 0:
        return "0"
    return format(d.normalize(_EXACT), "f")


def check_base64(text, where):
    if not isinstance(text, str):
        raise Inconsistency(where, f"binary is not a base64 string: {text!r}")
    try:
        base64.b64decode(text, validate=True)
    except ValueError:
        raise Inconsistency(where, f"invalid base64: {text[:40]!r}") from None
    return text


def check_av(av, where):
    """A DynamoDB JSON AttributeValue, checked; returned in canonical form (sets sorted)."""
    if not isinstance(av, dict) or len(av) != 1:
        raise Inconsistency(where, f"not an attribute value: {json.dumps(av)[:80]}")
    (kind, v), = av.items()
    if kind == "S":
        if not isinstance(v, str):
            raise Inconsistency(where, "S is not a string")
        return {"S": v}
    if kind == "N":
        return {"N": check_number(v, where)}
    if kind == "B":
        return {"B": check_base64(v, where)}
    if kind == "BOOL":
        if not isinstance(v, bool):
            raise Inconsistency(where, "BOOL is not true/false")
        return {"BOOL": v}
    if kind == "NULL":
        if v is not True:
            raise Inconsistency(where, "NULL is not true")
        return {"NULL": True}
    if kind in ("SS", "NS", "BS"):
        if not isinstance(v, list) or not v:
            raise Inconsistency(where, f"{kind} is not a non-empty list")
        check = {"SS": lambda x: x if isinstance(x, str) else None,
                 "NS": lambda x: check_number(x, where),
                 "BS": lambda x: check_base64(x, where)}[kind]
        members = [check(x) for x in v]
        if None in members:
            raise Inconsistency(where, f"{kind} member of the wrong type")
        if len(set(members)) != len(members):
            raise Inconsistency(where, f"{kind} has duplicate members")
        return {kind: sorted(members)}
    if kind == "L":
        if not isinstance(v, list):
            raise Inconsistency(where, "L is not a list")
        return {"L": [check_av(x, where) for x in v]}
    if kind == "M":
        if not isinstance(v, dict):
            raise Inconsistency(where, "M is not an object")
        return {"M": {k: check_av(x, where) for k, x in v.items()}}
    raise Inconsistency(where, f"unknown attribute type {kind!r}")


def check_item(item, where):
    if not isinstance(item, dict):
        raise Inconsistency(where, "item is not an object")
    return {k: check_av(v, f"{where}: attribute {k!r}") for k, v in item.items()}


def no_duplicate_keys(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError(f"duplicate member in {keys}")
    return dict(pairs)


# Ion text, the subset a DynamoDB export uses (AWS's type mapping, spec §2.2): structs, lists,
# strings, symbols as field names, decimals (and ints), blobs, bools, null, and the
# $dynamodb_SS/NS/BS annotations of sets.
class IonText:
    IDENT = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
    NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]*)?([dDeE][+-]?[0-9]+)?")

    def __init__(self, text):
        self.t = text
        self.i = 0

    def fail(self, what):
        raise ValueError(f"{what} at column {self.i + 1}")

    def peek(self):
        return self.t[self.i] if self.i < len(self.t) else ""

    def expect(self, s):
        if not self.t.startswith(s, self.i):
            self.fail(f"expected {s!r}")
        self.i += len(s)

    def quoted(self, q):
        self.expect(q)
        out = []
        while True:
            if self.i >= len(self.t):
                self.fail("unterminated string")
            c = self.t[self.i]
            self.i += 1
            if c == q:
                return "".join(out)
            if c == "\\":
                e = self.t[self.i]
                self.i += 1
                simple = {"n": "\n", "r": "\r", "t": "\t", "\\": "\\", '"': '"', "'": "'",
                          "/": "/", "0": "\0", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
                if e in simple:
                    out.append(simple[e])
                elif e in "xuU":
                    n = {"x": 2, "u": 4, "U": 8}[e]
                    out.append(chr(int(self.t[self.i:self.i + n], 16)))
                    self.i += n
                else:
                    self.fail(f"bad escape \\{e}")
            else:
                out.append(c)

    def name(self):
        if self.peek() == "'":
            return self.quoted("'")
        m = self.IDENT.match(self.t, self.i)
        if not m:
            self.fail("expected a field name")
        self.i = m.end()
        return m.group()

    def value(self):
        """One Ion value as a DynamoDB AttributeValue."""
        annotation = None
        m = self.IDENT.match(self.t, self.i)
        if m and self.t.startswith("::", m.end()):
            annotation = m.group()
            self.i = m.end() + 2
        c = self.peek()
        if annotation:
            if annotation not in ("$dynamodb_SS", "$dynamodb_NS", "$dynamodb_BS"):
                self.fail(f"unknown annotation {annotation}")
            members = self.sequence()
            kind = annotation[-2:]
            inner = {"SS": "S", "NS": "N", "BS": "B"}[kind]
            if any(list(x)[0] != inner for x in members):
                self.fail(f"{kind} member of the wrong type")
            return {kind: [list(x.values())[0] for x in members]}
        if c == "{" and self.t.startswith("{{", self.i):
            end = self.t.find("}}", self.i)
            if end < 0:
                self.fail("unterminated blob")
            b64 = "".join(self.t[self.i + 2:end].split())
            base64.b64decode(b64, validate=True)
            self.i = end + 2
            return {"B": b64}
        if c == "{":
            return {"M": self.struct()}
        if c == "[":
            return {"L": self.sequence()}
        if c == '"':
            return {"S": self.quoted('"')}
        for word, av in (("true", {"BOOL": True}), ("false", {"BOOL": False}),
                         ("null", {"NULL": True})):
            if self.t.startswith(word, self.i) and not self.IDENT.match(
                    self.t[self.i + len(word):self.i + len(word) + 1] or " "):
                self.i += len(word)
                return av
        m = self.NUMBER.match(self.t, self.i)
        if m and m.group():
            text = m.group()
            if "e" in text.lower() and "d" not in text.lower():
                self.fail("Ion float where a decimal belongs")
            self.i = m.end()
            return {"N": canonical_number(text.replace("d", "E").replace("D", "E"))}
        self.fail("expected a value")

    def struct(self):
        self.expect("{")
        out = {}
        if self.peek() == "}":
            self.i += 1
            return out
        while True:
            n = self.name()
            self.expect(":")
            if n in out:
                self.fail(f"duplicate field {n!r}")
            out[n] = self.value()
            if self.peek() == ",":
                self.i += 1
                continue
            self.expect("}")
            return out

    def sequence(self):
        self.expect("[")
        out = []
        if self.peek() == "]":
            self.i += 1
            return out
        while True:
            out.append(self.value())
            if self.peek() == ",":
                self.i += 1
                continue
            self.expect("]")
            return out


def parse_ion_line(line):
    """An Ion line of an export as the same object a DYNAMODB_JSON line parses to."""
    p = IonText(line)
    p.expect("$ion_1_0 ")
    top = p.struct()
    if p.i != len(line):
        p.fail("more than one value on the line")

    def unwrap(av, what):
        if list(av) != ["M"]:
            raise ValueError(f"{what} is not a struct")
        return av["M"]

    out = {}
    for name, av in top.items():
        if name == "Metadata":
            meta = unwrap(av, "Metadata")
            out["Metadata"] = meta  # {WriteTimestampMicros: {"N": ...}}
        else:
            out[name] = unwrap(av, name)
    return out


def parse_line(line, fmt, where):
    try:
        if fmt == "ION":
            return parse_ion_line(line)
        return json.loads(line, object_pairs_hook=no_duplicate_keys)
    except (ValueError, IndexError) as e:
        raise Inconsistency(where, f"not a valid {fmt} record: {e}") from None


# --- one export -----------------------------------------------------------------------------

class ExportCheck:
    def __init__(self, store, summary_key, quiet=False):
        self.store = store
        self.summary_key = summary_key
        self.quiet = quiet
        # full: position -> item (the key schema is not in the export);
        # incremental: canonical Keys JSON -> {"Keys", "OldImage"?, "NewImage"?, "micros"}
        self.items = {}

    def get(self, key, what):
        data = self.store.get(key)
        if data is None:
            raise Inconsistency(self.store.describe(key), f"{what} is missing")
        return data

    def check_md5_file(self, json_key, data):
        md5_key = json_key[:-len(".json")] + ".md5"
        md5 = self.get(md5_key, "checksum file").decode("ascii", "replace")
        if md5 != md5_b64(data):
            raise Inconsistency(self.store.describe(md5_key),
                                f"says {md5!r} but the md5 of {json_key.rsplit('/', 1)[-1]} is "
                                f"{md5_b64(data)!r}")
        etag = self.store.etag(json_key)
        if etag is not None and etag != hashlib.md5(data).hexdigest():
            raise Inconsistency(self.store.describe(json_key),
                                f"S3 ETag {etag} is not the MD5 of its bytes "
                                f"{hashlib.md5(data).hexdigest()}")

    def run(self):
        where = self.store.describe(self.summary_key)
        raw = self.get(self.summary_key, "manifest-summary.json")
        try:
            s = json.loads(raw, object_pairs_hook=no_duplicate_keys)
        except ValueError as e:
            raise Inconsistency(where, f"not JSON: {e}") from None
        if not isinstance(s, dict):
            raise Inconsistency(where, "not a JSON object")
        version = s.get("version")
        fields = {"2020-06-30": SUMMARY_FULL, "2023-08-01": SUMMARY_INCREMENTAL}.get(version)
        if fields is None:
            raise Inconsistency(where, f"unknown version {version!r}")
        missing = [f for f in fields if f not in s]
        if missing:
            raise Inconsistency(where, f"lacks {', '.join(missing)}")
        for f in ("startTime", "endTime") + (("exportTime",) if version == "2020-06-30" else
                                              ("exportFromTime", "exportToTime")):
            if iso_ms_to_epoch_ms(s[f]) is None:
                raise Inconsistency(where, f"{f} {s[f]!r} is not an ISO-8601 UTC time with ms")
        for f in ("itemCount", "billedSizeBytes"):
            if not isinstance(s[f], int) or isinstance(s[f], bool) or s[f] < 0:
                raise Inconsistency(where, f"{f} is not a non-negative integer")
        if s["outputFormat"] not in ("DYNAMODB_JSON", "ION"):
            raise Inconsistency(where, f"unknown outputFormat {s['outputFormat']!r}")
        self.summary = s
        self.incremental = version == "2023-08-01"
        if self.incremental and s["outputView"] not in ("NEW_AND_OLD_IMAGES", "NEW_IMAGE"):
            raise Inconsistency(where, f"unknown outputView {s['outputView']!r}")
        self.check_md5_file(self.summary_key, raw)

        export_dir = self.summary_key.rsplit("/", 1)[0]
        files_dir = s["manifestFilesS3Key"].rsplit("/", 1)[0]
        if not s["manifestFilesS3Key"].endswith("/manifest-files.json") or \
                not (export_dir == files_dir or export_dir.endswith("/" + files_dir)):
            raise Inconsistency(where, f"manifestFilesS3Key {s['manifestFilesS3Key']!r} is not "
                                       f"beside it")
        files_key = export_dir + "/manifest-files.json"
        files_raw = self.get(files_key, "manifest-files.json")
        self.check_md5_file(files_key, files_raw)
        text = files_raw.decode("utf-8")
        if text and not text.endswith("\n"):
            raise Inconsistency(self.store.describe(files_key), "last line lacks its newline")
        # The bucket-relative keys of the manifests include the S3 prefix, the local path may not:
        # data keys are resolved relative to where this export's folder was found.
        key_root = export_dir[:len(export_dir) - len(files_dir)]
        aws_prefix = s["manifestFilesS3Key"].rsplit("/", 2)[0]  # <prefix>/AWSDynamoDB
        total = 0
        for n, line in enumerate(text.splitlines(), 1):
            lw = f"{self.store.describe(files_key)}: line {n}"
            try:
                entry = json.loads(line, object_pairs_hook=no_duplicate_keys)
            except ValueError as e:
                raise Inconsistency(lw, f"not JSON: {e}") from None
            if not isinstance(entry, dict) or list(entry) != FILE_FIELDS:
                raise Inconsistency(lw, f"fields are not {', '.join(FILE_FIELDS)}")
            folder = aws_prefix + "/data/" if self.incremental else \
                s["manifestFilesS3Key"].rsplit("/", 1)[0] + "/data/"
            name = entry["dataFileS3Key"][len(folder):]
            suffix = ".ion.gz" if s["outputFormat"] == "ION" else ".json.gz"
            if not entry["dataFileS3Key"].startswith(folder) or not name.endswith(suffix):
                raise Inconsistency(lw, f"dataFileS3Key {entry['dataFileS3Key']!r} is not a "
                                        f"{suffix} file in {folder}")
            total += self.check_data_file(key_root + entry["dataFileS3Key"], entry)
        if total != s["itemCount"]:
            raise Inconsistency(where, f"itemCount is {s['itemCount']} but the data files hold "
                                       f"{total} records")
        return s

    def check_data_file(self, key, entry):
        where = self.store.describe(key)
        data = self.get(key, "data file")
        if md5_b64(data) != entry["md5Checksum"]:
            raise Inconsistency(where, f"md5 is {md5_b64(data)}, manifest-files.json says "
                                       f"{entry['md5Checksum']} (changed or truncated)")
        etag = self.store.etag(key)
        if etag is not None and etag != entry["etag"]:
            raise Inconsistency(where, f"S3 ETag {etag}, manifest-files.json says {entry['etag']}")
        if entry["etag"].endswith("-1"):
            one_part = hashlib.md5(hashlib.md5(data).digest()).hexdigest() + "-1"
            if one_part != entry["etag"]:
                raise Inconsistency(where, f"etag {entry['etag']} is not that of its bytes "
                                           f"({one_part})")
        try:
            d = zlib.decompressobj(wbits=31)
            body = d.decompress(data) + d.flush()
            if not d.eof:
                raise zlib.error("the gzip stream ends early (truncated)")
            if d.unused_data:
                raise zlib.error("bytes after the gzip stream")
        except zlib.error as e:
            raise Inconsistency(where, f"not a complete gzip stream: {e}") from None
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as e:
            raise Inconsistency(where, f"not UTF-8: {e}") from None
        if text and not text.endswith("\n"):
            raise Inconsistency(where, "the last record lacks its newline (truncated)")
        lines = text.split("\n")[:-1] if text else []
        if len(lines) != entry["itemCount"]:
            raise Inconsistency(where, f"holds {len(lines)} records, manifest-files.json says "
                                       f"{entry['itemCount']}")
        for n, line in enumerate(lines, 1):
            self.check_record(line, f"{where}: line {n}")
        return len(lines)

    def check_record(self, line, where):
        fmt = self.summary["outputFormat"]
        rec = parse_line(line, fmt, where)
        if not isinstance(rec, dict):
            raise Inconsistency(where, "record is not an object")
        if not self.incremental:
            if list(rec) != ["Item"]:
                raise Inconsistency(where, f"members {list(rec)} instead of Item")
            self.items[len(self.items)] = check_item(rec["Item"], where)
            return
        allowed = ["Metadata", "Keys", "OldImage", "NewImage"]
        if self.summary["outputView"] == "NEW_IMAGE":
            allowed.remove("OldImage")
        members = list(rec)
        if members[:2] != ["Metadata", "Keys"] or any(m not in allowed for m in members) or \
                members != [m for m in allowed if m in members]:
            raise Inconsistency(where, f"members {members}, expected Metadata, Keys then "
                                       f"{' and/or '.join(allowed[2:])}")
        meta = rec["Metadata"]
        if not isinstance(meta, dict) or list(meta) != ["WriteTimestampMicros"]:
            raise Inconsistency(where, "Metadata is not {WriteTimestampMicros}")
        ts = meta["WriteTimestampMicros"]
        if not isinstance(ts, dict) or list(ts) != ["N"] or not str(ts["N"]).isdigit():
            raise Inconsistency(where, f"WriteTimestampMicros {ts!r} is not {{\"N\": micros}}")
        micros = int(ts["N"])
        lo = iso_ms_to_epoch_ms(self.summary["exportFromTime"]) * 1000
        hi = iso_ms_to_epoch_ms(self.summary["exportToTime"]) * 1000
        if not lo <= micros < hi:
            raise Inconsistency(where, f"WriteTimestampMicros {micros} is outside the window "
                                       f"[{self.summary['exportFromTime']}, "
                                       f"{self.summary['exportToTime']})")
        keys = check_item(rec["Keys"], where + ": Keys")
        if not keys:
            raise Inconsistency(where, "Keys is empty")
        images = {}
        for image in ("OldImage", "NewImage"):
            if image in rec:
                images[image] = check_item(rec[image], f"{where}: {image}")
                for k, v in keys.items():
                    if images[image].get(k) != v:
                        raise Inconsistency(where, f"{image} lacks the key attribute {k!r} of Keys")
        if self.summary["outputView"] == "NEW_AND_OLD_IMAGES" and not images:
            raise Inconsistency(where, "neither OldImage nor NewImage")
        key = json.dumps(keys, sort_keys=True)
        if key in self.items:
            raise Inconsistency(where, f"key {key} has a second record in this export")
        self.items[key] = {"Keys": keys, **images, "micros": micros}


# --- comparison with a table ----------------------------------------------------------------

def restored_items(ddb, table_name, at_seconds):
    """The items of `table_name` as of `at_seconds`, read through a temporary restored table."""
    target = f"{table_name[:200]}-verify-{uuid.uuid4().hex[:8]}"

    # botocore sends a timestamp in whole seconds (its JSON serializer truncates), which would
    # restore the table up to a second before the export's time: the request carries the
    # milliseconds instead, as the API allows (a JSON number of epoch seconds).
    def precise_time(request, **_):
        body = json.loads(request.data)
        body["RestoreDateTime"] = round(at_seconds, 3)
        request.data = json.dumps(body).encode()

    event = "before-sign.dynamodb.RestoreTableToPointInTime"
    ddb.meta.events.register(event, precise_time)
    try:
        ddb.restore_table_to_point_in_time(SourceTableName=table_name, TargetTableName=target,
                                           RestoreDateTime=at_seconds)
    finally:
        ddb.meta.events.unregister(event, precise_time)
    try:
        deadline = time.monotonic() + 3600
        while ddb.describe_table(TableName=target)["Table"]["TableStatus"] != "ACTIVE":
            if time.monotonic() > deadline:
                raise UsageError(f"restored table {target} did not become ACTIVE")
            time.sleep(0.2)
        items = []
        for page in ddb.get_paginator("scan").paginate(TableName=target):
            items.extend(page["Items"])
        key_names = [k["AttributeName"] for k in
                     ddb.describe_table(TableName=target)["Table"]["KeySchema"]]
        return items, key_names
    finally:
        try:
            ddb.delete_table(TableName=target)
        except Exception:  # noqa: BLE001 - best effort
            pass


def wire_value(av):
    """boto3's attribute value (bytes for binary) as DynamoDB wire JSON (base64)."""
    (kind, v), = av.items()
    if kind == "B":
        return {"B": base64.b64encode(v).decode()}
    if kind == "BS":
        return {"BS": [base64.b64encode(x).decode() for x in v]}
    if kind in ("SS", "NS"):
        return {kind: list(v)}
    if kind == "L":
        return {"L": [wire_value(x) for x in v]}
    if kind == "M":
        return {"M": {k: wire_value(x) for k, x in v.items()}}
    return {kind: v}


def canonical_item(item):
    return {k: check_av(wire_value(v), "table") for k, v in item.items()}


def compare_with_table(check, table_name, endpoint):
    import boto3
    ddb = boto3.client("dynamodb", endpoint_url=endpoint) if endpoint else boto3.client("dynamodb")
    s = check.summary
    where = f"table {table_name}"

    def keyed(items, key_names, from_table=True):
        out = {}
        for item in items:
            c = canonical_item(item) if from_table else item
            out[json.dumps({k: c[k] for k in key_names}, sort_keys=True)] = c
        return out

    if not check.incremental:
        at = iso_ms_to_epoch_ms(s["exportTime"]) / 1000
        items, key_names = restored_items(ddb, table_name, at)
        table = keyed(items, key_names)
        exported = keyed(list(check.items.values()), key_names, from_table=False)
        for k, item in table.items():
            if k not in exported:
                raise Inconsistency(where, f"item {k} is in the table at {s['exportTime']} but "
                                           f"not in the export")
            if exported[k] != item:
                raise Inconsistency(where, f"item {k} differs: table {json.dumps(item)[:300]} "
                                           f"export {json.dumps(exported[k])[:300]}")
        for k in exported:
            if k not in table:
                raise Inconsistency(where, f"exported item {k} is not in the table at "
                                           f"{s['exportTime']}")
        return len(table)
    before_ms = iso_ms_to_epoch_ms(s["exportFromTime"]) - 1
    after_ms = iso_ms_to_epoch_ms(s["exportToTime"]) - 1
    new_items, key_names = restored_items(ddb, table_name, after_ms / 1000)
    new = keyed(new_items, key_names)
    old = keyed(restored_items(ddb, table_name, before_ms / 1000)[0], key_names) \
        if s["outputView"] == "NEW_AND_OLD_IMAGES" else None
    for k, rec in check.items.items():
        if rec.get("NewImage") != new.get(k):
            raise Inconsistency(where, f"record {k}: NewImage {json.dumps(rec.get('NewImage'))[:200]}"
                                       f" but the table at {s['exportToTime']} (-1 ms) has "
                                       f"{json.dumps(new.get(k))[:200]}")
        if old is not None and rec.get("OldImage") != old.get(k):
            raise Inconsistency(where, f"record {k}: OldImage {json.dumps(rec.get('OldImage'))[:200]}"
                                       f" but the table before {s['exportFromTime']} has "
                                       f"{json.dumps(old.get(k))[:200]}")
    # Every item that differs between the two ends must have its record.
    if old is not None:
        for k in set(old) | set(new):
            if old.get(k) != new.get(k) and k not in check.items:
                raise Inconsistency(where, f"item {k} changed in the window but has no record")
    return len(check.items)


# --- command line ---------------------------------------------------------------------------

def open_location(location, s3_endpoint):
    """(store, [summary keys])."""
    if location.startswith("s3://"):
        bucket, _, prefix = location[5:].partition("/")
        if not bucket:
            raise UsageError("s3:// location without a bucket")
        store = S3Store(bucket, s3_endpoint or os.environ.get("AWS_ENDPOINT_URL_S3"))
        prefix = prefix.strip("/")
        if prefix and store.get(prefix + "/manifest-summary.json") is not None:
            return store, [prefix + "/manifest-summary.json"]
        return store, store.find_summaries(prefix + "/" if prefix else "")
    if not os.path.isdir(location):
        raise UsageError(f"{location}: not a directory")
    location = os.path.abspath(location)
    direct = os.path.join(location, "manifest-summary.json")
    if os.path.exists(direct):
        # The bucket root is the directory minus the export's own folder.
        with open(direct, "rb") as f:
            try:
                files_key = json.loads(f.read())["manifestFilesS3Key"]
            except (ValueError, KeyError, TypeError):
                return LocalStore(os.path.dirname(location)), \
                    [os.path.basename(location) + "/manifest-summary.json"]
        folder = files_key.rsplit("/", 1)[0]
        parts = folder.split("/")
        root = location
        for _ in parts:
            root = os.path.dirname(root)
        if os.path.join(root, *parts) != location:
            root = os.path.dirname(location)
            return LocalStore(root), [os.path.basename(location) + "/manifest-summary.json"]
        return LocalStore(root), [folder + "/manifest-summary.json"]
    store = LocalStore(location)
    return store, store.find_summaries("")


def main(argv=None):
    ap = argparse.ArgumentParser(prog="tideline verify-export",
                                 description="Checks a DynamoDB export to S3 or a directory.")
    ap.add_argument("location", help="a local directory or s3://bucket[/prefix]")
    ap.add_argument("--against-table", metavar="NAME",
                    help="also compare the items with the table as of the export's time")
    ap.add_argument("--endpoint", metavar="URL", help="DynamoDB endpoint for --against-table")
    ap.add_argument("--s3-endpoint", metavar="URL", help="S3 endpoint for s3:// locations")
    ap.add_argument("--quiet", action="store_true", help="print nothing when all is well")
    args = ap.parse_args(argv)
    try:
        store, summaries = open_location(args.location, args.s3_endpoint)
        if not summaries:
            raise UsageError(f"{args.location}: no manifest-summary.json found")
        if args.against_table and len(summaries) != 1:
            raise UsageError("--against-table needs a location holding exactly one export")
        for key in summaries:
            check = ExportCheck(store, key)
            s = check.run()
            kind = "incremental" if check.incremental else "full"
            msg = (f"OK {store.describe(key)}: {kind} {s['outputFormat']} export, "
                   f"{s['itemCount']} records")
            if args.against_table:
                n = compare_with_table(check, args.against_table, args.endpoint)
                msg += f", matches table {args.against_table} ({n} items compared)"
            if not args.quiet:
                print(msg)
    except Inconsistency as e:
        print(f"verify-export: {e}", file=sys.stderr)
        return 1
    except UsageError as e:
        print(f"verify-export: {e}", file=sys.stderr)
        return 2
    except Exception as e:  # noqa: BLE001 - an unreachable store, bad credentials...
        print(f"verify-export: cannot read {args.location}: {type(e).__name__}: {e}",
              file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
