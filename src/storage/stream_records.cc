#include "storage/stream_records.h"

#include "json/json.h"
#include "model/attribute_value.h"
#include "storage/key_layout.h"

namespace tideline::storage::streams {

namespace {

void PutString(std::string* out, std::string_view s) {
  layout::PutU32BE(out, static_cast<uint32_t>(s.size()));
  out->append(s);
}

bool GetString(std::string_view* in, std::string* out) {
  if (in->size() < 4) return false;
  const uint32_t n = layout::GetU32BE(in->data());
  in->remove_prefix(4);
  if (in->size() < n) return false;
  out->assign(in->substr(0, n));
  in->remove_prefix(n);
  return true;
}

bool GetU64(std::string_view* in, uint64_t* v) {
  if (in->size() < 8) return false;
  *v = layout::GetU64BE(in->data());
  in->remove_prefix(8);
  return true;
}

// Whether two stored items are equal as DynamoDB compares them. Stored items are written by
// model::ItemToJson (attributes in name order, canonical numbers), so equal bytes are the common
// case; sets keep their client order, so unequal bytes are compared as values.
bool SameItem(std::string_view a, size_t a_size, std::string_view b, size_t b_size) {
  if (a == b) return true;
  if (a_size != b_size) return false;
  try {
    json::Document da, db;
    if (!json::Parse(a, &da, nullptr) || !json::Parse(b, &db, nullptr)) return false;
    return model::ItemFromJson(da) == model::ItemFromJson(db);
  } catch (const std::exception&) {
    return false;  // (stored items are valid; unreachable in practice)
  }
}

}  // namespace

std::string DescriptorKey(std::string_view table_name, std::string_view label) {
  std::string k(1, layout::kStreamDescriptor);
  k.append(table_name).append("/stream/").append(label);
  return k;
}

std::string SerializeDescriptor(const StreamDescriptor& d) {
  json::Buffer buf;
  json::Writer w(buf);
  w.StartObject();
  w.Key("table_id");
  w.Uint64(d.table_id);
  w.Key("view");
  json::WriteString(w, d.view_type);
  w.Key("hash_name");
  json::WriteString(w, d.key_schema.hash_name);
  w.Key("hash_type");
  w.String(common::AvTypeName(d.key_schema.hash_type));
  w.Key("range_name");
  json::WriteString(w, d.key_schema.range_name);
  w.Key("range_type");
  w.String(common::AvTypeName(d.key_schema.range_type));
  w.Key("start_ts");
  w.Uint64(d.start_ts);
  w.Key("end_ts");
  w.Uint64(d.end_ts);
  w.Key("created_ms");
  w.Int64(d.created_ms);
  w.Key("shard_rollover_us");
  w.Uint64(d.shard_rollover_us);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

bool ParseDescriptor(std::string_view key, std::string_view value, StreamDescriptor* d) {
  if (key.empty() || key[0] != layout::kStreamDescriptor) return false;
  key.remove_prefix(1);
  const size_t sep = key.find("/stream/");
  if (sep == std::string_view::npos) return false;
  d->table_name.assign(key.substr(0, sep));
  d->label.assign(key.substr(sep + 8));
  json::Document doc;
  if (!json::Parse(value, &doc, nullptr) || !doc.IsObject()) return false;
  auto u64 = [&](const char* name, uint64_t* out) {
    const json::Value* v = json::Find(doc, name);
    if (!v || !v->IsUint64()) return false;
    *out = v->GetUint64();
    return true;
  };
  auto str = [&](const char* name, std::string* out) {
    const json::Value* v = json::Find(doc, name);
    if (!v || !v->IsString()) return false;
    out->assign(json::AsView(*v));
    return true;
  };
  std::string hash_type, range_type;
  const json::Value* created = json::Find(doc, "created_ms");
  if (!u64("table_id", &d->table_id) || !u64("start_ts", &d->start_ts) ||
      !u64("end_ts", &d->end_ts) || !str("view", &d->view_type) ||
      !str("hash_name", &d->key_schema.hash_name) ||
      !str("range_name", &d->key_schema.range_name) || !str("hash_type", &hash_type) ||
      !str("range_type", &range_type) || !created || !created->IsInt64()) {
    return false;
  }
  d->created_ms = created->GetInt64();
  // Absent in the descriptors of streams enabled before rollover existed: they keep one shard.
  d->shard_rollover_us = 0;
  if (json::Find(doc, "shard_rollover_us") && !u64("shard_rollover_us", &d->shard_rollover_us)) {
    return false;
  }
  return common::AvTypeFromName(hash_type, &d->key_schema.hash_type) &&
         common::AvTypeFromName(range_type, &d->key_schema.range_type);
}

std::string RecordKey(uint64_t table_id, uint64_t ts, uint32_t op) {
  std::string k(1, layout::kStreamRecord);
  layout::PutU64BE(&k, table_id);
  layout::PutU64BE(&k, ts);
  layout::PutU32BE(&k, op);
  return k;
}

std::string RecordsEnd(uint64_t table_id) { return RecordKey(table_id + 1, 0, 0); }

// value := event:1 origin:1 flags:1 old_size:u64 new_size:u64 old_json:(u32 len, bytes)
//          new_json:(u32 len, bytes)
std::string EncodeRecord(const StreamRecord& r) {
  std::string v;
  v.reserve(32 + r.old_json.size() + r.new_json.size());
  v.push_back(static_cast<char>(r.event));
  v.push_back(static_cast<char>(r.origin));
  v.push_back(static_cast<char>((r.has_old ? 1 : 0) | (r.has_new ? 2 : 0)));
  layout::PutU64BE(&v, r.old_size);
  layout::PutU64BE(&v, r.new_size);
  PutString(&v, r.old_json);
  PutString(&v, r.new_json);
  return v;
}

bool DecodeRecord(std::string_view key, std::string_view value, StreamRecord* r) {
  if (key.size() != 21 || key[0] != layout::kStreamRecord || value.size() < 3) return false;
  r->ts = layout::GetU64BE(key.data() + 9);
  r->op = layout::GetU32BE(key.data() + 17);
  const char event = value[0];
  if (event != 'I' && event != 'M' && event != 'R') return false;
  r->event = static_cast<StreamEvent>(event);
  r->origin = value[1] == 1 ? WriteOrigin::kTimeToLive : WriteOrigin::kUser;
  r->has_old = (value[2] & 1) != 0;
  r->has_new = (value[2] & 2) != 0;
  value.remove_prefix(3);
  return GetU64(&value, &r->old_size) && GetU64(&value, &r->new_size) &&
         GetString(&value, &r->old_json) && GetString(&value, &r->new_json);
}

void StageRecord(const TableMeta& table, uint64_t ts, uint32_t op, const ItemChange& change,
                 rocksdb::WriteBatch* batch) {
  const std::string& view = table.stream_view_type;
  if (view.empty()) return;
  if (!change.had_old && !change.has_new) return;  // the deletion of an absent item
  if (change.had_old && change.has_new &&
      SameItem(change.old_json, change.old_size, change.new_json, change.new_size)) {
    return;
  }
  StreamRecord r;
  r.event = !change.had_old   ? StreamEvent::kInsert
            : !change.has_new ? StreamEvent::kRemove
                              : StreamEvent::kModify;
  r.origin = change.origin;
  const bool view_old = view == "OLD_IMAGE" || view == "NEW_AND_OLD_IMAGES";
  const bool view_new = view == "NEW_IMAGE" || view == "NEW_AND_OLD_IMAGES";
  // The images the view shows; when it shows none of this event, the one the keys come from.
  r.has_old = change.had_old && view_old;
  r.has_new = change.has_new && view_new;
  if (!r.has_old && !r.has_new) {
    if (change.has_new)
      r.has_new = true;
    else
      r.has_old = true;
  }
  if (r.has_old) {
    r.old_json.assign(change.old_json);
    r.old_size = change.old_size;
  }
  if (r.has_new) {
    r.new_json.assign(change.new_json);
    r.new_size = change.new_size;
  }
  batch->Put(RecordKey(table.id, ts, op), EncodeRecord(r));
}

}  // namespace tideline::storage::streams
