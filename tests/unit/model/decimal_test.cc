#include "model/decimal.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <vector>

namespace tideline::model {
namespace {

Decimal D(std::string_view text) {
  std::string err;
  auto d = Decimal::Parse(text, &err);
  EXPECT_TRUE(d.has_value()) << text << ": " << err;
  return d.value_or(Decimal());
}

std::string ParseError(std::string_view text) {
  std::string err;
  auto d = Decimal::Parse(text, &err);
  EXPECT_FALSE(d.has_value()) << text << " parsed as " << (d ? d->ToString() : "");
  return err;
}

const char kOverflow[] =
    "Number overflow. Attempting to store a number with magnitude larger than supported range";
const char kUnderflow[] =
    "Number underflow. Attempting to store a number with magnitude smaller than supported range";
const char kTooManyDigits[] = "Attempting to store more than 38 significant digits in a Number";

TEST(DecimalTest, CanonicalText) {
  const std::pair<const char*, const char*> cases[] = {
      {"0", "0"},
      {"-0", "0"},
      {"+0.000", "0"},
      {"-0.0e10", "0"},
      {"0e1000", "0"},
      {"0e-99999999999999999999", "0"},
      {"1", "1"},
      {"+3", "3"},
      {"1.50", "1.5"},
      {"1E+3", "1000"},
      {"1e3", "1000"},
      {"1e-5", "0.00001"},
      {"0.000123", "0.000123"},
      {".123", "0.123"},
      {"5.", "5"},
      {"0001.23", "1.23"},
      {"-7.1234", "-7.1234"},
      {"-17e5", "-1700000"},
      {"-17.4E37", "-174000000000000000000000000000000000000"},
      {"12.345e1", "123.45"},
      {"12.345e-1", "1.2345"},
      {"100", "100"},
      {"100.0100", "100.01"},
      {"1e+5", "100000"},
      {"-0.5", "-0.5"},
      {"123456789012345678901234567890.12345678", "123456789012345678901234567890.12345678"},
  };
  for (const auto& [in, want] : cases) EXPECT_EQ(D(in).ToString(), want) << in;
  EXPECT_FALSE(D("-0").negative());
  EXPECT_TRUE(D("-0").is_zero());
}

TEST(DecimalTest, InvalidTextMessages) {
  for (const char* s : {"NaN", "Infinity", "-Infinity", "-NaN", "dog",   "-dog",  " 1",
                        "1 ",  "e5",       "1e",        "1e+",  "1.2.3", "--1",   "+-1",
                        "+",   "-",        ".",         "0x10", "1,5",   "1_000", "١"}) {
    EXPECT_EQ(ParseError(s),
              std::string("The parameter cannot be converted to a numeric value: ") + s);
  }
  EXPECT_EQ(ParseError(""), "The parameter cannot be converted to a numeric value");
}

TEST(DecimalTest, MagnitudeLimits) {
  for (const char* s :
       {"1e125", "9.99999999e125", "9.9999999999999999999999999999999999999E+125", "1e-130",
        "-1e-130", "-9.9999999999999999999999999999999999999E+125", "1e-100", "0.0001e-126"}) {
    EXPECT_EQ(D(s).ToString(), D(D(s).ToString()).ToString()) << s;  // parses, and round-trips
  }
  EXPECT_EQ(ParseError("1e126"), kOverflow);
  EXPECT_EQ(ParseError("11e125"), kOverflow);
  EXPECT_EQ(ParseError("-1e126"), kOverflow);
  EXPECT_EQ(ParseError("1e99999999999999999999999"), kOverflow);
  EXPECT_EQ(ParseError("1e-131"), kUnderflow);
  EXPECT_EQ(ParseError("0.9e-130"), kUnderflow);
  EXPECT_EQ(ParseError("-1e-131"), kUnderflow);
  EXPECT_EQ(ParseError("1e-99999999999999999999999"), kUnderflow);
}

TEST(DecimalTest, SignificantDigitLimit) {
  EXPECT_EQ(D("3.1415926535897932384626433832795028841").ToString(),
            "3.1415926535897932384626433832795028841");
  EXPECT_EQ(D("31415926535897932384626433832795028841e30").ToString(),
            "31415926535897932384626433832795028841000000000000000000000000000000");
  EXPECT_EQ(ParseError("3.14159265358979323846264338327950288419"), kTooManyDigits);
  EXPECT_EQ(ParseError("314159265358979323846264338327950288419e30"), kTooManyDigits);
  // Leading and trailing zeros are not significant.
  EXPECT_EQ(D("000000000000000000000000000000000000000000001").ToString(), "1");
  EXPECT_EQ(D("1000000000000000000000000000000000000000000000000000").ToString(),
            "1000000000000000000000000000000000000000000000000000");
  EXPECT_EQ(D("0.10000000000000000000000000000000000000000000000").ToString(), "0.1");
}

TEST(DecimalTest, IonText) {
  const std::pair<const char*, const char*> cases[] = {
      {"103", "103."},         {"600", "6d2"},       {"2000", "2d3"},
      {"1.5", "1.5"},          {"0", "0."},          {"-0.25", "-0.25"},
      {"-7", "-7."},           {"10", "1d1"},        {"12.5", "12.5"},
      {"0.00001", "0.00001"},  {"1e-6", "0.000001"}, {"1e-7", "1d-7"},
      {"1.5e-130", "15d-131"}, {"1e-130", "1d-130"}, {"-1e125", "-1d125"},
      {"123.456", "123.456"},
  };
  for (const auto& [in, want] : cases) EXPECT_EQ(D(in).ToIonText(), want) << in;
}

// An Ion reader's view of our text: coefficient digits and exponent, turned back into a
// Decimal. The coefficient must be exactly the significant digits (no extra precision).
TEST(DecimalTest, IonTextReadsBackExactly) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 5000; ++i) {
    int len = 1 + static_cast<int>(rng() % 38);
    std::string digits;
    for (int k = 0; k < len; ++k) digits.push_back(static_cast<char>('0' + rng() % 10));
    digits[0] = static_cast<char>('1' + rng() % 9);
    digits.back() = static_cast<char>('1' + rng() % 9);
    int exp = -129 + static_cast<int>(rng() % 250) - len;  // scientific exponent-ish
    std::string text = (rng() % 2 ? "-" : "") + digits + "e" + std::to_string(exp);
    std::string err;
    auto d = Decimal::Parse(text, &err);
    if (!d) continue;
    std::string ion = d->ToIonText();
    // Ion decimal: [-]digits[.digits][d[-]exp]; coefficient = all digits; exponent = d-part
    // minus the fraction length.
    std::string coeff;
    long long frac = 0, dexp = 0;
    bool in_frac = false;
    size_t p = 0;
    bool neg = ion[0] == '-';
    if (neg) ++p;
    for (; p < ion.size() && ion[p] != 'd'; ++p) {
      if (ion[p] == '.') {
        in_frac = true;
        continue;
      }
      coeff.push_back(ion[p]);
      if (in_frac) ++frac;
    }
    if (p < ion.size()) dexp = std::stoll(ion.substr(p + 1));
    size_t nz = coeff.find_first_not_of('0');
    ASSERT_NE(nz, std::string::npos) << ion;
    coeff = coeff.substr(nz);
    EXPECT_NE(coeff.back(), '0') << "extra precision in " << ion;
    auto back = Decimal::Parse((neg ? "-" : "") + coeff + "e" + std::to_string(dexp - frac), &err);
    ASSERT_TRUE(back) << ion;
    EXPECT_EQ(Decimal::Compare(*back, *d), 0) << text << " -> " << ion;
  }
}

TEST(DecimalTest, Compare) {
  const char* ordered[] = {"-1e125",  "-100", "-99.5",  "-1",   "-0.5", "-0.05",
                           "-1e-130", "0",    "1e-130", "0.05", "0.5",  "1",
                           "1.5",     "15",   "99.5",   "100",  "1e125"};
  const size_t n = sizeof(ordered) / sizeof(ordered[0]);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) {
      int want = i < j ? -1 : (i > j ? 1 : 0);
      EXPECT_EQ(Decimal::Compare(D(ordered[i]), D(ordered[j])), want)
          << ordered[i] << " vs " << ordered[j];
    }
  }
  EXPECT_TRUE(D("1.0") == D("1"));
  EXPECT_TRUE(D("-0") == D("0"));
}

std::optional<Decimal> Sum(const char* a, const char* b, std::string* err) {
  return Decimal::Add(D(a), D(b), err);
}

TEST(DecimalTest, AddSubtract) {
  std::string err;
  EXPECT_EQ(Sum("1", "10000000000000000000000", &err)->ToString(), "10000000000000000000001");
  EXPECT_EQ(Decimal::Subtract(D("10000000000000000000000"), D("1"), &err)->ToString(),
            "9999999999999999999999");
  EXPECT_EQ(Sum("0.1", "0.2", &err)->ToString(), "0.3");
  EXPECT_EQ(Sum("-0.1", "0.1", &err)->ToString(), "0");
  EXPECT_EQ(Sum("0", "-5", &err)->ToString(), "-5");
  EXPECT_EQ(Sum("-5", "0", &err)->ToString(), "-5");
  EXPECT_EQ(Sum("1.5", "-3", &err)->ToString(), "-1.5");
  EXPECT_EQ(Sum("999", "1", &err)->ToString(), "1000");
  EXPECT_EQ(Decimal::Subtract(D("1e-130"), D("1e-130"), &err)->ToString(), "0");
  EXPECT_EQ(Decimal::Subtract(D("5"), D("-5"), &err)->ToString(), "10");
  EXPECT_EQ(Sum("1e125", "1e125", &err)->ToString(), D("2e125").ToString());
  EXPECT_EQ(Sum("12345678901234567890123456789012345678", "1", &err)->ToString(),
            "12345678901234567890123456789012345679");

  EXPECT_FALSE(Sum("9e125", "9e125", &err));
  EXPECT_EQ(err, kOverflow);
  err.clear();
  EXPECT_FALSE(Decimal::Subtract(D("9e125"), D("-9e125"), &err));
  EXPECT_EQ(err, kOverflow);
  err.clear();
  // DynamoDB reports lost precision in arithmetic as an overflow (see Alternator's tests).
  EXPECT_FALSE(Sum("1e50", "1", &err));
  EXPECT_EQ(err, kOverflow);
  err.clear();
  EXPECT_FALSE(Decimal::Subtract(D("1e50"), D("1"), &err));
  EXPECT_EQ(err, kOverflow);
  // Far-apart magnitudes stay cheap and exact-or-error.
  EXPECT_FALSE(Sum("1e125", "1e-130", &err));
  EXPECT_EQ(Sum("99999999999999999999999999999999999999", "1", &err)->ToString(),
            "100000000000000000000000000000000000000");
}

// Random decimals across the whole range, including tiny/huge exponents and both signs.
std::vector<Decimal> RandomDecimals(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Decimal> out;
  out.push_back(Decimal());
  for (const char* s : {"1e-130", "-1e-130", "9.9999999999999999999999999999999999999e125",
                        "-9.9999999999999999999999999999999999999e125", "1", "-1", "10", "0.1",
                        "11", "1.1", "101", "-101"}) {
    out.push_back(D(s));
  }
  while (out.size() < n) {
    int len = 1 + static_cast<int>(rng() % (rng() % 4 == 0 ? 38 : 4));
    std::string digits;
    for (int k = 0; k < len; ++k) digits.push_back(static_cast<char>('0' + rng() % 10));
    int exp =
        rng() % 3 == 0 ? static_cast<int>(rng() % 256) - 130 : static_cast<int>(rng() % 8) - 4;
    std::string text = (rng() % 2 ? "-" : "") + digits + "e" + std::to_string(exp);
    auto d = Decimal::Parse(text, nullptr);
    if (d) out.push_back(*d);
  }
  return out;
}

TEST(DecimalTest, KeyEncodingOrderMatchesNumericOrder) {
  auto values = RandomDecimals(4000, 42);
  std::vector<std::pair<std::string, Decimal>> enc;
  for (const auto& d : values) {
    std::string e;
    d.AppendKeyEncoding(&e);
    enc.emplace_back(std::move(e), d);
  }
  std::sort(enc.begin(), enc.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });  // memcmp order
  for (size_t i = 1; i < enc.size(); ++i) {
    int num = Decimal::Compare(enc[i - 1].second, enc[i].second);
    EXPECT_LE(num, 0) << enc[i - 1].second.ToString() << " vs " << enc[i].second.ToString();
    EXPECT_EQ(num == 0, enc[i - 1].first == enc[i].first);
  }
}

TEST(DecimalTest, KeyEncodingIsPrefixFreeAndDecodes) {
  auto values = RandomDecimals(600, 9);
  std::vector<std::string> enc;
  std::string concat;
  for (const auto& d : values) {
    std::string e;
    d.AppendKeyEncoding(&e);
    concat += e;
    enc.push_back(std::move(e));
  }
  for (size_t i = 0; i < enc.size(); ++i) {
    for (size_t j = 0; j < enc.size(); ++j) {
      if (enc[i] == enc[j] || enc[i].size() >= enc[j].size()) continue;
      EXPECT_NE(std::memcmp(enc[i].data(), enc[j].data(), enc[i].size()), 0)
          << values[i].ToString() << " is a prefix of " << values[j].ToString();
    }
  }
  std::string_view in = concat;
  for (const auto& d : values) {
    auto got = Decimal::DecodeKey(&in);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->ToString(), d.ToString());
  }
  EXPECT_TRUE(in.empty());
}

TEST(DecimalTest, DecodeKeyRejectsGarbage) {
  for (std::string bad :
       {std::string(), std::string("\x07"), std::string("\x03"), std::string("\x03\x80"),
        std::string("\x03\x80\x00", 3), std::string("\x03\x80\x65\x00", 4) /* pair byte 101 */,
        std::string("\x03\x80\x0b\x01\x00", 5) /* trailing zero digit */}) {
    std::string_view in = bad;
    EXPECT_FALSE(Decimal::DecodeKey(&in)) << bad.size();
  }
}

}  // namespace
}  // namespace tideline::model
