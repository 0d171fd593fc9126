// Our ION lines read back by ion-js (Amazon's Ion reader for JavaScript) through
// tools/ion-check/check.js, which prints each item as DynamoDB JSON: the output must equal the
// items we formatted. Covers every type, every escape, awkward field names and random data.
// Skipped (not failed) when node or tools/ion-check/node_modules is missing: run
// `npm ci --prefix tools/ion-check` (or npm install) first.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "common/base64.h"
#include "export/gzip_stream.h"
#include "export/item_format.h"
#include "export/manifest.h"
#include "json/json.h"
#include "model/decimal.h"

namespace tideline::exporter {
namespace {

namespace fs = std::filesystem;

fs::path CheckScript() {
  fs::path here(__FILE__);  // <root>/tests/unit/export/ion_check_test.cc
  if (here.is_absolute())
    return here.parent_path().parent_path().parent_path().parent_path() / "tools" / "ion-check" /
           "check.js";
  return fs::current_path() / "tools" / "ion-check" / "check.js";
}

// Runs a shell command; returns its exit status and stdout.
int RunCommand(const std::string& command, std::string* output) {
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return -1;
  char buf[1 << 16];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) output->append(buf, n);
  int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

class ExportFmtIonCheck : public ::testing::Test {
 protected:
  void SetUp() override {
    script_ = CheckScript();
    std::string ignored;
    if (RunCommand("node --version 2>/dev/null", &ignored) != 0)
      GTEST_SKIP() << "node is not installed";
    if (!fs::exists(script_.parent_path() / "node_modules" / "ion-js")) {
      GTEST_SKIP() << "run: npm ci --prefix " << script_.parent_path().string();
    }
    dir_ = fs::temp_directory_path() / ("ion_check_" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  // Runs check.js on `file`; returns its exit status, stdout in *out.
  int Check(const fs::path& file, std::string* out) {
    return RunCommand(
        "node '" + script_.string() + "' '" + file.string() + "' 2>" + (dir_ / "stderr").string(),
        out);
  }

  std::string Stderr() {
    std::ifstream in(dir_ / "stderr");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  void WriteFile(const fs::path& path, const std::string& data) {
    std::ofstream(path, std::ios::binary) << data;
  }

  // Formats `items` as ION, as a plain and a gzipped file, and requires ion-js to read back
  // exactly the items.
  void ExpectRoundTrip(const std::vector<std::string>& items) {
    std::string ion;
    for (const auto& item : items) {
      Status s = AppendIonLine(item, &ion);
      ASSERT_TRUE(s.ok()) << s.ToString() << ": " << item;
    }
    std::string gz;
    GzipStream stream([&](std::string_view d) {
      gz.append(d);
      return Status::OK();
    });
    ASSERT_TRUE(stream.Write(ion).ok());
    ASSERT_TRUE(stream.Finish().ok());
    WriteFile(dir_ / "items.ion", ion);
    WriteFile(dir_ / "items.ion.gz", gz);
    for (const char* name : {"items.ion", "items.ion.gz"}) {
      std::string out;
      ASSERT_EQ(Check(dir_ / name, &out), 0) << Stderr();
      std::vector<std::string> lines;
      for (size_t pos = 0; pos < out.size();) {
        size_t end = out.find('\n', pos);
        lines.push_back(out.substr(pos, end - pos));
        pos = end + 1;
      }
      ASSERT_EQ(lines.size(), items.size()) << name;
      for (size_t i = 0; i < items.size(); ++i) {
        json::Document got, want;
        ASSERT_TRUE(json::Parse(lines[i], &got, nullptr)) << lines[i];
        ASSERT_TRUE(json::Parse("{\"Item\":" + items[i] + "}", &want, nullptr));
        EXPECT_TRUE(got == want) << "item " << i << "\n want: " << items[i]
                                 << "\n  ion: " << ion.substr(0, 2000) << "\n  got: " << lines[i];
      }
    }
  }

  fs::path script_;
  fs::path dir_;
};

// DynamoDB's canonical text of a number (what storage keeps and what check.js prints).
std::string Canon(const char* text) { return model::Decimal::Parse(text, nullptr)->ToString(); }

TEST_F(ExportFmtIonCheck, EveryTypeAndEscape) {
  ExpectRoundTrip({
      R"({"Authors":{"SS":["Author1","Author2"]},"Id":{"N":"103"},"PageCount":{"N":"600"},)"
      R"("Price":{"N":"2000"},"InPublication":{"BOOL":false}})",
      R"({"id":{"S":"K3TXQk84Si"},"a":{"BOOL":false},"b":{"NULL":true},)"
      R"("c":{"SS":["8gfX8dh0xa","fRjHZJ2Ce9"]},"d":{"NS":["3","2"]},)"
      R"("e":{"L":[{"N":"1"},{"S":"Dsb87qc6Es"}]},)"
      R"("f":{"M":{"h":{"NULL":true},"i":{"BOOL":true},"g":{"N":"9"}}},"j":{"B":"aGVsbG8="},)"
      R"("k":{"BS":["aXMgZmFzdA==","c2N5bGxhZGI="]}})",
      R"({"s":{"S":"q\"b\\n\nr\rt\tz\u0000c\u001fd\u007f\u0080\u00ff\u2028\uffff\ud83d\ude00'"}})",
      R"({"null":{"S":""},"nan":{"B":""},"true":{"L":[]},"false":{"M":{}},"$1":{"N":"0"},)"
      R"("$":{"N":"-1"},"$1a":{"N":"0.5"},"9a":{"N":"100000"},"a b":{"N":"1"},"it's":{"N":"2"},)"
      R"("q\"\\":{"N":"3"},"\n\t":{"N":"4"},"\u00e9\u4e2d\ud83d\ude00":{"N":"5"},"$ion":{"N":"6"},)"
      R"("$ion_1_0":{"N":"7"},"'":{"N":"8"},"_":{"N":"9"},"Item":{"N":"10"}})",
      "{\"n1\":{\"N\":\"0.000001\"},\"n2\":{\"N\":\"" + Canon("1e-7") +
          "\"},\"n3\":{\"N\":\"123456789012345678901234567890.12345678\"},"
          "\"n4\":{\"N\":\"-99999999999999999999999999999999999999\"},\"n5\":{\"N\":\"" +
          Canon("1E-130") + "\"},\"n6\":{\"N\":\"" +
          Canon("9.9999999999999999999999999999999999999E+125") + "\"},\"n7\":{\"N\":\"" +
          Canon("-1.5E-7") + "\"},\"n8\":{\"N\":\"" + Canon("12e100") + "\"}}",
      "{}",
  });
}

// Random items: strings over the whole Unicode range (controls included), random names,
// random 1..38-digit numbers across the exponent range, random binaries, nested L/M, sets.
class RandomItems {
 public:
  explicit RandomItems(uint64_t seed) : rng_(seed) {}

  std::string Item() {
    json::Buffer buf;
    json::Writer w(buf);
    Map(w, 0);
    return std::string(buf.GetString(), buf.GetSize());
  }

 private:
  uint32_t Below(uint32_t n) { return static_cast<uint32_t>(rng_() % n); }

  void AppendUtf8(uint32_t cp, std::string* s) {
    if (cp < 0x80) {
      s->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      s->push_back(static_cast<char>(0xC0 | (cp >> 6)));
      s->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      s->push_back(static_cast<char>(0xE0 | (cp >> 12)));
      s->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      s->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      s->push_back(static_cast<char>(0xF0 | (cp >> 18)));
      s->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      s->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      s->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  uint32_t CodePoint() {
    switch (Below(6)) {
      case 0:
        return Below(0x20);  // controls
      case 1:
        return "\"\\'$_ {}[]:,."[Below(13)];  // syntax characters
      case 2:
        return 0x80 + Below(0x780);  // 2-byte UTF-8
      case 3: {                      // 3-byte, not a surrogate
        uint32_t cp = 0x800 + Below(0xF800);
        return (cp >= 0xD800 && cp < 0xE000) ? 0xE000 : cp;
      }
      case 4:
        return 0x10000 + Below(0x100000);  // astral
      default:
        return 0x20 + Below(0x5F);  // printable ASCII, DEL included
    }
  }

  std::string Text(size_t max_len) {
    std::string s;
    size_t len = Below(static_cast<uint32_t>(max_len + 1));
    for (size_t i = 0; i < len; ++i) AppendUtf8(CodePoint(), &s);
    return s;
  }

  std::string Name() {
    static const char* kAwkward[] = {"null",
                                     "nan",
                                     "true",
                                     "false",
                                     "$0",
                                     "$10",
                                     "$",
                                     "Item",
                                     "a",
                                     "_x$",
                                     "$ion_symbol_table",
                                     "+inf",
                                     "null.int"};
    if (Below(3) == 0) return kAwkward[Below(sizeof(kAwkward) / sizeof(kAwkward[0]))];
    std::string s = Text(8);
    return s.empty() ? "k" : s;
  }

  std::string Number() {
    for (;;) {
      std::string text = Below(2) ? "-0." : "0.";
      const uint32_t digits = 1 + Below(38);
      text.push_back(static_cast<char>('1' + Below(9)));
      for (uint32_t i = 1; i < digits; ++i) text.push_back(static_cast<char>('0' + Below(10)));
      text += "e" + std::to_string(static_cast<int>(Below(250)) - 125);
      auto d = model::Decimal::Parse(text, nullptr);
      if (d) return d->ToString();
    }
  }

  std::string Binary() {
    std::string bytes(Below(24), '\0');
    for (auto& b : bytes) b = static_cast<char>(rng_());
    return Base64Encode(bytes);
  }

  void Scalar(json::Writer& w, const char* type, const std::string& v) {
    w.StartObject();
    json::WriteKey(w, type);
    json::WriteString(w, v);
    w.EndObject();
  }

  void Set(json::Writer& w, const char* type, std::string (RandomItems::*make)()) {
    std::set<std::string> members;
    const uint32_t n = 1 + Below(4);
    while (members.size() < n) members.insert((this->*make)());
    w.StartObject();
    json::WriteKey(w, type);
    w.StartArray();
    for (const auto& m : members) json::WriteString(w, m);
    w.EndArray();
    w.EndObject();
  }

  std::string LongText() { return Text(30); }

  void Value(json::Writer& w, int depth) {
    switch (Below(depth < 3 ? 11 : 9)) {
      case 0:
        return Scalar(w, "S", Text(30));
      case 1:
        return Scalar(w, "N", Number());
      case 2:
        return Scalar(w, "B", Binary());
      case 3:
        w.StartObject();
        json::WriteKey(w, "BOOL");
        w.Bool(Below(2) == 0);
        w.EndObject();
        return;
      case 4:
        w.StartObject();
        json::WriteKey(w, "NULL");
        w.Bool(true);
        w.EndObject();
        return;
      case 5:
        return Set(w, "SS", &RandomItems::LongText);
      case 6:
        return Set(w, "NS", &RandomItems::Number);
      case 7:
        return Set(w, "BS", &RandomItems::Binary);
      case 8:
        return Scalar(w, "N", Number());
      case 9: {
        w.StartObject();
        json::WriteKey(w, "L");
        w.StartArray();
        for (uint32_t i = Below(4); i > 0; --i) Value(w, depth + 1);
        w.EndArray();
        w.EndObject();
        return;
      }
      default:
        w.StartObject();
        json::WriteKey(w, "M");
        Map(w, depth + 1);
        w.EndObject();
        return;
    }
  }

  void Map(json::Writer& w, int depth) {
    std::set<std::string> names;
    const uint32_t n = Below(depth == 0 ? 8 : 4);
    while (names.size() < n) names.insert(Name());
    w.StartObject();
    for (const auto& name : names) {
      json::WriteKey(w, name);
      Value(w, depth);
    }
    w.EndObject();
  }

  std::mt19937_64 rng_;
};

TEST_F(ExportFmtIonCheck, RandomItems) {
  RandomItems gen(20240514);
  std::vector<std::string> items;
  for (int i = 0; i < 3000; ++i) items.push_back(gen.Item());
  ExpectRoundTrip(items);
}

// The checker must reject what AWS would not write, or the tests above would prove nothing.
TEST_F(ExportFmtIonCheck, CheckerRejectsNonExportIon) {
  const char* bad[] = {
      "$ion_1_0 {Item:{a:1}}\n",    // Ion int, not decimal
      "$ion_1_0 {Item:{a:1e0}}\n",  // Ion float
      "{Item:{a:1.}}\n",            // no version marker
      "$ion_1_0 {Item:{a:1.}}",     // no final newline
      "$ion_1_0 {Item:{a:foo}}\n",  // symbol value
      "$ion_1_0 {Item:{a:$dynamodb_SS::[1.]}}\n",
      "$ion_1_0 {Item:{a:\"x\"},Other:{}}\n",
      "$ion_1_0 {Item:{a:\"x\"}} {Item:{}}\n",  // two values on one line
      "$ion_1_0 {Item:{a:\"x\",a:\"y\"}}\n",
  };
  for (const char* text : bad) {
    WriteFile(dir_ / "bad.ion", text);
    std::string out;
    EXPECT_EQ(Check(dir_ / "bad.ion", &out), 1) << text << " gave " << out;
  }
}

}  // namespace
}  // namespace tideline::exporter
