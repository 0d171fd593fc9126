#pragma once
// ClientTokens: the ClientTokens a job service (exports, imports) has accepted in the last 8
// hours, each with the job it started, persisted under one meta key prefix so that a retry
// after a restart still finds its job. Record of a token: {"fingerprint"?, "arn", "expires_ms"}
// (the fingerprint of the request's parameters, for services whose replays must match them).
//
// Not thread-safe: the service guards it with its own mutex.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/storage.h"

namespace tideline::jobs {

class ClientTokens {
 public:
  struct Entry {
    std::string fingerprint;  // empty unless the service keeps fingerprints
    std::string arn;
    int64_t expires_ms = 0;
  };
  ClientTokens(std::string key_prefix, bool with_fingerprint)
      : key_prefix_(std::move(key_prefix)), with_fingerprint_(with_fingerprint) {}

  // Loads the persisted tokens; the meta keys of expired (or unreadable) ones are not loaded,
  // expired ones are appended to *expired_keys for the caller to delete.
  Status Load(storage::Storage& storage, int64_t now_ms, std::vector<std::string>* expired_keys);
  // The entry of `token` while it lives, else nullptr.
  const Entry* Find(const std::string& token, int64_t now_ms) const;
  // Persists `entry` for `token`, then remembers it (not when the write fails).
  Status Put(storage::Storage& storage, const std::string& token, Entry entry);

 private:
  const std::string key_prefix_;
  const bool with_fingerprint_;
  std::map<std::string, Entry> entries_;
};

}  // namespace tideline::jobs
