// WorkTypeDef <-> JSON (the stored form in work_types.doc, and the API form).
#pragma once

#include <boost/json.hpp>

#include "anguan/core/result.hpp"
#include "anguan/domain/permit/work_type.hpp"

namespace anguan::service::permit_json {

// Full form with both languages; `language` adds "name"/"label"/"text" in that language.
boost::json::object toJson(const permit::WorkTypeDef& def, const std::string& language);
// Reads the stored/API form; kInvalidArgument "validation.failed" naming the bad field.
Result<permit::WorkTypeDef> fromJson(const boost::json::object& o);
const char* roleLabel(const std::string& role, bool chinese);

}  // namespace anguan::service::permit_json
