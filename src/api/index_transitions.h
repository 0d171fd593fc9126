#pragma once
// The brief UPDATING state of a GSI whose throughput an UpdateTable changed (the shared spec's
// indexes.md §5.5: on AWS the index is UPDATING for about 2 s and the table stays ACTIVE).
// Tideline applies the change at once; the state is shown, not waited for, so that clients
// that poll for IndexStatus ACTIVE after such an update see the transition they expect. It lives
// in memory only: a restart ends it, as its end would have anyway.

#include <cstdint>
#include <string_view>

namespace tideline::api {

// How long an updated index shows UPDATING: AWS's ~2 s, so that a client's polls after the
// UpdateTable see what they would see there.
inline constexpr int64_t kIndexUpdatingMillis = 2000;

// Marks GSI `index_name` of table `table_id` (an id, so a re-created table starts clean) as
// UPDATING from now for kIndexUpdatingMillis.
void NoteIndexUpdating(uint64_t table_id, std::string_view index_name);
// Whether the index is still in that window.
bool IndexUpdating(uint64_t table_id, std::string_view index_name);

}  // namespace tideline::api
