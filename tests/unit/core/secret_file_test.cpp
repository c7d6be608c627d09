// Secret files named by the user: only a short regular text file is read.
#include "core/secret_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "core/error.hpp"

namespace {

std::string temp_file(const std::string& name, const std::string& content) {
  std::string path = std::filesystem::temp_directory_path() / ("hse_secret_" + std::to_string(::getpid()) + "_" + name);
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

std::string refusal(const std::string& path) {
  try {
    hse::read_secret_file(path, "--token-file");
  } catch (const hse::Error& e) {
    EXPECT_EQ(e.code(), hse::Code::invalid);
    EXPECT_EQ(e.fields().at(0).field, "--token-file");
    return e.what();
  }
  ADD_FAILURE() << path << " was accepted";
  return "";
}

}  // namespace

TEST(SecretFile, ReadsTheSecretWithoutTheLineEnd) {
  EXPECT_EQ(hse::read_secret_file(temp_file("ok", "tok-123 \r\n"), "--token-file"), "tok-123");
}

TEST(SecretFile, RefusesWhatIsNotAShortTextFile) {
  EXPECT_NE(refusal("/nonexistent/token").find("cannot be read"), std::string::npos);
  EXPECT_NE(refusal(std::filesystem::temp_directory_path()).find("not a regular file"), std::string::npos);
  EXPECT_NE(refusal("/dev/zero").find("not a regular file"), std::string::npos);
  EXPECT_NE(refusal(temp_file("empty", "\n")).find("is empty"), std::string::npos);
  EXPECT_NE(refusal(temp_file("big", std::string(hse::kMaxSecretFileBytes + 1, 'a'))).find("more than"),
            std::string::npos);
  EXPECT_NE(refusal(temp_file("binary", std::string("ab\0cd", 5))).find("control characters"), std::string::npos);
  std::string fifo = std::filesystem::temp_directory_path() / ("hse_secret_fifo_" + std::to_string(::getpid()));
  std::remove(fifo.c_str());
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_NE(refusal(fifo).find("not a regular file"), std::string::npos);  // and does not hang
  std::remove(fifo.c_str());
}
