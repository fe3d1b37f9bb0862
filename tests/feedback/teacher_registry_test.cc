// The teacher registry and the imitation library's Bradley-Terry teacher (imitation,
// arXiv:2211.11972; Christiano et al., arXiv:1706.03741).
#include "rlab/feedback/teacher_registry.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "rlab/core/check.h"
#include "rlab/feedback/imitation_teacher.h"
#include "test_support.h"
#include "numeric_support.h"

namespace rlab::feedback {
namespace {

using testing::ErrorOf;
using Segment = std::vector<double>;

using testing::Sigmoid;

TEST(TeacherRegistry, ListsEveryTeacherAndDescribesThem) {
  RegisterTeachers();
  RegisterTeachers();  // idempotent
  EXPECT_EQ(Teachers().List(),
            (std::vector<std::string>{"bradley_terry", "equal", "mistake", "myopic", "oracle",
                                      "scripted", "skip", "stochastic"}));
  EXPECT_EQ(MakeTeacher("oracle")->Describe(),
            "scripted(beta=0, gamma=1, eps_mistake=0, eps_skip=0, eps_equal=0)");
  EXPECT_EQ(MakeTeacher("stochastic")->Describe(),
            "scripted(beta=1, gamma=1, eps_mistake=0, eps_skip=0, eps_equal=0)");
  EXPECT_EQ(MakeTeacher("mistake")->Describe(),
            "scripted(beta=0, gamma=1, eps_mistake=0.1, eps_skip=0, eps_equal=0)");
  EXPECT_EQ(MakeTeacher("myopic")->Describe(),
            "scripted(beta=0, gamma=0.9, eps_mistake=0, eps_skip=0, eps_equal=0)");
  EXPECT_EQ(MakeTeacher("skip")->Describe(),
            "scripted(beta=0, gamma=1, eps_mistake=0, eps_skip=0.1, eps_equal=0)");
  EXPECT_EQ(MakeTeacher("equal")->Describe(),
            "scripted(beta=0, gamma=1, eps_mistake=0, eps_skip=0, eps_equal=0.1)");
  EXPECT_EQ(MakeTeacher("scripted(beta=1, gamma=0.9, eps_mistake=0.1)")->Describe(),
            "scripted(beta=1, gamma=0.9, eps_mistake=0.1, eps_skip=0, eps_equal=0)");
  EXPECT_EQ(MakeTeacher("mistake(eps_mistake=0.2)")->Describe(),
            "scripted(beta=0, gamma=1, eps_mistake=0.2, eps_skip=0, eps_equal=0)");
  EXPECT_EQ(MakeTeacher("bradley_terry(temperature=1, discount=1)")->Describe(),
            "bradley_terry(temperature=1, discount=1, threshold=50)");
}

TEST(TeacherRegistry, ErrorsListWhatIsValid) {
  const std::string unknown = ErrorOf([] { MakeTeacher("noisy"); });
  EXPECT_NE(unknown.find("unknown teacher 'noisy'"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("bradley_terry, equal, mistake, myopic, oracle, scripted, skip, "
                         "stochastic"),
            std::string::npos)
      << unknown;
  const std::string key = ErrorOf([] { MakeTeacher("scripted(rationality=1)"); });
  EXPECT_NE(key.find("beta, gamma, eps_mistake, eps_skip, eps_equal"), std::string::npos) << key;
  const std::string bt_key = ErrorOf([] { MakeTeacher("bradley_terry(beta=1)"); });
  EXPECT_NE(bt_key.find("temperature, discount, threshold"), std::string::npos) << bt_key;
  EXPECT_NE(ErrorOf([] { MakeTeacher("bradley_terry(discount=0)"); }).find("discount"),
            std::string::npos);
  EXPECT_NE(ErrorOf([] { MakeTeacher("bradley_terry(temperature=-1)"); }).find("temperature"),
            std::string::npos);
}

TEST(ImitationBradleyTerryTeacher, DiscountCountsFromTheFragmentStart) {
  auto t = MakeTeacher("bradley_terry(temperature=2, discount=0.5)");
  const auto& bt = dynamic_cast<const ImitationBradleyTerryTeacher&>(*t);
  // Weights 1, 0.5, 0.25: (1, 2, 4) -> 1 + 1 + 1 = 3.
  EXPECT_EQ(bt.DiscountedReturn(Segment{1, 2, 4}), 3.0);
  EXPECT_EQ(bt.DiscountedReturn(Segment{0, 0, 4}), 1.0);
  // P(second) = sigmoid((R2 - R1) / temperature) = sigmoid(-1.5).
  const Segment a{1, 2, 4}, b{0, 0, 0};
  EXPECT_NEAR(bt.SecondPreferredProbability({a, b}), Sigmoid(-1.5), 1e-15);
  Rng rng(5);
  double sum = 0;
  const int n = 20000;  // standard error <= 0.0036; tolerance 0.015
  for (int i = 0; i < n; ++i) {
    const TeacherLabel l = t->Label({a, b}, {}, rng);
    ASSERT_TRUE(l.answered);
    sum += l.label;
  }
  EXPECT_NEAR(sum / n, Sigmoid(-1.5), 0.015);
}

TEST(ImitationBradleyTerryTeacher, ZeroTemperatureIsDeterministicAndClipIsKept) {
  auto t = MakeTeacher("bradley_terry(temperature=0)");
  Rng rng(1);
  const Segment lo{0, 1}, hi{1, 1}, same{1, 0};
  EXPECT_EQ(t->Label({hi, lo}, {}, rng).label, kFirstPreferred);
  EXPECT_EQ(t->Label({lo, hi}, {}, rng).label, kSecondPreferred);
  EXPECT_EQ(t->Label({lo, same}, {}, rng).label, kEquallyPreferred);  // as in imitation
  // The scaled difference is clipped at +-50 as in imitation.
  auto clip = MakeTeacher("bradley_terry");
  const auto& bt = dynamic_cast<const ImitationBradleyTerryTeacher&>(*clip);
  EXPECT_DOUBLE_EQ(bt.SecondPreferredProbability({Segment{100}, Segment{0}}), Sigmoid(-50.0));
  EXPECT_DOUBLE_EQ(bt.SecondPreferredProbability({Segment{0}, Segment{100}}), Sigmoid(50.0));
  EXPECT_EQ(bt.SecondPreferredProbability({Segment{1000}, Segment{0}}),
            bt.SecondPreferredProbability({Segment{60}, Segment{0}}));
}

}  // namespace
}  // namespace rlab::feedback
