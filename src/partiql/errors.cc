#include "partiql/errors.h"

#include "common/api_error.h"

namespace tideline::partiql {

void NotWellFormed(std::string_view detail) {
  throw ApiError::Validation("Statement wasn't well formed, can't be processed: " +
                             std::string(detail));
}

void Invalid(std::string message) { throw ApiError::Validation(std::move(message)); }

}  // namespace tideline::partiql
