#pragma once
// Reading and writing user files safely.
//
// Writing: bytes go to a hidden temporary ".ttt-XXXXXX" in the target's folder, which is renamed over the
// target only after every byte was written, so a failed or interrupted write never leaves a half file and
// never touches the old content. Rules:
//   - the target must be a regular file or not exist: a directory, device, FIFO or socket is refused
//     (`--out /dev/null` must not replace /dev/null with a regular file);
//   - a symlink is written THROUGH: its final target is replaced and the link stays (a dangling link is
//     refused), so a link into another folder keeps pointing at the new content;
//   - the temporary name is short, so any valid file name (up to 255 bytes) can be written;
//   - errors name the file and the system's reason ("No space left on device");
//   - SIGINT, SIGTERM and SIGHUP during a write remove the temporary file (see temp_file_registry.h).
// Not done: fsync. A power loss right after the rename may, depending on the file system, lose the new
// content (the old one or an empty file remains, never a mix).
//
// Reading: only regular files and pipes (process substitution) are read; directories, devices (/dev/zero,
// /dev/urandom, terminals) and sockets are refused, a FIFO without a writer reads as empty instead of
// blocking, and a file larger than the caller's limit is refused before anything is allocated.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ttt {

// Limits on whole-file reads (bytes). A Kaggle challenges file is a few MB; a config a few KB.
constexpr std::uint64_t kDefaultReadLimit = std::uint64_t(256) << 20;
constexpr std::uint64_t kConfigReadLimit = std::uint64_t(16) << 20;

// Reads a whole file. Throws ttt::Error("[<what>] cannot open '<path>': <reason>") when it is missing, and
// "[<what>] '<path>': ..." when it is not a regular file or pipe, or larger than `max_bytes`.
std::string read_file(const std::string& path, const std::string& what = "read",
                      std::uint64_t max_bytes = kDefaultReadLimit);

// An open input for readers that seek (safetensors): a regular file (size known) or a pipe (size unknown,
// read it with read_file's rules instead). Refuses everything read_file refuses. Closes on destruction.
class InputFile {
 public:
  InputFile(const std::string& path, const std::string& what);
  ~InputFile();
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  bool is_regular() const { return regular_; }
  std::uint64_t size() const { return size_; }  // regular files only
  // Reads exactly out.size() bytes at `offset`; throws naming `what_part` on a short read.
  void read_at(std::uint64_t offset, std::string& out, const std::string& what_part) const;
  // The remaining stream, at most max_bytes (pipes).
  std::string read_all(std::uint64_t max_bytes) const;

 private:
  std::string path_, what_;
  int fd_ = -1;
  bool regular_ = false;
  std::uint64_t size_ = 0;
};

// One file written atomically, in steps: construct (creates the temporary), write (any number of times),
// commit (renames over the target). Destroying it uncommitted removes the temporary. Several writers
// committed one after another give multi-file outputs whose only window of inconsistency is between two
// renames (microseconds), never a half-written file.
class AtomicFileWriter {
 public:
  explicit AtomicFileWriter(const std::string& path);
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  void write(std::string_view bytes);
  void commit();
  const std::string& temp_path() const { return temp_; }

 private:
  void abandon() noexcept;
  std::string path_;    // as the user gave it, for messages
  std::string target_;  // the file that gets replaced (a symlink's final target)
  std::string temp_;
  int fd_ = -1;
  int registry_slot_ = -1;  // temp_file_registry.h
  bool committed_ = false;
};

void write_file_atomic(const std::string& path, std::string_view bytes);

// Writes every file's temporary first and renames them only when all were written: a full disk leaves
// every old file as it was. `files` are (path, bytes).
void write_files_atomic(const std::vector<std::pair<std::string, std::string_view>>& files);

// Throws ttt::Error("[<area>] <output_flag> '<output>' is the same file as <input_flag> '<input>'; ...")
// when `output` exists and is the same file (device and inode, so links and other spellings count) as
// one of the existing `inputs` (flag name, path). Commands call it before any work.
void check_output_is_not_input(const std::string& area, const std::string& output_flag, const std::string& output,
                               const std::vector<std::pair<std::string, std::string>>& inputs);

}  // namespace ttt
