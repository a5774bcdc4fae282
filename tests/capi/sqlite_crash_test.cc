// The crash test: examples/activation_store (batcher + SPILL + SQLite sink) is killed
// with SIGKILL mid-run, restarted on the same spill log and database, and the table
// ends with exactly the accepted records: the same ids, each once.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "batcher_sink.h"

extern char **environ;

namespace {

using tether_test::TempDir;

pid_t spawn(const std::vector<std::string> &args, const std::string &out) {
  std::vector<char *> argv;
  for (const std::string &a : args) argv.push_back(const_cast<char *>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : -1;
}

size_t lines_in(const std::string &path) {
  std::ifstream f(path);
  size_t n = 0;
  for (std::string line; std::getline(f, line);) n += !line.empty();
  return n;
}

std::vector<uint64_t> accepted_ids(const std::string &path) {
  std::ifstream f(path);
  std::vector<uint64_t> ids;
  for (std::string line; std::getline(f, line);) {
    if (!line.empty()) ids.push_back(std::stoull(line));
  }
  return ids;
}

std::multiset<uint64_t> stored_ids(const std::string &db_path) {
  sqlite3 *db = nullptr;
  std::multiset<uint64_t> ids;
  EXPECT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt *st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, "SELECT id FROM activations", -1, &st, nullptr), SQLITE_OK);
  while (sqlite3_step(st) == SQLITE_ROW)
    ids.insert(static_cast<uint64_t>(sqlite3_column_int64(st, 0)));
  sqlite3_finalize(st);
  sqlite3_close(db);
  return ids;
}

std::string read_all(const std::string &path) {
  std::ifstream f(path);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

TEST(SqliteCrash, SigkillMidRunUnderSpillLosesNothingAcceptedAndWritesNothingTwice) {
  TempDir dir;
  const std::string db = dir / "store.db", spill = dir / "spill", accepted = dir / "accepted";
  const std::string program = TETHER_ACTIVATION_STORE;
  pid_t pid = spawn({program, "--db", db, "--spill", spill, "--records", "100000000",
                     "--queue-bytes", "65536", "--accepted", accepted},
                    dir / "run1.out");
  ASSERT_GT(pid, 0);
  // Kill it once it accepted a good many records, far more than memory holds (so
  // most of them were only in the spill log) and while it is still producing.
  bool enough = false;
  for (int i = 0; i < 6000 && !enough; ++i) {
    enough = lines_in(accepted) >= 20000;
    if (!enough) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(enough) << "the producer did not get going: " << read_all(dir / "run1.out");
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "it was still running";
  const std::multiset<uint64_t> before = stored_ids(db);

  pid = spawn({program, "--db", db, "--spill", spill, "--records", "0"}, dir / "run2.out");
  ASSERT_GT(pid, 0);
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  const std::string out = read_all(dir / "run2.out");
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << out;

  const std::vector<uint64_t> ids = accepted_ids(accepted);
  const std::multiset<uint64_t> stored = stored_ids(db);
  ASSERT_FALSE(ids.empty());
  // The producer logs an id after its submit returned OK, so the one submit that was
  // in progress when the kill landed may be stored without being logged: ids are
  // sequential from 1, so the table holds 1..n or 1..n+1.
  const uint64_t n = ids.size();
  EXPECT_EQ(ids.back(), n) << "accepted ids are 1..n in order";
  ASSERT_TRUE(stored.size() == n || stored.size() == n + 1)
      << "accepted " << n << ", stored " << stored.size() << "\n"
      << out;
  uint64_t expect = 1;
  for (uint64_t id : stored) EXPECT_EQ(id, expect++) << "each id once, none missing";
  EXPECT_LT(before.size(), n) << "the kill came before everything was written";
  EXPECT_NE(out.find("replayed "), std::string::npos) << out;
  EXPECT_EQ(out.find("replayed 0 "), std::string::npos) << "the restart drained the log: " << out;
}

}  // namespace
