// rlab pipelines [NAME]: what can be run, and every config key of one pipeline with its
// type, live default and meaning.
#include <cstdio>

#include "rlab/cli/commands.h"
#include "rlab/pipeline/run/pipeline.h"

namespace rlab::cli {

void AddPipelinesCommand(CLI::App& app) {
  auto name = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("pipelines", "list pipelines, or show one's config keys");
  cmd->add_option("name", *name, "a pipeline name");
  cmd->callback([name] {
    pipeline::RegisterBuiltins();
    auto& registry = pipeline::Pipelines();
    if (name->empty()) {
      std::printf("pipelines (rlab pipelines NAME shows a pipeline's keys):\n%s",
                  registry.Help().c_str());
      return;
    }
    auto p = registry.Create(*name);
    std::printf("%s: %s\n\nkeys (section.key, type, default, meaning):\n%s", name->c_str(),
                registry.Get(*name).help.c_str(), p->Fields().Help().c_str());
  });
}

}  // namespace rlab::cli
