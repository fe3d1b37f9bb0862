// The `rlab` subcommands. Each lives in its own cmd_*.cc and is added here, in one place.
#pragma once

#include <CLI/CLI.hpp>

namespace rlab::cli {

void AddRunCommand(CLI::App& app);
void AddDoctorCommand(CLI::App& app);
void AddPipelinesCommand(CLI::App& app);
void AddReportCommand(CLI::App& app);
void AddDistanceCommand(CLI::App& app);
void AddControlRlCommand(CLI::App& app);
void AddPbrlCommand(CLI::App& app);
void AddEvalPolicyCommand(CLI::App& app);
void AddTokenizeCommands(CLI::App& app);
void AddGenerateCommand(CLI::App& app);
void AddSftCommand(CLI::App& app);
void AddDataCommand(CLI::App& app);
void AddTrainRmCommand(CLI::App& app);
void AddEvalRmCommand(CLI::App& app);
void AddTrainPrmCommand(CLI::App& app);
void AddScoreCommand(CLI::App& app);
void AddDpoCommand(CLI::App& app);
void AddLmRlCommand(CLI::App& app);
void AddOnlinePoCommand(CLI::App& app);
void AddOveroptCommand(CLI::App& app);
void AddStudyCommand(CLI::App& app);
void AddServeRmCommand(CLI::App& app);
void AddLabelCommand(CLI::App& app);

inline void AddAllCommands(CLI::App& app) {
  AddRunCommand(app);
  AddDoctorCommand(app);
  AddPipelinesCommand(app);
  AddReportCommand(app);
  AddDistanceCommand(app);
  AddControlRlCommand(app);
  AddPbrlCommand(app);
  AddEvalPolicyCommand(app);
  AddTokenizeCommands(app);
  AddGenerateCommand(app);
  AddSftCommand(app);
  AddTrainRmCommand(app);
  AddEvalRmCommand(app);
  AddTrainPrmCommand(app);
  AddScoreCommand(app);
  AddDpoCommand(app);
  AddLmRlCommand(app);
  AddOnlinePoCommand(app);
  AddOveroptCommand(app);
  AddStudyCommand(app);
  AddDataCommand(app);
  AddServeRmCommand(app);
  AddLabelCommand(app);
}

}  // namespace rlab::cli
