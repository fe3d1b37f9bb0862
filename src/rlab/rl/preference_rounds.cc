#include "rlab/rl/preference_rounds.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include "rlab/core/check.h"
#include "rlab/core/spec.h"
#include "rlab/feedback/teacher_registry.h"

namespace rlab::rl {

PairTeacher::PairTeacher(const std::string& spec, const feedback::PeopleRun& run) {
  const Spec parsed = Spec::Parse(spec);
  if (parsed.name == feedback::kPeopleTeacherSpec) {
    people_ = std::make_unique<feedback::PeopleTeacher>(spec, run);
  } else if (parsed.name == "file") {
    RLAB_CHECK(parsed.args.size() == 1 && parsed.args[0].first == "path",
               "teacher '{}': a file teacher is file(path=FEEDBACK.jsonl)", spec);
    file_ = std::make_unique<feedback::FileTeacher>(parsed.args[0].second);
  } else {
    scripted_ = feedback::MakeTeacher(spec);
  }
}

feedback::TeacherLabel PairTeacher::Label(int64_t first, int64_t second,
                                          const feedback::SegmentQuery& query,
                                          const feedback::TeacherContext& context, Rng& rng) const {
  if (scripted_) return scripted_->Label(query, context, rng);
  RLAB_CHECK(file_ != nullptr,
             "the people teacher answers a whole round (PeopleTeacher::Ask), not one pair");
  if (auto label = file_->Lookup(first, second)) return *label;
  ++missing_;
  return {};  // not in the file: asked, not answered
}

void PairTeacher::CheckFileSegments(const data::TrajectoryStore& store) const {
  if (!file_) return;
  const int64_t cut = store.next_segment_id();
  file_->CheckSegments([cut](int64_t id) { return id < cut; },
                       cut == 0 ? std::string("this run cut no segments")
                                : fmt::format("this run cut segments 0 to {}", cut - 1));
}

std::string PairTeacher::Describe() const {
  return scripted_ ? scripted_->Describe() : file_ ? file_->Describe() : people_->Describe();
}

namespace {

// Rows of the segment's steps that are behaviour (absorbing padding left out), as JSON.
nlohmann::json BehaviourRows(const torch::Tensor& values, const torch::Tensor& absorbing) {
  const torch::Tensor rows = values.index({absorbing.logical_not()}).to(torch::kDouble);  // [h, D]
  const auto a = rows.accessor<double, 2>();
  nlohmann::json out = nlohmann::json::array();
  for (int64_t t = 0; t < a.size(0); ++t) {
    nlohmann::json row = nlohmann::json::array();
    for (int64_t d = 0; d < a.size(1); ++d) row.push_back(a[t][d]);
    out.push_back(std::move(row));
  }
  return out;
}

// The people teacher's view of the pairs (firsts[k], seconds[k]) for k in `chosen`.
std::vector<feedback::PeopleQuery> PeopleQueries(const data::TrajectoryStore& store,
                                                 const std::vector<int64_t>& firsts,
                                                 const std::vector<int64_t>& seconds,
                                                 const std::vector<int64_t>& chosen) {
  std::vector<int64_t> ids;
  for (int64_t k : chosen) {
    ids.push_back(firsts[k]);
    ids.push_back(seconds[k]);
  }
  const data::SegmentTensors segments = store.Segments(ids);  // [2n, H, .]
  auto segment = [&](int64_t i) {
    return nlohmann::json{{"observations", BehaviourRows(segments.obs[i], segments.absorbing[i])},
                          {"actions", BehaviourRows(segments.actions[i], segments.absorbing[i])}};
  };
  std::vector<feedback::PeopleQuery> queries;
  for (std::size_t k = 0; k < chosen.size(); ++k) {
    queries.push_back({ids[2 * k], ids[2 * k + 1], segment(2 * k), segment(2 * k + 1)});
  }
  return queries;
}

}  // namespace

PreferenceRounds::PreferenceRounds(const PreferenceRoundOptions& options,
                                   const std::string& teacher_spec, data::TrajectoryStore& store,
                                   int64_t episode_length, const feedback::PeopleRun& people_run)
    : options_(options),
      teacher_(teacher_spec, people_run),
      selector_(feedback::MakeQuerySelector(options.selector)),
      schedule_(feedback::MakeQuerySchedule(options.schedule)),
      store_(store),
      episode_length_(episode_length) {
  RLAB_CHECK(options.budget >= 0, "feedback.budget must be >= 0, got {}", options.budget);
  RLAB_CHECK(options.batch >= 1, "feedback.batch must be >= 1, got {}", options.batch);
}

int64_t PreferenceRounds::Ask(int64_t step, int64_t total_steps, reward::RewardEnsemble* ensemble,
                              bool uniform, std::vector<feedback::FeedbackRecord>& queries,
                              Rng& rng) {
  const int64_t n = feedback::ClampToBudget(schedule_->BatchSize(options_.batch, step, total_steps),
                                            counts_.asked, options_.budget);
  if (n <= 0) return 0;
  const int64_t pool = selector_->PoolSize(n);
  const std::vector<int64_t> ids = store_.CutSegments(2 * pool, rng);
  const std::vector<int64_t> firsts(ids.begin(), ids.begin() + pool);
  const std::vector<int64_t> seconds(ids.begin() + pool, ids.end());

  std::vector<int64_t> chosen;
  if (!uniform && ensemble != nullptr && selector_->NeedsProbabilities()) {
    torch::NoGradGuard no_grad;
    const torch::Tensor probs = (*ensemble)->MemberPreferenceProbabilities(
        reward::ToSegmentBatch(store_.Segments(firsts)),
        reward::ToSegmentBatch(store_.Segments(seconds)));  // [M, pool]
    std::vector<double> storage;
    chosen = selector_->Select(feedback::MemberProbabilities::FromTensor(probs, storage), n, rng);
  } else {
    // PEBBLE's first round, or a selector that needs no model: n of the pool, uniformly.
    std::vector<int64_t> order(pool);
    for (int64_t i = 0; i < pool; ++i) order[i] = i;
    for (int64_t i = 0; i < n; ++i) std::swap(order[i], order[i + rng.UniformInt(pool - i)]);
    chosen.assign(order.begin(), order.begin() + n);
  }

  const feedback::TeacherContext context{store_.MeanRecentReturn(), episode_length_};
  // People answer the whole round at once; the other teachers one query at a time.
  const std::vector<feedback::TeacherLabel> answers =
      teacher_.people() ? teacher_.people()->Ask(PeopleQueries(store_, firsts, seconds, chosen))
                        : std::vector<feedback::TeacherLabel>{};
  std::vector<int64_t> pin;
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    const int64_t a = firsts[chosen[i]], b = seconds[chosen[i]];
    const feedback::SegmentQuery query{store_.TrueRewards(a), store_.TrueRewards(b)};
    const feedback::TeacherLabel label =
        teacher_.people() ? answers[i] : teacher_.Label(a, b, query, context, rng);
    counts_.Add(label);
    feedback::FeedbackRecord record;
    record.step = step;
    record.first = a;
    record.second = b;
    if (label.answered) {
      record.label = label.label;
      labelled_.push_back({a, b, label.label});
      pin.push_back(a);
      pin.push_back(b);
    }
    record.teacher = teacher_.Describe();
    queries.push_back(std::move(record));
  }
  store_.Pin(pin);
  store_.DropUnpinned();
  // No later round can ask for what the file still holds: a segment id the run never cut is a
  // mistake in the file, not a label to leave unused.
  if (!budget_left()) teacher_.CheckFileSegments(store_);
  return static_cast<int64_t>(chosen.size());
}

reward::PreferencePairs PreferenceRounds::Pairs() const {
  std::vector<int64_t> firsts, seconds;
  std::vector<float> labels;
  for (const LabelledPair& p : labelled_) {
    firsts.push_back(p.first);
    seconds.push_back(p.second);
    labels.push_back(static_cast<float>(p.label));
  }
  return {reward::ToSegmentBatch(store_.Segments(firsts)),
          reward::ToSegmentBatch(store_.Segments(seconds)), torch::tensor(labels)};
}

nlohmann::json PreferenceRounds::ToJson() const {
  nlohmann::json pairs = nlohmann::json::array();
  for (const LabelledPair& p : labelled_) pairs.push_back({p.first, p.second, p.label});
  return {{"asked", counts_.asked}, {"answered", counts_.answered}, {"pairs", pairs}};
}

void PreferenceRounds::FromJson(const nlohmann::json& j) {
  counts_.asked = j.at("asked");
  counts_.answered = j.at("answered");
  labelled_.clear();
  for (const auto& p : j.at("pairs")) labelled_.push_back({p[0], p[1], p[2]});
}

}  // namespace rlab::rl
