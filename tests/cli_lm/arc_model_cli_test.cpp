// `ttt arc pretrain|ttt|predict|eval` end to end with a tiny model trained for a few steps: the files each
// command promises, resumption without redoing work, the JSON contract of `arc eval`, and clear errors for
// malformed tasks, missing or corrupt models and tasks too long for the context.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/run_cli.h"

using namespace ttt::test_support;
namespace fs = std::filesystem;

namespace {

// One tiny base model and a few small generated tasks, shared by the tests of this file.
class ArcModelCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("arc_model_cli");
    fs::create_directories(dir_->path());
    const auto r = run_cli("arc pretrain --out " + run() + " --size tiny --context 256 --steps 4 --batch 2 "
                           "--max-side 4 --start-max-side 4 --eval-per-family 0 --save-every 2 --json");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const auto g = run_cli("arc generate --families recolor_all,flip_rows --per-family 1 --min-side 3 --max-side 4 "
                           "--demos 3-3 --seed 5 --out " + tasks());
    ASSERT_EQ(g.exit_code, 0) << g.output;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static std::string run() { return (dir_->path() / "pretrain").string(); }
  static std::string model() { return (dir_->path() / "pretrain" / "model").string(); }
  static std::string tasks() { return (dir_->path() / "tasks").string(); }
  static std::string path(const std::string& name) { return (dir_->path() / name).string(); }
  // Few queries and little TTT data: these tests check plumbing, not accuracy.
  // `arc ttt` only trains: it takes no prediction flags.
  static std::string fast_training() { return " --max-examples 4 --lora-rank 4 --threads 1"; }
  static std::string fast() { return fast_training() + " --max-queries 3"; }
  static TempDir* dir_;
};
TempDir* ArcModelCli::dir_ = nullptr;

nlohmann::json last_json_line(const std::string& output) {
  const auto end = output.find_last_not_of('\n');
  const auto start = output.rfind('\n', end);
  return nlohmann::json::parse(output.substr(start == std::string::npos ? 0 : start + 1, end - start));
}

}  // namespace

TEST_F(ArcModelCli, PretrainWritesModelHoldoutLogAndRefusesAnotherSplitOnResume) {
  EXPECT_TRUE(fs::exists(fs::path(model()) / "config.json"));
  EXPECT_TRUE(fs::exists(fs::path(model()) / "model.safetensors"));
  const auto holdout = nlohmann::json::parse(slurp(fs::path(run()) / "holdout.json"));
  EXPECT_GE(holdout["families"].size(), 10u);
  EXPECT_TRUE(contains(slurp(fs::path(run()) / "log.jsonl"), "\"event\":\"step\""));
  const auto r = run_cli("arc pretrain --out " + run() + " --size tiny --context 256 --steps 4 --batch 2 "
                         "--holdout-families rotate_90 --resume");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(contains(r.output, "different held-out split")) << r.output;
}

// --split-seed fixes the held-out ARC tasks (and evaluation instances) apart from --seed, so a continuation run
// can draw fresh windows and keep the split.
TEST_F(ArcModelCli, SplitSeedKeepsTheHeldOutArcTasksWhateverTheSeed) {
  const auto arc = path("split_arc_tasks");
  const auto g = run_cli("arc generate --families recolor_all,flip_rows,transpose,flip_columns --per-family 3 "
                         "--min-side 3 --max-side 4 --demos 2-2 --seed 9 --out " + arc);
  ASSERT_EQ(g.exit_code, 0) << g.output;
  auto held_out = [&](const std::string& name, const std::string& seeds) {
    const auto out = path(name);
    const auto r = run_cli("arc pretrain --out " + out + " --arc-tasks " + arc + " --holdout-arc 4 --size tiny "
                           "--context 128 --steps 1 --batch 1 --max-side 3 --start-max-side 3 --eval-per-family 0 " +
                           seeds);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return nlohmann::json::parse(slurp(fs::path(out) / "holdout.json"))["arc_tasks"];
  };
  const auto seed0 = held_out("split_s0", "--seed 0"), seed1 = held_out("split_s1", "--seed 1");
  const auto seed1_split0 = held_out("split_s1_0", "--seed 1 --split-seed 0");
  ASSERT_EQ(seed0.size(), 4u);
  EXPECT_NE(seed0, seed1);  // one seed moves the split with it...
  EXPECT_EQ(seed0, seed1_split0);  // ...unless --split-seed pins it
}

TEST_F(ArcModelCli, PretrainAlsoBuildsATttLinearBaseModel) {
  const auto out = path("linear");
  const auto r = run_cli("arc pretrain --out " + out + " --size tiny --layer-type linear --context 128 --steps 2 "
                         "--batch 2 --max-side 3 --start-max-side 3 --eval-per-family 1 --eval-every 1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(slurp(fs::path(out) / "model" / "config.json"), "\"ttt_layer_type\": \"linear\""));
  EXPECT_TRUE(contains(slurp(fs::path(out) / "log.jsonl"), "heldout_exact"));
}

TEST_F(ArcModelCli, EvalPrintsTheScoresAndReusesItsRecords) {
  const auto out = path("eval");
  const auto r = run_cli_split("arc eval --tasks " + tasks() + " --model " + model() + " --out " + out + fast() + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.output << r.err;
  const auto j = last_json_line(r.output);
  for (const char* key : {"tasks", "pass2_base", "pass2_ttt", "per_input_base", "per_input_ttt", "seconds_per_task"})
    EXPECT_TRUE(j.contains(key)) << key << " missing in " << j.dump();
  EXPECT_EQ(j["tasks"], 2);
  // Progress goes to stderr (stdout is the one JSON object): the second task's line has the time left.
  EXPECT_TRUE(contains(r.err, "[1/2] ")) << r.err;
  EXPECT_TRUE(contains(r.err, "[2/2] ")) << r.err;
  EXPECT_TRUE(contains(r.err, " · ETA ")) << r.err;
  EXPECT_TRUE(fs::exists(j["report"].get<std::string>()));
  EXPECT_TRUE(fs::exists(fs::path(out) / "submission_ttt.json"));
  // A second run reads the per-task records instead of predicting again: same scores.
  const auto again = run_cli_split("arc eval --tasks " + tasks() + " --model " + model() + " --out " + out + fast() + " --json");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  const auto k = last_json_line(again.output);
  EXPECT_EQ(k["pass2_ttt"], j["pass2_ttt"]);
  EXPECT_EQ(k["seconds_per_task"], j["seconds_per_task"]);
}

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) n += 1;
  return n;
}

// --nproc: local workers share the task list (each task claimed by one of them), the launcher prints the one
// summary, and the records are the ones a single process writes (one thread each, so the same arithmetic).
TEST_F(ArcModelCli, EvalSharesTheTasksAmongLocalWorkersAndMatchesOneProcess) {
  const auto one = run_cli_split("arc eval --tasks " + tasks() + " --model " + model() + " --out " + path("eval_one") +
                                 fast() + " --json");
  ASSERT_EQ(one.exit_code, 0) << one.output << one.err;
  const auto two_command =
      "arc eval --tasks " + tasks() + " --model " + model() + " --out " + path("eval_two") + fast() + " --nproc 2 --json";
  const auto two = run_cli_split(two_command);
  ASSERT_EQ(two.exit_code, 0) << two.output << two.err;
  const auto j1 = nlohmann::json::parse(one.output), j2 = nlohmann::json::parse(two.output);  // one object each
  EXPECT_EQ(j1["workers"], 1);
  EXPECT_EQ(j2["workers"], 2);
  EXPECT_EQ(j2["tasks"], 2);
  EXPECT_FALSE(j2["interrupted"].get<bool>());
  for (const char* key : {"pass2_base", "pass2_ttt", "correct_inputs_base", "correct_inputs_ttt"})
    EXPECT_EQ(j1[key], j2[key]) << key;
  for (const char* name : {"recolor_all-0", "flip_rows-0"}) {
    EXPECT_EQ(occurrences(two.err, std::string("] ") + name + ": "), 1u) << name << " not evaluated once:\n" << two.err;
    const auto a = nlohmann::json::parse(slurp(fs::path(path("eval_one")) / "tasks" / (std::string(name) + ".json")));
    const auto b = nlohmann::json::parse(slurp(fs::path(path("eval_two")) / "tasks" / (std::string(name) + ".json")));
    EXPECT_EQ(a["base"], b["base"]) << name;
    EXPECT_EQ(a["ttt"], b["ttt"]) << name;
  }
  EXPECT_FALSE(fs::exists(fs::path(path("eval_two")) / "tasks" / "claims"));
  // Run again: every record is reused, no worker evaluates anything, same summary.
  const auto again = run_cli_split(two_command);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(occurrences(again.err, "TTT "), 0u) << again.err;
  const auto j3 = nlohmann::json::parse(again.output);
  EXPECT_EQ(j3["seconds_per_task"], j2["seconds_per_task"]);
  EXPECT_EQ(j3["pass2_ttt"], j2["pass2_ttt"]);
  // A rank of a group started elsewhere does not remove records of other settings (other ranks may be
  // writing them): it refuses, naming the folder; a plain run with other settings starts over.
  const auto rank = run_shell("RANK=0 WORLD_SIZE=2 " + cli_command(two_command + " --seed 3") + " 2>&1");
  EXPECT_EQ(rank.exit_code, 1) << rank.output;
  EXPECT_TRUE(contains(rank.output, "other settings")) << rank.output;
  const auto reseeded = run_cli_split(two_command + " --seed 3");
  ASSERT_EQ(reseeded.exit_code, 0) << reseeded.err;
  EXPECT_EQ(occurrences(reseeded.err, "TTT "), 2u) << reseeded.err;
}

// --rank-by likelihood re-ranks the vote's candidates: the details list them with their scores, the eval says
// which ranking it used and how many right grids were produced at all (never more than the inputs), and a
// ranking that does not exist is refused by name.
TEST_F(ArcModelCli, LikelihoodRankingScoresTheCandidatesAndEvalCountsTheAnswersProduced) {
  const auto details = path("rank_details.json");
  const auto p = run_cli("arc predict --tasks " + tasks() + " --model " + model() + " --no-ttt --rank-by likelihood "
                         "--out " + path("rank.json") + " --details " + details + fast());
  ASSERT_EQ(p.exit_code, 0) << p.output;
  const auto d = nlohmann::json::parse(slurp(details));
  for (const auto& [task, entry] : d.items())
    for (const auto& test : entry["tests"]) {
      ASSERT_TRUE(test.contains("candidates")) << task;
      std::size_t votes = 0;
      for (const auto& c : test["candidates"]) {
        votes += c["votes"].get<std::size_t>();
        // Scored candidates carry a log-likelihood (≤ 0), all of them or none.
        ASSERT_EQ(c.contains("log_likelihood"), test["scoring_queries"].get<std::size_t>() > 0) << task;
        if (c.contains("log_likelihood")) EXPECT_LE(c["log_likelihood"].get<double>(), 0.0) << task;
      }
      EXPECT_LE(votes, test["queries"].size()) << task;  // each decoded query votes once
    }
  const auto out = path("eval_rank");
  const auto r = run_cli_split("arc eval --tasks " + tasks() + " --model " + model() + " --out " + out + fast() +
                               " --no-ttt --rank-by likelihood --json");
  ASSERT_EQ(r.exit_code, 0) << r.output << r.err;
  const auto j = last_json_line(r.output);
  EXPECT_EQ(j["rank_by"], "likelihood");
  EXPECT_LE(j["answer_produced_inputs_base"].get<int>(), j["test_inputs"].get<int>());
  EXPECT_GE(j["answer_produced_inputs_base"].get<int>(), j["correct_inputs_base"].get<int>());
  const auto bad = run_cli("arc eval --tasks " + tasks() + " --model " + model() + " --out " + out + fast() +
                           " --no-ttt --rank-by votes");
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_TRUE(contains(bad.output, "--rank-by")) << bad.output;
}

// --search adds the program search and the paper's ensemble: both generated rules (recolor_all,
// flip_rows) are programs the search finds, so the ensemble answers both tasks, while pass2_ttt stays the
// model's own score.
TEST_F(ArcModelCli, EvalWithSearchScoresTheEnsembleOfSearchAndTtt) {
  const auto out = path("eval_search");
  const auto r = run_cli_split("arc eval --tasks " + tasks() + " --model " + model() + " --out " + out + fast() +
                               " --search --search-time-limit 20 --json");
  ASSERT_EQ(r.exit_code, 0) << r.output << r.err;
  const auto j = last_json_line(r.output);
  EXPECT_EQ(j["pass2_search"], 1.0) << j.dump();
  EXPECT_EQ(j["pass2_ensemble"], 1.0) << j.dump();
  EXPECT_EQ(j["correct_ensemble"], 2);
  EXPECT_EQ(j["ensemble_of"], "search+ttt");
  EXPECT_GE(j["pass2_ensemble"].get<double>(), j["pass2_ttt"].get<double>()) << j.dump();
  for (const char* file : {"submission_search.json", "programs.json", "submission_ensemble.json"})
    EXPECT_TRUE(fs::exists(fs::path(out) / file)) << file;
  const auto bad = run_cli("arc eval --tasks " + tasks() + " --model " + model() + " --out " + out + fast() +
                           " --search --search-depth 9");
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_TRUE(contains(bad.output, "--search-depth")) << bad.output;
}

TEST_F(ArcModelCli, TttSavesAdaptersSkipsDoneTasksAndPredictUsesThem) {
  const auto out = path("ttt");
  const auto r = run_cli("arc ttt --tasks " + tasks() + " --model " + model() + " --out " + out + fast_training());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, " · ETA ")) << r.output;
  EXPECT_TRUE(fs::exists(fs::path(out) / "adapters" / "recolor_all-0.safetensors"));
  EXPECT_TRUE(fs::exists(fs::path(out) / "reports" / "flip_rows-0.json"));
  const auto again = run_cli("arc ttt --tasks " + tasks() + " --model " + model() + " --out " + out + fast_training());
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_TRUE(contains(again.output, "0 trained, 2 already done")) << again.output;
  // Prediction flags belong to predict/eval: `arc ttt` refuses them rather than ignoring them.
  const auto predicting = run_cli("arc ttt --tasks " + tasks() + " --model " + model() + " --out " + path("ttt3") +
                                  fast_training() + " --rank-by likelihood");
  EXPECT_NE(predicting.exit_code, 0);
  EXPECT_TRUE(contains(predicting.output, "--rank-by")) << predicting.output;
  EXPECT_FALSE(fs::exists(path("ttt3")));
  // Two local workers share the task list: each task trained once, same files.
  const auto split = run_cli("arc ttt --tasks " + tasks() + " --model " + model() + " --out " + path("ttt2") + fast_training() +
                             " --nproc 2");
  ASSERT_EQ(split.exit_code, 0) << split.output;
  EXPECT_TRUE(contains(split.output, "2 tasks: 2 trained, 0 already done, 0 failed")) << split.output;
  for (const char* name : {"recolor_all-0", "flip_rows-0"})
    EXPECT_TRUE(fs::exists(fs::path(path("ttt2")) / "adapters" / (std::string(name) + ".safetensors"))) << name;
  const auto sub = path("submission.json");
  const auto p = run_cli("arc predict --tasks " + tasks() + " --model " + model() + " --adapters " + out + " --out " +
                         sub + fast());
  ASSERT_EQ(p.exit_code, 0) << p.output;
  const auto score = run_cli("arc score --submission " + sub + " --solutions " + tasks() + " --json");
  EXPECT_EQ(score.exit_code, 0) << score.output;
  const auto base = run_cli("arc predict --tasks " + tasks() + " --model " + model() + " --no-ttt --out " +
                            path("base.json") + fast());
  EXPECT_EQ(base.exit_code, 0) << base.output;
  // Adapters of another rank do not load into this model: the file is named.
  const auto wrong = run_cli("arc predict --tasks " + tasks() + " --model " + model() + " --adapters " + out +
                             " --out " + path("wrong.json") + " --lora-rank 8 --max-queries 1");
  EXPECT_NE(wrong.exit_code, 0);
  EXPECT_TRUE(contains(wrong.output, "flip_rows-0.safetensors: adapters of rank 4")) << wrong.output;
  EXPECT_FALSE(fs::exists(path("wrong.json")));
}

TEST_F(ArcModelCli, TttKilledMidRunResumesWithoutRedoingFinishedTasks) {
  const auto out = path("killed");
  // kill -9 as soon as the first task's report exists (the second task is then being trained).
  const auto script = "(" + cli_command("arc ttt --tasks " + tasks() + " --model " + model() + " --out " + out + fast_training()) +
                      " >/dev/null 2>&1 & pid=$!; for i in $(seq 1 600); do [ -n \"$(ls " + out +
                      "/reports 2>/dev/null)\" ] && break; sleep 0.05; done; kill -9 $pid; wait $pid; exit 0)";
  ASSERT_EQ(run_shell(script).exit_code, 0);
  std::size_t reports = 0;
  for (const auto& e : fs::directory_iterator(fs::path(out) / "reports")) {
    reports += 1;
    EXPECT_NO_THROW(nlohmann::json::parse(slurp(e.path()))) << e.path();  // never half written
  }
  ASSERT_GE(reports, 1u);
  const auto again = run_cli("arc ttt --tasks " + tasks() + " --model " + model() + " --out " + out + fast_training());
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_TRUE(contains(again.output, std::to_string(2 - reports) + " trained, " + std::to_string(reports) +
                                         " already done")) << again.output;
  // Every adapter is whole (a kill during a write can only leave a hidden ".ttt-*" temporary behind).
  for (const auto& e : fs::directory_iterator(fs::path(out) / "adapters"))
    if (e.path().filename().string()[0] != '.') EXPECT_EQ(e.path().extension(), ".safetensors") << e.path();
}

// arc predict keeps a record per task in OUT.tasks/ until the submission is written: killed after its first
// task, it predicts only the other one when run again; two local workers write the same submission as one
// process; and the records folder is gone once the submission is complete.
TEST_F(ArcModelCli, PredictResumesAfterAKillAndSharesTheTasksAmongLocalWorkers) {
  const auto whole = path("predict_whole.json");
  const auto one = run_cli("arc predict --tasks " + tasks() + " --model " + model() + " --out " + whole + fast() + " --json");
  ASSERT_EQ(one.exit_code, 0) << one.output;
  EXPECT_FALSE(fs::exists(whole + ".tasks"));
  const auto expected = nlohmann::json::parse(slurp(whole));
  ASSERT_EQ(expected.size(), 2u);

  const auto killed = path("predict_killed.json");
  const auto command = "arc predict --tasks " + tasks() + " --model " + model() + " --out " + killed + fast() + " --json";
  const auto records = killed + ".tasks";
  const auto script = "(" + cli_command(command) + " >/dev/null 2>&1 & pid=$!; for i in $(seq 1 600); do [ -n \"$(ls " +
                      records + "/*-0.json 2>/dev/null)\" ] && break; sleep 0.05; done; kill -9 $pid; wait $pid; exit 0)";
  ASSERT_EQ(run_shell(script).exit_code, 0);
  ASSERT_FALSE(fs::exists(killed)) << "a killed prediction wrote a submission";
  std::size_t kept = 0;
  for (const auto& e : fs::directory_iterator(records))
    if (e.path().extension() == ".json" && e.path().filename() != "settings.json") kept += 1;
  ASSERT_GE(kept, 1u);
  const auto again = run_cli(command);
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(occurrences(again.output, "\"event\":\"task\""), 2 - kept) << again.output;
  EXPECT_EQ(nlohmann::json::parse(slurp(killed)), expected);
  EXPECT_FALSE(fs::exists(records));

  const auto shared = path("predict_shared.json");
  const auto two = run_cli_split("arc predict --tasks " + tasks() + " --model " + model() + " --out " + shared + fast() +
                                 " --nproc 2 --json");
  ASSERT_EQ(two.exit_code, 0) << two.output << two.err;
  EXPECT_EQ(occurrences(two.output, "\"event\":\"task\""), 2u) << two.output;  // each task once
  EXPECT_EQ(occurrences(two.output, "\"event\":\"done\""), 1u) << two.output;  // one summary, the launcher's
  EXPECT_EQ(nlohmann::json::parse(slurp(shared)), expected);
  EXPECT_FALSE(fs::exists(shared + ".tasks"));

  // Ranks of a group started elsewhere (RANK/WORLD_SIZE) each predict their fixed share and write records only;
  // a last plain run writes the submission from them without predicting anything.
  const auto ranked = path("predict_ranked.json");
  const auto rank_command = "arc predict --tasks " + tasks() + " --model " + model() + " --out " + ranked + fast() + " --json";
  for (const char* rank : {"0", "1"}) {
    const auto r = run_shell(std::string("RANK=") + rank + " WORLD_SIZE=2 " + cli_command(rank_command));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(occurrences(r.output, "\"event\":\"task\""), 1u) << r.output;
    EXPECT_FALSE(fs::exists(ranked)) << "a rank wrote the submission";
  }
  const auto assembled = run_cli(rank_command);
  ASSERT_EQ(assembled.exit_code, 0) << assembled.output;
  EXPECT_EQ(occurrences(assembled.output, "\"event\":\"task\""), 0u) << assembled.output;
  EXPECT_EQ(nlohmann::json::parse(slurp(ranked)), expected);
}

// Ctrl-C: the task under way is finished and recorded, the rest is left, no submission is written, and the
// message says how to finish; the same command then predicts only what is left.
TEST_F(ArcModelCli, PredictInterruptedWritesNoSubmissionAndSaysHowToFinish) {
  const auto three = path("three_tasks");
  const auto g = run_cli("arc generate --families recolor_all,flip_rows,flip_columns --per-family 1 --min-side 3 "
                         "--max-side 4 --demos 3-3 --seed 5 --out " + three);
  ASSERT_EQ(g.exit_code, 0) << g.output;
  const auto out = path("predict_interrupted.json");
  const auto command = "arc predict --tasks " + three + " --model " + model() + " --out " + out + fast();
  // SIGINT as soon as the first task's record exists (the second task is then under way).
  const auto script = "set -m; " + cli_command(command) + " > " + out + ".log 2>&1 & pid=$!; for i in $(seq 1 600); do " +
                      "[ -n \"$(ls " + out + ".tasks/*-0.json 2>/dev/null)\" ] && break; sleep 0.05; done; " +
                      "kill -INT $pid; wait $pid; echo \"exit=$?\"";
  const auto r = run_shell(script);
  EXPECT_TRUE(contains(r.output, "exit=130")) << r.output << slurp(out + ".log");
  EXPECT_FALSE(fs::exists(out)) << "an interrupted prediction wrote a submission";
  EXPECT_TRUE(contains(slurp(out + ".log"), "run the same command again")) << slurp(out + ".log");
  const auto again = run_cli(command);
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_LT(occurrences(again.output, "] "), 3u) << "tasks predicted before the interrupt were predicted again:\n"
                                                 << again.output;
  EXPECT_EQ(nlohmann::json::parse(slurp(out)).size(), 3u);
}

TEST_F(ArcModelCli, BadTasksModelsAndContextsGiveClearErrors) {
  // A malformed task file.
  fs::create_directories(path("bad"));
  { std::ofstream(path("bad/broken.json")) << "{\"train\": [{\"input\": [[1,2],[3]], \"output\": [[1]]}], \"test\": []}"; }
  auto r = run_cli("arc eval --tasks " + path("bad/broken.json") + " --model " + model() + fast());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.output, "broken.json")) << r.output;
  // A missing model folder and a corrupt one.
  r = run_cli("arc predict --tasks " + tasks() + " --model " + path("nope") + " --no-ttt --out " + path("x.json"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.output, "nope")) << r.output;
  fs::create_directories(path("corrupt"));
  fs::copy_file(fs::path(model()) / "config.json", path("corrupt/config.json"));
  const auto weights = slurp(fs::path(model()) / "model.safetensors");
  { std::ofstream(path("corrupt/model.safetensors"), std::ios::binary) << weights.substr(0, weights.size() / 2); }
  r = run_cli("arc predict --tasks " + tasks() + " --model " + path("corrupt") + " --no-ttt --out " + path("x.json"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.output, "model.safetensors")) << r.output;
  EXPECT_FALSE(fs::exists(path("x.json")));
  // A task whose demonstrations cannot fit the 256-token context: named, the others still trained.
  fs::create_directories(path("long"));
  std::string row = "[" + std::string("1,") ;
  for (int c = 1; c < 19; ++c) row += "2,";
  row += "3]";
  std::string grid = "[";
  for (int r2 = 0; r2 < 20; ++r2) grid += row + (r2 < 19 ? "," : "]");
  { std::ofstream(path("long/long.json")) << "{\"train\": [{\"input\": " << grid << ", \"output\": " << grid
                                            << "}, {\"input\": " << grid << ", \"output\": " << grid
                                            << "}], \"test\": [{\"input\": " << grid << "}]}"; }
  fs::copy_file(fs::path(tasks()) / "recolor_all-0.json", path("long/recolor_all-0.json"));
  r = run_cli("arc ttt --tasks " + path("long") + " --model " + model() + " --out " + path("long-out") + fast_training());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.output, "long: failed")) << r.output;
  EXPECT_TRUE(contains(r.output, "context")) << r.output;
  EXPECT_TRUE(fs::exists(fs::path(path("long-out")) / "adapters" / "recolor_all-0.safetensors"));
}
