// Gas-test acceptance (domain-rules §1.4, GB 30871-2022 5.3.2, 6.4, 5.2.7; toxic limits from
// GBZ 2.1 kept as versioned data).
//
// Flammables: absolute %vol. If the LEL of the measured substance is ≥ 4 % the limit is ≤ 0.5 %vol,
// if < 4 % it is ≤ 0.2 %vol (boundaries inclusive). A flammable reading needs lel_percent > 0 (the
// substance's LEL in %vol); without it the stricter 0.2 % applies. A reading in "%LEL" is
// CONVERTED when lel_percent is given (value_vol = value × LEL / 100, then the same rule) and its
// reason says so; without lel_percent it is refused ("permit.gas.lel_unit_needs_lel").
// O2 (%vol): confined space 19.5–21 % inclusive; enriched confined space 19.5–23.5 %; oxygen
// equipment, hot work, temp power and other contexts ≤ 23.5 % (no floor: the risk is enrichment).
// Toxics (mg/m3): ≤ MAC when the table has one, otherwise ≤ PC-STEL (the short-term limit is the
// right bound for a spot reading before work), otherwise ≤ PC-TWA.
//
// Thread safety: pure functions; the default table is an immutable static.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "anguan/domain/permit/reason.hpp"

namespace anguan::permit {

struct GasSample {
  std::string
      gas;  // "flammable","o2","h2s","co","nh3","cl2","so2","no2","hcn","phosgene","benzene"
  double value = 0;
  std::string unit;        // "%vol","mg/m3","%LEL"
  double lel_percent = 0;  // for flammable: the substance's LEL in %vol
};

struct GasVerdict {
  bool pass = false;
  Reason reason;
};

enum class GasContext {
  kHotWork,
  kConfinedSpace,
  kConfinedSpaceEnriched,
  kOxygenEquipment,
  kTempPower,
  kOther
};

struct ToxicLimit {
  std::string gas;
  std::optional<double> mac, pc_twa, pc_stel;  // mg/m3
};

struct ToxicTable {
  std::string version;
  std::vector<ToxicLimit> limits;
};

// GBZ 2.1 values of domain-rules §1.4, version "GBZ 2.1-2019".
const ToxicTable& defaultToxicTable();

GasVerdict evaluateGas(const GasSample& s, GasContext ctx,
                       const ToxicTable& table = defaultToxicTable());

// A gas code as a reader names it ("h2s" → 硫化氢 / H₂S); an unknown code as it is.
std::string gasName(const std::string& gas, bool chinese);

}  // namespace anguan::permit
