// Tokenizer on SentencePiece, which runs inside libttt_sentencepiece.so (see sentencepiece_backend.h):
// loaded once, on first use, with its symbols kept apart from libtorch's protobuf.
#ifdef TTT_WITH_SENTENCEPIECE
#include "ttt/data/tokenizer.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "ttt/data/sentencepiece_backend.h"
#include "ttt/util/atomic_file.h"
#include "ttt/util/error.h"

namespace ttt::data {

namespace {

constexpr const char* kModuleName = "libttt_sentencepiece.so";

// Where the module may be: $TTT_SENTENCEPIECE_MODULE, next to the running program, the build tree.
std::vector<std::string> module_candidates() {
  std::vector<std::string> paths;
  if (const char* env = std::getenv("TTT_SENTENCEPIECE_MODULE"); env != nullptr && *env != '\0') paths.push_back(env);
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    paths.push_back((exe.parent_path() / kModuleName).string());
    paths.push_back((exe.parent_path().parent_path() / kModuleName).string());  // build/tests/<binary>
  }
#ifdef TTT_SENTENCEPIECE_MODULE_PATH
  paths.push_back(TTT_SENTENCEPIECE_MODULE_PATH);
#endif
  return paths;
}

using DlopenFn = void* (*)(const char*, int);

// AddressSanitizer's dlopen refuses RTLD_DEEPBIND (google/sanitizers#611): a deep-bound library could look up
// malloc/free in its own dependencies and bypass ASan's allocator. In an ASan build the module links the ASan
// runtime itself (scripts/test-asan.sh), so its deep lookups reach ASan's allocator first, and libc's dlopen
// is called directly, past the interceptor. Every other build uses dlopen as it is.
DlopenFn deepbind_dlopen() {
#if defined(__SANITIZE_ADDRESS__)
  if (void* libc = ::dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD))
    if (auto* real = reinterpret_cast<DlopenFn>(::dlsym(libc, "dlopen"))) return real;
#endif
  return &::dlopen;
}

const SentencePieceModule& module() {
  static const SentencePieceModule* loaded = nullptr;
  static std::string failure;
  static std::once_flag once;
  std::call_once(once, [] {
    std::string tried;
    for (const auto& path : module_candidates()) {
      if (!std::filesystem::exists(path)) {
        tried += "\n  " + path + " (missing)";
        continue;
      }
      void* handle = deepbind_dlopen()(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
      if (handle == nullptr) {
        tried += "\n  " + path + " (" + ::dlerror() + ")";
        continue;
      }
      using Entry = const SentencePieceModule* (*)();
      auto entry = reinterpret_cast<Entry>(::dlsym(handle, "ttt_sentencepiece_module"));
      if (entry == nullptr || entry()->abi_version != kSentencePieceModuleAbi) {
        tried += "\n  " + path + " (not a matching ttt SentencePiece module)";
        continue;
      }
      loaded = entry();
      return;
    }
    failure = tried;
  });
  if (loaded == nullptr)
    fail("[tokenizer] cannot load the SentencePiece module ", kModuleName, " (set TTT_SENTENCEPIECE_MODULE); tried:", failure);
  return *loaded;
}

}  // namespace

struct Tokenizer::Impl {
  std::unique_ptr<SentencePieceBackend> backend;
};

Tokenizer::Tokenizer(std::unique_ptr<Impl> impl, std::string path) : impl_(std::move(impl)), path_(std::move(path)) {}
Tokenizer::~Tokenizer() = default;
Tokenizer::Tokenizer(Tokenizer&&) noexcept = default;
Tokenizer& Tokenizer::operator=(Tokenizer&&) noexcept = default;

Tokenizer Tokenizer::load(const std::string& path) {
  const std::string bytes = read_file(path, "tokenizer");
  auto impl = std::make_unique<Impl>();
  impl->backend.reset(module().create());
  const std::string problem = impl->backend->load(bytes);
  TTT_CHECK(problem.empty(), "[tokenizer] ", path, ": not a SentencePiece model (", problem, ")");
  TTT_CHECK(impl->backend->bos_id() >= 0 && impl->backend->eos_id() >= 0, "[tokenizer] ", path,
            ": the model has no BOS/EOS pieces (train it with `ttt data tokenizer`)");
  return Tokenizer(std::move(impl), path);
}

std::vector<std::int64_t> Tokenizer::encode(const std::string& text) const {
  std::vector<int> ids;
  const std::string problem = impl_->backend->encode(text, ids);
  TTT_CHECK(problem.empty(), "[tokenizer] ", path_, ": cannot encode text (", problem, ")");
  return {ids.begin(), ids.end()};
}

std::string Tokenizer::decode(const std::vector<std::int64_t>& ids) const {
  const std::int64_t n = vocab_size();
  std::vector<int> narrow;
  narrow.reserve(ids.size());
  for (auto id : ids) {
    TTT_CHECK(id >= 0 && id < n, "[tokenizer] ", path_, ": token id ", id, " outside the vocabulary 0..", n - 1);
    narrow.push_back(static_cast<int>(id));
  }
  std::string text;
  const std::string problem = impl_->backend->decode(narrow, text);
  TTT_CHECK(problem.empty(), "[tokenizer] ", path_, ": cannot decode (", problem, ")");
  return text;
}

std::int64_t Tokenizer::vocab_size() const { return impl_->backend->piece_size(); }
std::int64_t Tokenizer::bos_id() const { return impl_->backend->bos_id(); }
std::int64_t Tokenizer::eos_id() const { return impl_->backend->eos_id(); }
std::uint64_t Tokenizer::fingerprint() const { return impl_->backend->fingerprint(); }

TokenizerTrainStats train_tokenizer(const std::vector<std::string>& texts, const TokenizerTrainOptions& options,
                                    const std::string& model_path) {
  TTT_CHECK(options.vocab_size >= 260 && options.vocab_size <= (1 << 22), "[tokenizer] vocab size must be in 260..",
            1 << 22, " (256 byte pieces + specials + merges), got ", options.vocab_size);
  TTT_CHECK(options.max_bytes > 0 && options.max_sentence_bytes > 0, "[tokenizer] byte caps must be positive");
  std::string model;
  TokenizerTrainStats stats;
  const std::string problem = module().train(texts, options, &model, &stats);
  TTT_CHECK(problem.find("no training text") == std::string::npos, "[tokenizer] ", problem);
  TTT_CHECK(problem.empty(), "[tokenizer] training a ", options.vocab_size, "-piece BPE model on ", stats.sentences,
            " lines (", stats.bytes, " bytes) failed: ", problem);
  write_file_atomic(model_path, model);
  return stats;
}

}  // namespace ttt::data
#endif
