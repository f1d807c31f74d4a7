#pragma once
// Turning what the book packages print into clean documents (verse numbers, references and headings
// removed; one verse or paragraph per line). Pure text functions, so each is tested on a hand-made
// snippet; corpus_sources.cpp runs the programs.
#include <string>
#include <string_view>
#include <vector>

#include "ttt/data/documents.h"

namespace ttt::data {

// `bible -l <wide> Gen1:1-Rev22:21` (bible-kjv): "Genesis 1" chapter headings and "  1 In the beginning…"
// verses. One document per book, named "<prefix>/<Book>"; verses one per line, chapters apart by a blank line.
std::vector<Document> kjv_books(std::string_view bible_output, const std::string& prefix);

// `diatheke -f plain -k "Genesis 1:1-Revelation 22:21"` (sword-text-web): "Genesis 1:1: text" verses,
// continuation lines for poetry, and headings (e.g. psalm titles, which diatheke repeats before every
// verse) on their own line just before a reference. One document per book, like kjv_books.
std::vector<Document> diatheke_books(std::string_view diatheke_output, const std::string& prefix);

// The Jargon File (jargon-text's jargon.txt): one document per chapter, appendix and lexicon letter;
// the title page, the tables of contents and the per-letter entry lists are dropped.
std::vector<Document> jargon_sections(std::string_view jargon_text, const std::string& prefix);

}  // namespace ttt::data
