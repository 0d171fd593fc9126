#include "export/change_record.h"

#include <algorithm>
#include <vector>

#include "export/item_format.h"
#include "json/json.h"

namespace tideline::exporter {

namespace {

// The item with its attributes sorted by name (byte order), and its Keys object.
Status SortedImage(std::string_view item_json, const common::KeySchema* keys, std::string* sorted,
                   std::string* keys_json) {
  json::Document doc;
  std::string error;
  if (!json::Parse(item_json, &doc, &error) || !doc.IsObject()) {
    return Status::Corruption("incremental export: stored item is not a JSON object: " + error);
  }
  std::vector<const json::Value::Member*> members;
  // A const view: clang's C++20 finds != on rapidjson's mutable member iterators ambiguous.
  const json::Document& view = doc;
  for (const auto& m : view.GetObject()) members.push_back(&m);
  std::sort(members.begin(), members.end(), [](const auto* a, const auto* b) {
    return json::AsView(a->name) < json::AsView(b->name);
  });
  json::Buffer buffer;
  json::Writer w(buffer);
  w.StartObject();
  for (const auto* m : members) {
    json::WriteKey(w, json::AsView(m->name));
    m->value.Accept(w);
  }
  w.EndObject();
  sorted->assign(buffer.GetString(), buffer.GetSize());
  if (!keys) return Status::OK();
  json::Buffer kbuffer;
  json::Writer kw(kbuffer);
  kw.StartObject();
  for (const std::string* name : {&keys->hash_name, &keys->range_name}) {
    if (name->empty()) continue;
    const json::Value* v = json::Find(doc, *name);
    if (!v) return Status::Corruption("incremental export: item lacks key attribute " + *name);
    json::WriteKey(kw, *name);
    v->Accept(kw);
  }
  kw.EndObject();
  keys_json->assign(kbuffer.GetString(), kbuffer.GetSize());
  return Status::OK();
}

}  // namespace

Status AppendChangeLine(const ItemChange& change, const common::KeySchema& keys,
                        bool include_old_image, bool ion, std::string* out) {
  if (!change.old_image && !change.new_image) {
    return Status::InvalidArgument("incremental export: a change needs an image");
  }
  std::string old_sorted, new_sorted, keys_json;
  // The keys come from the new image when there is one (they are the same in both).
  if (change.new_image) {
    Status s = SortedImage(*change.new_image, &keys, &new_sorted, &keys_json);
    if (!s.ok()) return s;
  }
  if (change.old_image && include_old_image) {
    Status s =
        SortedImage(*change.old_image, change.new_image ? nullptr : &keys, &old_sorted, &keys_json);
    if (!s.ok()) return s;
  } else if (!change.new_image) {
    std::string unused;
    Status s = SortedImage(*change.old_image, &keys, &unused, &keys_json);
    if (!s.ok()) return s;
  }
  const bool with_old = change.old_image && include_old_image;
  const std::string metadata =
      "{\"WriteTimestampMicros\":{\"N\":\"" + std::to_string(change.write_timestamp_us) + "\"}}";
  const size_t original_size = out->size();
  if (!ion) {
    out->append("{\"Metadata\":").append(metadata);
    out->append(",\"Keys\":").append(keys_json);
    if (with_old) out->append(",\"OldImage\":").append(old_sorted);
    if (change.new_image) out->append(",\"NewImage\":").append(new_sorted);
    out->append("}\n");
    return Status::OK();
  }
  Status s;
  auto part = [&](std::string_view name, const std::string& json_text) {
    if (!s.ok()) return;
    out->append(name);
    s = AppendIonItem(json_text, out);
  };
  out->append("$ion_1_0 {");
  part("Metadata:", metadata);
  part(",Keys:", keys_json);
  if (with_old) part(",OldImage:", old_sorted);
  if (change.new_image) part(",NewImage:", new_sorted);
  if (!s.ok()) {
    out->resize(original_size);
    return s;
  }
  out->append("}\n");
  return Status::OK();
}

}  // namespace tideline::exporter
