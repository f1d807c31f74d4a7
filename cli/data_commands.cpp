#include "commands.h"

namespace ttt::cli {

void register_data_commands(CLI::App& app) {
  CLI::App* data = app.add_subcommand(
      "data", "Text corpora from Debian packages or your files: build, train a tokenizer, tokenize, inspect");
  data->require_subcommand(1);
  register_data_corpus(*data);
  register_data_tokenizer(*data);
  register_data_tokenize(*data);
  register_data_inspect(*data);
}

}  // namespace ttt::cli
