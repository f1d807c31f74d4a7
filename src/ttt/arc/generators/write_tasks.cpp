#include "ttt/arc/generators/write_tasks.h"

#include <filesystem>

#include "ttt/arc/task_io.h"
#include "ttt/util/error.h"

namespace ttt::arc::gen {

int write_generated_tasks(const DatasetRequest& request, const DatasetProgress& progress) {
  check_options(request.options);
  TTT_CHECK(!request.families.empty(), "[arc generate] no families selected");
  TTT_CHECK(request.per_family > 0, "[arc generate] tasks per family must be positive, got ", request.per_family);
  TTT_CHECK(!request.out_dir.empty(), "[arc generate] no output folder given");

  auto make = [&](const Family& family, int index) {
    const std::string id = family.name + "-" + std::to_string(index);
    return generate_task(family, request.options, task_seed(request.seed, family.name, index), id).task;
  };
  std::vector<Task> first_tasks;
  for (const Family* family : request.families) first_tasks.push_back(make(*family, 0));

  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(request.out_dir, ec);
  TTT_CHECK(fs::is_directory(request.out_dir), "[arc generate] cannot create output folder '", request.out_dir,
            "'", ec ? ": " + ec.message() : std::string());

  int written = 0;
  const int total = static_cast<int>(request.families.size());
  for (int f = 0; f < total; ++f) {
    const Family& family = *request.families[f];
    for (int index = 0; index < request.per_family; ++index) {
      const Task task = index == 0 ? first_tasks[f] : make(family, index);
      save_task((fs::path(request.out_dir) / (task.id + ".json")).string(), task);
      ++written;
    }
    if (progress) progress(family.name, request.per_family, f + 1, total);
  }
  return written;
}

}  // namespace ttt::arc::gen
