#pragma once
// Reading request members with DynamoDB's errors: a member of the wrong JSON type is a
// SerializationException (the service's deserializer rejects it before validation); rule
// violations are collected into one ValidationException "N validation error(s) detected: ...",
// formatted as DynamoDB formats them.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/context.h"
#include "common/clock.h"
#include "json/json.h"

namespace tideline {
class ApiError;
}
namespace tideline::storage {
struct TableMeta;
}

namespace tideline::api {

// Typed accessors: nullopt/nullptr when the member is absent or null; throw
// SerializationException when present with the wrong JSON type.
std::optional<std::string_view> OptString(const json::Value& req, std::string_view name);
std::optional<int64_t> OptInt(const json::Value& req, std::string_view name);
// A member of the model's type "integer" (a Java int): a number beyond its range is a
// SerializationException, as for any other value that is not an Integer.
std::optional<int64_t> OptInteger(const json::Value& req, std::string_view name);
std::optional<bool> OptBool(const json::Value& req, std::string_view name);
// A timestamp member (epoch seconds, fractional allowed), as the JSON protocol sends it.
std::optional<double> OptTimestamp(const json::Value& req, std::string_view name);
const json::Value* OptObject(const json::Value& req, std::string_view name);
const json::Value* OptArray(const json::Value& req, std::string_view name);

// Collects constraint violations of one request.
class ValidationErrors {
 public:
  // Adds "Value <repr> at '<path>' failed to satisfy constraint: <constraint>". `repr` is the
  // offending value as DynamoDB prints it ("null" for absent, otherwise quoted by the caller
  // through Quote()).
  void Add(std::string_view repr, std::string_view path, std::string_view constraint);
  void AddNull(std::string_view path) { Add("null", path, "Member must not be null"); }
  // The newer form DynamoDB uses for some members, which names the member but not its value:
  // "Value at '<path>' failed to satisfy constraint: <constraint>".
  void AddWithoutValue(std::string_view path, std::string_view constraint);
  bool empty() const { return errors_.empty(); }
  // Throws ValidationException "1 validation error detected: ..." when any were added.
  void ThrowIfAny() const;

  static std::string Quote(std::string_view value) { return "'" + std::string(value) + "'"; }

 private:
  std::vector<std::string> errors_;
};

// TableName rules of CreateTable (3..255 chars of [a-zA-Z0-9_.-]). An absent member at path
// "tableName" throws DynamoDB's "The parameter 'TableName' is required but was not present in
// the request" at once. `length_message`: a bad length throws the restore operations' own
// "TableName must be at least 3 characters long and at most 255 characters long".
void CheckTableName(std::optional<std::string_view> name, std::string_view path,
                    ValidationErrors* errors, bool length_message = false);
// TableName of operations that also take a table ARN (1..1024 chars, a name or an ARN); absent
// at path "tableName", the same "is required" error as CheckTableName.
void CheckTableNameOrArn(std::optional<std::string_view> name, std::string_view path,
                         ValidationErrors* errors);
// IndexName of Query and Scan (3..255 chars of [a-zA-Z0-9_.-]), violations added to *errors.
void CheckIndexName(std::string_view name, std::string_view path, ValidationErrors* errors);
// The table a name or ARN refers to; throws ResourceNotFoundException with `message` (default:
// "Requested resource not found") when there is none, or while a restore is still filling it.
std::shared_ptr<const storage::TableMeta> FindTableOrThrow(Context& ctx,
                                                           std::string_view name_or_arn,
                                                           const char* message = nullptr);
// "Requested resource not found: Table: <name> not found": the message of the table
// operations (DescribeTable, DeleteTable, UpdateTable, DescribeTimeToLive) for a missing table.
std::string TableNotFoundMessage(std::string_view name_or_arn);
// Validates the request's TableName (a name or an ARN) and returns that table, or throws
// ResourceNotFoundException with TableNotFoundMessage. Unlike FindTableOrThrow it also returns a
// table that a restore is still filling (DescribeTable shows it CREATING).
std::shared_ptr<const storage::TableMeta> FindRequestedTable(Context& ctx, const json::Value& req);

// The table name inside an ARN of this server's region/account ("" if not such an ARN);
// a plain name is returned as is.
std::string TableNameFromNameOrArn(const ServerConfig& config, std::string_view name_or_arn);

// Throws LimitExceededException when the account already has config.max_tables tables (DynamoDB's
// quota, 2,500 per account and region by default); CreateTable and restores call it.
void CheckTableQuota(Context& ctx);

// ProvisionedThroughput {ReadCapacityUnits, WriteCapacityUnits} of CreateTable and UpdateTable
// (`pt` may be null): both required and >= 1, violations added to *errors.
void ReadProvisionedThroughput(const json::Value* pt, const std::string& path,
                               ValidationErrors* errors, int64_t* rcu, int64_t* wcu);
// The ValidationException for provisioned throughput given with BillingMode PAY_PER_REQUEST.
ApiError ThroughputWithPayPerRequest();

// The Limit member of Query and Scan (nullopt when absent). Every rule on Limit lives here:
// DynamoDB reports a Limit below 1 as "Value at 'Limit' failed to satisfy constraint: Member
// must have value greater than or equal to 1" (the newer form, without the value).
std::optional<int64_t> ReadLimit(const json::Value& req, ValidationErrors* errors);

// An epoch-milliseconds time as a JSON timestamp (seconds with a fraction); the current time is
// NowMillis() of common/clock.h.
void WriteTimestamp(json::Writer& w, int64_t epoch_ms);

}  // namespace tideline::api
