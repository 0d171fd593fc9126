#pragma once
// Decimal: a DynamoDB number. Exact, never a double: up to 38 significant decimal digits, with a
// magnitude between 1e-130 and 9.99...e+125, or zero. Arithmetic is exact with a cpp_int
// coefficient (the way Alternator's big_decimal works); results outside DynamoDB's limits fail.
//
// Canonical text (what DynamoDB returns and what we store): no exponent notation, no leading
// zeros, no trailing fractional zeros, "-" only for negatives, zero is "0"; e.g. "1.50" -> "1.5",
// "1e3" -> "1000", "-0.0" -> "0", "0.000123" -> "0.000123".

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tideline::model {

class Decimal {
 public:
  Decimal() = default;  // zero

  // Parses DynamoDB number text: [+-]digits[.digits][(e|E)[+-]digits], also ".5" and "5.".
  // On failure returns nullopt and sets *error to DynamoDB's ValidationException message:
  //   "The parameter cannot be converted to a numeric value: <text>"  (also for empty text)
  //   "Attempting to store more than 38 significant digits in a Number"
  //   "Number overflow. Attempting to store a number with magnitude larger than supported range"
  //   "Number underflow. Attempting to store a number with magnitude smaller than supported range"
  static std::optional<Decimal> Parse(std::string_view text, std::string* error);

  // Canonical text (see above).
  std::string ToString() const;

  // Ion decimal text as DynamoDB's ION export writes it: "103." for 103, "6d2" for 600,
  // "2d3" for 2000, "1.5" for 1.5, "-0.25", "0." for zero, "15d-131" for 1.5e-130.
  // Rule (ion-java's text writer): coefficient = exactly the significant digits, exponent =
  // scale; scale 0 -> "<digits>."; scale > 0 -> "<digits>d<scale>"; scale < 0 -> positional
  // ("12.5", "0.00001") while the adjusted exponent is >= -6, else "<digits>d<scale>".
  // An Ion reader gets back the same value with minimal precision.
  std::string ToIonText() const;

  // Appends an order-preserving, self-delimiting byte encoding: for any a, b,
  // memcmp order of the encodings == numeric order, and no encoding is a prefix of another.
  void AppendKeyEncoding(std::string* out) const;
  // Decodes one value written by AppendKeyEncoding from the front of *in, advancing it.
  static std::optional<Decimal> DecodeKey(std::string_view* in);

  // <0, 0, >0.
  static int Compare(const Decimal& a, const Decimal& b);
  bool operator==(const Decimal& o) const { return Compare(*this, o) == 0; }

  // Exact sum / difference. nullopt and *error set (overflow/underflow/38-digit messages
  // above) when the result is outside DynamoDB's number limits.
  static std::optional<Decimal> Add(const Decimal& a, const Decimal& b, std::string* error);
  static std::optional<Decimal> Subtract(const Decimal& a, const Decimal& b, std::string* error);

  bool is_zero() const { return digits_.empty(); }
  bool negative() const { return negative_; }

 private:
  // Builds a normalised Decimal from `digits` (ASCII, may carry leading/trailing zeros) read as
  // 0.digits * 10^exponent, enforcing DynamoDB's limits. `arithmetic` selects the message for
  // excess precision: DynamoDB reports an arithmetic result needing more than 38 digits as
  // "Number overflow..." (observed by Alternator's test_number.py), parsed text as "38 digits".
  static std::optional<Decimal> Normalize(bool negative, std::string_view digits, int64_t exponent,
                                          bool arithmetic, std::string* error);

  // value = (negative_ ? -1 : 1) * 0.d1d2d3... * 10^exponent_, digits_ has no leading or
  // trailing zeros; zero has empty digits_.
  bool negative_ = false;
  std::string digits_;
  int32_t exponent_ = 0;
};

}  // namespace tideline::model
