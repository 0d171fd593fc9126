#include "api/index_transitions.h"

#include <map>
#include <string>
#include <utility>

#include "common/clock.h"
#include "common/mutex.h"

namespace tideline::api {

namespace {

struct UpdatingIndexes {
  common::Mutex mu;
  // (table id, index name) -> the end of its UPDATING window, in epoch milliseconds.
  std::map<std::pair<uint64_t, std::string>, int64_t, std::less<>> until GUARDED_BY(mu);
};
UpdatingIndexes& Updating() {
  static UpdatingIndexes indexes;
  return indexes;
}

}  // namespace

void NoteIndexUpdating(uint64_t table_id, std::string_view index_name) {
  const int64_t now = NowMillis();
  UpdatingIndexes& u = Updating();
  common::MutexLock lock(&u.mu);
  std::erase_if(u.until, [&](const auto& entry) { return entry.second <= now; });
  u.until[{table_id, std::string(index_name)}] = now + kIndexUpdatingMillis;
}

bool IndexUpdating(uint64_t table_id, std::string_view index_name) {
  UpdatingIndexes& u = Updating();
  common::MutexLock lock(&u.mu);
  if (u.until.empty()) return false;
  auto it = u.until.find(std::make_pair(table_id, std::string(index_name)));
  return it != u.until.end() && it->second > NowMillis();
}

}  // namespace tideline::api
