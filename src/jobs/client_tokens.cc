#include "jobs/client_tokens.h"

#include "json/json.h"

namespace tideline::jobs {

Status ClientTokens::Load(storage::Storage& storage, int64_t now_ms,
                          std::vector<std::string>* expired_keys) {
  return storage.ScanMeta(key_prefix_, [&](std::string_view key, std::string_view value) {
    json::Document doc;
    if (!json::Parse(value, &doc, nullptr) || !doc.IsObject()) return true;
    const json::Value* f = with_fingerprint_ ? json::Find(doc, "fingerprint") : nullptr;
    const json::Value* a = json::Find(doc, "arn");
    const json::Value* e = json::Find(doc, "expires_ms");
    if ((with_fingerprint_ && (!f || !f->IsString())) || !a || !e || !a->IsString() ||
        !e->IsInt64()) {
      return true;
    }
    if (e->GetInt64() <= now_ms) {
      expired_keys->emplace_back(key);
      return true;
    }
    entries_[std::string(key.substr(key_prefix_.size()))] =
        Entry{f ? std::string(json::AsView(*f)) : std::string(), std::string(json::AsView(*a)),
              e->GetInt64()};
    return true;
  });
}

const ClientTokens::Entry* ClientTokens::Find(const std::string& token, int64_t now_ms) const {
  auto it = entries_.find(token);
  if (it == entries_.end() || it->second.expires_ms <= now_ms) return nullptr;
  return &it->second;
}

Status ClientTokens::Put(storage::Storage& storage, const std::string& token, Entry entry) {
  json::Buffer buf;
  json::Writer w(buf);
  w.StartObject();
  if (with_fingerprint_) {
    w.Key("fingerprint");
    json::WriteString(w, entry.fingerprint);
  }
  w.Key("arn");
  json::WriteString(w, entry.arn);
  w.Key("expires_ms");
  w.Int64(entry.expires_ms);
  w.EndObject();
  Status s = storage.PutMeta(key_prefix_ + token, std::string(buf.GetString(), buf.GetSize()));
  if (s.ok()) entries_[token] = std::move(entry);
  return s;
}

}  // namespace tideline::jobs
