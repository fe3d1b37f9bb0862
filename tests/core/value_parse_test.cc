#include "rlab/core/value_parse.h"

#include <gtest/gtest.h>

#include <cmath>

#include "rlab/core/check.h"

namespace rlab {
namespace {

TEST(ValueParse, Bools) {
  for (const char* t : {"true", "True", "1", "yes", "on"}) EXPECT_TRUE(ParseBool(t, "k")) << t;
  for (const char* t : {"false", "FALSE", "0", "no", "off"}) EXPECT_FALSE(ParseBool(t, "k")) << t;
  EXPECT_THROW(ParseBool("maybe", "k"), Error);
}

TEST(ValueParse, IntegersAcceptIntegralFloatNotation) {
  EXPECT_EQ(ParseInt("42", "k"), 42);
  EXPECT_EQ(ParseInt("-7", "k"), -7);
  EXPECT_EQ(ParseInt("5e5", "k"), 500000);
  EXPECT_EQ(ParseInt("1000.0", "k"), 1000);
  for (const char* t : {"", "1.5", "abc", "12x", "1e40"})
    EXPECT_THROW(ParseInt(t, "k"), Error) << t;
  EXPECT_THROW(ValueCodec<int>::Parse("3000000000", "k"), Error);
  EXPECT_THROW(ParseUnsigned("-1", "k"), Error);
  EXPECT_EQ(ParseUnsigned("18446744073709551615", "k"), UINT64_MAX);
}

TEST(ValueParse, Doubles) {
  EXPECT_DOUBLE_EQ(ParseDouble("1e-3", "k"), 1e-3);
  EXPECT_DOUBLE_EQ(ParseDouble("-2.5", "k"), -2.5);
  EXPECT_TRUE(std::isinf(ParseDouble(".inf", "k")));
  EXPECT_THROW(ParseDouble("nan", "k"), Error);
  EXPECT_THROW(ParseDouble("0.1.2", "k"), Error);
}

TEST(ValueParse, ErrorNamesTheKeyAndTheText) {
  try {
    ParseDouble("fast", "key 'train.lr'");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("key 'train.lr': expected a number, got 'fast'"),
              std::string::npos)
        << e.what();
  }
}

TEST(ValueParse, DoubleFormatRoundTripsExactly) {
  for (double v : {0.1, 1e-3, 1.0 / 3.0, 123456789.123, -0.0}) {
    EXPECT_EQ(ParseDouble(ValueCodec<double>::Format(v), "k"), v);
  }
}

}  // namespace
}  // namespace rlab
