#include "api/transact_write.h"

#include <algorithm>
#include <map>

#include "api/index_key_checks.h"
#include "api/item_support.h"
#include "api/status_error.h"
#include "common/api_error.h"
#include "common/clock.h"
#include "common/mutex.h"

namespace tideline::api {

namespace {

// Recently seen ClientRequestTokens: token -> (request fingerprint, expiry).
struct TokenCache {
  common::Mutex mu;
  std::map<std::string, std::pair<std::string, int64_t>> tokens GUARDED_BY(mu);
};
TokenCache& Tokens() {
  static TokenCache cache;
  return cache;
}
constexpr int64_t kTokenTtlMs = 10 * 60 * 1000;

// The index key checks of a Put or an Update in a transaction (`old`: the item it updates, if
// any): a wrong type cancels the transaction with a ValidationError reason for the item, an
// empty value fails the whole request with a top-level ValidationException (spec indexes.md §6,
// AWS captures).
bool IndexKeysValidInTransaction(const storage::TableMeta& table, const model::Item* old,
                                 const model::Item& item, size_t i, CancellationReasons* cancel) {
  if (table.indexes.empty()) return true;
  try {
    if (old)
      CheckUpdatedIndexKeys(table, IndexKeyValues(table, *old), item);
    else
      CheckIndexKeys(table, item);
    return true;
  } catch (const ApiError& e) {
    if (e.message().find("cannot contain an empty") != std::string::npos) throw;
    cancel->Set(i, "ValidationError", e.message());
    return false;
  }
}

}  // namespace

void ThrowIfInvalidItems(const std::vector<TransactWriteAction>& actions) {
  // ScyllaDB's test_transact_write_cancellation_reasons_validationerror, run against AWS;
  // test_transact_write_items.py test_invalid_item_cancels.
  for (size_t i = 0; i < actions.size(); ++i) {
    if (actions[i].item_error.empty()) continue;
    CancellationReasons cancel(actions.size());
    cancel.Set(i, "ValidationError", actions[i].item_error);
    cancel.Throw();
  }
}

TransactWriteResult RunTransactWrite(Context& ctx, std::vector<TransactWriteAction>& actions,
                                     std::optional<std::string_view> token,
                                     const std::string& fingerprint) {
  // Idempotency: the same token with the same request succeeds again without a second write.
  TransactWriteResult result;
  if (token) {
    const int64_t now = NowMillis();
    common::MutexLock lock(&Tokens().mu);
    auto& tokens = Tokens().tokens;
    std::erase_if(tokens, [&](const auto& t) { return t.second.second <= now; });
    auto it = tokens.find(std::string(*token));
    if (it != tokens.end()) {
      if (it->second.first != fingerprint) {
        throw ApiError::IdempotentParameterMismatch(
            "Request parameters do not match the original request for this ClientRequestToken");
      }
      result.replayed = true;
      return result;
    }
  }

  std::vector<size_t>& charged_sizes = result.charged_sizes;
  charged_sizes.resize(actions.size());
  // Every item is locked for the whole transaction (storage/key_locks.h): item writes of them
  // wait or fail with TransactionConflictException, and another transaction holding one of
  // them cancels this one with a TransactionConflict reason for that item, as in DynamoDB.
  std::vector<storage::ItemRef> refs;
  refs.reserve(actions.size());
  for (const auto& a : actions) refs.push_back({a.table->id, a.key});
  std::vector<size_t> conflicts;
  Status s = ctx.storage.Write(
      refs, storage::LockMode::kTransaction,
      [&](storage::WriteTxn& txn) {
        // Every action is checked and computed against the state before the transaction; any
        // failed condition, or an update DynamoDB rejects at run time (a ValidationError reason),
        // cancels all of them.
        CancellationReasons cancel(actions.size());
        std::vector<bool> found(actions.size());
        std::vector<std::optional<std::pair<std::string, size_t>>> puts(actions.size());
        bool cancelled = false;
        for (size_t i = 0; i < actions.size(); ++i) {
          TransactWriteAction& a = actions[i];
          std::string old_json;
          bool f = false;
          Status gs = txn.Get(*a.table, a.key, &old_json, &f, &charged_sizes[i]);
          if (!gs.ok()) throw StatusError(gs);
          found[i] = f;
          model::Item old;
          if (f) old = ParseStoredItem(old_json);
          if (a.condition && !expr::EvaluateCondition(*a.condition, f ? &old : nullptr)) {
            cancelled = true;
            cancel.Set(
                i, a.failure_code, a.failure_message,
                a.return_old_on_failure && f ? std::string_view(old_json) : std::string_view());
            continue;
          }
          if (a.kind == TransactActionKind::kPut) {
            if (!IndexKeysValidInTransaction(*a.table, nullptr, a.item, i, &cancel)) {
              cancelled = true;
              continue;
            }
            puts[i].emplace(model::ItemToJson(a.item), model::ItemSize(a.item));
          } else if (a.kind == TransactActionKind::kUpdate &&
                     (f || !expr::UpdateOnlyRemoves(*a.update))) {
            model::Item updated = f ? old : a.item;
            size_t size = 0;
            try {
              expr::ApplyUpdate(*a.update, a.table->key_schema, &updated, nullptr, f);
              size = model::ItemSize(updated);
              // With its LSI entries: the same message assumed (unconfirmed for that case).
              if (size > model::kMaxItemSize ||
                  ExceedsItemSizeWithLocalIndexes(*a.table, updated, size)) {
                throw ApiError::Validation(
                    "Item size to update has exceeded the maximum allowed size");
              }
            } catch (const ApiError& e) {
              if (e.type() != "ValidationException") throw;
              cancelled = true;
              cancel.Set(i, "ValidationError", e.message());
              continue;
            }
            // Outside the try: an empty index key fails the request itself, not the item.
            if (!IndexKeysValidInTransaction(*a.table, f ? &old : nullptr, updated, i, &cancel)) {
              cancelled = true;
              continue;
            }
            puts[i].emplace(model::ItemToJson(updated), size);
          }
        }
        if (cancelled) cancel.Throw();
        for (size_t i = 0; i < actions.size(); ++i) {
          TransactWriteAction& a = actions[i];
          if (a.kind == TransactActionKind::kDelete && found[i]) txn.Delete(*a.table, a.key);
          if (puts[i]) {
            charged_sizes[i] = std::max(charged_sizes[i], puts[i]->second);
            txn.Put(*a.table, a.key, std::move(puts[i]->first), puts[i]->second);
          }
        }
      },
      nullptr, &conflicts, &result.index_writes);
  if (s.code() == Status::Code::kBusy) {
    CancellationReasons cancel(actions.size());
    for (size_t i : conflicts) cancel.Set(i, "TransactionConflict", kTransactionConflictMessage);
    cancel.Throw();
  }
  if (s.code() == Status::Code::kLimitExceeded) {
    CancellationReasons cancel(actions.size());
    for (size_t i : conflicts) {
      cancel.Set(i, "ItemCollectionSizeLimitExceeded", kCollectionSizeExceededMessage);
    }
    cancel.Throw();
  }
  if (!s.ok()) throw StatusError(s);
  if (token) {
    common::MutexLock lock(&Tokens().mu);
    Tokens().tokens[std::string(*token)] = {fingerprint, NowMillis() + kTokenTtlMs};
  }
  return result;
}

}  // namespace tideline::api
