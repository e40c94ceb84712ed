#include "anguan/domain/permit/gas.hpp"

#include <cmath>
#include <map>
#include <sstream>

namespace anguan::permit {
namespace {

std::string num(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

GasVerdict verdict(bool pass, std::string key, std::map<std::string, std::string> params) {
  return {pass, Reason{std::move(key), std::move(params)}};
}

GasVerdict flammable(const GasSample& s) {
  double vol = s.value;
  bool converted = false;
  if (s.unit == "%LEL") {
    if (!(s.lel_percent > 0)) {
      return verdict(false, "permit.gas.lel_unit_needs_lel", {{"value", num(s.value)}});
    }
    vol = s.value * s.lel_percent / 100.0;
    converted = true;
  } else if (s.unit != "%vol") {
    return verdict(false, "permit.gas.bad_unit", {{"gas", s.gas}, {"unit", s.unit}});
  }
  // LEL ≥ 4 % → ≤ 0.5 %vol; LEL < 4 % (or unknown: the stricter rule) → ≤ 0.2 %vol.
  const double limit = s.lel_percent >= 4.0 ? 0.5 : 0.2;
  const bool pass = vol <= limit;
  std::map<std::string, std::string> params = {
      {"value", num(vol)}, {"limit", num(limit)}, {"lel", num(s.lel_percent)}};
  if (converted) {
    params["value_lel"] = num(s.value);
  }
  return verdict(pass, pass ? "permit.gas.flammable_ok" : "permit.gas.flammable_high",
                 std::move(params));
}

GasVerdict oxygen(const GasSample& s, GasContext ctx) {
  if (s.unit != "%vol") {
    return verdict(false, "permit.gas.bad_unit", {{"gas", s.gas}, {"unit", s.unit}});
  }
  // People breathe in a confined space: 19.5 % floor there. Elsewhere only the enrichment bound
  // matters (fire risk), so the floor is 0.
  const bool confined =
      ctx == GasContext::kConfinedSpace || ctx == GasContext::kConfinedSpaceEnriched;
  const double low = confined ? 19.5 : 0.0;
  double high = 23.5;
  if (ctx == GasContext::kConfinedSpace) {
    high = 21.0;
  }
  const bool pass = s.value >= low && s.value <= high;
  std::string key =
      pass ? "permit.gas.o2_ok" : (s.value < low ? "permit.gas.o2_low" : "permit.gas.o2_high");
  return verdict(pass, std::move(key),
                 {{"value", num(s.value)}, {"low", num(low)}, {"high", num(high)}});
}

GasVerdict toxic(const GasSample& s, const ToxicTable& table) {
  const ToxicLimit* limit = nullptr;
  for (const auto& l : table.limits) {
    if (l.gas == s.gas) {
      limit = &l;
      break;
    }
  }
  if (limit == nullptr) {
    return verdict(false, "permit.gas.unknown_gas", {{"gas", s.gas}});
  }
  if (s.unit != "mg/m3") {
    return verdict(false, "permit.gas.bad_unit", {{"gas", s.gas}, {"unit", s.unit}});
  }
  double bound = 0;
  std::string kind;
  if (limit->mac) {
    bound = *limit->mac;
    kind = "MAC";
  } else if (limit->pc_stel) {
    bound = *limit->pc_stel;
    kind = "PC-STEL";
  } else if (limit->pc_twa) {
    bound = *limit->pc_twa;
    kind = "PC-TWA";
  } else {
    return verdict(false, "permit.gas.unknown_gas", {{"gas", s.gas}});
  }
  const bool pass = s.value <= bound;
  return verdict(pass, pass ? "permit.gas.toxic_ok" : "permit.gas.toxic_high",
                 {{"gas", s.gas},
                  {"value", num(s.value)},
                  {"limit", num(bound)},
                  {"limit_kind", kind},
                  {"table", table.version}});
}

}  // namespace

const ToxicTable& defaultToxicTable() {
  static const ToxicTable kTable = {"GBZ 2.1-2019",
                                    {
                                        {"h2s", 10.0, std::nullopt, std::nullopt},
                                        {"co", std::nullopt, 20.0, 30.0},
                                        {"nh3", std::nullopt, 20.0, 30.0},
                                        {"cl2", 1.0, std::nullopt, std::nullopt},
                                        {"so2", std::nullopt, 5.0, 10.0},
                                        {"no2", std::nullopt, 5.0, 10.0},
                                        {"hcn", 1.0, std::nullopt, std::nullopt},
                                        {"phosgene", 0.5, std::nullopt, std::nullopt},
                                        {"benzene", std::nullopt, 6.0, 10.0},
                                    }};
  return kTable;
}

GasVerdict evaluateGas(const GasSample& s, GasContext ctx, const ToxicTable& table) {
  if (!std::isfinite(s.value) || s.value < 0 || !std::isfinite(s.lel_percent) ||
      s.lel_percent < 0) {
    return verdict(false, "permit.gas.bad_value", {{"gas", s.gas}, {"value", num(s.value)}});
  }
  if (s.gas == "flammable") {
    return flammable(s);
  }
  if (s.gas == "o2") {
    return oxygen(s, ctx);
  }
  return toxic(s, table);
}

std::string gasName(const std::string& gas, bool chinese) {
  static const std::map<std::string, std::pair<const char*, const char*>> kNames = {
      {"flammable", {"可燃气体", "Flammable gas"}},
      {"o2", {"氧气", "O₂"}},
      {"h2s", {"硫化氢", "H₂S"}},
      {"co", {"一氧化碳", "CO"}},
      {"nh3", {"氨", "NH₃"}},
      {"cl2", {"氯气", "Cl₂"}},
      {"so2", {"二氧化硫", "SO₂"}},
      {"no2", {"二氧化氮", "NO₂"}},
      {"hcn", {"氰化氢", "HCN"}},
      {"phosgene", {"光气", "Phosgene"}},
      {"benzene", {"苯", "Benzene"}}};
  auto it = kNames.find(gas);
  return it == kNames.end() ? gas : (chinese ? it->second.first : it->second.second);
}

}  // namespace anguan::permit
