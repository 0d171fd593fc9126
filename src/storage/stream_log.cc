// Storage's DynamoDB Streams functions (storage.h): stream descriptors, reading and trimming
// the records the commit path writes (write_txn.cc, streams::StageRecord).

#include <chrono>

#include "storage/storage_impl.h"
#include "storage/stream_records.h"

namespace tideline::storage {

namespace {

int64_t WallMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Status Storage::Impl::StageStreamTransition(const TableMeta* before, const TableMeta* after,
                                            rocksdb::WriteBatch* batch) {
  const bool was_enabled = before && !before->stream_view_type.empty();
  const bool is_enabled = after && !after->stream_view_type.empty();
  const bool same_stream = was_enabled && is_enabled && before->stream_label == after->stream_label;
  if (same_stream) return Status::OK();
  // Every commit up to the last one wrote its records under `before`; every later one sees
  // `after` (both happen under write_mu).
  const uint64_t at = clock.last();
  if (was_enabled) {
    const std::string key = streams::DescriptorKey(before->name, before->stream_label);
    std::string value;
    StreamDescriptor d;
    Status s = FromRocks(db->Get(rocksdb::ReadOptions(), key, &value));
    if (s.ok() && streams::ParseDescriptor(key, value, &d)) {
      d.end_ts = std::max(at, d.start_ts);
      batch->Put(key, streams::SerializeDescriptor(d));
    } else if (!s.ok() && !s.IsNotFound()) {
      return s;
    }
  }
  if (is_enabled) {
    StreamDescriptor d;
    d.table_name = after->name;
    d.label = after->stream_label;
    d.table_id = after->id;
    d.view_type = after->stream_view_type;
    d.key_schema = after->key_schema;
    d.start_ts = at;
    d.created_ms = WallMillis();
    d.shard_rollover_us = options.stream_shard_rollover_ms * 1000;
    batch->Put(streams::DescriptorKey(d.table_name, d.label), streams::SerializeDescriptor(d));
  }
  return Status::OK();
}

Status Storage::ListStreams(std::string_view table_name, std::string_view exclusive_start,
                            size_t limit, std::vector<StreamDescriptor>* out, bool* more) const {
  out->clear();
  *more = false;
  std::string prefix(1, layout::kStreamDescriptor);
  if (!table_name.empty()) prefix.append(table_name).append("/stream/");
  std::string start = prefix;
  if (!exclusive_start.empty()) {
    std::string after(1, layout::kStreamDescriptor);
    after.append(exclusive_start);
    after.push_back('\0');  // the first key past exclusive_start
    start = std::max(start, after);
  }
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(TotalOrderReadOptions()));
  for (it->Seek(start); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (out->size() == limit) {
      *more = true;
      break;
    }
    StreamDescriptor d;
    if (!streams::ParseDescriptor(it->key().ToStringView(), it->value().ToStringView(), &d)) {
      return Status::Corruption("stream descriptor " + it->key().ToString());
    }
    out->push_back(std::move(d));
  }
  return FromRocks(it->status());
}

Status Storage::FindStream(std::string_view table_name, std::string_view label,
                           StreamDescriptor* out) const {
  const std::string key = streams::DescriptorKey(table_name, label);
  std::string value;
  Status s = FromRocks(impl_->db->Get(rocksdb::ReadOptions(), key, &value));
  if (!s.ok()) return s;
  if (!streams::ParseDescriptor(key, value, out)) return Status::Corruption("stream " + key);
  return Status::OK();
}

Status Storage::ReadStreamRecords(const StreamDescriptor& stream, StreamPosition from,
                                  size_t max_records, size_t max_bytes,
                                  std::vector<StreamRecord>* out, bool* end,
                                  uint64_t through_ts) const {
  out->clear();
  *end = false;
  // Records are written in commit order under the commit lock, one batch per commit: once a
  // record is visible, so is every record before it, and reading up to whatever is there now
  // never skips one that appears later. The descriptor is read again in the snapshot the
  // records are read in: a stream still enabled there has every later record of its table (a
  // close, and so a newer stream, would be in the snapshot too).
  const rocksdb::Snapshot* snapshot = impl_->db->GetSnapshot();
  struct Release {
    rocksdb::DB* db;
    const rocksdb::Snapshot* snapshot;
    ~Release() { db->ReleaseSnapshot(snapshot); }
  } release{impl_->db.get(), snapshot};
  StreamDescriptor current = stream;
  {
    rocksdb::ReadOptions at;
    at.snapshot = snapshot;
    const std::string key = streams::DescriptorKey(stream.table_name, stream.label);
    std::string value;
    Status s = FromRocks(impl_->db->Get(at, key, &value));
    if (s.ok() && !streams::ParseDescriptor(key, value, &current)) {
      return Status::Corruption("stream " + key);
    }
    if (!s.ok() && !s.IsNotFound()) return s;
  }
  const uint64_t first_ts = std::max(from.ts, current.start_ts + 1);
  const uint32_t first_op = first_ts == from.ts ? from.op : 0;
  const uint64_t last_ts = current.enabled() ? through_ts : std::min(through_ts, current.end_ts);
  const std::string upper = last_ts == UINT64_MAX
                                ? streams::RecordsEnd(current.table_id)
                                : streams::RecordKey(current.table_id, last_ts + 1, 0);
  rocksdb::ReadOptions options = TotalOrderReadOptions();
  options.snapshot = snapshot;
  rocksdb::Slice upper_slice(upper);
  options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(options));
  size_t bytes = 0;
  it->Seek(streams::RecordKey(current.table_id, first_ts, first_op));
  for (; it->Valid(); it->Next()) {
    if (out->size() >= max_records || (!out->empty() && bytes >= max_bytes)) break;
    StreamRecord r;
    if (!streams::DecodeRecord(it->key().ToStringView(), it->value().ToStringView(), &r)) {
      return Status::Corruption("stream record of table " + std::to_string(current.table_id));
    }
    bytes += r.old_json.size() + r.new_json.size();
    out->push_back(std::move(r));
  }
  if (!it->status().ok()) return FromRocks(it->status());
  *end = !it->Valid();
  return Status::OK();
}

Status Storage::TrimStreams(uint64_t before_ts) {
  rocksdb::WriteBatch batch;
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(TotalOrderReadOptions()));
  // Records: per table id present in the key space, everything older than before_ts.
  const std::string records_prefix(1, layout::kStreamRecord);
  it->Seek(records_prefix);
  while (it->Valid() && it->key().starts_with(records_prefix) && it->key().size() >= 9) {
    const uint64_t table_id = layout::GetU64BE(it->key().data() + 1);
    const std::string from = streams::RecordKey(table_id, 0, 0);
    const std::string to = streams::RecordKey(table_id, before_ts, 0);
    if (it->key().compare(to) < 0) batch.DeleteRange(from, to);
    it->Seek(streams::RecordsEnd(table_id));
  }
  // Streams disabled before before_ts.
  const std::string descriptors_prefix(1, layout::kStreamDescriptor);
  for (it->Seek(descriptors_prefix); it->Valid() && it->key().starts_with(descriptors_prefix);
       it->Next()) {
    StreamDescriptor d;
    if (streams::ParseDescriptor(it->key().ToStringView(), it->value().ToStringView(), &d) &&
        !d.enabled() && d.end_ts < before_ts) {
      batch.Delete(it->key());
    }
  }
  if (!it->status().ok()) return FromRocks(it->status());
  if (batch.Count() == 0) return Status::OK();
  return impl_->Apply(&batch);
}

}  // namespace tideline::storage
