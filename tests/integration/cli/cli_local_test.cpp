// hse-sync as a user runs it: a real process, JSON on stdout, exit codes per error class.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <fstream>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

using json = nlohmann::json;

namespace {

struct Result {
  int code;
  std::string out;
};

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() / ("hse-cli-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir);
    db = (dir / "replica.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir); }

  Result run(const std::vector<std::string>& args, bool with_db = true) {
    std::string cmd = quote(std::string(std::getenv("HSE_BIN_DIR")) + "/hse-sync");
    if (with_db) cmd += " --db " + quote(db);
    for (const auto& a : args) cmd += " " + quote(a);
    cmd += " 2>" + quote((dir / "stderr").string());
    FILE* p = ::popen(cmd.c_str(), "r");
    std::string out;
    std::array<char, 4096> buf;
    size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
    int status = ::pclose(p);
    return {WEXITSTATUS(status), out};
  }
  std::string err() {
    std::ifstream in(dir / "stderr");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  std::filesystem::path dir;
  std::string db;
};

}  // namespace

TEST_F(Cli, CreateGetQueryJournal) {
  auto created = run({"create", "project", R"({"name":"Acme","country":"IT"})"});
  ASSERT_EQ(created.code, 0) << err();
  std::string id = json::parse(created.out)["project_id"];
  auto got = run({"get", "project", id});
  EXPECT_EQ(got.code, 0);
  EXPECT_EQ(json::parse(got.out)["name"], "Acme");
  auto q = json::parse(run({"query", "project", R"({"filter":{"name":"cm"}})"}).out);
  EXPECT_EQ(q["_meta"]["totalCount"], 1);
  auto j = json::parse(run({"journal"}).out);
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["op"], "create");
  EXPECT_EQ(json::parse(run({"status"}).out)["pending"], 1);
  auto h = json::parse(run({"history", "project", id}).out);
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0]["origin"], "local");
}

TEST_F(Cli, ErrorClassesHaveTheirExitCodes) {
  auto bad = run({"create", "project", R"({"name":"","country":"ITA"})"});
  EXPECT_EQ(bad.code, 11);  // invalid
  EXPECT_NE(err().find("\"field\":\"name\""), std::string::npos);
  EXPECT_NE(err().find("\"field\":\"country\""), std::string::npos);
  EXPECT_EQ(run({"get", "project", "00000000-0000-4000-8000-000000000000"}).code, 12);  // not_found
  EXPECT_EQ(run({"create", "project", "{not json"}).code, 11);
  EXPECT_EQ(run({"create", "person", "{}"}).code, 11);
  EXPECT_EQ(run({"frobnicate"}).code, 2);
  EXPECT_EQ(run({"create"}, true).code, 2);
  EXPECT_EQ(run({"status"}, false).code, 2);
  EXPECT_TRUE(json::parse(run({"journal"}).out).empty());  // nothing refused was written
}

TEST_F(Cli, InitStoresTheRemoteWithoutEchoingSecrets) {
  auto r = run({"init", "--remote", "http://127.0.0.1:9", "--token", "s3cret-token", "--project", "p1"});
  ASSERT_EQ(r.code, 0) << err();
  EXPECT_EQ(r.out.find("s3cret-token"), std::string::npos);
  EXPECT_EQ(err().find("s3cret-token"), std::string::npos);
  EXPECT_EQ(run({"init"}).code, 11);  // --remote is required
}

// Hostile input a user (or an attacker) can hand the CLI (issue 12). Before: deep
// JSON crashed it (SIGSEGV), /dev/zero ran it out of memory, a directory was read as an
// empty token, a negative user_version crashed every command, and --db on someone
// else's database added hsesync's tables to it.
TEST_F(Cli, HostileInputGetsAClearErrorAndChangesNothing) {
  const std::string deep = std::string(20000, '[') + std::string(20000, ']');
  auto r = run({"create", "project", "{\"name\":\"A\",\"country\":\"IT\",\"data\":{\"a\":" + deep + "}}"});
  EXPECT_EQ(r.code, 11) << err();
  EXPECT_NE(err().find("deeper than 64"), std::string::npos) << err();
  r = run({"init", "--remote", "http://127.0.0.1:1", "--token", "t", "--config", "{\"x\":" + deep + "}"});
  EXPECT_EQ(r.code, 11) << err();

  for (const std::string& file : {std::string("/dev/zero"), dir.string()}) {
    r = run({"init", "--remote", "http://127.0.0.1:1", "--token-file", file});
    EXPECT_EQ(r.code, 11) << file << ": " << err();
    EXPECT_NE(err().find("is not a regular file"), std::string::npos) << err();
  }

  const std::string other = (dir / "other.db").string();
  ASSERT_EQ(std::system(("sqlite3 " + quote(other) + " 'CREATE TABLE invoices (id INTEGER)'").c_str()), 0);
  auto size_before = std::filesystem::file_size(other);
  db = other;
  r = run({"status"});
  EXPECT_EQ(r.code, 21) << err();
  EXPECT_NE(err().find("not an hsesync replica"), std::string::npos) << err();
  EXPECT_EQ(std::filesystem::file_size(other), size_before);
  EXPECT_FALSE(std::filesystem::exists(other + "-wal"));

  db = (dir / "negative.db").string();
  ASSERT_EQ(std::system(("sqlite3 " + quote(db) + " 'PRAGMA user_version = -1'").c_str()), 0);
  for (const char* cmd : {"status", "sync"}) {
    r = run({cmd});
    EXPECT_EQ(r.code, 21) << cmd << ": " << err();
  }
}

TEST_F(Cli, TheReplicaIsPrivateToItsOwner) {
  ASSERT_EQ(run({"init", "--remote", "http://127.0.0.1:1", "--token", "secret-token"}).code, 0) << err();
  ASSERT_EQ(run({"create", "project", R"({"name":"A","country":"IT"})"}).code, 0) << err();
  for (const char* suffix : {"", "-wal", "-shm"}) {
    if (!std::filesystem::exists(db + suffix)) continue;
    auto perms = std::filesystem::status(db + suffix).permissions();
    EXPECT_EQ(perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
              std::filesystem::perms::none)
        << db << suffix;
  }
}

TEST_F(Cli, InitRefusesABadConfigurationAndStoresNothing) {
  const std::vector<std::string> remote = {"init", "--remote", "http://127.0.0.1:9", "--token", "t"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = remote;
    args.insert(args.end(), extra.begin(), extra.end());
    return run(args);
  };
  EXPECT_EQ(with({"--config", R"({"policies":{"incident":"bogus"}})"}).code, 11);  // invalid, at init
  EXPECT_NE(err().find("bogus"), std::string::npos) << err();
  EXPECT_EQ(with({"--config", R"({"sync":{"push_concurrency":33}})"}).code, 11);
  EXPECT_NE(err().find("\"field\":\"sync.push_concurrency\""), std::string::npos) << err();
  EXPECT_NE(err().find("1..32"), std::string::npos) << err();
  EXPECT_EQ(with({"--config", R"({"sync":{"intervall_s":5}})"}).code, 11);
  EXPECT_NE(err().find("sync.intervall_s"), std::string::npos) << err();
  EXPECT_FALSE(std::filesystem::exists(db));  // nothing was created

  EXPECT_EQ(with({"--ca-file", (dir / "missing.pem").string()}).code, 11);
  EXPECT_NE(err().find("--ca-file"), std::string::npos) << err();
  std::ofstream(dir / "garbage.pem") << "not a certificate\n";
  EXPECT_EQ(with({"--ca-file", (dir / "garbage.pem").string()}).code, 11);
  // A PEM header is not enough: the file is loaded as the client will load it.
  std::ofstream(dir / "header.pem") << "-----BEGIN CERTIFICATE-----\ngarbage\n-----END CERTIFICATE-----\n";
  EXPECT_EQ(with({"--ca-file", (dir / "header.pem").string()}).code, 11);
  EXPECT_NE(err().find("\"field\":\"--ca-file\""), std::string::npos) << err();
  // The remote is built as sync builds it: a URL it cannot use fails here.
  for (const char* url : {"ftp://127.0.0.1:9", "not a url"}) {
    std::vector<std::string> args = {"init", "--remote", url, "--token", "t"};
    EXPECT_EQ(run(args).code, 11) << url;
    EXPECT_NE(err().find("base URL"), std::string::npos) << err();
  }
  EXPECT_FALSE(std::filesystem::exists(db));

  ASSERT_EQ(with({"--config", R"({"durability":"normal","sync":{"max_attempts":3}})"}).code, 0) << err();
  EXPECT_EQ(json::parse(run({"status"}).out)["pending"], 0);
}

TEST_F(Cli, ArgumentsAsCli11ParsesThem) {
  // --flag=value, and --db after the command.
  auto created = run({"create", "project", R"({"name":"Acme","country":"IT"})"});
  ASSERT_EQ(created.code, 0) << err();
  const std::string id = json::parse(created.out)["project_id"];
  EXPECT_EQ(run({"get", "project", id, "--db=" + db}, false).code, 0) << err();
  // --help per command answers 0 and names the command's options.
  auto help = run({"init", "--help"}, false);
  EXPECT_EQ(help.code, 0);
  EXPECT_NE(help.out.find("--oauth-token-url"), std::string::npos) << help.out;
  auto top = run({"--help"}, false);
  EXPECT_EQ(top.code, 0);
  EXPECT_NE(top.out.find("26 unsettled"), std::string::npos) << top.out;  // exit codes from the one table
  // Usage errors are 2: an unknown option, a missing argument, a typo'd command.
  EXPECT_EQ(run({"delete", "project", id, "--cascadee"}).code, 2);
  EXPECT_EQ(run({"resolve", "some-id"}).code, 2);  // --take is required
  EXPECT_EQ(run({"statsu"}).code, 2);
  EXPECT_EQ(run({"run", "--interval", "-1"}).code, 2);
}
