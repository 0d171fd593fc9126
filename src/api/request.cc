#include "api/request.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "common/api_error.h"
#include "storage/storage.h"

namespace tideline::api {

namespace {

// The deserializer's wording for a member of the wrong JSON type (as recorded from DynamoDB).
[[noreturn]] void WrongType(const json::Value& v, const char* expected) {
  std::string actual;
  if (v.IsObject())
    throw ApiError::Serialization("Start of structure or map found where not expected.");
  if (v.IsArray()) throw ApiError::Serialization("Start of list found where not expected");
  if (v.IsBool())
    actual = "class java.lang.Boolean";
  else if (v.IsString())
    actual = "class java.lang.String";
  else if (v.IsInt())
    actual = "class java.lang.Integer";
  else if (v.IsInt64() || v.IsUint64())
    actual = "class java.lang.Long";
  else
    actual = "class java.lang.Double";
  throw ApiError::Serialization(actual + " can not be converted to an " + expected);
}

const json::Value* Member(const json::Value& req, std::string_view name) {
  return json::Find(req, name);
}

}  // namespace

std::optional<std::string_view> OptString(const json::Value& req, std::string_view name) {
  const json::Value* v = Member(req, name);
  if (!v) return std::nullopt;
  if (!v->IsString()) WrongType(*v, "String");
  return json::AsView(*v);
}

std::optional<int64_t> OptInt(const json::Value& req, std::string_view name) {
  const json::Value* v = Member(req, name);
  if (!v) return std::nullopt;
  if (v->IsInt64()) return v->GetInt64();
  if (v->IsDouble()) {
    // Clamped before the conversion: a double beyond int64's range (1e20) is undefined
    // behaviour to convert.
    const double d = std::floor(v->GetDouble());
    if (!(d > -9.2e18)) return INT64_MIN;
    if (!(d < 9.2e18)) return INT64_MAX;
    return static_cast<int64_t>(d);
  }
  if (v->IsUint64()) return INT64_MAX;
  WrongType(*v, "Integer");
}

std::optional<int64_t> OptInteger(const json::Value& req, std::string_view name) {
  const json::Value* v = Member(req, name);
  if (v && v->IsNumber() && !v->IsInt()) {
    // DynamoDB reads these members as Java ints; the exact message for one beyond that range
    // is not recorded. This is the deserializer's form for a value of another type.
    const bool integral = v->IsInt64() || v->IsUint64();
    if (integral || v->GetDouble() >= 2147483648.0 || v->GetDouble() < -2147483648.0) {
      throw ApiError::Serialization(std::string("class java.lang.") +
                                    (integral ? "Long" : "Double") +
                                    " can not be converted to an Integer");
    }
  }
  return OptInt(req, name);
}

std::optional<bool> OptBool(const json::Value& req, std::string_view name) {
  const json::Value* v = Member(req, name);
  if (!v) return std::nullopt;
  if (v->IsBool()) return v->GetBool();
  if (v->IsString()) {
    std::string upper(json::AsView(*v));
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (upper == "TRUE") return true;
    if (upper == "FALSE") return false;
    throw ApiError::Serialization("'" + upper + "' can not be converted to an Boolean");
  }
  WrongType(*v, "Boolean");
}

std::optional<double> OptTimestamp(const json::Value& req, std::string_view name) {
  const json::Value* v = Member(req, name);
  if (!v) return std::nullopt;
  if (v->IsNumber()) return v->GetDouble();
  WrongType(*v, "Date");
}

const json::Value* OptObject(const json::Value& req, std::string_view name) {
  const json::Value* v = Member(req, name);
  if (!v) return nullptr;
  if (v->IsObject()) return v;
  if (v->IsArray()) throw ApiError::Serialization("Start of list found where not expected");
  throw ApiError::Serialization("Expected map or null");
}

const json::Value* OptArray(const json::Value& req, std::string_view name) {
  const json::Value* v = Member(req, name);
  if (!v) return nullptr;
  if (v->IsArray()) return v;
  if (v->IsObject())
    throw ApiError::Serialization("Start of structure or map found where not expected.");
  throw ApiError::Serialization("Expected list or null");
}

void ValidationErrors::Add(std::string_view repr, std::string_view path,
                           std::string_view constraint) {
  std::string e = "Value ";
  e.append(repr).append(" at '").append(path).append("' failed to satisfy constraint: ");
  e.append(constraint);
  errors_.push_back(std::move(e));
}

void ValidationErrors::AddWithoutValue(std::string_view path, std::string_view constraint) {
  std::string e = "Value at '";
  e.append(path).append("' failed to satisfy constraint: ").append(constraint);
  errors_.push_back(std::move(e));
}

void ValidationErrors::ThrowIfAny() const {
  if (errors_.empty()) return;
  std::string msg = std::to_string(errors_.size()) + " validation error" +
                    (errors_.size() > 1 ? "s" : "") + " detected: ";
  for (size_t i = 0; i < errors_.size(); ++i) {
    if (i) msg += "; ";
    msg += errors_[i];
  }
  throw ApiError::Validation(msg);
}

namespace {
bool ValidNameChars(std::string_view name) {
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-')) {
      return false;
    }
  }
  return true;
}
}  // namespace

namespace {
void CheckNameRules(std::string_view name, std::string_view path, ValidationErrors* errors) {
  if (!ValidNameChars(name)) {
    errors->Add(ValidationErrors::Quote(name), path,
                "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
  }
  if (name.size() < 3) {
    errors->Add(ValidationErrors::Quote(name), path,
                "Member must have length greater than or equal to 3");
  }
  if (name.size() > 255) {
    errors->Add(ValidationErrors::Quote(name), path,
                "Member must have length less than or equal to 255");
  }
}
}  // namespace

namespace {
// DynamoDB checks that TableName is present before it validates anything else, with a message
// of its own instead of the "Value null at 'tableName'" constraint form.
void RequireTableName(std::optional<std::string_view> name, std::string_view path) {
  if (!name && path == "tableName") {
    throw ApiError::Validation(
        "The parameter 'TableName' is required but was not present in the request");
  }
}
}  // namespace

void CheckTableName(std::optional<std::string_view> name, std::string_view path,
                    ValidationErrors* errors, bool length_message) {
  RequireTableName(name, path);
  if (!name) return errors->AddNull(path);
  // The restore operations check a new table name's length first and on its own, with this
  // message; CreateTable reports it as a constraint violation like the other rules.
  if (length_message && (name->size() < 3 || name->size() > 255)) {
    throw ApiError::Validation(
        "TableName must be at least 3 characters long and at most 255 characters long");
  }
  CheckNameRules(*name, path, errors);
}

void CheckTableNameOrArn(std::optional<std::string_view> name, std::string_view path,
                         ValidationErrors* errors) {
  RequireTableName(name, path);
  if (!name) return errors->AddNull(path);
  if (name->size() < 1) {
    errors->Add(ValidationErrors::Quote(*name), path,
                "Member must have length greater than or equal to 1");
  } else if (name->size() > 1024) {
    errors->Add(ValidationErrors::Quote(*name), path,
                "Member must have length less than or equal to 1024");
  } else if (name->substr(0, 4) != "arn:") {
    CheckNameRules(*name, path, errors);
  }
}

void CheckIndexName(std::string_view name, std::string_view path, ValidationErrors* errors) {
  CheckNameRules(name, path, errors);
}

std::string TableNameFromNameOrArn(const ServerConfig& config, std::string_view name_or_arn) {
  if (name_or_arn.substr(0, 4) != "arn:") return std::string(name_or_arn);
  const std::string prefix = TableArn(config, "");
  if (name_or_arn.substr(0, prefix.size()) != prefix) return "";
  std::string_view rest = name_or_arn.substr(prefix.size());
  if (rest.find('/') != std::string_view::npos) return "";
  return std::string(rest);
}

namespace {
std::shared_ptr<const storage::TableMeta> FindNamedTable(Context& ctx, std::string_view name_or_arn,
                                                         const char* message) {
  std::string name = TableNameFromNameOrArn(ctx.config, name_or_arn);
  auto table = name.empty() ? nullptr : ctx.storage.FindTable(name);
  if (!table) throw ApiError::ResourceNotFound(message ? message : "Requested resource not found");
  return table;
}
}  // namespace

std::shared_ptr<const storage::TableMeta> FindTableOrThrow(Context& ctx,
                                                           std::string_view name_or_arn,
                                                           const char* message) {
  auto table = FindNamedTable(ctx, name_or_arn, message);
  // A table still being restored (CREATING) takes no reads or writes yet.
  if (table->restore_in_progress) {
    throw ApiError::ResourceNotFound(message ? message : "Requested resource not found");
  }
  return table;
}

std::string TableNotFoundMessage(std::string_view name_or_arn) {
  return "Requested resource not found: Table: " + std::string(name_or_arn) + " not found";
}

std::shared_ptr<const storage::TableMeta> FindRequestedTable(Context& ctx, const json::Value& req) {
  auto name = OptString(req, "TableName");
  ValidationErrors errors;
  CheckTableNameOrArn(name, "tableName", &errors);
  errors.ThrowIfAny();
  return FindNamedTable(ctx, *name, TableNotFoundMessage(*name).c_str());
}

std::optional<int64_t> ReadLimit(const json::Value& req, ValidationErrors* errors) {
  auto limit = OptInteger(req, "Limit");
  if (limit && *limit < 1) {
    errors->AddWithoutValue("Limit", "Member must have value greater than or equal to 1");
  }
  return limit;
}

void CheckTableQuota(Context& ctx) {
  const size_t limit = static_cast<size_t>(std::max(ctx.config.max_tables, 0));
  if (ctx.storage.ListTables().size() >= limit) {
    // DynamoDB's exact wording for this quota is not recorded; "Subscriber limit exceeded" is
    // how its other table-operation limits begin.
    throw ApiError::LimitExceeded("Subscriber limit exceeded: The number of tables (" +
                                  std::to_string(limit) +
                                  ") for this account and region has been reached");
  }
}

void ReadProvisionedThroughput(const json::Value* pt, const std::string& path,
                               ValidationErrors* errors, int64_t* rcu, int64_t* wcu) {
  if (!pt) return;
  auto r = OptInt(*pt, "ReadCapacityUnits");
  auto w = OptInt(*pt, "WriteCapacityUnits");
  if (!w)
    errors->AddNull(path + ".writeCapacityUnits");
  else if (*w < 1)
    errors->Add(ValidationErrors::Quote(std::to_string(*w)), path + ".writeCapacityUnits",
                "Member must have value greater than or equal to 1");
  if (!r)
    errors->AddNull(path + ".readCapacityUnits");
  else if (*r < 1)
    errors->Add(ValidationErrors::Quote(std::to_string(*r)), path + ".readCapacityUnits",
                "Member must have value greater than or equal to 1");
  *rcu = r.value_or(0);
  *wcu = w.value_or(0);
}

ApiError ThroughputWithPayPerRequest() {
  return ApiError::Validation(
      "One or more parameter values were invalid: Neither ReadCapacityUnits nor "
      "WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
}

void WriteTimestamp(json::Writer& w, int64_t epoch_ms) {
  if (epoch_ms % 1000 == 0) {
    w.Int64(epoch_ms / 1000);
  } else {
    // Exactly three decimals, as DynamoDB sends them (e.g. 1658528578.619).
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%lld.%03lld", static_cast<long long>(epoch_ms / 1000),
                     static_cast<long long>(epoch_ms % 1000));
    w.RawValue(buf, static_cast<size_t>(n), rapidjson::kNumberType);
  }
}

}  // namespace tideline::api
