// Bounded JSON parsing at the boundaries: depth, size, malformed and non-UTF-8 text
// each refused with an error naming the input, and nothing built that could crash later.
#include "core/json_input.hpp"

#include <gtest/gtest.h>

using hse::Code;
using hse::Error;
using json = nlohmann::json;

namespace {

std::string nested(int depth, char open = '[', char close = ']') {
  return std::string(depth, open) + std::string(depth, close);
}

Error refused(std::string_view text, hse::JsonLimits limits = {}, Code code = Code::invalid) {
  try {
    hse::parse_json(text, "record", code, limits);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "accepted: " << text.substr(0, 80);
  return Error(Code::ok, "");
}

}  // namespace

TEST(JsonInput, TextDepthCountsArraysAndObjectsButNotBracketsInStrings) {
  EXPECT_EQ(hse::json_text_depth("1", 100), 0);
  EXPECT_EQ(hse::json_text_depth(R"({"a":[1,{"b":[]}]})", 100), 4);
  EXPECT_EQ(hse::json_text_depth(R"(["[[[[", "\"[[["])", 100), 1);
  EXPECT_EQ(hse::json_text_depth(nested(1000), 10), 11);  // stops early
}

TEST(JsonInput, ValueDepthNeedsNoRecursion) {
  EXPECT_EQ(hse::json_value_depth(json(3), 100), 0);
  EXPECT_EQ(hse::json_value_depth(json::parse(R"({"a":[1,{"b":[]}],"c":{}})"), 100), 4);
  // Built by hand, as a C++ caller could: a million levels are measured without a crash.
  json deep = json::array();
  for (int i = 0; i < 100000; ++i) deep = json::array({std::move(deep)});
  EXPECT_EQ(hse::json_value_depth(deep, 64), 65);
  EXPECT_THROW(hse::check_json_depth(deep, "row"), Error);
}

TEST(JsonInput, DeepNestingIsRefusedBeforeItIsBuilt) {
  for (char open : {'[', '{'}) {
    std::string text = open == '[' ? nested(200000) : [] {
      std::string s;
      for (int i = 0; i < 200000; ++i) s += "{\"a\":";
      return s + "1" + std::string(200000, '}');
    }();
    Error e = refused(text);
    EXPECT_EQ(e.code(), Code::invalid);
    EXPECT_NE(std::string(e.what()).find("deeper than 64"), std::string::npos) << e.what();
    ASSERT_EQ(e.fields().size(), 1u);
    EXPECT_EQ(e.fields()[0].field, "record");
  }
  EXPECT_NO_THROW(hse::parse_json(nested(64), "record"));
  EXPECT_THROW(hse::parse_json(nested(65), "record"), Error);
}

TEST(JsonInput, SizeIsBounded) {
  std::string big = "\"" + std::string(2000, 'x') + "\"";
  Error e = refused(big, {.max_depth = 64, .max_bytes = 1000}, Code::server);
  EXPECT_EQ(e.code(), Code::server);
  EXPECT_NE(std::string(e.what()).find("more than the limit of 1000"), std::string::npos) << e.what();
}

TEST(JsonInput, MalformedAndNonUtf8TextIsRefusedWithItsReason) {
  for (std::string text : {std::string(""), std::string("{"), std::string("[1,]"), std::string("\"a\xff\""),
                           std::string("\"\xc3\""), std::string("nul\0l", 5), std::string("{\"a\":1}x")}) {
    Error e = refused(text);
    EXPECT_EQ(e.code(), Code::invalid);
    EXPECT_NE(std::string(e.what()).find("record is not valid JSON"), std::string::npos) << e.what();
  }
  EXPECT_NE(std::string(refused("\"a\xff\"").what()).find("UTF-8"), std::string::npos);
}

TEST(JsonInput, TheInputIsNotEchoedInTheError) {
  Error e = refused(R"({"password":"hunter2",})");
  EXPECT_EQ(std::string(e.what()).find("hunter2"), std::string::npos) << e.what();
}

// Found by fuzz_record and fuzz_index_query: nlohmann throws out_of_range (not
// parse_error) for a number beyond a double, which escaped as a raw json exception.
TEST(JsonInput, ANumberBeyondADoubleIsRefusedNamingTheInput) {
  for (const char* text : {"1e999", "[111e111111]", "{\"npeople\":-774701452690e86676609906}"}) {
    Error e = refused(text, {}, Code::server);
    EXPECT_EQ(e.code(), Code::server);
    EXPECT_NE(std::string(e.what()).find("record holds a number too large"), std::string::npos) << e.what();
  }
}
