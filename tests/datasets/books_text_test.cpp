// The book cleaners on hand-made snippets in the exact shapes the Debian tools print.
#include <gtest/gtest.h>

#include "ttt/data/books_text.h"

namespace ttt::data {
namespace {

TEST(BooksText, KjvStripsHeadingsAndVerseNumbers) {
  const std::string bible =
      "\nGenesis 1\n\n"
      "  1 In the beginning God created the heaven and the earth.\n"
      "  2 And the earth was without form, and void; and darkness was upon the face of\n"
      "the deep.\n"
      "\nGenesis 2\n\n"
      "  1 Thus the heavens and the earth were finished.\n"
      "\n1 Kings 1\n\n"
      "  1 Now king David was old and stricken in years.\n"
      "\nSong of Solomon 1\n\n"
      "  1 The song of songs, which is Solomon's.\n";
  const auto books = kjv_books(bible, "kjv");
  ASSERT_EQ(books.size(), 3u);
  EXPECT_EQ(books[0].name, "kjv/Genesis");
  EXPECT_EQ(books[0].text,
            "In the beginning God created the heaven and the earth.\n"
            "And the earth was without form, and void; and darkness was upon the face of\n"
            "the deep.\n"
            "\n"
            "Thus the heavens and the earth were finished.\n");
  EXPECT_EQ(books[1].name, "kjv/1 Kings");
  EXPECT_EQ(books[1].text, "Now king David was old and stricken in years.\n");
  EXPECT_EQ(books[2].name, "kjv/Song of Solomon");
}

TEST(BooksText, DiathekeDropsReferencesHeadingsAndModuleName) {
  const std::string web =
      "Psalms 2:12: Give sincere homage to the Son,\n"
      "lest he be angry.\n"
      "A Psalm by David, when he fled from Absalom his son.\n"
      "  Psalms 3:1: Yahweh, how my adversaries have increased!\n"
      "Many are those who rise up against me. \n"
      "\n"
      "A Psalm by David, when he fled from Absalom his son.\n"
      "  Psalms 3:2: Many there are who say of my soul,\n"
      "Selah.\n"
      "<title canonical=\"true\" type=\"psalm\">A Psalm.</title> <lg sID=\"x\"/>Psalms 3:3: \n"
      "Esther (Greek) 1:1: In the second year of the reign.\n"
      "Matthew 5:2: He opened his mouth and taught them, saying, \n"
      "Matthew 5:3:  \xe2\x80\x9c" "Blessed are the poor in spirit, \n"
      " for theirs is the Kingdom of Heaven.   \n"
      "(engWEB2015eb)\n";
  const auto books = diatheke_books(web, "web");
  ASSERT_EQ(books.size(), 3u);
  EXPECT_EQ(books[0].name, "web/Psalms");
  EXPECT_EQ(books[0].text,
            "Give sincere homage to the Son,\n"
            "lest he be angry.\n"
            "\n"  // chapter 3 starts
            "Yahweh, how my adversaries have increased!\n"
            "Many are those who rise up against me.\n"
            "Many there are who say of my soul,\n"
            "Selah.\n");
  EXPECT_EQ(books[1].name, "web/Esther (Greek)");
  EXPECT_EQ(books[1].text, "In the second year of the reign.\n");
  EXPECT_EQ(books[2].name, "web/Matthew");
  EXPECT_EQ(books[2].text,
            "He opened his mouth and taught them, saying,\n"
            "\xe2\x80\x9c" "Blessed are the poor in spirit,\n"
            "for theirs is the Kingdom of Heaven.\n");
}

TEST(BooksText, JargonSectionsWithoutContentsOrEntryLists) {
  const std::string jargon =
      "                                The Jargon File\n"
      "   Table of Contents\n"
      "   1. Hacker Slang\n"
      "Chapter 1. Hacker Slang and Hacker Culture\n"
      "\n"
      "   This document is a collection of slang terms.\n"
      "       indented example\n"
      "\n"
      "\n"
      "   Second paragraph.\n"
      "Glossary\n"
      "\n"
      "   0\n"
      "   (TM)\n"
      "  0\n"
      "\n"
      "   (TM)\n"
      "\n"
      "   :(TM): //\n"
      "\n"
      "   [Usenet] ASCII rendition of the trademark sign.\n"
      "  A\n"
      "   abbrev\n"
      "   :abbrev: /*-breev'/, n.\n"
      "   Common abbreviation for abbreviation.\n"
      "Appendix A. Hacker Folklore\n"
      "   The Story of Mel\n";
  const auto docs = jargon_sections(jargon, "jargon");
  ASSERT_EQ(docs.size(), 4u);
  EXPECT_EQ(docs[0].name, "jargon/Chapter 1. Hacker Slang and Hacker Culture");
  EXPECT_EQ(docs[0].text,
            "Chapter 1. Hacker Slang and Hacker Culture\n"
            "\n"
            "This document is a collection of slang terms.\n"
            "    indented example\n"
            "\n"
            "Second paragraph.\n");
  EXPECT_EQ(docs[1].name, "jargon/Lexicon 0");
  EXPECT_EQ(docs[1].text, ":(TM): //\n\n[Usenet] ASCII rendition of the trademark sign.\n");
  EXPECT_EQ(docs[2].name, "jargon/Lexicon A");
  EXPECT_EQ(docs[2].text, ":abbrev: /*-breev'/, n.\nCommon abbreviation for abbreviation.\n");
  EXPECT_EQ(docs[3].name, "jargon/Appendix A. Hacker Folklore");
  EXPECT_EQ(docs[3].text, "Appendix A. Hacker Folklore\nThe Story of Mel\n");
}

}  // namespace
}  // namespace ttt::data
