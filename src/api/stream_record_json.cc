#include "api/stream_record_json.h"

#include "api/response_body.h"
#include "api/stream_ids.h"
#include "aws/crypto.h"
#include "model/attribute_value.h"

namespace tideline::api {

namespace {

const char* EventName(storage::StreamEvent e) {
  switch (e) {
    case storage::StreamEvent::kInsert:
      return "INSERT";
    case storage::StreamEvent::kModify:
      return "MODIFY";
    case storage::StreamEvent::kRemove:
      return "REMOVE";
  }
  return "MODIFY";
}

std::string Hex(std::string_view bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

// Writes the key attributes of `item_json` and returns their size (names plus values, as
// DynamoDB sizes items).
size_t WriteKeys(json::Writer& w, const common::KeySchema& schema, std::string_view item_json) {
  json::Document doc;
  size_t size = 0;
  w.StartObject();
  if (json::Parse(item_json, &doc, nullptr) && doc.IsObject()) {
    for (const std::string* name : {&schema.hash_name, &schema.range_name}) {
      if (name->empty()) continue;
      const json::Value* value = json::Find(doc, *name);
      if (!value) continue;
      json::WriteKey(w, *name);
      value->Accept(w);
      size += name->size() + model::AttributeValueSize(model::AttributeValueFromJson(*value));
    }
  }
  w.EndObject();
  return size;
}

}  // namespace

size_t WriteStreamRecord(json::Writer& w, const ServerConfig& config,
                         const storage::StreamDescriptor& stream, std::string_view stream_arn,
                         const storage::StreamRecord& record) {
  const std::string sequence = SequenceNumber(record.ts, record.op);
  const std::string& view = stream.view_type;
  const bool show_old = record.has_old && (view == "OLD_IMAGE" || view == "NEW_AND_OLD_IMAGES");
  const bool show_new = record.has_new && (view == "NEW_IMAGE" || view == "NEW_AND_OLD_IMAGES");
  w.StartObject();
  w.Key("eventID");
  // 32 lowercase hex digits like AWS's, unique per record (the stream and the sequence number).
  w.String(Hex(aws::Md5(std::string(stream_arn) + "#" + sequence)).c_str());
  w.Key("eventName");
  w.String(EventName(record.event));
  w.Key("eventVersion");
  w.String("1.1");
  w.Key("eventSource");
  w.String("aws:dynamodb");
  w.Key("awsRegion");
  json::WriteString(w, config.region);
  w.Key("dynamodb");
  w.StartObject();
  w.Key("ApproximateCreationDateTime");
  // Epoch seconds, rounded down to the second (the model's doc).
  w.Double(static_cast<double>(record.ts / 1000000));
  w.Key("Keys");
  size_t size = WriteKeys(w, stream.key_schema, record.has_new ? record.new_json : record.old_json);
  if (show_new) {
    w.Key("NewImage");
    WriteRawObject(w, record.new_json);
    size += record.new_size;
  }
  if (show_old) {
    w.Key("OldImage");
    WriteRawObject(w, record.old_json);
    size += record.old_size;
  }
  w.Key("SequenceNumber");
  json::WriteString(w, sequence);
  w.Key("SizeBytes");
  w.Uint64(size);
  w.Key("StreamViewType");
  json::WriteString(w, view);
  w.EndObject();
  if (record.origin == storage::WriteOrigin::kTimeToLive) {
    // The member names of the Streams API's Identity shape (ScyllaDB test_ttl_expiration_streams,
    // run against AWS); Lambda's events spell them principalId / type.
    w.Key("userIdentity");
    w.StartObject();
    w.Key("PrincipalId");
    w.String("dynamodb.amazonaws.com");
    w.Key("Type");
    w.String("Service");
    w.EndObject();
  }
  w.EndObject();
  return size;
}

}  // namespace tideline::api
