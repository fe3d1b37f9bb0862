// A text task whose gold preference cycles: rock beats scissors, scissors beat paper, paper
// beats rock, each with its own strength, so that the judge is intransitive and no scalar
// reward (no Bradley-Terry model) explains it. The testbed where methods that fit a reward to
// preferences and methods that seek the Nash equilibrium of the preference game part ways.
//
// A prompt is a short place name ("river:"); a completion is one word and a full stop
// (" stone."), each word a surface form of one of three types. Any other text is invalid: it
// loses to every valid completion and ties with other invalid text. With the default strengths
// P(rock > scissors) = 0.9, P(scissors > paper) = 0.9 and P(paper > rock) = 0.75, a
// Bradley-Terry fit of uniformly drawn pairs ranks rock first (it wins 0.55 of its comparisons
// against a uniform mix, scissors 0.50, paper 0.45), but a policy that answers rock is beaten
// by paper three times in four. With x = P(rock > scissors) - 1/2, y = P(scissors > paper) - 1/2
// and z = P(paper > rock) - 1/2 (all positive), the game's unique mixed Nash equilibrium plays
// (rock, scissors, paper) in the proportions (y, z, x) / (x + y + z): (0.381, 0.238, 0.381).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "rlab/text/response_game.h"
#include "rlab/text/text_task.h"

namespace rlab::data {

struct CyclicOptions {
  double rock_beats_scissors = 0.9;
  double scissors_beat_paper = 0.9;
  double paper_beats_rock = 0.75;
  // SampleResponse's share of invalid text (the rest: a uniform type, a uniform surface form);
  // demonstrations are always valid.
  double invalid_rate = 0.1;
  void Validate() const;
};

class CyclicTask : public TextTask, public ResponseGame {
 public:
  explicit CyclicTask(CyclicOptions options);
  // A prompt and a demonstration of a uniformly drawn type and surface form: SFT learns the
  // uniform mix, a start that is neither the Bradley-Terry winner nor the Nash mix. Both splits
  // draw from the same prompts (the prompt does not change the game).
  TaskExample Sample(Rng& rng, TaskSplit split) const override;
  // Invalid text at invalid_rate, else what Sample's demonstrations draw.
  std::string SampleResponse(std::string_view prompt, Rng& rng) const override;
  // NOT this task's objective, which is the game (no scalar reward can be): the completion's
  // expected preference against SampleResponse's distribution, a Borda score. It is what a
  // reward fitted to uniformly drawn pairs ranks by, and what min_gold_gap compares.
  double GoldReward(std::string_view prompt, std::string_view completion) const override;
  // The matrix entry of the two completions' types (invalid text: 0 against valid, 1/2 against
  // invalid).
  double GoldPreference(std::string_view prompt, std::string_view a,
                        std::string_view b) const override;
  const ResponseGame* Game() const override { return this; }
  std::string MetricName() const override { return "borda_score"; }
  // The task is a property of the policy's distribution over types: scored on samples.
  double EvalTemperature() const override { return 1.0; }
  int64_t MaxCompletionChars() const override;
  std::string Describe() const override;

  std::vector<std::string> TypeNames() const override;
  std::vector<std::vector<double>> TypePreference() const override;
  // A completion's type: after the first line is cut and surrounding spaces trimmed, exactly
  // one surface form followed by ".".
  int64_t TypeOf(std::string_view completion) const override;

  static const std::vector<std::string>& Prompts();
  // [type][form] the surface forms of each type, in TypeNames() order.
  static const std::vector<std::vector<std::string>>& SurfaceForms();

 private:
  void CheckPrompt(std::string_view prompt) const;
  std::string SampleValid(Rng& rng) const;
  CyclicOptions options_;
};

}  // namespace rlab::data
