#include "api/key_ranges.h"

#include "common/api_error.h"
#include "model/key_codec.h"
#include "storage/storage.h"

namespace tideline::api {

namespace {

using RangeOp = expr::KeyCondition::RangeOp;

std::string Encoded(const std::string& prefix, const model::AttributeValue& v) {
  std::string k = prefix;
  model::AppendKeyPart(v, &k);
  return k;
}

}  // namespace

KeyRange KeyRangeOf(const std::string& prefix, RangeOp op, const model::AttributeValue& value1,
                    const model::AttributeValue& value2, model::AvType type, KeyEnds ends) {
  auto past = [ends](const std::string& k) {
    return ends == KeyEnds::kExact ? storage::KeyAfter(k) : PrefixEnd(k);
  };
  KeyRange r{prefix, PrefixEnd(prefix)};
  switch (op) {
    case RangeOp::kNone:
      break;
    case RangeOp::kEq:
      r.lower = Encoded(prefix, value1);
      r.upper = past(r.lower);
      break;
    case RangeOp::kLt:
      r.upper = Encoded(prefix, value1);
      break;
    case RangeOp::kLe:
      r.upper = past(Encoded(prefix, value1));
      break;
    case RangeOp::kGt:
      r.lower = past(Encoded(prefix, value1));
      break;
    case RangeOp::kGe:
      r.lower = Encoded(prefix, value1);
      break;
    case RangeOp::kBetween: {
      std::string a = Encoded(prefix, value1), b = Encoded(prefix, value2);
      if (a > b) {
        throw ApiError::Validation(
            "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be "
            "greater than or equal to lower bound; lower bound operand: AttributeValue: {" +
            std::string(model::AvTypeName(value1.type)) + ":" + value1.scalar +
            "}, upper bound operand: AttributeValue: {" +
            std::string(model::AvTypeName(value2.type)) + ":" + value2.scalar + "}");
      }
      r.lower = std::move(a);
      r.upper = past(b);
      break;
    }
    case RangeOp::kBeginsWith: {
      if (type == model::AvType::kN) {
        throw ApiError::Validation(
            "Invalid KeyConditionExpression: Incorrect operand type for operator or function; "
            "operator or function: begins_with, operand type: N");
      }
      // Strings and binaries encode as escaped bytes + a 2-byte terminator: every value that
      // starts with v encodes to something starting with escaped(v).
      std::string k = Encoded(prefix, value1);
      k.resize(k.size() - 2);
      r.lower = k;
      r.upper = PrefixEnd(k);
      break;
    }
  }
  return r;
}

std::string PrefixEnd(std::string prefix) {
  while (!prefix.empty()) {
    unsigned char last = static_cast<unsigned char>(prefix.back());
    if (last != 0xff) {
      prefix.back() = static_cast<char>(last + 1);
      return prefix;
    }
    prefix.pop_back();
  }
  return prefix;  // "" = no upper bound
}

}  // namespace tideline::api
