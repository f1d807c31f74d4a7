#include <gtest/gtest.h>

#include <csignal>
#include <fcntl.h>
#include <algorithm>
#include <filesystem>
#include <functional>
#include <string>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "ttt/util/atomic_file.h"
#include "ttt/util/error.h"
#include "ttt/util/temp_file_registry.h"

namespace fs = std::filesystem;

namespace {

// A fresh folder per test, removed afterwards.
struct ScratchDir {
  fs::path path;
  explicit ScratchDir(const std::string& name) {
    path = fs::temp_directory_path() / (name + "." + std::to_string(::getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~ScratchDir() { fs::remove_all(path); }
  std::string file(const std::string& name) const { return (path / name).string(); }
  // Everything in the folder except the names given.
  std::vector<std::string> others(const std::vector<std::string>& expected) const {
    std::vector<std::string> out;
    for (const auto& entry : fs::directory_iterator(path)) {
      const std::string name = entry.path().filename().string();
      if (std::find(expected.begin(), expected.end(), name) == expected.end()) out.push_back(name);
    }
    return out;
  }
};

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const ttt::Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(AtomicFile, WritesWholeFileAndLeavesNoTemporary) {
  ScratchDir dir("ttt_atomic_test");
  const std::string path = dir.file("out.bin");
  ttt::write_file_atomic(path, std::string("abc\0def", 7));
  EXPECT_EQ(ttt::read_file(path), std::string("abc\0def", 7));
  EXPECT_TRUE(dir.others({"out.bin"}).empty());
  EXPECT_EQ(ttt::registered_temp_files(), 0);
}

TEST(AtomicFile, NewFilesGetTheUmaskPermissionsAndReplacedFilesKeepTheirs) {
  ScratchDir dir("ttt_atomic_mode");
  const mode_t old_mask = ::umask(022);
  ttt::write_file_atomic(dir.file("new.txt"), "x");
  EXPECT_EQ(fs::status(dir.file("new.txt")).permissions(), fs::perms(0644));
  ::chmod(dir.file("new.txt").c_str(), 0640);
  ttt::write_file_atomic(dir.file("new.txt"), "y");
  EXPECT_EQ(fs::status(dir.file("new.txt")).permissions(), fs::perms(0640));
  ::umask(old_mask);
}

TEST(AtomicFile, UnwritableTargetThrows) {
  EXPECT_NE(error_of([] { ttt::write_file_atomic("/nonexistent-dir/x.bin", "x"); }).find("No such file or directory"),
            std::string::npos);
  EXPECT_NE(error_of([] { ttt::write_file_atomic("", "x"); }).find("empty"), std::string::npos);
}

TEST(AtomicFile, MissingFileErrorNamesThePath) {
  const std::string message = error_of([] { ttt::read_file("/no/such/file.json", "arc"); });
  EXPECT_NE(message.find("/no/such/file.json"), std::string::npos) << message;
  EXPECT_NE(message.find("[arc]"), std::string::npos) << message;
}

// Regression (hostile-input sweep): the writer renamed its temporary over a FIFO or device, replacing it by
// a regular file. A directory is refused too.
TEST(AtomicFile, RefusesToReplaceAFifoOrAFolder) {
  ScratchDir dir("ttt_atomic_fifo");
  const std::string fifo = dir.file("pipe");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_NE(error_of([&] { ttt::write_file_atomic(fifo, "x"); }).find("is a FIFO"), std::string::npos);
  EXPECT_TRUE(fs::is_fifo(fifo));
  fs::create_directories(dir.file("sub"));
  EXPECT_NE(error_of([&] { ttt::write_file_atomic(dir.file("sub"), "x"); }).find("is a directory"), std::string::npos);
  EXPECT_TRUE(fs::is_directory(dir.file("sub")));
  EXPECT_TRUE(dir.others({"pipe", "sub"}).empty()) << "a temporary was left";
}

TEST(AtomicFile, RefusesACharacterDeviceWithoutTouchingIt) {
  // As root, `--out /dev/null` replaced /dev/null. Tested on a private device node (same major/minor as
  // /dev/null), so a regression cannot damage the machine; creating one needs root.
  ScratchDir dir("ttt_atomic_dev");
  const std::string device = dir.file("null");
  if (::mknod(device.c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0) GTEST_SKIP() << "mknod needs root";
  EXPECT_NE(error_of([&] { ttt::write_file_atomic(device, "x"); }).find("is a character device"), std::string::npos);
  struct stat info {};
  ASSERT_EQ(::stat(device.c_str(), &info), 0);
  EXPECT_TRUE(S_ISCHR(info.st_mode));
}

// Decision: a symlink is written through (its target gets the new content, the link stays a link).
TEST(AtomicFile, WritesThroughASymlinkAndRefusesADanglingOne) {
  ScratchDir dir("ttt_atomic_link");
  fs::create_directories(dir.file("real"));
  ttt::write_file_atomic(dir.file("real/data.json"), "old");
  fs::create_symlink(dir.file("real/data.json"), dir.file("link.json"));
  ttt::write_file_atomic(dir.file("link.json"), "new");
  EXPECT_TRUE(fs::is_symlink(dir.file("link.json")));
  EXPECT_EQ(ttt::read_file(dir.file("real/data.json")), "new");
  fs::create_symlink(dir.file("missing.json"), dir.file("dangling.json"));
  EXPECT_NE(error_of([&] { ttt::write_file_atomic(dir.file("dangling.json"), "x"); }).find("symbolic link"),
            std::string::npos);
  EXPECT_TRUE(fs::is_symlink(dir.file("dangling.json")));
  EXPECT_TRUE(dir.others({"real", "link.json", "dangling.json"}).empty());
}

// Regression: "<name>.tmp.<pid>" made a valid 255-byte name fail with "File name too long".
TEST(AtomicFile, WritesA255ByteFileName) {
  ScratchDir dir("ttt_atomic_long");
  const std::string name = std::string(250, 'n') + ".json";
  ASSERT_EQ(name.size(), 255u);
  ttt::write_file_atomic(dir.file(name), "{}");
  EXPECT_EQ(ttt::read_file(dir.file(name)), "{}");
}

// Regression: write errors said "failed writing N bytes" without the system's reason. RLIMIT_FSIZE makes
// write(2) fail with EFBIG the way a full disk fails with ENOSPC; the old file must stay as it was.
TEST(AtomicFile, AWriteErrorNamesTheReasonAndKeepsTheOldFile) {
  ScratchDir dir("ttt_atomic_full");
  const std::string path = dir.file("model.bin");
  ttt::write_file_atomic(path, "old content");
  const auto write_over_the_limit = [&] {
    std::signal(SIGXFSZ, SIG_IGN);
    rlimit limit{};
    ::getrlimit(RLIMIT_FSIZE, &limit);
    const rlim_t unlimited = limit.rlim_cur;
    limit.rlim_cur = 64;
    ::setrlimit(RLIMIT_FSIZE, &limit);
    const std::string message = error_of([&] { ttt::write_file_atomic(path, std::string(1000, 'x')); });
    limit.rlim_cur = unlimited;  // gtest reads the message from a file, which the limit would cut short
    ::setrlimit(RLIMIT_FSIZE, &limit);
    std::fprintf(stderr, "%s\n", message.c_str());
    std::exit(message.empty() ? 2 : 0);
  };
  EXPECT_EXIT(write_over_the_limit(),
      ::testing::ExitedWithCode(0), "cannot write '.*model.bin': File too large");
  EXPECT_EQ(ttt::read_file(path), "old content");
  EXPECT_TRUE(dir.others({"model.bin"}).empty()) << "a temporary was left";
}

// Regression: SIGINT/SIGTERM during a write left "*.tmp.<pid>" files behind.
TEST(AtomicFile, ASignalDuringAWriteRemovesTheTemporary) {
  ScratchDir dir("ttt_atomic_signal");
  for (int signal_number : {SIGTERM, SIGINT}) {
    EXPECT_EXIT(
        {
          ttt::AtomicFileWriter writer(dir.file("big.bin"));
          writer.write(std::string(1 << 16, 'x'));
          if (!fs::exists(writer.temp_path())) std::exit(3);
          std::raise(signal_number);
          std::exit(4);  // not reached: the handler re-raises with the default action
        },
        ::testing::KilledBySignal(signal_number), "");
    EXPECT_TRUE(dir.others({}).empty()) << "signal " << signal_number << " left a temporary";
  }
}

// Regression: `lm init` over an existing model on a full disk left a new config.json beside old weights.
TEST(AtomicFile, MultiFileWriteChangesNothingWhenOneFileFails) {
  ScratchDir dir("ttt_atomic_multi");
  ttt::write_file_atomic(dir.file("config.json"), "old config");
  fs::create_directories(dir.file("weights.bin"));  // a folder where the second file should go
  EXPECT_NE(error_of([&] {
              ttt::write_files_atomic({{dir.file("config.json"), "new config"}, {dir.file("weights.bin"), "w"}});
            }).find("weights.bin"),
            std::string::npos);
  EXPECT_EQ(ttt::read_file(dir.file("config.json")), "old config");
  EXPECT_TRUE(dir.others({"config.json", "weights.bin"}).empty());
  ttt::write_files_atomic({{dir.file("config.json"), "new config"}, {dir.file("w2.bin"), "w"}});
  EXPECT_EQ(ttt::read_file(dir.file("config.json")), "new config");
  EXPECT_EQ(ttt::read_file(dir.file("w2.bin")), "w");
}

// Regression: /dev/zero or /dev/urandom as an input was read until bad_alloc; a FIFO without a writer
// blocked forever; a directory gave a confusing error.
TEST(ReadFile, RefusesDevicesAndFoldersAndDoesNotBlockOnAFifo) {
  EXPECT_NE(error_of([] { ttt::read_file("/dev/zero", "config"); }).find("character device"), std::string::npos);
  EXPECT_NE(error_of([] { ttt::read_file("/dev/urandom", "ids"); }).find("[ids] '/dev/urandom' is a character device"),
            std::string::npos);
  ScratchDir dir("ttt_read_fifo");
  EXPECT_NE(error_of([&] { ttt::read_file(dir.path.string(), "arc"); }).find("is a directory"), std::string::npos);
  const std::string fifo = dir.file("pipe");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(ttt::read_file(fifo, "ids"), "");  // no writer: end of file at once
}

TEST(ReadFile, RefusesFilesOverTheLimitBeforeReadingThem) {
  ScratchDir dir("ttt_read_limit");
  ttt::write_file_atomic(dir.file("f"), std::string(100, 'x'));
  EXPECT_EQ(ttt::read_file(dir.file("f"), "config", 100).size(), 100u);
  EXPECT_NE(error_of([&] { ttt::read_file(dir.file("f"), "config", 99); }).find("larger than the 99-byte limit"),
            std::string::npos);
}

TEST(ReadFile, ReadsAPipeUpToTheLimit) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ASSERT_EQ(::write(fds[1], "1 2 3\n", 6), 6);
  ::close(fds[1]);
  const std::string path = "/proc/self/fd/" + std::to_string(fds[0]);
  EXPECT_EQ(ttt::read_file(path, "ids"), "1 2 3\n");
  ::close(fds[0]);
}

// Regression: `--logits-out` = `--weights` or `arc report --out` = `--submission` overwrote the input.
TEST(OutputIsNotInput, CatchesTheSameFileUnderAnotherName) {
  ScratchDir dir("ttt_same_file");
  ttt::write_file_atomic(dir.file("in.json"), "{}");
  fs::create_symlink(dir.file("in.json"), dir.file("alias.json"));
  fs::create_hard_link(dir.file("in.json"), dir.file("hard.json"));
  for (const std::string out : {"in.json", "alias.json", "hard.json"}) {
    const std::string message = error_of([&] {
      ttt::check_output_is_not_input("arc report", "--out", dir.file(out), {{"--tasks", "x"}, {"--submission", dir.file("in.json")}});
    });
    EXPECT_NE(message.find("[arc report] --out '" + dir.file(out) + "' is the same file as --submission"),
              std::string::npos)
        << message;
  }
  ttt::write_file_atomic(dir.file("other.json"), "{}");  // same content, another file: fine
  EXPECT_EQ(error_of([&] {
              ttt::check_output_is_not_input("a", "--out", dir.file("other.json"), {{"--in", dir.file("in.json")}});
              ttt::check_output_is_not_input("a", "--out", dir.file("new.json"), {{"--in", dir.file("in.json")}});
            }),
            "");
}
