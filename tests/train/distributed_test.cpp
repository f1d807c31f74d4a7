// Data parallelism over c10d Gloo on loopback: 2 processes × batch b reach the parameters of
// 1 process × batch 2b. The workers are this test binary itself, started with a filter that runs the
// (otherwise disabled) worker test.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "support/expect_error.h"
#include "train_fixtures.h"
#include "ttt/io/safetensors_torch.h"

namespace ttt::train {
namespace {

constexpr int kSteps = 3;

models::CausalLM worker_model(std::uint64_t seed) {
  torch::manual_seed(seed);
  return models::CausalLM(test_support::tiny_config("linear", "mamba"));
}

void train_and_save(Communicator& comm, const std::string& out) {
  data::VectorWindows windows(test_support::patterned_tokens(3000, 23), 16);
  // Each rank initialises differently on purpose: the trainer must start every rank from rank 0's weights.
  auto model = worker_model(21 + static_cast<std::uint64_t>(comm.rank()));
  Trainer trainer(model, test_support::small_train_options(kSteps), windows, comm);
  while (!trainer.finished()) trainer.step();
  if (comm.rank() == 0) io::save_tensors(out, test_support::parameters_of(model));
}

TEST(DistributedWorker, DISABLED_TrainShard) {
  const char* out = std::getenv("TTT_TEST_DDP_OUT");
  ASSERT_NE(out, nullptr);
  torch::set_num_threads(1);
  auto env = distributed_env_from_environment();
  ASSERT_TRUE(env.has_value());
  auto comm = make_gloo_communicator(*env, std::chrono::seconds(60));
  train_and_save(*comm, out);
}

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  const int port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

TEST(Distributed, TwoProcessesMatchOneProcessWithTheSameGlobalBatch) {
  const auto dir = test_support::fresh_temp_dir("ttt_ddp");
  const std::string two = (dir / "two.safetensors").string();
  const std::string port = std::to_string(free_port());
  std::vector<pid_t> pids;
  for (int rank = 0; rank < 2; ++rank) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::setenv("RANK", std::to_string(rank).c_str(), 1);
      ::setenv("WORLD_SIZE", "2", 1);
      ::setenv("MASTER_ADDR", "127.0.0.1", 1);
      ::setenv("MASTER_PORT", port.c_str(), 1);
      ::setenv("TTT_TEST_DDP_OUT", two.c_str(), 1);
      ::execl("/proc/self/exe", "worker", "--gtest_filter=DistributedWorker.DISABLED_TrainShard",
              "--gtest_also_run_disabled_tests", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    pids.push_back(pid);
  }
  for (pid_t pid : pids) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "a worker failed (status " << status << ")";
  }
  auto single = make_single_process_communicator();
  const std::string one = (dir / "one.safetensors").string();
  train_and_save(*single, one);
  const auto a = io::load_tensors(one), b = io::load_tensors(two);
  ASSERT_EQ(a.tensors.size(), b.tensors.size());
  double worst = 0;
  for (std::size_t i = 0; i < a.tensors.size(); ++i)
    worst = std::max(worst, (a.tensors[i].second - b.tensors[i].second).abs().max().item<double>());
  EXPECT_LE(worst, 1e-5);
  // And training really moved the parameters (the comparison is not between two untouched models).
  auto untouched = worker_model(21);
  double moved = 0;
  std::size_t i = 0;
  for (auto& item : untouched->named_parameters())
    moved = std::max(moved, (item.value() - a.tensors[i++].second).abs().max().item<double>());
  EXPECT_GT(moved, 1e-3);
}

TEST(Distributed, EnvironmentErrorsNameTheVariable) {
  ::setenv("WORLD_SIZE", "2", 1);
  ::setenv("RANK", "5", 1);
  test_support::expect_error([] { distributed_env_from_environment(); }, {"RANK", "0..1"});
  ::setenv("RANK", "1", 1);
  ::setenv("MASTER_PORT", "http", 1);
  test_support::expect_error([] { distributed_env_from_environment(); }, {"MASTER_PORT"});
  ::unsetenv("MASTER_PORT");
  ::unsetenv("RANK");
  ::unsetenv("WORLD_SIZE");
  EXPECT_FALSE(distributed_env_from_environment().has_value());
}

}  // namespace
}  // namespace ttt::train
