// Decimal: parsing, canonical/Ion text, order-preserving key bytes and exact arithmetic.
//
// Key encoding grammar (on-disk format, never change it):
//   zero     := 0x02
//   positive := 0x03  exp:u8  pair*  0x00
//   negative := 0x01  ~exp:u8 ~pair* 0xFF
// where exp = exponent_ - kMinExponent (0..255, since exponent_ is in [-129, 126]) and each pair
// byte packs two significand digits as 1 + 10*d1 + d2 (1..100); an odd final digit is padded
// with d2 = 0 (unambiguous: a significand never ends in 0). The terminator 0x00 sorts below
// every pair byte, so a shorter significand that is a prefix of a longer one sorts first, as
// 0.15 < 0.151 does. Negatives invert every byte after the tag: the positive encodings are
// prefix-free, so inverting their bytes exactly reverses their memcmp order.

#include "model/decimal.h"

#include <boost/multiprecision/cpp_int.hpp>

namespace tideline::model {
namespace {

constexpr size_t kMaxDigits = 38;
// value = 0.d1d2... * 10^exponent_: 1e-130 has exponent_ -129; 9.9..9e125 has exponent_ 126.
constexpr int64_t kMaxExponent = 126;
constexpr int64_t kMinExponent = -129;

constexpr char kNotNumeric[] = "The parameter cannot be converted to a numeric value";
constexpr char kTooManyDigits[] = "Attempting to store more than 38 significant digits in a Number";
constexpr char kOverflow[] =
    "Number overflow. Attempting to store a number with magnitude larger than supported range";
constexpr char kUnderflow[] =
    "Number underflow. Attempting to store a number with magnitude smaller than supported range";

constexpr uint8_t kNegativeTag = 0x01;
constexpr uint8_t kZeroTag = 0x02;
constexpr uint8_t kPositiveTag = 0x03;

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }

void SetError(std::string* error, const char* msg) {
  if (error) *error = msg;
}

}  // namespace

std::optional<Decimal> Decimal::Normalize(bool negative, std::string_view digits, int64_t exponent,
                                          bool arithmetic, std::string* error) {
  size_t first = digits.find_first_not_of('0');
  if (first == std::string_view::npos) return Decimal();
  size_t last = digits.find_last_not_of('0');
  exponent -= static_cast<int64_t>(first);
  size_t count = last - first + 1;
  if (exponent > kMaxExponent) {
    SetError(error, kOverflow);
    return std::nullopt;
  }
  if (exponent < kMinExponent) {
    SetError(error, kUnderflow);
    return std::nullopt;
  }
  if (count > kMaxDigits) {
    SetError(error, arithmetic ? kOverflow : kTooManyDigits);
    return std::nullopt;
  }
  Decimal d;
  d.negative_ = negative;
  d.digits_.assign(digits.data() + first, count);
  d.exponent_ = static_cast<int32_t>(exponent);
  return d;
}

std::optional<Decimal> Decimal::Parse(std::string_view text, std::string* error) {
  auto syntax_error = [&]() -> std::optional<Decimal> {
    if (error) {
      *error = kNotNumeric;
      if (!text.empty()) {
        error->append(": ");
        error->append(text);
      }
    }
    return std::nullopt;
  };
  const size_t n = text.size();
  size_t i = 0;
  bool negative = false;
  if (i < n && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  const size_t int_begin = i;
  while (i < n && IsDigit(text[i])) ++i;
  const size_t int_end = i;
  size_t frac_begin = i, frac_end = i;
  if (i < n && text[i] == '.') {
    frac_begin = ++i;
    while (i < n && IsDigit(text[i])) ++i;
    frac_end = i;
  }
  if (int_end == int_begin && frac_end == frac_begin) return syntax_error();
  int64_t exp10 = 0;
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < n && (text[i] == '+' || text[i] == '-')) exp_negative = text[i++] == '-';
    const size_t exp_begin = i;
    // Saturate: any exponent beyond 1e15 is out of range anyway (unless the significand is 0).
    for (; i < n && IsDigit(text[i]); ++i) {
      if (exp10 < 1'000'000'000'000'000) exp10 = exp10 * 10 + (text[i] - '0');
    }
    if (i == exp_begin) return syntax_error();
    if (exp_negative) exp10 = -exp10;
  }
  if (i != n) return syntax_error();

  const int64_t int_len = static_cast<int64_t>(int_end - int_begin);
  std::string_view int_part = text.substr(int_begin, int_end - int_begin);
  std::string_view frac_part = text.substr(frac_begin, frac_end - frac_begin);
  // Fast path (the common case): no fraction, or no integer digits; no copy needed.
  if (frac_part.empty()) return Normalize(negative, int_part, int_len + exp10, false, error);
  size_t int_first = int_part.find_first_not_of('0');
  if (int_first == std::string_view::npos) {
    return Normalize(negative, frac_part, exp10, false, error);
  }
  // Both parts carry significant digits: join them (at most a bounded copy of the text).
  std::string joined;
  joined.reserve(int_part.size() - int_first + frac_part.size());
  joined.append(int_part.substr(int_first));
  joined.append(frac_part);
  return Normalize(negative, joined, int_len - static_cast<int64_t>(int_first) + exp10, false,
                   error);
}

std::string Decimal::ToString() const {
  if (is_zero()) return "0";
  const int64_t len = static_cast<int64_t>(digits_.size());
  const int64_t e = exponent_;
  std::string out;
  out.reserve(digits_.size() + static_cast<size_t>(e < 0 ? -e : e) + 3);
  if (negative_) out.push_back('-');
  if (e <= 0) {
    out.append("0.");
    out.append(static_cast<size_t>(-e), '0');
    out.append(digits_);
  } else if (e < len) {
    out.append(digits_, 0, static_cast<size_t>(e));
    out.push_back('.');
    out.append(digits_, static_cast<size_t>(e), std::string::npos);
  } else {
    out.append(digits_);
    out.append(static_cast<size_t>(e - len), '0');
  }
  return out;
}

// Ion text with coefficient = the significant digits (so precision is minimal and exact) and
// exponent = scale; the positional/exponent choice follows ion-java's text writer (which AWS's
// export uses): scale 0 -> "103."; scale > 0 -> "6d2"; scale < 0 positional while the adjusted
// exponent is >= -6 ("1.5", "0.00001"), else "15d-131". Any Ion reader yields the same decimal.
std::string Decimal::ToIonText() const {
  if (is_zero()) return "0.";
  const int64_t len = static_cast<int64_t>(digits_.size());
  const int64_t e = exponent_;
  const int64_t scale = e - len;  // value = digits * 10^scale
  std::string out;
  out.reserve(digits_.size() + 16);
  if (negative_) out.push_back('-');
  if (scale == 0) {
    out.append(digits_);
    out.push_back('.');
  } else if (scale > 0) {
    out.append(digits_);
    out.push_back('d');
    out.append(std::to_string(scale));
  } else if (e >= 1) {
    out.append(digits_, 0, static_cast<size_t>(e));
    out.push_back('.');
    out.append(digits_, static_cast<size_t>(e), std::string::npos);
  } else if (e - 1 >= -6) {
    out.append("0.");
    out.append(static_cast<size_t>(-e), '0');
    out.append(digits_);
  } else {
    out.append(digits_);
    out.push_back('d');
    out.append(std::to_string(scale));
  }
  return out;
}

void Decimal::AppendKeyEncoding(std::string* out) const {
  if (is_zero()) {
    out->push_back(static_cast<char>(kZeroTag));
    return;
  }
  const uint8_t flip = negative_ ? 0xFF : 0x00;
  out->push_back(static_cast<char>(negative_ ? kNegativeTag : kPositiveTag));
  out->push_back(static_cast<char>(static_cast<uint8_t>(exponent_ - kMinExponent) ^ flip));
  const size_t len = digits_.size();
  for (size_t i = 0; i < len; i += 2) {
    int d1 = digits_[i] - '0';
    int d2 = i + 1 < len ? digits_[i + 1] - '0' : 0;
    out->push_back(static_cast<char>(static_cast<uint8_t>(1 + 10 * d1 + d2) ^ flip));
  }
  out->push_back(static_cast<char>(flip));
}

std::optional<Decimal> Decimal::DecodeKey(std::string_view* in) {
  std::string_view s = *in;
  if (s.empty()) return std::nullopt;
  const uint8_t tag = static_cast<uint8_t>(s[0]);
  if (tag == kZeroTag) {
    in->remove_prefix(1);
    return Decimal();
  }
  if (tag != kNegativeTag && tag != kPositiveTag) return std::nullopt;
  const uint8_t flip = tag == kNegativeTag ? 0xFF : 0x00;
  if (s.size() < 3) return std::nullopt;
  Decimal d;
  d.negative_ = tag == kNegativeTag;
  d.exponent_ = static_cast<int32_t>((static_cast<uint8_t>(s[1]) ^ flip) + kMinExponent);
  if (d.exponent_ > kMaxExponent) return std::nullopt;
  size_t pos = 2;
  d.digits_.reserve(kMaxDigits);
  for (;; ++pos) {
    if (pos >= s.size()) return std::nullopt;
    uint8_t b = static_cast<uint8_t>(s[pos]) ^ flip;
    if (b == 0) break;
    if (b > 100 || d.digits_.size() >= kMaxDigits) return std::nullopt;
    d.digits_.push_back(static_cast<char>('0' + (b - 1) / 10));
    d.digits_.push_back(static_cast<char>('0' + (b - 1) % 10));
  }
  // Only the final pair may carry the padding zero; a canonical significand has no leading or
  // trailing zeros, and anything else is not an encoding we wrote.
  if (d.digits_.empty() || d.digits_.front() == '0') return std::nullopt;
  if (d.digits_.back() == '0') d.digits_.pop_back();
  if (d.digits_.back() == '0') return std::nullopt;
  in->remove_prefix(pos + 1);
  return d;
}

int Decimal::Compare(const Decimal& a, const Decimal& b) {
  const int sa = a.is_zero() ? 0 : (a.negative_ ? -1 : 1);
  const int sb = b.is_zero() ? 0 : (b.negative_ ? -1 : 1);
  if (sa != sb) return sa < sb ? -1 : 1;
  if (sa == 0) return 0;
  int mag;
  if (a.exponent_ != b.exponent_) {
    mag = a.exponent_ < b.exponent_ ? -1 : 1;
  } else {
    // Same exponent: digit strings without trailing zeros compare like the fractions 0.ddd.
    int c = a.digits_.compare(b.digits_);
    mag = c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  return sa > 0 ? mag : -mag;
}

std::optional<Decimal> Decimal::Add(const Decimal& a, const Decimal& b, std::string* error) {
  if (b.is_zero()) return a;
  if (a.is_zero()) return b;
  using boost::multiprecision::cpp_int;
  // value = coefficient * 10^scale; align both to the smaller scale. Operands are within
  // DynamoDB's limits, so the shift is at most ~294 digits.
  const int64_t scale_a = a.exponent_ - static_cast<int64_t>(a.digits_.size());
  const int64_t scale_b = b.exponent_ - static_cast<int64_t>(b.digits_.size());
  const int64_t scale = std::min(scale_a, scale_b);
  cpp_int ca(a.digits_.c_str());
  cpp_int cb(b.digits_.c_str());
  if (scale_a > scale)
    ca *= boost::multiprecision::pow(cpp_int(10), static_cast<unsigned>(scale_a - scale));
  if (scale_b > scale)
    cb *= boost::multiprecision::pow(cpp_int(10), static_cast<unsigned>(scale_b - scale));
  if (a.negative_) ca = -ca;
  if (b.negative_) cb = -cb;
  cpp_int sum = ca + cb;
  if (sum.is_zero()) return Decimal();
  const bool negative = sum.sign() < 0;
  if (negative) sum = -sum;
  std::string digits = sum.str();
  const int64_t exponent = static_cast<int64_t>(digits.size()) + scale;
  return Normalize(negative, digits, exponent, true, error);
}

std::optional<Decimal> Decimal::Subtract(const Decimal& a, const Decimal& b, std::string* error) {
  Decimal neg_b = b;
  if (!neg_b.is_zero()) neg_b.negative_ = !neg_b.negative_;
  return Add(a, neg_b, error);
}

}  // namespace tideline::model
