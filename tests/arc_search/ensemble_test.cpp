// The paper's ensemble rule over two submissions, and the programs record that carries the search's
// "consistent program" signal.
#include <gtest/gtest.h>

#include "arc_search/test_grids.h"
#include "ttt/arc/search/ensemble.h"
#include "ttt/arc/search/solver.h"
#include "ttt/util/error.h"

using namespace ttt::arc;
using namespace ttt::arc::search;
using ttt::arc::search::testing::G;

namespace {
const Grid A = G({{1}}), B = G({{2}}), C = G({{3}}), D = G({{4}});
ProgramRecords consistent_for(const std::string& id, bool consistent) {
  ProgramRecords r;
  r[id].consistent = consistent;
  if (consistent) r[id].program = "rot90";
  return r;
}
}  // namespace

TEST(SearchEnsemble, AgreementWinsEvenAgainstAConsistentProgram) {
  const Submission search{{"t", {{A, B}}}}, ttt{{"t", {{C, B}}}};
  EnsembleCounts counts;
  const Submission out = ensemble(search, consistent_for("t", true), ttt, &counts);
  EXPECT_EQ(out.at("t")[0], (Attempts{B, A}));  // agreed B first, then the trusted (search) side
  EXPECT_EQ(counts.agreed, 1u);
}

TEST(SearchEnsemble, ConsistentProgramIsTrustedElseTtt) {
  const Submission search{{"t", {{A, B}}}}, ttt{{"t", {{C, D}}}};
  EXPECT_EQ(ensemble(search, consistent_for("t", true), ttt).at("t")[0], (Attempts{A, B}));
  EnsembleCounts counts;
  EXPECT_EQ(ensemble(search, consistent_for("t", false), ttt, &counts).at("t")[0], (Attempts{C, D}));
  EXPECT_EQ(counts.ttt_first, 1u);
  EXPECT_EQ(ensemble(search, {}, ttt).at("t")[0], (Attempts{C, D}));  // no record: not consistent
}

TEST(SearchEnsemble, RepeatsAreSkippedAndOneSidedTasksKept) {
  const Submission search{{"t", {{A, A}}}, {"only_search", {{B, B}}}}, ttt{{"t", {{C, C}}}, {"only_ttt", {{D, D}}}};
  EnsembleCounts counts;
  const Submission out = ensemble(search, consistent_for("t", true), ttt, &counts);
  EXPECT_EQ(out.at("t")[0], (Attempts{A, C}));
  EXPECT_EQ(out.at("only_search")[0], (Attempts{B, B}));
  EXPECT_EQ(out.at("only_ttt")[0], (Attempts{D, D}));
  EXPECT_EQ(counts.one_sided, 2u);
}

TEST(SearchProgramRecords, RoundTripAndErrors) {
  ProgramRecords records;
  records["a"] = {true, "rot90 | recolor{1->2}", "flip_rows", 2, 0.5, false};
  records["b"] = {false, "", "", 1, 10.0, true};
  const ProgramRecords back = parse_program_records(program_records_to_json(records), "p.json");
  ASSERT_EQ(back.size(), 2u);
  EXPECT_TRUE(back.at("a").consistent);
  EXPECT_EQ(back.at("a").program, "rot90 | recolor{1->2}");
  EXPECT_EQ(back.at("a").second_program, "flip_rows");
  EXPECT_FALSE(back.at("b").consistent);
  EXPECT_TRUE(back.at("b").timed_out);
  EXPECT_THROW(parse_program_records("[1]", "p.json"), ttt::Error);
  EXPECT_THROW(parse_program_records(R"({"a": {"program": "x"}})", "p.json"), ttt::Error);
  EXPECT_THROW(parse_program_records(R"({"a": {"consistent": true}})", "p.json"), ttt::Error);
  EXPECT_EQ(default_programs_path("out/sub.json"), "out/sub.programs.json");
  EXPECT_EQ(default_programs_path("sub"), "sub.programs.json");
}
