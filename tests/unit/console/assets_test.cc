#include "console/assets.h"

#include <gtest/gtest.h>

#include <string>

namespace tideline::console {
namespace {

// The page and its scripts are the files of src/console/assets/, compiled in.
TEST(ConsoleAssetsTest, TheRootIsThePageAndItsFilesAreBelowConsole) {
  const Asset* page = FindAsset("/");
  ASSERT_NE(page, nullptr);
  EXPECT_EQ(page->content_type, "text/html; charset=utf-8");
  EXPECT_NE(page->bytes.find("<!doctype html>"), std::string_view::npos);
  // Relative URLs only: the page must work below a reverse proxy's path prefix.
  EXPECT_NE(page->bytes.find("src=\"console/app.js\""), std::string_view::npos);
  EXPECT_EQ(page->bytes.find("src=\"/"), std::string_view::npos);
  EXPECT_EQ(page->bytes.find("href=\"/"), std::string_view::npos);

  const Asset* script = FindAsset("/console/app.js");
  ASSERT_NE(script, nullptr);
  EXPECT_EQ(script->content_type, "text/javascript; charset=utf-8");
  EXPECT_NE(script->bytes.find("import"), std::string_view::npos);
  ASSERT_NE(FindAsset("/console/console.css"), nullptr);
  EXPECT_EQ(FindAsset("/console/console.css")->content_type, "text/css; charset=utf-8");
}

TEST(ConsoleAssetsTest, NothingElseExists) {
  for (const char* path : {"/index.html", "/console/", "/console", "/console/../index.html",
                           "/console/missing.js", "/console//app.js", "/app.js", ""}) {
    EXPECT_EQ(FindAsset(path), nullptr) << path;
  }
}

TEST(ConsoleAssetsTest, ContentTypesFollowTheExtension) {
  EXPECT_EQ(ContentTypeFor("a.svg"), "image/svg+xml");
  EXPECT_EQ(ContentTypeFor("a.json"), "application/json");
  EXPECT_EQ(ContentTypeFor("a.js.map.bin"), "application/octet-stream");
  EXPECT_EQ(ContentTypeFor("html"), "application/octet-stream");
}

}  // namespace
}  // namespace tideline::console
