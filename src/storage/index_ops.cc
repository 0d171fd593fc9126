// The public index operations of Storage (storage.h, "secondary indexes"): declared by the index
// contract; implemented in the commits that follow it.

#include "storage/storage_impl.h"

namespace tideline::storage {
namespace {

class EmptyIndexCursor : public IndexCursor {
 public:
  explicit EmptyIndexCursor(Status status) : status_(std::move(status)) {}
  bool Valid() const override { return false; }
  void Next() override {}
  std::string_view index_key() const override { return {}; }
  std::string_view table_key() const override { return {}; }
  std::string_view item_json() const override { return {}; }
  size_t item_size() const override { return 0; }
  Status status() const override { return status_; }

 private:
  Status status_;
};

}  // namespace

std::unique_ptr<IndexCursor> Storage::NewIndexCursor(uint64_t, uint32_t, std::string, std::string,
                                                     bool) const {
  return std::make_unique<EmptyIndexCursor>(
      Status::Unavailable("index cursor is not implemented yet"));
}

Status Storage::StartIndexBackfill(uint64_t, uint32_t) {
  return Status::Unavailable("index backfill is not implemented yet");
}

Status Storage::StartIndexRemoval(uint64_t, uint32_t) {
  return Status::Unavailable("index removal is not implemented yet");
}

TableStats Storage::IndexStats(uint64_t, uint32_t) const { return {}; }

}  // namespace tideline::storage
