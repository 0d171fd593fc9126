#include "api/continuous_backups.h"
#include "api/operations.h"
#include "storage/storage.h"

namespace tideline::api {

std::string ExecuteDescribeContinuousBackups(Context& ctx, const json::Value& req) {
  auto table = FindTableForBackups(ctx, req);
  return ContinuousBackupsResponse(*table, ctx.storage.Now());
}

}  // namespace tideline::api
