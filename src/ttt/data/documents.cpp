#include "ttt/data/documents.h"

#include <cctype>

#include "ttt/util/atomic_file.h"
#include "ttt/util/error.h"

namespace ttt::data {

namespace {
constexpr std::string_view kHeader = "#doc ";
}

std::string serialize_documents(const std::vector<Document>& documents) {
  std::size_t total = 0;
  for (const auto& d : documents) total += d.text.size() + d.name.size() + 32;
  std::string out;
  out.reserve(total);
  for (const auto& d : documents) {
    TTT_CHECK(!d.name.empty() && d.name.find('\n') == std::string::npos,
              "[data] document name must be one non-empty line, got '", d.name, "'");
    out += kHeader;
    out += std::to_string(d.text.size());
    out += ' ';
    out += d.name;
    out += '\n';
    out += d.text;
    out += '\n';
  }
  return out;
}

std::vector<Document> parse_documents(std::string_view bytes, const std::string& where) {
  std::vector<Document> documents;
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    TTT_CHECK(bytes.substr(pos, kHeader.size()) == kHeader, "[data] ", where, ": expected '#doc <bytes> <name>' at byte ",
              pos, " (not a corpus split file, or corrupt)");
    const std::size_t line_end = bytes.find('\n', pos);
    TTT_CHECK(line_end != std::string_view::npos, "[data] ", where, ": truncated document header at byte ", pos);
    const std::string_view header = bytes.substr(pos + kHeader.size(), line_end - pos - kHeader.size());
    const std::size_t space = header.find(' ');
    TTT_CHECK(space != std::string_view::npos && space > 0 && space + 1 < header.size(), "[data] ", where,
              ": malformed document header '", header, "' at byte ", pos);
    std::uint64_t length = 0;
    for (char c : header.substr(0, space)) {
      TTT_CHECK(c >= '0' && c <= '9' && length < (1ULL << 50), "[data] ", where, ": bad document length in header '",
                header, "' at byte ", pos);
      length = length * 10 + static_cast<std::uint64_t>(c - '0');
    }
    const std::size_t text_begin = line_end + 1;
    TTT_CHECK(text_begin + length + 1 <= bytes.size() && bytes[text_begin + length] == '\n', "[data] ", where,
              ": document '", header.substr(space + 1), "' claims ", length, " bytes but the file is truncated or corrupt",
              " (", bytes.size() - text_begin, " bytes left)");
    documents.push_back({std::string(header.substr(space + 1)), std::string(bytes.substr(text_begin, length))});
    pos = text_begin + length + 1;
  }
  return documents;
}

void write_documents(const std::string& path, const std::vector<Document>& documents) {
  write_file_atomic(path, serialize_documents(documents));
}

std::vector<Document> read_documents(const std::string& path) {
  return parse_documents(read_file(path, "data"), path);
}

bool is_blank(std::string_view text) {
  for (unsigned char c : text)
    if (!std::isspace(c)) return false;
  return true;
}

}  // namespace ttt::data
