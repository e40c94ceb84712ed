// Conversion between base-data Records and JSON / spreadsheet text, driven by the schema.
// Date-times are RFC 3339 in the API (rendered in the enterprise offset) and int64 ms inside.
//
// Thread safety: pure functions.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "anguan/domain/base/record.hpp"
#include "anguan/domain/base/schema.hpp"
#include "anguan/domain/base/validation.hpp"

namespace anguan::service {

// Reads the writable fields of `object` into record.values (unknown or computed fields, wrong
// JSON types and unparseable dates/times become problems). Keys in `ignore` (e.g. "version",
// "id") are skipped. Missing fields are set to null.
std::vector<base::FieldProblem> recordFromJson(const base::EntitySchema& schema,
                                               const boost::json::object& object,
                                               base::Record& record,
                                               const std::vector<std::string>& ignore);

// {id, version, created_at, updated_at, org_id, <fields...>} with date-times at `tz_offset`.
boost::json::object recordToJson(const base::EntitySchema& schema, const base::Record& record,
                                 int tz_offset_minutes);

// One value in API form.
boost::json::value valueToJson(const base::FieldSpec& spec, const base::Value& value,
                               int tz_offset_minutes);

// Parses a spreadsheet cell for `spec` (lenient: enum by code or zh/en label, bool as
// true/false/1/0/是/否/yes/no, date-time as RFC 3339 or "YYYY-MM-DD HH:MM[:SS]" local time,
// code lists split on , ; 、). References are NOT resolved here: a numeric cell becomes the id,
// any other text is returned in `unresolved_ref` for the caller to look up.
// Returns a reason code on failure ("" = ok).
std::string valueFromCell(const base::FieldSpec& spec, const std::string& cell,
                          int tz_offset_minutes, base::Value& out, std::string& unresolved_ref);

// Text form of a value for export (date-times "YYYY-MM-DD HH:MM" local, enums by label in
// `language`, bools 是/否 or yes/no, lists joined with ",").
std::string valueToCell(const base::FieldSpec& spec, const base::Value& value,
                        int tz_offset_minutes, const std::string& language);

// Label of a field or option in the language ("en" → English, anything else → Chinese).
const std::string& label(const base::FieldSpec& spec, const std::string& language);

}  // namespace anguan::service
