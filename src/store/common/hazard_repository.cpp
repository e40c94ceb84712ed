#include "common/hazard_repository.hpp"

#include <algorithm>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace anguan::store {
namespace {

using Cols = std::vector<std::pair<const char*, SqlParam>>;

std::string names(const Cols& cols) {
  std::string out;
  for (const auto& [name, value] : cols) {
    out += (out.empty() ? "" : ", ") + std::string(name);
  }
  return out;
}

std::string insertSql(const char* table, const Cols& cols, ParamList& p) {
  std::string values;
  for (const auto& [name, value] : cols) {
    values += (values.empty() ? "" : ", ") + p.add(value);
  }
  return std::string("INSERT INTO ") + table + " (" + names(cols) + ") VALUES (" + values + ")";
}

std::string setSql(const Cols& cols, ParamList& p) {
  std::string out;
  for (const auto& [name, value] : cols) {
    out += (out.empty() ? "" : ", ") + std::string(name) + " = " + p.add(value);
  }
  return out;
}

SqlParam optInt(const std::optional<std::int64_t>& v) {
  if (v) {
    return *v;
  }
  return std::monostate{};
}
std::optional<std::int64_t> readOptInt(const SqlRow& row, int col) {
  if (row.isNull(col)) {
    return std::nullopt;
  }
  return row.getInt(col);
}

// Tab/newline separated records with \\, \t and \n escaped.
std::string esc(const std::string& s) {
  std::string out;
  for (char ch : s) {
    if (ch == '\\') {
      out += "\\\\";
    } else if (ch == '\t') {
      out += "\\t";
    } else if (ch == '\n') {
      out += "\\n";
    } else {
      out += ch;
    }
  }
  return out;
}
std::string unesc(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      const char n = s[++i];
      out += n == 't' ? '\t' : n == 'n' ? '\n' : n;
    } else {
      out += s[i];
    }
  }
  return out;
}
std::string encodeRecords(const std::vector<std::vector<std::string>>& records) {
  std::string out;
  for (const auto& r : records) {
    std::string line;
    for (std::size_t i = 0; i < r.size(); ++i) {
      line += (i == 0 ? "" : "\t") + esc(r[i]);
    }
    out += line + "\n";
  }
  return out;
}
std::vector<std::vector<std::string>> decodeRecords(const std::string& text) {
  std::vector<std::vector<std::string>> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      end = text.size();
    }
    std::vector<std::string> fields;
    std::size_t f = start;
    while (true) {
      std::size_t tab = text.find('\t', f);
      if (tab == std::string::npos || tab > end) {
        fields.push_back(unesc(text.substr(f, end - f)));
        break;
      }
      fields.push_back(unesc(text.substr(f, tab - f)));
      f = tab + 1;
    }
    out.push_back(std::move(fields));
    start = end + 1;
  }
  return out;
}
std::int64_t toInt(const std::string& s) {
  try {
    return std::stoll(s);
  } catch (...) {
    return 0;
  }
}

// ---- hazards ----

Cols hazardCols(const HazardRow& h) {
  return {
      {"org_path", h.org_path},
      {"area_id", h.area_id},
      {"type_code", h.type_code},
      {"level", std::string(hazard::toString(h.level))},
      {"state", std::string(hazard::toString(h.state))},
      {"source", std::string(hazard::toString(h.source))},
      {"source_ref", h.source_ref},
      {"description", h.description},
      {"reporter_user_id", h.reporter_user_id},
      {"reporter_name", h.reporter_name},
      {"discovered_at", toMillis(h.discovered_at)},
      {"reported_at", toMillis(h.reported_at)},
      {"assignee_person_id", h.assignee_person_id},
      {"assigned_at", optionalMillis(h.assigned_at)},
      {"deadline", optionalMillis(h.deadline)},
      {"rectifier_user_id", h.rectifier_user_id},
      {"rectify_measure", h.rectify_measure},
      {"rectify_text", h.rectify_text},
      {"submitted_at", optionalMillis(h.submitted_at)},
      {"verifier_user_id", h.verifier_user_id},
      {"closed_at", optionalMillis(h.closed_at)},
      {"reject_reason", h.reject_reason},
      {"interim_controls", h.interim_controls},
      {"recurrence_of", h.recurrence_of},
      {"extensions", std::int64_t{h.extensions}},
      {"due_soon_sent_for", optionalMillis(h.due_soon_sent_for)},
      {"last_escalated_day", optInt(h.last_escalated_day)},
      {"escalations", std::int64_t{h.escalations}},
      {"has_plan", std::int64_t{h.has_plan ? 1 : 0}},
      {"plan_targets", h.plan.targets},
      {"plan_method", h.plan.method},
      {"plan_funds", h.plan.funds},
      {"plan_responsible", h.plan.responsible},
      {"plan_deadline", optionalMillis(h.plan.deadline)},
      {"plan_safety_measures", h.plan.safety_measures},
      {"supervisor_person_id", h.supervisor_person_id},
      {"reported_to_management_at", optionalMillis(h.reported_to_management_at)},
      {"acceptance_user_id", h.acceptance_user_id},
      {"accepted_at", optionalMillis(h.accepted_at)},
      {"acceptance_note", h.acceptance_note},
  };
}

const std::string& hazardSelect() {
  static const std::string kSql = "SELECT id, version, created_at, updated_at, " +
                                  names(hazardCols(HazardRow{})) + " FROM hazards ";
  return kSql;
}

HazardRow readHazard(const SqlRow& r) {
  HazardRow h;
  int i = 0;
  h.id = r.getInt(i++);
  h.version = r.getInt(i++);
  h.created_at = fromMillis(r.getInt(i++));
  h.updated_at = fromMillis(r.getInt(i++));
  h.org_path = r.getText(i++);
  h.area_id = r.getInt(i++);
  h.type_code = r.getText(i++);
  h.level = hazard::parseLevel(r.getText(i++)).value_or(hazard::Level::kGeneral);
  h.state = hazard::parseState(r.getText(i++)).value_or(hazard::State::kReported);
  h.source = hazard::parseSource(r.getText(i++)).value_or(hazard::Source::kAdHoc);
  h.source_ref = r.getInt(i++);
  h.description = r.getText(i++);
  h.reporter_user_id = r.getInt(i++);
  h.reporter_name = r.getText(i++);
  h.discovered_at = fromMillis(r.getInt(i++));
  h.reported_at = fromMillis(r.getInt(i++));
  h.assignee_person_id = r.getInt(i++);
  h.assigned_at = readOptionalInstant(r, i++);
  h.deadline = readOptionalInstant(r, i++);
  h.rectifier_user_id = r.getInt(i++);
  h.rectify_measure = r.getText(i++);
  h.rectify_text = r.getText(i++);
  h.submitted_at = readOptionalInstant(r, i++);
  h.verifier_user_id = r.getInt(i++);
  h.closed_at = readOptionalInstant(r, i++);
  h.reject_reason = r.getText(i++);
  h.interim_controls = r.getText(i++);
  h.recurrence_of = r.getInt(i++);
  h.extensions = static_cast<int>(r.getInt(i++));
  h.due_soon_sent_for = readOptionalInstant(r, i++);
  h.last_escalated_day = readOptInt(r, i++);
  h.escalations = static_cast<int>(r.getInt(i++));
  h.has_plan = r.getInt(i++) != 0;
  h.plan.targets = r.getText(i++);
  h.plan.method = r.getText(i++);
  h.plan.funds = r.getText(i++);
  h.plan.responsible = r.getText(i++);
  h.plan.deadline = readOptionalInstant(r, i++);
  h.plan.safety_measures = r.getText(i++);
  h.supervisor_person_id = r.getInt(i++);
  h.reported_to_management_at = readOptionalInstant(r, i++);
  h.acceptance_user_id = r.getInt(i++);
  h.accepted_at = readOptionalInstant(r, i++);
  h.acceptance_note = r.getText(i++);
  return h;
}

// The least string above every string that starts with `prefix`: `prefix` with its last code
// point incremented (a last U+10FFFF is dropped and the one before incremented). nullopt when
// there is none or `prefix` does not end in valid UTF-8. Strings in [prefix, bound) are exactly
// those starting with `prefix` under bytewise order (SQLite BINARY, PostgreSQL COLLATE "C").
std::optional<std::string> prefixUpperBound(std::string prefix) {
  while (!prefix.empty()) {
    std::size_t start = prefix.size() - 1;
    while (start > 0 && (static_cast<unsigned char>(prefix[start]) & 0xC0) == 0x80) {
      --start;
    }
    const auto lead = static_cast<unsigned char>(prefix[start]);
    const std::size_t len = prefix.size() - start;
    char32_t cp = 0;
    if (lead < 0x80 && len == 1) {
      cp = lead;
    } else if ((lead & 0xE0) == 0xC0 && len == 2) {
      cp = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0 && len == 3) {
      cp = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0 && len == 4) {
      cp = lead & 0x07;
    } else {
      return std::nullopt;
    }
    for (std::size_t i = start + 1; i < prefix.size(); ++i) {
      cp = (cp << 6) | (static_cast<unsigned char>(prefix[i]) & 0x3F);
    }
    prefix.resize(start);
    if (cp >= 0x10FFFF) {
      continue;
    }
    ++cp;
    if (cp == 0xD800) {
      cp = 0xE000;  // Skip the surrogates: they are not valid UTF-8.
    }
    if (cp < 0x80) {
      prefix += static_cast<char>(cp);
    } else if (cp < 0x800) {
      prefix += static_cast<char>(0xC0 | (cp >> 6));
      prefix += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      prefix += static_cast<char>(0xE0 | (cp >> 12));
      prefix += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      prefix += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      prefix += static_cast<char>(0xF0 | (cp >> 18));
      prefix += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      prefix += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      prefix += static_cast<char>(0x80 | (cp & 0x3F));
    }
    return prefix;
  }
  return std::nullopt;
}

// " AND <column> starts with <prefix>" as a bytewise range, which both databases serve from an
// index (LIKE 'p%' is not: SQLite's LIKE is case-insensitive, PostgreSQL's needs a literal
// pattern and C collation). PostgreSQL compares COLLATE "C" so the range is bytewise whatever the
// database collation; the hazard indexes are declared the same way (migration 0005).
//
// `broad`: the prefix usually selects a large share of the rows (an org scope: the company or a
// plant). SQLite has no histograms here (Debian builds it without STAT4) and guesses that any
// two-sided range keeps 1/16 of the rows, so it would drive every ledger query from the scope
// range and sort tens of thousands of rows; likelihood() tells it otherwise (the index stays
// usable).
std::string prefixClause(const std::string& column, const std::string& prefix, ParamList& p,
                         bool broad = false) {
  if (prefix.empty()) {
    return "";
  }
  const std::string col =
      p.dialect() == Dialect::kPostgres ? column + " COLLATE \"C\"" : std::string(column);
  auto upper = prefixUpperBound(prefix);
  if (!upper) {  // Not valid UTF-8, or nothing above it: match by pattern.
    return " AND " + column + " LIKE " + p.add(escapeLike(prefix) + "%") + " ESCAPE '\\'";
  }
  std::string lower_term = col + " >= " + p.add(prefix);
  std::string upper_term = col + " < " + p.add(*upper);
  if (broad && p.dialect() == Dialect::kSqlite) {
    lower_term = "likelihood(" + lower_term + ", 0.9)";
    upper_term = "likelihood(" + upper_term + ", 0.9)";
  }
  return " AND " + lower_term + " AND " + upper_term;
}

// True when a case-insensitive match of `text` is a plain substring match: no ASCII letter
// (SQLite's LIKE folds only those) and, for PostgreSQL's ILIKE, which folds every script with
// case, nothing outside ASCII but CJK (U+2E80..U+9FFF, U+F900..U+FAFF) and Hangul syllables.
bool hasNoCase(const std::string& text, Dialect dialect) {
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
        return false;
      }
      ++i;
      continue;
    }
    if (dialect == Dialect::kSqlite) {
      ++i;
      continue;
    }
    if ((c & 0xF0) != 0xE0 || i + 2 >= text.size()) {
      return false;  // Not a 3-byte sequence: outside the BMP ranges below.
    }
    const char32_t cp = ((c & 0x0Fu) << 12) |
                        ((static_cast<unsigned char>(text[i + 1]) & 0x3Fu) << 6) |
                        (static_cast<unsigned char>(text[i + 2]) & 0x3Fu);
    if (!((cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
          (cp >= 0xF900 && cp <= 0xFAFF))) {
      return false;
    }
    i += 3;
  }
  return true;
}

// ---- search grams (0008_hazard_search) ----

// Code points of `text` with their byte offsets (offsets has one more entry: the end). A byte that
// does not start a valid sequence counts as one code point of its own (above U+10FFFF), so the
// grams of any text are its exact bytes and a valid term inside it meets the same code points.
struct CodePoints {
  std::vector<char32_t> cps;
  std::vector<std::size_t> offsets;
};

CodePoints codePoints(std::string_view text) {
  CodePoints out;
  out.cps.reserve(text.size());
  out.offsets.reserve(text.size() + 1);
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t len = c < 0x80             ? 1
                      : (c & 0xE0) == 0xC0 ? 2
                      : (c & 0xF0) == 0xE0 ? 3
                      : (c & 0xF8) == 0xF0 ? 4
                                           : 0;
    char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1Fu) : len == 3 ? (c & 0x0Fu) : (c & 0x07u);
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0;
      if ((cc & 0xC0) != 0x80) {
        len = 0;
        break;
      }
      cp = (cp << 6) | (cc & 0x3Fu);
    }
    out.offsets.push_back(i);
    if (len == 0) {
      out.cps.push_back(0x110000 + c);
      ++i;
    } else {
      out.cps.push_back(cp);
      i += len;
    }
  }
  out.offsets.push_back(text.size());
  return out;
}

// What hazard_grams holds for a description: every distinct pair of adjacent code points that
// are both non-ASCII (as 0008's backfill: unicode(…) > 127 on both).
std::vector<std::string> descriptionGrams(std::string_view text) {
  const CodePoints c = codePoints(text);
  std::vector<std::string> grams;
  for (std::size_t i = 0; i + 1 < c.cps.size(); ++i) {
    if (c.cps[i] > 127 && c.cps[i + 1] > 127) {
      grams.emplace_back(text.substr(c.offsets[i], c.offsets[i + 2] - c.offsets[i]));
    }
  }
  std::sort(grams.begin(), grams.end());
  grams.erase(std::unique(grams.begin(), grams.end()), grams.end());
  return grams;
}

// Caseless under every matcher the search uses (SQLite LIKE folds ASCII only; PostgreSQL ILIKE
// folds every script with case): CJK, CJK compatibility and Hangul syllables.
bool caseless(char32_t cp) {
  return (cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
         (cp >= 0xF900 && cp <= 0xFAFF);
}

// The term's pairs a match must contain verbatim: adjacent caseless code points. At most
// kMaxSearchGrams (each one more index lookup); none for ASCII terms and single characters.
constexpr std::size_t kMaxSearchGrams = 4;
std::vector<std::string> searchGrams(std::string_view term) {
  const CodePoints c = codePoints(term);
  std::vector<std::string> grams;
  for (std::size_t i = 0; i + 1 < c.cps.size() && grams.size() < kMaxSearchGrams; ++i) {
    if (caseless(c.cps[i]) && caseless(c.cps[i + 1])) {
      std::string g(term.substr(c.offsets[i], c.offsets[i + 2] - c.offsets[i]));
      if (std::find(grams.begin(), grams.end(), g) == grams.end()) {
        grams.push_back(std::move(g));
      }
    }
  }
  return grams;
}

std::string scopeClause(const std::string& prefix, ParamList& p) {
  return prefixClause("org_path", prefix, p);
}

// ---- risk points ----

Cols riskCols(const RiskPointRow& r) {
  std::string controls;
  for (const auto& c : r.controls) {
    controls += esc(c) + "\n";
  }
  return {
      {"area_id", r.area_id},
      {"org_path", r.org_path},
      {"name", r.name},
      {"activity", r.activity},
      {"hazard_desc", r.hazard_desc},
      {"accident_type", r.accident_type},
      {"method", r.method},
      {"l", r.l},
      {"e", r.e},
      {"c", r.c},
      {"score", r.score},
      {"colour", std::string(risk::toString(r.colour))},
      {"controls", controls},
      {"control_level", std::string(risk::toString(r.control_level))},
      {"responsible_person_id", r.responsible_person_id},
      {"next_due_day", optInt(r.next_due_day)},
      {"active", std::int64_t{r.active ? 1 : 0}},
  };
}

const std::string& riskSelect() {
  static const std::string kSql = "SELECT id, version, created_at, updated_at, " +
                                  names(riskCols(RiskPointRow{})) + " FROM risk_points ";
  return kSql;
}

RiskPointRow readRisk(const SqlRow& r) {
  RiskPointRow p;
  int i = 0;
  p.id = r.getInt(i++);
  p.version = r.getInt(i++);
  p.created_at = fromMillis(r.getInt(i++));
  p.updated_at = fromMillis(r.getInt(i++));
  p.area_id = r.getInt(i++);
  p.org_path = r.getText(i++);
  p.name = r.getText(i++);
  p.activity = r.getText(i++);
  p.hazard_desc = r.getText(i++);
  p.accident_type = r.getText(i++);
  p.method = r.getText(i++);
  p.l = r.getDouble(i++);
  p.e = r.getDouble(i++);
  p.c = r.getDouble(i++);
  p.score = r.getDouble(i++);
  p.colour = risk::parseColour(r.getText(i++)).value_or(risk::Colour::kBlue);
  for (const auto& rec : decodeRecords(r.getText(i++))) {
    p.controls.push_back(rec.empty() ? "" : rec[0]);
  }
  p.control_level = risk::parseControlLevel(r.getText(i++)).value_or(risk::ControlLevel::kTeam);
  p.responsible_person_id = r.getInt(i++);
  p.next_due_day = readOptInt(r, i++);
  p.active = r.getInt(i++) != 0;
  return p;
}

// ---- inspections ----

Cols inspectionCols(const InspectionRow& r) {
  std::vector<std::vector<std::string>> items;
  for (const auto& it : r.items) {
    items.push_back({it.text, it.result, it.note, std::to_string(it.hazard_id)});
  }
  return {
      {"risk_point_id", r.risk_point_id},
      {"area_id", r.area_id},
      {"org_path", r.org_path},
      {"assignee_person_id", r.assignee_person_id},
      {"due_day", r.due_day},
      {"status", r.status},
      {"items", encodeRecords(items)},
      {"done_at", optionalMillis(r.done_at)},
      {"done_by", r.done_by},
      {"escalated_at", optionalMillis(r.escalated_at)},
  };
}

const std::string& inspectionSelect() {
  static const std::string kSql = "SELECT id, version, created_at, " +
                                  names(inspectionCols(InspectionRow{})) + " FROM inspections ";
  return kSql;
}

InspectionRow readInspection(const SqlRow& r) {
  InspectionRow x;
  int i = 0;
  x.id = r.getInt(i++);
  x.version = r.getInt(i++);
  x.created_at = fromMillis(r.getInt(i++));
  x.risk_point_id = r.getInt(i++);
  x.area_id = r.getInt(i++);
  x.org_path = r.getText(i++);
  x.assignee_person_id = r.getInt(i++);
  x.due_day = r.getInt(i++);
  x.status = r.getText(i++);
  for (auto& rec : decodeRecords(r.getText(i++))) {
    rec.resize(4);
    x.items.push_back({rec[0], rec[1], rec[2], toInt(rec[3])});
  }
  x.done_at = readOptionalInstant(r, i++);
  x.done_by = r.getInt(i++);
  x.escalated_at = readOptionalInstant(r, i++);
  return x;
}

// ---- incidents ----

Cols incidentCols(const IncidentRow& r) {
  std::vector<std::vector<std::string>> people;
  for (const auto& p : r.people) {
    people.push_back({p.name, std::to_string(p.lost_workdays), p.died ? "1" : "0"});
  }
  std::vector<std::string> hazards;
  for (auto id : r.hazard_ids) {
    hazards.push_back(std::to_string(id));
  }
  return {
      {"org_path", r.org_path},
      {"area_id", r.area_id},
      {"occurred_at", toMillis(r.occurred_at)},
      {"category", r.category},
      {"title", r.title},
      {"description", r.description},
      {"severity", std::string(hazard::toString(r.severity))},
      {"people", encodeRecords(people)},
      {"minor", r.minor},
      {"serious", r.serious},
      {"fatalities", r.fatalities},
      {"lost_workdays", r.lost_workdays},
      {"permit_id", r.permit_id},
      {"hazard_ids", encodeCodeList(hazards)},
      {"root_cause", r.root_cause},
      {"status", r.status},
      {"closed_at", optionalMillis(r.closed_at)},
      {"reported_by", r.reported_by},
  };
}

const std::string& incidentSelect() {
  static const std::string kSql = "SELECT id, version, created_at, updated_at, " +
                                  names(incidentCols(IncidentRow{})) + " FROM incidents ";
  return kSql;
}

IncidentRow readIncident(const SqlRow& r) {
  IncidentRow x;
  int i = 0;
  x.id = r.getInt(i++);
  x.version = r.getInt(i++);
  x.created_at = fromMillis(r.getInt(i++));
  x.updated_at = fromMillis(r.getInt(i++));
  x.org_path = r.getText(i++);
  x.area_id = r.getInt(i++);
  x.occurred_at = fromMillis(r.getInt(i++));
  x.category = r.getText(i++);
  x.title = r.getText(i++);
  x.description = r.getText(i++);
  x.severity = hazard::parseSeverity(r.getText(i++)).value_or(hazard::Severity::kNone);
  for (auto& rec : decodeRecords(r.getText(i++))) {
    rec.resize(3);
    x.people.push_back({rec[0], toInt(rec[1]), rec[2] == "1"});
  }
  x.minor = r.getInt(i++);
  x.serious = r.getInt(i++);
  x.fatalities = r.getInt(i++);
  x.lost_workdays = r.getInt(i++);
  x.permit_id = r.getInt(i++);
  for (const auto& s : decodeCodeList(r.getText(i++))) {
    x.hazard_ids.push_back(toInt(s));
  }
  x.root_cause = r.getText(i++);
  x.status = r.getText(i++);
  x.closed_at = readOptionalInstant(r, i++);
  x.reported_by = r.getInt(i++);
  return x;
}

template <class T, class Reader>
Result<std::vector<T>> selectRows(SqlConnection& conn, const std::string& sql, const ParamList& p,
                                  Reader reader) {
  std::vector<T> out;
  AG_ASSIGN_OR_RETURN(auto ignored, conn.run(sql, p.params(), [&](const SqlRow& row) {
    out.push_back(reader(row));
  }));
  (void)ignored;
  return out;
}

}  // namespace

// ---------------------------------------------------------------- hazards

Result<std::int64_t> SqlHazardRepository::insertHazard(const HazardRow& row) {
  ParamList p(conn_.dialect());
  Cols cols = hazardCols(row);
  cols.emplace_back("version", std::int64_t{1});
  cols.emplace_back("created_at", toMillis(row.created_at));
  cols.emplace_back("updated_at", toMillis(row.created_at));
  AG_ASSIGN_OR_RETURN(auto id, conn_.insertId(insertSql("hazards", cols, p), p.params()));
  AG_RETURN_IF_ERROR(writeGrams(id.value_or(0), "", row.description));
  return id.value_or(0);
}

Status SqlHazardRepository::writeGrams(std::int64_t hazard_id, std::string_view old_description,
                                       std::string_view description) {
  // By primary key both ways (no index on hazard_id alone: it would cost as much again).
  const auto before = descriptionGrams(old_description);
  const auto after = descriptionGrams(description);
  std::vector<std::string> gone, added;
  std::set_difference(before.begin(), before.end(), after.begin(), after.end(),
                      std::back_inserter(gone));
  std::set_difference(after.begin(), after.end(), before.begin(), before.end(),
                      std::back_inserter(added));
  for (const auto& g : gone) {
    ParamList d(conn_.dialect());
    const std::string sql = "DELETE FROM hazard_grams WHERE gram = " + d.add(g) +
                            " AND hazard_id = " + d.add(hazard_id);
    AG_ASSIGN_OR_RETURN(auto n, execSql(conn_, sql, d));
    (void)n;
  }
  constexpr std::size_t kChunk = 200;
  for (std::size_t at = 0; at < added.size(); at += kChunk) {
    ParamList p(conn_.dialect());
    std::string sql = "INSERT INTO hazard_grams (gram, hazard_id) VALUES ";
    const std::size_t end = std::min(added.size(), at + kChunk);
    for (std::size_t i = at; i < end; ++i) {
      sql += (i == at ? "(" : ", (") + p.add(added[i]) + ", " + p.add(hazard_id) + ")";
    }
    AG_ASSIGN_OR_RETURN(auto n, execSql(conn_, sql, p));
    (void)n;
  }
  return {};
}

Result<HazardRow> SqlHazardRepository::getHazard(std::int64_t id) {
  ParamList p(conn_.dialect());
  AG_ASSIGN_OR_RETURN(
      auto rows,
      selectRows<HazardRow>(conn_, hazardSelect() + "WHERE id = " + p.add(id), p, readHazard));
  if (rows.empty()) {
    return Error::notFound("hazard.not_found", "no such hazard").with("id", std::to_string(id));
  }
  return rows.front();
}

Result<HazardRow> SqlHazardRepository::updateHazard(const HazardRow& row, Instant now) {
  // The search grams follow the description (rarely edited: compare before rewriting them).
  std::optional<std::string> old_description;
  {
    ParamList d(conn_.dialect());
    AG_ASSIGN_OR_RETURN(
        auto n, conn_.run("SELECT description FROM hazards WHERE id = " + d.add(row.id), d.params(),
                          [&](const SqlRow& r) { old_description = r.getText(0); }));
    (void)n;
  }
  ParamList p(conn_.dialect());
  std::string sql = "UPDATE hazards SET " + setSql(hazardCols(row), p) +
                    ", version = version + 1, updated_at = " + p.add(toMillis(now)) +
                    " WHERE id = " + p.add(row.id) + " AND version = " + p.add(row.version);
  AG_ASSIGN_OR_RETURN(auto n, execSql(conn_, sql, p));
  if (n == 0) {
    AG_ASSIGN_OR_RETURN(auto current, getHazard(row.id));
    (void)current;
    return Error::conflict("hazard.stale_version", "the hazard was changed by someone else");
  }
  if (old_description && *old_description != row.description) {
    AG_RETURN_IF_ERROR(writeGrams(row.id, *old_description, row.description));
  }
  HazardRow out = row;
  out.version = row.version + 1;
  out.updated_at = now;
  return out;
}

Result<HazardPage> SqlHazardRepository::listHazards(const HazardQuery& q) {
  const bool sqlite = conn_.dialect() == Dialect::kSqlite;
  ParamList p(conn_.dialect());
  std::string where = "WHERE 1 = 1" + prefixClause("org_path", q.scope_prefix, p, true);
  if (!q.states.empty()) {
    std::string list;
    for (auto s : q.states) {
      list += (list.empty() ? "" : ", ") + p.add(std::string(hazard::toString(s)));
    }
    where += " AND state IN (" + list + ")";
  }
  // Only scope and states: the total is a sum over hazard_counts (kept by triggers, 0005).
  const bool counted = !q.level && q.area_id <= 0 && q.type_prefix.empty() &&
                       q.assignee_person_id <= 0 && q.reporter_user_id <= 0 && !q.overdue_at &&
                       !q.reported_from && !q.reported_to && !q.recurring_only && q.search.empty();
  if (q.level) {
    // Major hazards are rare (well under 1 %); SQLite cannot know that without histograms and
    // would walk the sort index through the whole table looking for them.
    const std::string term = "level = " + p.add(std::string(hazard::toString(*q.level)));
    where +=
        " AND " +
        (sqlite && *q.level == hazard::Level::kMajor ? "likelihood(" + term + ", 0.01)" : term);
  }
  if (q.area_id > 0) {
    where += " AND area_id = " + p.add(q.area_id);
  }
  if (!q.type_prefix.empty()) {
    where += prefixClause("type_code", q.type_prefix, p);
  }
  if (q.assignee_person_id > 0) {
    where += " AND assignee_person_id = " + p.add(q.assignee_person_id);
  }
  if (q.reporter_user_id > 0) {
    where += " AND reporter_user_id = " + p.add(q.reporter_user_id);
  }
  if (q.overdue_at) {
    where +=
        " AND state IN ('assigned', 'rectifying') AND deadline < " + p.add(toMillis(*q.overdue_at));
  }
  if (q.reported_from) {
    where += " AND reported_at >= " + p.add(toMillis(*q.reported_from));
  }
  if (q.reported_to) {
    where += " AND reported_at < " + p.add(toMillis(*q.reported_to));
  }
  if (q.recurring_only) {
    where += " AND recurrence_of <> 0";
  }
  if (!q.search.empty()) {
    // Candidates first: the hazards holding every caseless character pair of the term
    // (hazard_grams, 0008); the substring test below then runs on those rows only.
    const auto grams = searchGrams(q.search);
    if (!grams.empty()) {
      std::string sets;
      for (const auto& g : grams) {
        sets += (sets.empty() ? "" : " INTERSECT ") +
                std::string("SELECT hazard_id FROM hazard_grams WHERE gram = ") + p.add(g);
      }
      // PostgreSQL: as an array (an InitPlan), so the candidates are looked up by primary key;
      // as IN (…) it costs the lookups above a parallel scan of every hazard (300 vs 14 ms).
      where += sqlite ? " AND id IN (" + sets + ")" : " AND id = ANY (ARRAY(" + sets + "))";
    }
    if (hasNoCase(q.search, conn_.dialect())) {
      // Same matches as the case-insensitive (I)LIKE when the text has nothing to fold, at a
      // fraction of the per-row cost.
      where += " AND " + containsText(conn_.dialect(), "description", p.add(q.search));
    } else {
      where += " AND " + likeInsensitive(conn_.dialect(), "description",
                                         p.add("%" + escapeLike(q.search) + "%"));
    }
  }
  static const char* kSortable[] = {"id", "reported_at", "deadline", "level", "state", "area_id"};
  std::string sort = "reported_at";
  for (const char* s : kSortable) {
    if (q.sort == s) {
      sort = s;
    }
  }
  const char* dir = q.sort_desc ? " DESC" : " ASC";
  const std::string order = " ORDER BY " + sort + dir + ", id" + dir;
  // With a selective filter, PostgreSQL should find the matches through that filter's index and
  // sort them; costing rows as spread evenly, it instead walks a sort index hoping to fill the
  // page early, and walks most of the table when the matches cluster elsewhere in that order
  // (a date window sorted by deadline: 370 ms). Sorting on an expression rules the walk out.
  const bool selective = q.level || q.area_id > 0 || !q.type_prefix.empty() ||
                         q.assignee_person_id > 0 || q.reporter_user_id > 0 || q.overdue_at ||
                         q.reported_from || q.reported_to || q.recurring_only;
  const bool text_sort = sort == "level" || sort == "state";
  const std::string ids_order =
      !sqlite && selective
          ? " ORDER BY " + sort + (text_sort ? " || ''" : " + 0") + dir + ", id" + dir
          : order;
  const std::int64_t size = std::clamp<std::int64_t>(q.page_size, 1, 1000);
  const std::int64_t offset = (std::max<std::int64_t>(q.page, 1) - 1) * size;
  HazardPage page;
  // The total. Text search reads every hazard in scope (no index serves a substring), so the same
  // pass that picks the page's ids counts the matches (COUNT(*) OVER ()). Scope [+ states] only:
  // a sum over hazard_counts. Anything else: COUNT(*), which the indexes of 0005 serve.
  const bool search = !q.search.empty();
  bool have_total = false;
  if (counted) {
    ParamList cp(conn_.dialect());
    std::string count_where = "WHERE 1 = 1" + prefixClause("org_path", q.scope_prefix, cp);
    if (!q.states.empty()) {
      std::string list;
      for (auto s : q.states) {
        list += (list.empty() ? "" : ", ") + cp.add(std::string(hazard::toString(s)));
      }
      count_where += " AND state IN (" + list + ")";
    }
    AG_ASSIGN_OR_RETURN(
        auto total,
        queryOneInt(conn_, "SELECT SUM(n) FROM hazard_counts " + count_where, cp.params()));
    page.total = total.value_or(0);
    have_total = true;
  } else if (!search) {
    AG_ASSIGN_OR_RETURN(auto total,
                        queryOneInt(conn_, "SELECT COUNT(*) FROM hazards " + where, p.params()));
    page.total = total.value_or(0);
    have_total = true;
  }
  // The page's ids first (the sort indexes answer this without reading the table when the
  // filters are on their columns), then only those rows.
  const std::vector<SqlParam> where_params = p.params();
  std::vector<std::int64_t> ids;
  // A search counts in a subquery and sorts its result: PostgreSQL would otherwise walk a sort
  // index through the whole table, costing the window as if the LIMIT stopped it early.
  std::string ids_sql =
      search ? "SELECT id, total FROM (SELECT id" + (sort == "id" ? "" : ", " + sort) +
                   ", COUNT(*) OVER () AS total FROM hazards " + where + ") AS matches" + order
             : "SELECT id FROM hazards " + where + ids_order;
  ids_sql += " LIMIT " + p.add(size) + " OFFSET " + p.add(offset);
  AG_ASSIGN_OR_RETURN(auto ignored, conn_.run(ids_sql, p.params(), [&](const SqlRow& r) {
    ids.push_back(r.getInt(0));
    if (search) {
      page.total = r.getInt(1);
      have_total = true;
    }
  }));
  (void)ignored;
  if (!have_total) {  // A search past its last page: count separately.
    AG_ASSIGN_OR_RETURN(auto total,
                        queryOneInt(conn_, "SELECT COUNT(*) FROM hazards " + where, where_params));
    page.total = total.value_or(0);
  }
  if (ids.empty()) {
    return page;
  }
  ParamList ip(conn_.dialect());
  std::string list;
  for (auto id : ids) {
    list += (list.empty() ? "" : ", ") + ip.add(id);
  }
  AG_ASSIGN_OR_RETURN(page.items, selectRows<HazardRow>(
                                      conn_, hazardSelect() + "WHERE id IN (" + list + ")" + order,
                                      ip, readHazard));
  return page;
}

Result<std::vector<std::int64_t>> SqlHazardRepository::openDuplicates(
    std::int64_t area_id, const std::string& type_code) {
  ParamList p(conn_.dialect());
  std::string sql = "SELECT id FROM hazards WHERE area_id = " + p.add(area_id) +
                    " AND type_code = " + p.add(type_code) +
                    " AND state NOT IN ('closed', 'rejected') ORDER BY id DESC LIMIT 20";
  return selectRows<std::int64_t>(conn_, sql, p, [](const SqlRow& r) { return r.getInt(0); });
}

Result<std::vector<hazard::ClosedHazard>> SqlHazardRepository::closedSince(
    std::int64_t area_id, const std::string& type_code, Instant since) {
  ParamList p(conn_.dialect());
  std::string sql =
      "SELECT id, area_id, type_code, closed_at FROM hazards WHERE area_id = " + p.add(area_id) +
      " AND type_code = " + p.add(type_code) +
      " AND state = 'closed' AND closed_at >= " + p.add(toMillis(since)) +
      " ORDER BY closed_at DESC LIMIT 50";
  return selectRows<hazard::ClosedHazard>(conn_, sql, p, [](const SqlRow& r) {
    return hazard::ClosedHazard{r.getInt(0), r.getInt(1), r.getText(2), fromMillis(r.getInt(3))};
  });
}

Result<std::vector<HazardRow>> SqlHazardRepository::chaseCandidates(Instant deadline_before,
                                                                    std::int64_t limit) {
  // The ids first, in order, from the partial index alone (hazards_overdue_idx, 0005); then the
  // rows by id in chunks. One statement reading whole rows lets PostgreSQL misjudge how many
  // match (deadline and state correlate) and pick a parallel bitmap scan plus sort that is 3-5x
  // slower on a busy 2-core machine.
  ParamList p(conn_.dialect());
  std::string sql =
      "SELECT id FROM hazards WHERE state IN ('assigned', 'rectifying') AND "
      "deadline < " +
      p.add(toMillis(deadline_before)) + " ORDER BY deadline, id LIMIT " +
      p.add(std::clamp<std::int64_t>(limit, 1, 1'000'000));
  AG_ASSIGN_OR_RETURN(auto ids, selectRows<std::int64_t>(
                                    conn_, sql, p, [](const SqlRow& r) { return r.getInt(0); }));
  std::vector<HazardRow> out;
  out.reserve(ids.size());
  constexpr std::size_t kChunk = 500;
  for (std::size_t begin = 0; begin < ids.size(); begin += kChunk) {
    ParamList ip(conn_.dialect());
    std::string list;
    for (std::size_t i = begin; i < std::min(ids.size(), begin + kChunk); ++i) {
      list += (list.empty() ? "" : ", ") + ip.add(ids[i]);
    }
    AG_ASSIGN_OR_RETURN(
        auto rows, selectRows<HazardRow>(
                       conn_, hazardSelect() + "WHERE id IN (" + list + ") ORDER BY deadline, id",
                       ip, readHazard));
    out.insert(out.end(), std::make_move_iterator(rows.begin()),
               std::make_move_iterator(rows.end()));
  }
  return out;
}

Status SqlHazardRepository::addEvent(const HazardEvent& e) {
  ParamList p(conn_.dialect());
  Cols cols = {{"hazard_id", e.hazard_id},   {"at", toMillis(e.at)}, {"actor_id", e.actor_id},
               {"actor_name", e.actor_name}, {"action", e.action},   {"from_state", e.from_state},
               {"to_state", e.to_state},     {"note", e.note}};
  AG_ASSIGN_OR_RETURN(auto n, execSql(conn_, insertSql("hazard_events", cols, p), p));
  (void)n;
  return {};
}

Result<std::vector<HazardEvent>> SqlHazardRepository::events(std::int64_t hazard_id) {
  ParamList p(conn_.dialect());
  std::string sql =
      "SELECT id, hazard_id, at, actor_id, actor_name, action, from_state, to_state, note "
      "FROM hazard_events WHERE hazard_id = " +
      p.add(hazard_id) + " ORDER BY id";
  return selectRows<HazardEvent>(conn_, sql, p, [](const SqlRow& r) {
    return HazardEvent{r.getInt(0),  r.getInt(1),  fromMillis(r.getInt(2)),
                       r.getInt(3),  r.getText(4), r.getText(5),
                       r.getText(6), r.getText(7), r.getText(8)};
  });
}

Status SqlHazardRepository::insertFile(const HazardFile& f) {
  ParamList p(conn_.dialect());
  Cols cols = {{"id", f.id},
               {"hazard_id", f.hazard_id},
               {"kind", f.kind},
               {"mime", f.mime},
               {"size", f.size},
               {"data", f.data_base64},
               {"uploaded_by", f.uploaded_by},
               {"org_path", f.org_path},
               {"created_at", toMillis(f.created_at)}};
  AG_ASSIGN_OR_RETURN(auto n, execSql(conn_, insertSql("hazard_files", cols, p), p));
  (void)n;
  return {};
}

namespace {
constexpr const char* kFileColumns =
    "id, hazard_id, kind, mime, size, uploaded_by, org_path, created_at";
HazardFile readFile(const SqlRow& r) {
  HazardFile f;
  f.id = r.getText(0);
  f.hazard_id = r.getInt(1);
  f.kind = r.getText(2);
  f.mime = r.getText(3);
  f.size = r.getInt(4);
  f.uploaded_by = r.getInt(5);
  f.org_path = r.getText(6);
  f.created_at = fromMillis(r.getInt(7));
  return f;
}
}  // namespace

Result<HazardFile> SqlHazardRepository::getFile(const std::string& id) {
  ParamList p(conn_.dialect());
  std::string sql =
      std::string("SELECT ") + kFileColumns + ", data FROM hazard_files WHERE id = " + p.add(id);
  AG_ASSIGN_OR_RETURN(auto rows, selectRows<HazardFile>(conn_, sql, p, [](const SqlRow& r) {
                        HazardFile f = readFile(r);
                        f.data_base64 = r.getText(8);
                        return f;
                      }));
  if (rows.empty()) {
    return Error::notFound("hazard.file_not_found", "no such file");
  }
  return rows.front();
}

Result<std::vector<HazardFile>> SqlHazardRepository::filesOf(std::int64_t hazard_id) {
  ParamList p(conn_.dialect());
  std::string sql = std::string("SELECT ") + kFileColumns +
                    " FROM hazard_files WHERE hazard_id = " + p.add(hazard_id) +
                    " ORDER BY created_at, id";
  return selectRows<HazardFile>(conn_, sql, p, readFile);
}

Result<std::int64_t> SqlHazardRepository::attachFiles(const std::vector<std::string>& ids,
                                                      std::int64_t uploader, std::int64_t hazard_id,
                                                      const std::string& kind,
                                                      const std::string& org_path) {
  std::int64_t attached = 0;
  for (const auto& id : ids) {
    ParamList p(conn_.dialect());
    std::string sql = "UPDATE hazard_files SET hazard_id = " + p.add(hazard_id) +
                      ", kind = " + p.add(kind) + ", org_path = " + p.add(org_path) +
                      " WHERE id = " + p.add(id) + " AND uploaded_by = " + p.add(uploader) +
                      " AND hazard_id = 0";
    AG_ASSIGN_OR_RETURN(auto n, execSql(conn_, sql, p));
    attached += n;
  }
  return attached;
}

Result<std::vector<HazardType>> SqlHazardRepository::types() {
  ParamList p(conn_.dialect());
  return selectRows<HazardType>(
      conn_, "SELECT code, name_zh, name_en, active FROM hazard_types ORDER BY code", p,
      [](const SqlRow& r) {
        return HazardType{r.getText(0), r.getText(1), r.getText(2), r.getInt(3) != 0};
      });
}

Status SqlHazardRepository::upsertType(const HazardType& t) {
  ParamList p(conn_.dialect());
  std::string sql = "INSERT INTO hazard_types (code, name_zh, name_en, active) VALUES (" +
                    p.add(t.code) + ", " + p.add(t.name_zh) + ", " + p.add(t.name_en) + ", " +
                    p.add(std::int64_t{t.active ? 1 : 0}) +
                    ") ON CONFLICT (code) DO UPDATE SET name_zh = excluded.name_zh, "
                    "name_en = excluded.name_en, active = excluded.active";
  AG_ASSIGN_OR_RETURN(auto n, execSql(conn_, sql, p));
  (void)n;
  return {};
}

Result<std::vector<hazard::AssignmentRule>> SqlHazardRepository::assignmentRules() {
  ParamList p(conn_.dialect());
  return selectRows<hazard::AssignmentRule>(
      conn_, "SELECT area_id, type_code, level, person_id FROM hazard_assignment_rules ORDER BY id",
      p, [](const SqlRow& r) {
        return hazard::AssignmentRule{r.getInt(0), r.getText(1), hazard::parseLevel(r.getText(2)),
                                      r.getInt(3)};
      });
}

Status SqlHazardRepository::replaceAssignmentRules(
    const std::vector<hazard::AssignmentRule>& rules) {
  ParamList del(conn_.dialect());
  AG_ASSIGN_OR_RETURN(auto n, execSql(conn_, "DELETE FROM hazard_assignment_rules", del));
  (void)n;
  for (const auto& r : rules) {
    ParamList p(conn_.dialect());
    Cols cols = {{"area_id", r.area_id},
                 {"type_code", r.type_code},
                 {"level", std::string(r.level ? hazard::toString(*r.level) : "")},
                 {"person_id", r.person_id}};
    AG_ASSIGN_OR_RETURN(auto m, execSql(conn_, insertSql("hazard_assignment_rules", cols, p), p));
    (void)m;
  }
  return {};
}

// ---------------------------------------------------------------- risk points

Result<std::int64_t> SqlHazardRepository::insertRiskPoint(const RiskPointRow& row) {
  ParamList p(conn_.dialect());
  Cols cols = riskCols(row);
  cols.emplace_back("version", std::int64_t{1});
  cols.emplace_back("created_at", toMillis(row.created_at));
  cols.emplace_back("updated_at", toMillis(row.created_at));
  AG_ASSIGN_OR_RETURN(auto id, conn_.insertId(insertSql("risk_points", cols, p), p.params()));
  return id.value_or(0);
}

Result<RiskPointRow> SqlHazardRepository::getRiskPoint(std::int64_t id) {
  ParamList p(conn_.dialect());
  AG_ASSIGN_OR_RETURN(auto rows, selectRows<RiskPointRow>(
                                     conn_, riskSelect() + "WHERE id = " + p.add(id), p, readRisk));
  if (rows.empty()) {
    return Error::notFound("risk.not_found", "no such risk point");
  }
  return rows.front();
}

Result<RiskPointRow> SqlHazardRepository::updateRiskPoint(const RiskPointRow& row, Instant now) {
  ParamList p(conn_.dialect());
  std::string sql = "UPDATE risk_points SET " + setSql(riskCols(row), p) +
                    ", version = version + 1, updated_at = " + p.add(toMillis(now)) +
                    " WHERE id = " + p.add(row.id) + " AND version = " + p.add(row.version);
  AG_ASSIGN_OR_RETURN(auto n, execSql(conn_, sql, p));
  if (n == 0) {
    AG_ASSIGN_OR_RETURN(auto current, getRiskPoint(row.id));
    (void)current;
    return Error::conflict("risk.stale_version", "the risk point was changed by someone else");
  }
  RiskPointRow out = row;
  out.version = row.version + 1;
  out.updated_at = now;
  return out;
}

Result<std::vector<RiskPointRow>> SqlHazardRepository::listRiskPoints(
    const std::string& scope_prefix, std::int64_t area_id) {
  ParamList p(conn_.dialect());
  std::string where = "WHERE 1 = 1" + scopeClause(scope_prefix, p);
  if (area_id > 0) {
    where += " AND area_id = " + p.add(area_id);
  }
  return selectRows<RiskPointRow>(conn_, riskSelect() + where + " ORDER BY area_id, id", p,
                                  readRisk);
}

Result<std::vector<RiskPointRow>> SqlHazardRepository::riskPointsDue(std::int64_t day) {
  ParamList p(conn_.dialect());
  return selectRows<RiskPointRow>(
      conn_, riskSelect() + "WHERE active = 1 AND next_due_day <= " + p.add(day) + " ORDER BY id",
      p, readRisk);
}

// ---------------------------------------------------------------- inspections

Result<std::int64_t> SqlHazardRepository::insertInspection(const InspectionRow& row) {
  ParamList p(conn_.dialect());
  Cols cols = inspectionCols(row);
  cols.emplace_back("version", std::int64_t{1});
  cols.emplace_back("created_at", toMillis(row.created_at));
  AG_ASSIGN_OR_RETURN(auto id, conn_.insertId(insertSql("inspections", cols, p), p.params()));
  return id.value_or(0);
}

Result<InspectionRow> SqlHazardRepository::getInspection(std::int64_t id) {
  ParamList p(conn_.dialect());
  AG_ASSIGN_OR_RETURN(
      auto rows, selectRows<InspectionRow>(conn_, inspectionSelect() + "WHERE id = " + p.add(id), p,
                                           readInspection));
  if (rows.empty()) {
    return Error::notFound("inspection.not_found", "no such inspection");
  }
  return rows.front();
}

Result<InspectionRow> SqlHazardRepository::updateInspection(const InspectionRow& row) {
  ParamList p(conn_.dialect());
  std::string sql = "UPDATE inspections SET " + setSql(inspectionCols(row), p) +
                    ", version = version + 1 WHERE id = " + p.add(row.id) +
                    " AND version = " + p.add(row.version);
  AG_ASSIGN_OR_RETURN(auto n, execSql(conn_, sql, p));
  if (n == 0) {
    AG_ASSIGN_OR_RETURN(auto current, getInspection(row.id));
    (void)current;
    return Error::conflict("inspection.stale_version",
                           "the inspection was changed by someone else");
  }
  InspectionRow out = row;
  out.version = row.version + 1;
  return out;
}

Result<std::vector<InspectionRow>> SqlHazardRepository::listInspections(const InspectionQuery& q,
                                                                        std::int64_t* total) {
  ParamList p(conn_.dialect());
  std::string where = "WHERE 1 = 1" + scopeClause(q.scope_prefix, p);
  if (q.assignee_person_id > 0) {
    where += " AND assignee_person_id = " + p.add(q.assignee_person_id);
  }
  if (!q.status.empty()) {
    where += " AND status = " + p.add(q.status);
  }
  if (q.due_before) {
    where += " AND due_day < " + p.add(*q.due_before);
  }
  if (q.risk_point_id > 0) {
    where += " AND risk_point_id = " + p.add(q.risk_point_id);
  }
  if (total != nullptr) {
    AG_ASSIGN_OR_RETURN(
        auto n, queryOneInt(conn_, "SELECT COUNT(*) FROM inspections " + where, p.params()));
    *total = n.value_or(0);
  }
  const std::int64_t size = std::clamp<std::int64_t>(q.page_size, 1, 10000);
  const std::int64_t offset = (std::max<std::int64_t>(q.page, 1) - 1) * size;
  return selectRows<InspectionRow>(conn_,
                                   inspectionSelect() + where + " ORDER BY due_day, id LIMIT " +
                                       p.add(size) + " OFFSET " + p.add(offset),
                                   p, readInspection);
}

// ---------------------------------------------------------------- incidents

Result<std::int64_t> SqlHazardRepository::insertIncident(const IncidentRow& row) {
  ParamList p(conn_.dialect());
  Cols cols = incidentCols(row);
  cols.emplace_back("version", std::int64_t{1});
  cols.emplace_back("created_at", toMillis(row.created_at));
  cols.emplace_back("updated_at", toMillis(row.created_at));
  AG_ASSIGN_OR_RETURN(auto id, conn_.insertId(insertSql("incidents", cols, p), p.params()));
  return id.value_or(0);
}

Result<IncidentRow> SqlHazardRepository::getIncident(std::int64_t id) {
  ParamList p(conn_.dialect());
  AG_ASSIGN_OR_RETURN(
      auto rows, selectRows<IncidentRow>(conn_, incidentSelect() + "WHERE id = " + p.add(id), p,
                                         readIncident));
  if (rows.empty()) {
    return Error::notFound("incident.not_found", "no such incident");
  }
  return rows.front();
}

Result<IncidentRow> SqlHazardRepository::updateIncident(const IncidentRow& row, Instant now) {
  ParamList p(conn_.dialect());
  std::string sql = "UPDATE incidents SET " + setSql(incidentCols(row), p) +
                    ", version = version + 1, updated_at = " + p.add(toMillis(now)) +
                    " WHERE id = " + p.add(row.id) + " AND version = " + p.add(row.version);
  AG_ASSIGN_OR_RETURN(auto n, execSql(conn_, sql, p));
  if (n == 0) {
    AG_ASSIGN_OR_RETURN(auto current, getIncident(row.id));
    (void)current;
    return Error::conflict("incident.stale_version", "the incident was changed by someone else");
  }
  IncidentRow out = row;
  out.version = row.version + 1;
  out.updated_at = now;
  return out;
}

Result<std::vector<IncidentRow>> SqlHazardRepository::listIncidents(const std::string& scope_prefix,
                                                                    std::optional<Instant> from,
                                                                    std::optional<Instant> to) {
  ParamList p(conn_.dialect());
  std::string where = "WHERE 1 = 1" + scopeClause(scope_prefix, p);
  if (from) {
    where += " AND occurred_at >= " + p.add(toMillis(*from));
  }
  if (to) {
    where += " AND occurred_at < " + p.add(toMillis(*to));
  }
  return selectRows<IncidentRow>(conn_, incidentSelect() + where + " ORDER BY occurred_at DESC, id",
                                 p, readIncident);
}

Result<std::int64_t> SqlHazardRepository::insertAction(const IncidentAction& a) {
  ParamList p(conn_.dialect());
  Cols cols = {{"incident_id", a.incident_id},         {"description", a.description},
               {"owner_person_id", a.owner_person_id}, {"deadline", optionalMillis(a.deadline)},
               {"done_at", optionalMillis(a.done_at)}, {"done_note", a.done_note}};
  AG_ASSIGN_OR_RETURN(auto id, conn_.insertId(insertSql("incident_actions", cols, p), p.params()));
  return id.value_or(0);
}

Status SqlHazardRepository::updateAction(const IncidentAction& a) {
  ParamList p(conn_.dialect());
  Cols cols = {{"description", a.description},
               {"owner_person_id", a.owner_person_id},
               {"deadline", optionalMillis(a.deadline)},
               {"done_at", optionalMillis(a.done_at)},
               {"done_note", a.done_note}};
  AG_ASSIGN_OR_RETURN(
      auto n,
      execSql(conn_,
              "UPDATE incident_actions SET " + setSql(cols, p) + " WHERE id = " + p.add(a.id), p));
  if (n == 0) {
    return Error::notFound("incident.action_not_found", "no such corrective action");
  }
  return {};
}

Result<std::vector<IncidentAction>> SqlHazardRepository::actionsOf(std::int64_t incident_id) {
  ParamList p(conn_.dialect());
  std::string sql =
      "SELECT id, incident_id, description, owner_person_id, deadline, done_at, done_note FROM "
      "incident_actions WHERE incident_id = " +
      p.add(incident_id) + " ORDER BY id";
  return selectRows<IncidentAction>(conn_, sql, p, [](const SqlRow& r) {
    return IncidentAction{r.getInt(0),
                          r.getInt(1),
                          r.getText(2),
                          r.getInt(3),
                          readOptionalInstant(r, 4),
                          readOptionalInstant(r, 5),
                          r.getText(6)};
  });
}

Status SqlHazardRepository::upsertWorkPeriod(const WorkPeriod& w) {
  ParamList p(conn_.dialect());
  std::string sql =
      "INSERT INTO work_periods (org_id, org_path, month, hours_worked, headcount) VALUES (" +
      p.add(w.org_id) + ", " + p.add(w.org_path) + ", " + p.add(w.month) + ", " +
      p.add(w.hours_worked) + ", " + p.add(w.headcount) +
      ") ON CONFLICT (org_id, month) DO UPDATE SET org_path = excluded.org_path, "
      "hours_worked = excluded.hours_worked, headcount = excluded.headcount";
  AG_ASSIGN_OR_RETURN(auto n, execSql(conn_, sql, p));
  (void)n;
  return {};
}

Result<std::vector<WorkPeriod>> SqlHazardRepository::workPeriods(const std::string& scope_prefix,
                                                                 const std::string& from_month,
                                                                 const std::string& to_month) {
  ParamList p(conn_.dialect());
  std::string where = "WHERE 1 = 1" + scopeClause(scope_prefix, p);
  if (!from_month.empty()) {
    where += " AND month >= " + p.add(from_month);
  }
  if (!to_month.empty()) {
    where += " AND month <= " + p.add(to_month);
  }
  return selectRows<WorkPeriod>(
      conn_,
      "SELECT org_id, org_path, month, hours_worked, headcount FROM work_periods " + where +
          " ORDER BY month, org_id",
      p, [](const SqlRow& r) {
        return WorkPeriod{r.getInt(0), r.getText(1), r.getText(2), r.getDouble(3), r.getDouble(4)};
      });
}

}  // namespace anguan::store
