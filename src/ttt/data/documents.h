#pragma once
// Documents and the corpus split files that hold them. A split file (train.txt, val.txt, test.txt) is
// plain text a person can page through, yet parsed exactly: every document is a header line
// "#doc <bytes> <name>\n", then exactly <bytes> bytes of text, then "\n". Lengths, not separators, mark
// the boundaries, so a document may contain any bytes (including lines that look like headers).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ttt::data {

struct Document {
  std::string name;  // stable identity: the split hashes it (a relative path, "kjv/Genesis", ...)
  std::string text;
};

std::string serialize_documents(const std::vector<Document>& documents);
// Throws ttt::Error naming `where` and the byte offset on a malformed or truncated file.
std::vector<Document> parse_documents(std::string_view bytes, const std::string& where);

void write_documents(const std::string& path, const std::vector<Document>& documents);  // atomic
std::vector<Document> read_documents(const std::string& path);

// True when the text has nothing but whitespace (such documents are skipped and reported).
bool is_blank(std::string_view text);

}  // namespace ttt::data
