#include "ttt/util/atomic_file.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <mutex>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ttt/util/error.h"
#include "ttt/util/temp_file_registry.h"

namespace ttt {
namespace {

std::string reason() { return std::strerror(errno); }

const char* kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISLNK(mode)) return "a symbolic link";
  return "not a regular file";
}

// The process's umask, read once (umask(2) can only be read by setting it).
mode_t process_umask() {
  static std::once_flag once;
  static mode_t mask = 022;
  std::call_once(once, [] {
    mask = ::umask(022);
    ::umask(mask);
  });
  return mask;
}

std::string parent_folder(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// The file a write to `path` must replace: `path` itself, or a symlink's final target (absolute).
std::string write_target(const std::string& path) {
  struct stat link_info {};
  if (::lstat(path.c_str(), &link_info) != 0) {
    if (errno == ENOENT) return path;  // a new file
    fail("[write] cannot write '", path, "': ", reason());
  }
  std::string target = path;
  if (S_ISLNK(link_info.st_mode)) {
    char resolved[PATH_MAX];
    if (::realpath(path.c_str(), resolved) == nullptr)
      fail("[write] '", path, "' is a symbolic link whose target cannot be resolved (", reason(),
           "); refusing to replace the link");
    target = resolved;
  }
  struct stat info {};
  if (::stat(target.c_str(), &info) == 0 && !S_ISREG(info.st_mode))
    fail("[write] '", path, "' is ", kind_of(info.st_mode), ", not a regular file; refusing to replace it");
  return target;
}

void write_all(int fd, std::string_view bytes, const std::string& path) {
  const char* p = bytes.data();
  std::size_t left = bytes.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("[write] cannot write '", path, "': ", reason());
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

// Opens for reading without blocking on a FIFO that has no writer; returns the fd and its stat.
int open_input(const std::string& path, const std::string& what, struct stat& info) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) fail("[", what, "] cannot open '", path, "': ", reason());
  if (::fstat(fd, &info) != 0) {
    const std::string why = reason();
    ::close(fd);
    fail("[", what, "] cannot examine '", path, "': ", why);
  }
  if (!S_ISREG(info.st_mode) && !S_ISFIFO(info.st_mode)) {
    ::close(fd);
    if (S_ISDIR(info.st_mode)) fail("[", what, "] '", path, "' is a directory, expected a file");
    fail("[", what, "] '", path, "' is ", kind_of(info.st_mode), ", expected a regular file");
  }
  return fd;
}

std::string too_large(const std::string& path, const std::string& what, std::uint64_t max_bytes) {
  return str("[", what, "] '", path, "' is larger than the ", max_bytes, "-byte limit for ", what, " files");
}

// Reads from the current position to the end (pipes: waiting for data), at most max_bytes.
std::string read_stream(int fd, const std::string& path, const std::string& what, std::uint64_t max_bytes,
                        std::uint64_t expected) {
  std::string out;
  out.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(expected, max_bytes)));
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {  // a pipe whose writer has not written yet
        pollfd waiting{fd, POLLIN, 0};
        ::poll(&waiting, 1, -1);
        continue;
      }
      fail("[", what, "] cannot read '", path, "': ", reason());
    }
    if (out.size() + static_cast<std::uint64_t>(n) > max_bytes) throw Error(too_large(path, what, max_bytes));
    out.append(buffer, static_cast<std::size_t>(n));
  }
  return out;
}

}  // namespace

std::string read_file(const std::string& path, const std::string& what, std::uint64_t max_bytes) {
  InputFile in(path, what);
  if (in.is_regular() && in.size() > max_bytes) throw Error(too_large(path, what, max_bytes));
  return in.read_all(max_bytes);
}

InputFile::InputFile(const std::string& path, const std::string& what) : path_(path), what_(what) {
  struct stat info {};
  fd_ = open_input(path, what, info);
  regular_ = S_ISREG(info.st_mode);
  size_ = regular_ ? static_cast<std::uint64_t>(info.st_size) : 0;
}

InputFile::~InputFile() {
  if (fd_ >= 0) ::close(fd_);
}

void InputFile::read_at(std::uint64_t offset, std::string& out, const std::string& what_part) const {
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("[", what_, "] cannot read '", path_, "': ", reason());
    if (n == 0)
      fail("[", what_, "] ", path_, ": could not read ", out.size(), " bytes of ", what_part, " at offset ", offset,
           " (file changed while reading?)");
    done += static_cast<std::size_t>(n);
  }
}

std::string InputFile::read_all(std::uint64_t max_bytes) const {
  return read_stream(fd_, path_, what_, max_bytes, size_);
}

AtomicFileWriter::AtomicFileWriter(const std::string& path) : path_(path) {
  if (path.empty()) fail("[write] the output file name is empty");
  target_ = write_target(path);
  std::string pattern = parent_folder(target_) + "/.ttt-XXXXXX";
  fd_ = ::mkstemp(pattern.data());
  if (fd_ < 0) fail("[write] cannot create a temporary file beside '", path, "': ", reason());
  temp_ = pattern;
  ::fcntl(fd_, F_SETFD, FD_CLOEXEC);
  registry_slot_ = register_temp_file(temp_);
  // mkstemp makes 0600; a replaced file keeps its mode, a new one gets what open(2) would give it.
  struct stat old {};
  const mode_t mode = ::stat(target_.c_str(), &old) == 0 ? (old.st_mode & 07777) : (0666 & ~process_umask());
  if (::fchmod(fd_, mode) != 0) {
    const std::string why = reason();
    abandon();
    fail("[write] cannot set the permissions of '", path, "': ", why);
  }
}

AtomicFileWriter::~AtomicFileWriter() {
  if (!committed_) abandon();
}

void AtomicFileWriter::abandon() noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!temp_.empty()) ::unlink(temp_.c_str());
  unregister_temp_file(registry_slot_);
  registry_slot_ = -1;
}

void AtomicFileWriter::write(std::string_view bytes) {
  TTT_CHECK(fd_ >= 0 && !committed_, "[write] '", path_, "': write after commit or failure");
  try {
    write_all(fd_, bytes, path_);
  } catch (...) {
    abandon();
    throw;
  }
}

void AtomicFileWriter::commit() {
  TTT_CHECK(fd_ >= 0 && !committed_, "[write] '", path_, "': commit after commit or failure");
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) {  // NFS and some full-disk cases report here
    const std::string why = reason();
    abandon();
    fail("[write] cannot write '", path_, "': ", why);
  }
  if (::rename(temp_.c_str(), target_.c_str()) != 0) {
    const std::string why = reason();
    abandon();
    fail("[write] cannot replace '", path_, "': ", why);
  }
  committed_ = true;
  unregister_temp_file(registry_slot_);
  registry_slot_ = -1;
}

void write_file_atomic(const std::string& path, std::string_view bytes) {
  AtomicFileWriter writer(path);
  writer.write(bytes);
  writer.commit();
}

void write_files_atomic(const std::vector<std::pair<std::string, std::string_view>>& files) {
  std::vector<std::unique_ptr<AtomicFileWriter>> writers;
  for (const auto& [path, bytes] : files) {
    writers.push_back(std::make_unique<AtomicFileWriter>(path));
    writers.back()->write(bytes);
  }
  for (auto& writer : writers) writer->commit();
}

void check_output_is_not_input(const std::string& area, const std::string& output_flag, const std::string& output,
                               const std::vector<std::pair<std::string, std::string>>& inputs) {
  struct stat out {};
  if (output.empty() || ::stat(output.c_str(), &out) != 0) return;  // a new file cannot be an input
  for (const auto& [flag, input] : inputs) {
    struct stat in {};
    if (input.empty() || ::stat(input.c_str(), &in) != 0) continue;
    if (in.st_dev == out.st_dev && in.st_ino == out.st_ino)
      fail("[", area, "] ", output_flag, " '", output, "' is the same file as ", flag, " '", input,
           "'; writing it would destroy the input");
  }
}

}  // namespace ttt
