"""Support for the index read tests (test_index_query.py, test_index_scan.py,
test_index_paging.py): tables with secondary indexes made through CreateTable, and small helpers
to read a whole Query or Scan page by page.

  IndexTestCase.create_indexed_table(attributes, table_key, gsis=..., lsis=...)
      attributes: {"pk": "S", ...} (every key attribute of the table and of its indexes)
      table_key:  ("pk",) or ("pk", "sk")
      gsis/lsis:  {"name": (hash_names, range_names, projection)}, projection "ALL",
                  "KEYS_ONLY" or ["x", "y"] (INCLUDE those)
  pages(op, **kw)  every page of a Query/Scan (following LastEvaluatedKey), Items plain
  plain(item)      a low-level item as Python values
"""

from boto3.dynamodb.types import TypeDeserializer

from harness import ServerTestCase, random_name

_DESERIALIZER = TypeDeserializer()


def plain(item):
    """A low-level item as Python values (numbers as Decimal)."""
    return {k: _DESERIALIZER.deserialize(v) for k, v in item.items()}


def with_plain_items(resp):
    """A Query/Scan response whose Items are plain (LastEvaluatedKey stays low-level, to be
    passed back as ExclusiveStartKey)."""
    if "Items" in resp:
        resp["Items"] = [plain(i) for i in resp["Items"]]
    return resp


def key_schema(hash_names, range_names):
    return ([{"AttributeName": n, "KeyType": "HASH"} for n in hash_names] +
            [{"AttributeName": n, "KeyType": "RANGE"} for n in range_names])


def projection(spec):
    if isinstance(spec, str):
        return {"ProjectionType": spec}
    return {"ProjectionType": "INCLUDE", "NonKeyAttributes": list(spec)}


def as_tuple(names):
    return (names,) if isinstance(names, str) else tuple(names)


class IndexTestCase(ServerTestCase):

    @classmethod
    def create_indexed_table(cls, attributes, table_key, gsis=None, lsis=None, name=None):
        name = name or random_name()
        kw = {}
        if gsis:
            kw["GlobalSecondaryIndexes"] = [
                {"IndexName": index, "KeySchema": key_schema(as_tuple(h), as_tuple(r)),
                 "Projection": projection(p)} for index, (h, r, p) in gsis.items()]
        if lsis:
            kw["LocalSecondaryIndexes"] = [
                {"IndexName": index, "KeySchema": key_schema(as_tuple(h), as_tuple(r)),
                 "Projection": projection(p)} for index, (h, r, p) in lsis.items()]
        cls.client.create_table(
            TableName=name, BillingMode="PAY_PER_REQUEST",
            KeySchema=key_schema(table_key[:1], table_key[1:]),
            AttributeDefinitions=[{"AttributeName": a, "AttributeType": t}
                                  for a, t in attributes.items()], **kw)
        cls.wait_active(name)
        return name

    def pages(self, op, **kw):
        """Every page of a Query or Scan, following LastEvaluatedKey."""
        call = getattr(self.client, op)
        out = []
        while True:
            page = with_plain_items(call(**kw))
            out.append(page)
            if "LastEvaluatedKey" not in page:
                return out
            kw["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def all_items(self, op, **kw):
        return [item for page in self.pages(op, **kw) for item in page.get("Items", [])]


def s(value):
    return {"S": value}


def n(value):
    return {"N": str(value)}
