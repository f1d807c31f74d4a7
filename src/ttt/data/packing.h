#pragma once
// Packing documents into one token stream: BOS, the document's ids, EOS, for each document in order.
// `ttt data tokenize` packs each split of a corpus into <out>/<split>.bin (token_file.h).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ttt/data/documents.h"

namespace ttt::data {

class Tokenizer;

using Encoder = std::function<std::vector<std::int64_t>(const std::string&)>;

// Documents are encoded on `threads` threads; the result does not depend on the thread count.
std::vector<std::int64_t> pack_documents(const std::vector<Document>& documents, const Encoder& encode,
                                         std::int64_t bos_id, std::int64_t eos_id, int threads = 1);

// Tokenizes <corpus_dir>/{train,val,test}.txt into <out_dir>/{train,val,test}.bin and writes
// <out_dir>/tokens.json (tokenizer path, vocab size, fingerprint, documents/bytes/tokens per split);
// returns that JSON. `progress` (optional) gets one line per split.
nlohmann::json tokenize_corpus(const std::string& corpus_dir, const Tokenizer& tokenizer, const std::string& out_dir,
                               int threads, const std::function<void(const std::string&)>& progress = {});

}  // namespace ttt::data
