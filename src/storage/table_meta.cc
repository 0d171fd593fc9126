#include "storage/table_meta.h"

#include "json/json.h"

namespace tideline::storage {

namespace {

void WriteInt(json::Writer& w, const char* key, int64_t v) {
  w.Key(key);
  w.Int64(v);
}
void WriteStr(json::Writer& w, const char* key, std::string_view v) {
  w.Key(key);
  json::WriteString(w, v);
}

int64_t GetInt(const json::Value& o, const char* key) {
  const json::Value* v = json::Find(o, key);
  return v && v->IsInt64() ? v->GetInt64() : 0;
}
std::string GetStr(const json::Value& o, const char* key) {
  const json::Value* v = json::Find(o, key);
  return v && v->IsString() ? std::string(json::AsView(*v)) : std::string();
}

const char* ProjectionName(IndexMeta::Projection p) {
  switch (p) {
    case IndexMeta::Projection::kAll:
      return "ALL";
    case IndexMeta::Projection::kKeysOnly:
      return "KEYS_ONLY";
    case IndexMeta::Projection::kInclude:
      return "INCLUDE";
  }
  return "ALL";
}

bool ProjectionFromName(std::string_view name, IndexMeta::Projection* p) {
  if (name == "ALL")
    *p = IndexMeta::Projection::kAll;
  else if (name == "KEYS_ONLY")
    *p = IndexMeta::Projection::kKeysOnly;
  else if (name == "INCLUDE")
    *p = IndexMeta::Projection::kInclude;
  else
    return false;
  return true;
}

void WriteKeyAttributes(json::Writer& w, const char* key,
                        const std::vector<IndexKeyAttribute>& attrs) {
  w.Key(key);
  w.StartArray();
  for (const auto& a : attrs) {
    w.StartArray();
    json::WriteString(w, a.name);
    w.String(common::AvTypeName(a.type));
    w.EndArray();
  }
  w.EndArray();
}

bool ReadKeyAttributes(const json::Value& o, const char* key, std::vector<IndexKeyAttribute>* out) {
  out->clear();
  const json::Value* list = json::Find(o, key);
  if (!list) return true;
  if (!list->IsArray()) return false;
  for (const auto& a : list->GetArray()) {
    if (!a.IsArray() || a.Size() != 2 || !a[0].IsString() || !a[1].IsString()) return false;
    IndexKeyAttribute attr;
    attr.name = std::string(json::AsView(a[0]));
    if (!common::AvTypeFromName(json::AsView(a[1]), &attr.type)) return false;
    out->push_back(std::move(attr));
  }
  return true;
}

void WriteIndex(json::Writer& w, const IndexMeta& ix) {
  w.StartObject();
  WriteStr(w, "name", ix.name);
  w.Key("id");
  w.Uint(ix.id);
  w.Key("global");
  w.Bool(ix.global);
  WriteKeyAttributes(w, "hash", ix.hash);
  WriteKeyAttributes(w, "range", ix.range);
  WriteStr(w, "projection", ProjectionName(ix.projection));
  w.Key("non_key");
  w.StartArray();
  for (const auto& name : ix.non_key_attributes) json::WriteString(w, name);
  w.EndArray();
  WriteStr(w, "status", ix.status);
  w.Key("backfilling");
  w.Bool(ix.backfilling);
  w.Key("since");
  w.Uint64(ix.maintained_since_ts);
  WriteInt(w, "rcu", ix.read_capacity);
  WriteInt(w, "wcu", ix.write_capacity);
  WriteInt(w, "increase_ms", ix.last_throughput_increase_ms);
  WriteInt(w, "decrease_ms", ix.last_throughput_decrease_ms);
  WriteInt(w, "decreases_today", ix.throughput_decreases_today);
  WriteInt(w, "max_rru", ix.max_read_request_units);
  WriteInt(w, "max_wru", ix.max_write_request_units);
  WriteInt(w, "warm_r", ix.warm_read_units);
  WriteInt(w, "warm_w", ix.warm_write_units);
  w.EndObject();
}

bool ReadIndex(const json::Value& o, IndexMeta* ix) {
  if (!o.IsObject()) return false;
  ix->name = GetStr(o, "name");
  const json::Value* id = json::Find(o, "id");
  if (ix->name.empty() || !id || !id->IsUint()) return false;
  ix->id = id->GetUint();
  const json::Value* global = json::Find(o, "global");
  ix->global = !global || !global->IsBool() || global->GetBool();
  if (!ReadKeyAttributes(o, "hash", &ix->hash) || ix->hash.empty()) return false;
  if (!ReadKeyAttributes(o, "range", &ix->range)) return false;
  if (!ProjectionFromName(GetStr(o, "projection"), &ix->projection)) return false;
  ix->non_key_attributes.clear();
  if (const json::Value* nk = json::Find(o, "non_key"); nk && nk->IsArray()) {
    for (const auto& a : nk->GetArray()) {
      if (!a.IsString()) return false;
      ix->non_key_attributes.emplace_back(json::AsView(a));
    }
  }
  ix->status = GetStr(o, "status");
  if (ix->status.empty()) ix->status = "ACTIVE";
  const json::Value* backfilling = json::Find(o, "backfilling");
  ix->backfilling = backfilling && backfilling->IsBool() && backfilling->GetBool();
  const json::Value* since = json::Find(o, "since");
  ix->maintained_since_ts = since && since->IsUint64() ? since->GetUint64() : 0;
  ix->read_capacity = GetInt(o, "rcu");
  ix->write_capacity = GetInt(o, "wcu");
  ix->last_throughput_increase_ms = GetInt(o, "increase_ms");
  ix->last_throughput_decrease_ms = GetInt(o, "decrease_ms");
  ix->throughput_decreases_today = GetInt(o, "decreases_today");
  ix->max_read_request_units = GetInt(o, "max_rru");
  ix->max_write_request_units = GetInt(o, "max_wru");
  ix->warm_read_units = GetInt(o, "warm_r");
  ix->warm_write_units = GetInt(o, "warm_w");
  return true;
}

}  // namespace

std::string SerializeTableMeta(const TableMeta& m) {
  json::Buffer buf;
  json::Writer w(buf);
  w.StartObject();
  WriteStr(w, "name", m.name);
  w.Key("id");
  w.Uint64(m.id);
  WriteStr(w, "uuid", m.table_uuid);
  WriteStr(w, "hash_name", m.key_schema.hash_name);
  WriteStr(w, "hash_type", common::AvTypeName(m.key_schema.hash_type));
  WriteStr(w, "range_name", m.key_schema.range_name);
  WriteStr(w, "range_type", common::AvTypeName(m.key_schema.range_type));
  w.Key("attrs");
  w.StartArray();
  for (const auto& [name, type] : m.attribute_definitions) {
    w.StartArray();
    json::WriteString(w, name);
    w.String(common::AvTypeName(type));
    w.EndArray();
  }
  w.EndArray();
  WriteStr(w, "billing_mode", m.billing_mode);
  WriteInt(w, "rcu", m.read_capacity);
  WriteInt(w, "wcu", m.write_capacity);
  WriteInt(w, "created_ms", m.creation_time_ms);
  WriteInt(w, "billing_change_ms", m.last_billing_mode_change_ms);
  WriteInt(w, "increase_ms", m.last_throughput_increase_ms);
  WriteInt(w, "decrease_ms", m.last_throughput_decrease_ms);
  WriteInt(w, "decreases_today", m.throughput_decreases_today);
  w.Key("tags");
  w.StartArray();
  for (const auto& [k, v] : m.tags) {
    w.StartArray();
    json::WriteString(w, k);
    json::WriteString(w, v);
    w.EndArray();
  }
  w.EndArray();
  w.Key("deletion_protection");
  w.Bool(m.deletion_protection);
  WriteInt(w, "warm_r", m.warm_read_units);
  WriteInt(w, "warm_w", m.warm_write_units);
  w.Key("pitr");
  w.Bool(m.pitr_enabled);
  WriteInt(w, "recovery_days", m.recovery_days);
  w.Key("pitr_since_us");
  w.Uint64(m.pitr_since_us);
  if (!m.restore_source_arn.empty()) {
    w.Key("restore_source_arn");
    json::WriteString(w, m.restore_source_arn);
    w.Key("restore_time_us");
    w.Uint64(m.restore_time_us);
    w.Key("restore_in_progress");
    w.Bool(m.restore_in_progress);
    if (!m.restore_backup_arn.empty()) {
      w.Key("restore_backup_arn");
      json::WriteString(w, m.restore_backup_arn);
    }
  }
  if (!m.indexes.empty()) {
    w.Key("indexes");
    w.StartArray();
    for (const auto& ix : m.indexes) WriteIndex(w, ix);
    w.EndArray();
  }
  w.Key("next_index_id");
  w.Uint(m.next_index_id);
  if (!m.ttl_attribute.empty()) WriteStr(w, "ttl_attribute", m.ttl_attribute);
  if (m.ttl_last_change_ms != 0) WriteInt(w, "ttl_change_ms", m.ttl_last_change_ms);
  if (!m.stream_view_type.empty()) WriteStr(w, "stream_view", m.stream_view_type);
  if (!m.stream_label.empty()) WriteStr(w, "stream_label", m.stream_label);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

bool ParseTableMeta(std::string_view text, TableMeta* m) {
  json::Document doc;
  if (!json::Parse(text, &doc, nullptr) || !doc.IsObject()) return false;
  m->name = GetStr(doc, "name");
  const json::Value* id = json::Find(doc, "id");
  if (m->name.empty() || !id || !id->IsUint64()) return false;
  m->id = id->GetUint64();
  m->table_uuid = GetStr(doc, "uuid");
  m->key_schema.hash_name = GetStr(doc, "hash_name");
  m->key_schema.range_name = GetStr(doc, "range_name");
  if (!common::AvTypeFromName(GetStr(doc, "hash_type"), &m->key_schema.hash_type)) return false;
  if (!common::AvTypeFromName(GetStr(doc, "range_type"), &m->key_schema.range_type)) return false;
  m->attribute_definitions.clear();
  if (const json::Value* attrs = json::Find(doc, "attrs"); attrs && attrs->IsArray()) {
    for (const auto& a : attrs->GetArray()) {
      if (!a.IsArray() || a.Size() != 2 || !a[0].IsString() || !a[1].IsString()) return false;
      common::AvType t;
      if (!common::AvTypeFromName(json::AsView(a[1]), &t)) return false;
      m->attribute_definitions.emplace_back(std::string(json::AsView(a[0])), t);
    }
  }
  m->billing_mode = GetStr(doc, "billing_mode");
  m->read_capacity = GetInt(doc, "rcu");
  m->write_capacity = GetInt(doc, "wcu");
  m->creation_time_ms = GetInt(doc, "created_ms");
  m->last_billing_mode_change_ms = GetInt(doc, "billing_change_ms");
  m->last_throughput_increase_ms = GetInt(doc, "increase_ms");
  m->last_throughput_decrease_ms = GetInt(doc, "decrease_ms");
  m->throughput_decreases_today = GetInt(doc, "decreases_today");
  m->tags.clear();
  if (const json::Value* tags = json::Find(doc, "tags"); tags && tags->IsArray()) {
    for (const auto& t : tags->GetArray()) {
      if (!t.IsArray() || t.Size() != 2 || !t[0].IsString() || !t[1].IsString()) return false;
      m->tags.emplace_back(std::string(json::AsView(t[0])), std::string(json::AsView(t[1])));
    }
  }
  const json::Value* dp = json::Find(doc, "deletion_protection");
  m->deletion_protection = dp && dp->IsBool() && dp->GetBool();
  m->warm_read_units = GetInt(doc, "warm_r");
  m->warm_write_units = GetInt(doc, "warm_w");
  const json::Value* pitr = json::Find(doc, "pitr");
  m->pitr_enabled = pitr && pitr->IsBool() && pitr->GetBool();
  m->recovery_days = static_cast<int>(GetInt(doc, "recovery_days"));
  if (m->recovery_days < 1 || m->recovery_days > 35) m->recovery_days = 35;
  const json::Value* since = json::Find(doc, "pitr_since_us");
  m->pitr_since_us = since && since->IsUint64() ? since->GetUint64() : 0;
  const json::Value* source = json::Find(doc, "restore_source_arn");
  m->restore_source_arn = source && source->IsString() ? std::string(json::AsView(*source)) : "";
  const json::Value* restore_time = json::Find(doc, "restore_time_us");
  m->restore_time_us = restore_time && restore_time->IsUint64() ? restore_time->GetUint64() : 0;
  const json::Value* in_progress = json::Find(doc, "restore_in_progress");
  m->restore_in_progress = in_progress && in_progress->IsBool() && in_progress->GetBool();
  const json::Value* backup = json::Find(doc, "restore_backup_arn");
  m->restore_backup_arn = backup && backup->IsString() ? std::string(json::AsView(*backup)) : "";
  m->indexes.clear();
  if (const json::Value* indexes = json::Find(doc, "indexes"); indexes) {
    if (!indexes->IsArray()) return false;
    for (const auto& o : indexes->GetArray()) {
      IndexMeta ix;
      if (!ReadIndex(o, &ix)) return false;
      m->indexes.push_back(std::move(ix));
    }
  }
  const json::Value* next = json::Find(doc, "next_index_id");
  m->next_index_id = next && next->IsUint() && next->GetUint() > 0 ? next->GetUint() : 1;
  m->ttl_attribute = GetStr(doc, "ttl_attribute");
  m->ttl_last_change_ms = GetInt(doc, "ttl_change_ms");
  m->stream_view_type = GetStr(doc, "stream_view");
  m->stream_label = GetStr(doc, "stream_label");
  return true;
}

}  // namespace tideline::storage
