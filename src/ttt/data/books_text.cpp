#include "ttt/data/books_text.h"

#include <cctype>
#include <optional>

namespace ttt::data {

namespace {

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    pos = end + 1;
  }
  return lines;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

// Collects books: verses become lines, a new chapter starts a paragraph, a new book a document.
class BookCollector {
 public:
  explicit BookCollector(std::string prefix) : prefix_(std::move(prefix)) {}

  void chapter(std::string_view book, std::string_view chapter) {
    if (documents_.empty() || book != book_) {
      book_ = std::string(book);
      documents_.push_back({prefix_ + "/" + book_, ""});
    } else if (chapter != chapter_ && !documents_.back().text.empty()) {
      documents_.back().text += '\n';
    }
    chapter_ = std::string(chapter);
  }
  void line(std::string_view text) {
    text = trim(text);
    if (text.empty() || documents_.empty()) return;
    documents_.back().text.append(text.data(), text.size());
    documents_.back().text += '\n';
  }
  std::vector<Document> take() { return std::move(documents_); }

 private:
  std::string prefix_, book_, chapter_;
  std::vector<Document> documents_;
};

// "  12 text" → ("12", "text").
std::optional<std::pair<std::string_view, std::string_view>> numbered_verse(std::string_view line) {
  if (line.empty() || !std::isspace(static_cast<unsigned char>(line.front()))) return std::nullopt;
  line = trim(line);
  const std::size_t space = line.find(' ');
  if (space == std::string_view::npos || !all_digits(line.substr(0, space))) return std::nullopt;
  return std::make_pair(line.substr(0, space), line.substr(space + 1));
}

// "Genesis 1" / "1 Kings 12" / "Song of Solomon 3" (a heading at column 0) → (book, chapter).
std::optional<std::pair<std::string_view, std::string_view>> chapter_heading(std::string_view line) {
  if (line.empty() || std::isspace(static_cast<unsigned char>(line.front()))) return std::nullopt;
  line = trim(line);
  const std::size_t space = line.rfind(' ');
  if (space == std::string_view::npos || space == 0 || !all_digits(line.substr(space + 1))) return std::nullopt;
  return std::make_pair(line.substr(0, space), line.substr(space + 1));
}

struct VerseReference {
  std::string_view book, chapter, text;
};

// "[spaces]Genesis 1:2: text" → (Genesis, 1, text). Book names are words of letters and digits.
std::optional<VerseReference> verse_reference(std::string_view line) {
  std::string_view rest = line;
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  const std::size_t colon = rest.find(": ");
  const std::size_t end = colon == std::string_view::npos && !rest.empty() && rest.back() == ':' ? rest.size() - 1 : colon;
  if (end == std::string_view::npos) return std::nullopt;
  const std::string_view head = rest.substr(0, end);  // "Genesis 1:2"
  const std::size_t space = head.rfind(' ');
  if (space == std::string_view::npos || space == 0) return std::nullopt;
  const std::string_view book = head.substr(0, space), numbers = head.substr(space + 1);
  const std::size_t inner = numbers.find(':');
  if (inner == std::string_view::npos || !all_digits(numbers.substr(0, inner)) || !all_digits(numbers.substr(inner + 1)))
    return std::nullopt;
  for (char c : book)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != ' ' && c != '(' && c != ')') return std::nullopt;
  const std::string_view text = end + 2 <= rest.size() ? rest.substr(end + 2) : std::string_view{};
  return VerseReference{book, numbers.substr(0, inner), text};
}

// Some verses come out with OSIS markup left in: titles are dropped whole, other tags removed (and the
// spaces between them, so the reference after them does not look indented like a heading's verse).
std::string without_markup(std::string_view line) {
  if (line.empty() || line.front() != '<') return std::string(line);
  std::string out;
  std::size_t pos = 0;
  while (pos < line.size()) {
    if (line[pos] != '<') {
      out += line[pos++];
      continue;
    }
    if (line.substr(pos, 6) == "<title") {
      const std::size_t close = line.find("</title>", pos);
      if (close != std::string_view::npos) {
        pos = close + 8;
        continue;
      }
    }
    const std::size_t end = line.find('>', pos);
    if (end == std::string_view::npos) {
      out.append(line.substr(pos));
      break;
    }
    pos = end + 1;
  }
  return std::string(trim(out));
}

}  // namespace

std::vector<Document> kjv_books(std::string_view bible_output, const std::string& prefix) {
  BookCollector books(prefix);
  for (std::string_view line : split_lines(bible_output)) {
    if (trim(line).empty()) continue;
    if (auto heading = chapter_heading(line)) {
      books.chapter(heading->first, heading->second);
    } else if (auto verse = numbered_verse(line)) {
      books.line(verse->second);
    } else {
      books.line(line);  // a wrapped verse's continuation
    }
  }
  return books.take();
}

std::vector<Document> diatheke_books(std::string_view diatheke_output, const std::string& prefix) {
  BookCollector books(prefix);
  std::vector<std::string> lines;
  for (std::string_view line : split_lines(diatheke_output)) lines.push_back(without_markup(line));
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    if (trim(line).empty()) continue;
    if (auto verse = verse_reference(line)) {
      books.chapter(verse->book, verse->chapter);
      books.line(verse->text);
      continue;
    }
    // diatheke prints a heading on the line before its verse and indents that verse's reference
    // (it even repeats the last psalm title before later verses); continuation lines of poetry are
    // followed by an unindented reference or a blank line.
    const bool heading = i + 1 < lines.size() && !lines[i + 1].empty() && lines[i + 1].front() == ' ' && verse_reference(lines[i + 1]);
    const bool module_name = i + 1 == lines.size() && trim(line).front() == '(' && trim(line).back() == ')';
    if (!heading && !module_name) books.line(line);
  }
  return books.take();
}

std::vector<Document> jargon_sections(std::string_view jargon_text, const std::string& prefix) {
  std::vector<Document> documents;
  bool in_glossary = false;     // inside the lexicon (between "Glossary" and the appendices)
  bool skip_until_entry = false;  // a letter's entry list, up to its first ":entry:" line
  bool keep = false;            // before chapter 1 (title page, contents) nothing is kept
  auto starts_with = [](std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; };
  for (std::string_view line : split_lines(jargon_text)) {
    const bool top_level = !line.empty() && !std::isspace(static_cast<unsigned char>(line.front()));
    const bool chapter = top_level && (starts_with(line, "Chapter ") || starts_with(line, "Appendix ") ||
                                       line == "Bibliography");
    const bool letter = in_glossary && line.size() == 3 && starts_with(line, "  ") &&
                        (std::isupper(static_cast<unsigned char>(line[2])) || line[2] == '0');
    if (top_level && line == "Glossary") {
      in_glossary = true;
      keep = false;  // the lexicon's own index of entries
      continue;
    }
    if (chapter) {
      in_glossary = false;
      keep = true;
      skip_until_entry = false;
      documents.push_back({prefix + "/" + std::string(trim(line)), std::string(trim(line)) + "\n"});
      continue;
    }
    if (letter) {
      keep = true;
      skip_until_entry = true;
      documents.push_back({prefix + "/Lexicon " + std::string(1, line[2]), ""});
      continue;
    }
    if (!keep) continue;
    if (skip_until_entry) {
      if (!starts_with(line, "   :")) continue;
      skip_until_entry = false;
    }
    // The text is indented by three spaces; keep deeper indentation (tables, code), drop the margin.
    std::string_view body = line;
    for (int k = 0; k < 3 && !body.empty() && body.front() == ' '; ++k) body.remove_prefix(1);
    while (!body.empty() && std::isspace(static_cast<unsigned char>(body.back()))) body.remove_suffix(1);
    auto& text = documents.back().text;
    if (body.empty() && (text.empty() || (text.size() >= 2 && text.compare(text.size() - 2, 2, "\n\n") == 0))) continue;
    text.append(body.data(), body.size());
    text += '\n';
  }
  return documents;
}

}  // namespace ttt::data
