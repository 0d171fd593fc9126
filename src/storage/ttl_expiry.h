#pragma once
// Which items Time to Live deletes, as AWS documents it: the item has the TTL attribute at its
// top level, its value is a Number of epoch seconds, and that time is in the past but less than
// five years ago. Anything else (absent, another type, a time in the future, a millisecond
// timestamp, which is far in the future) never expires.

#include <cstdint>
#include <string_view>

namespace tideline::storage {

// Five years, the age past which a TTL value no longer counts as an expiry (AWS: items "not
// five years older or more"); 5 * 365.25 days.
constexpr int64_t kTtlMaxAgeSeconds = 157788000;

// `item_json`: a stored item's wire JSON; `now_seconds`: the current Unix time.
bool ItemExpired(std::string_view item_json, std::string_view attribute, int64_t now_seconds);

}  // namespace tideline::storage
