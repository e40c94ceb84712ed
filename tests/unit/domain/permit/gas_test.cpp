#include "anguan/domain/permit/gas.hpp"

#include <limits>
#include <string>

#include <gtest/gtest.h>

#include "anguan/domain/permit/grading.hpp"

namespace anguan::permit {
namespace {

struct Case {
  const char* gas;
  double value;
  const char* unit;
  double lel;
  GasContext ctx;
  bool pass;
  const char* key;
};

TEST(PermitGas, Boundaries) {
  constexpr auto kHot = GasContext::kHotWork;
  constexpr auto kCs = GasContext::kConfinedSpace;
  const Case cases[] = {
      // flammable, LEL ≥ 4 % → ≤ 0.5 %vol
      {"flammable", 0.5, "%vol", 4.0, kHot, true, "permit.gas.flammable_ok"},
      {"flammable", 0.51, "%vol", 4.0, kHot, false, "permit.gas.flammable_high"},
      {"flammable", 0.5, "%vol", 5.0, kCs, true, "permit.gas.flammable_ok"},
      // LEL < 4 % → ≤ 0.2 %vol
      {"flammable", 0.2, "%vol", 3.99, kHot, true, "permit.gas.flammable_ok"},
      {"flammable", 0.21, "%vol", 3.99, kHot, false, "permit.gas.flammable_high"},
      {"flammable", 0.3, "%vol", 2.1, kHot, false, "permit.gas.flammable_high"},
      // unknown LEL → the stricter 0.2 %
      {"flammable", 0.2, "%vol", 0, kHot, true, "permit.gas.flammable_ok"},
      {"flammable", 0.3, "%vol", 0, kHot, false, "permit.gas.flammable_high"},
      // %LEL converted with the LEL: 10 %LEL of 5 % = 0.5 %vol
      {"flammable", 10, "%LEL", 5.0, kHot, true, "permit.gas.flammable_ok"},
      {"flammable", 10.2, "%LEL", 5.0, kHot, false, "permit.gas.flammable_high"},
      {"flammable", 10, "%LEL", 0, kHot, false, "permit.gas.lel_unit_needs_lel"},
      {"flammable", 0.1, "mg/m3", 5.0, kHot, false, "permit.gas.bad_unit"},
      // O2, confined space 19.5–21 %
      {"o2", 19.5, "%vol", 0, kCs, true, "permit.gas.o2_ok"},
      {"o2", 19.49, "%vol", 0, kCs, false, "permit.gas.o2_low"},
      {"o2", 21.0, "%vol", 0, kCs, true, "permit.gas.o2_ok"},
      {"o2", 21.01, "%vol", 0, kCs, false, "permit.gas.o2_high"},
      // enriched confined space and oxygen equipment ≤ 23.5 %
      {"o2", 23.5, "%vol", 0, GasContext::kConfinedSpaceEnriched, true, "permit.gas.o2_ok"},
      {"o2", 23.51, "%vol", 0, GasContext::kConfinedSpaceEnriched, false, "permit.gas.o2_high"},
      {"o2", 19.4, "%vol", 0, GasContext::kConfinedSpaceEnriched, false, "permit.gas.o2_low"},
      {"o2", 23.5, "%vol", 0, GasContext::kOxygenEquipment, true, "permit.gas.o2_ok"},
      {"o2", 23.51, "%vol", 0, GasContext::kOxygenEquipment, false, "permit.gas.o2_high"},
      {"o2", 15.0, "%vol", 0, GasContext::kOxygenEquipment, true, "permit.gas.o2_ok"},
      {"o2", 22.0, "%vol", 0, kHot, true, "permit.gas.o2_ok"},
      // toxics: MAC first, else PC-STEL
      {"h2s", 10, "mg/m3", 0, kCs, true, "permit.gas.toxic_ok"},
      {"h2s", 10.01, "mg/m3", 0, kCs, false, "permit.gas.toxic_high"},
      {"co", 30, "mg/m3", 0, kCs, true, "permit.gas.toxic_ok"},
      {"co", 30.1, "mg/m3", 0, kCs, false, "permit.gas.toxic_high"},
      {"nh3", 30, "mg/m3", 0, kCs, true, "permit.gas.toxic_ok"},
      {"cl2", 1, "mg/m3", 0, kCs, true, "permit.gas.toxic_ok"},
      {"cl2", 1.01, "mg/m3", 0, kCs, false, "permit.gas.toxic_high"},
      {"so2", 10, "mg/m3", 0, kCs, true, "permit.gas.toxic_ok"},
      {"no2", 10.5, "mg/m3", 0, kCs, false, "permit.gas.toxic_high"},
      {"hcn", 1, "mg/m3", 0, kCs, true, "permit.gas.toxic_ok"},
      {"phosgene", 0.5, "mg/m3", 0, kCs, true, "permit.gas.toxic_ok"},
      {"phosgene", 0.51, "mg/m3", 0, kCs, false, "permit.gas.toxic_high"},
      {"benzene", 10, "mg/m3", 0, kCs, true, "permit.gas.toxic_ok"},
      {"benzene", 10.1, "mg/m3", 0, kCs, false, "permit.gas.toxic_high"},
      {"h2s", 5, "ppm", 0, kCs, false, "permit.gas.bad_unit"},
      {"xylene", 5, "mg/m3", 0, kCs, false, "permit.gas.unknown_gas"},
      {"co", -1, "mg/m3", 0, kCs, false, "permit.gas.bad_value"},
  };
  for (const auto& c : cases) {
    GasSample s{c.gas, c.value, c.unit, c.lel};
    const auto v = evaluateGas(s, c.ctx);
    EXPECT_EQ(v.pass, c.pass) << c.gas << " " << c.value << c.unit;
    EXPECT_EQ(v.reason.key, c.key) << c.gas << " " << c.value << c.unit;
    EXPECT_EQ(reasonTexts().count(v.reason.key), 1u) << v.reason.key;
  }
}

TEST(PermitGas, ToxicReasonNamesTheLimitAndTable) {
  const auto v = evaluateGas({"co", 31, "mg/m3"}, GasContext::kConfinedSpace);
  EXPECT_FALSE(v.pass);
  EXPECT_EQ(v.reason.params.at("limit_kind"), "PC-STEL");
  EXPECT_EQ(v.reason.params.at("limit"), "30");
  EXPECT_EQ(v.reason.params.at("table"), "GBZ 2.1-2019");
  const auto h = evaluateGas({"h2s", 1, "mg/m3"}, GasContext::kConfinedSpace);
  EXPECT_EQ(h.reason.params.at("limit_kind"), "MAC");
}

TEST(PermitGas, CustomTableIsUsed) {
  ToxicTable table{"GBZ 2.1-2019 amendment 1", {{"benzene", std::nullopt, 3.0, 6.0}}};
  EXPECT_FALSE(evaluateGas({"benzene", 7, "mg/m3"}, GasContext::kOther, table).pass);
  EXPECT_TRUE(evaluateGas({"benzene", 6, "mg/m3"}, GasContext::kOther, table).pass);
  // Only PC-TWA known → PC-TWA is the bound.
  ToxicTable twa_only{"x", {{"abc", std::nullopt, 2.0, std::nullopt}}};
  EXPECT_TRUE(evaluateGas({"abc", 2, "mg/m3"}, GasContext::kOther, twa_only).pass);
  EXPECT_FALSE(evaluateGas({"abc", 2.1, "mg/m3"}, GasContext::kOther, twa_only).pass);
}

TEST(PermitGas, DefaultTableHasAllNineGases) {
  const auto& t = defaultToxicTable();
  EXPECT_EQ(t.version, "GBZ 2.1-2019");
  EXPECT_EQ(t.limits.size(), 9u);
}

TEST(PermitGas, ConvertedReadingKeepsTheOriginal) {
  const auto v = evaluateGas({"flammable", 10, "%LEL", 5.0}, GasContext::kHotWork);
  EXPECT_EQ(v.reason.params.at("value"), "0.5");
  EXPECT_EQ(v.reason.params.at("value_lel"), "10");
  const auto nan = evaluateGas({"flammable", std::numeric_limits<double>::infinity(), "%vol", 5.0},
                               GasContext::kHotWork);
  EXPECT_FALSE(nan.pass);
}

TEST(PermitGas, GasesAreNamedForReaders) {
  EXPECT_EQ(gasName("h2s", true), "硫化氢");
  EXPECT_EQ(gasName("h2s", false), "H₂S");
  EXPECT_EQ(gasName("flammable", true), "可燃气体");
  EXPECT_EQ(gasName("xylene", true), "xylene");  // not in the table: as given
  // Reasons name the gas too.
  const auto v = evaluateGas({"h2s", 20.0, "mg/m3", 0}, GasContext::kConfinedSpace);
  EXPECT_FALSE(v.pass);
  EXPECT_EQ(renderReason(v.reason, true).rfind("硫化氢 20 mg/m³ 超过", 0), 0u)
      << renderReason(v.reason, true);
  EXPECT_EQ(renderReason(v.reason, false).rfind("H₂S 20 mg/m3 exceeds", 0), 0u)
      << renderReason(v.reason, false);
}

}  // namespace
}  // namespace anguan::permit
