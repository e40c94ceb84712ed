// The built-in base-data entity schemas. See record.hpp for what they drive.
//
// Thread safety: the schemas are immutable after static initialisation.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace anguan::base {

enum class FieldType {
  kText,     // string, max_length
  kInteger,  // int64, min/max
  kNumber,   // double, min/max
  kBool,
  kDate,      // "YYYY-MM-DD"
  kDateTime,  // Instant (API: RFC 3339)
  kEnum,      // one of options
  kRef,       // id of a record of entity `ref`
  kCodeList,  // list of option codes (e.g. roles)
};

const char* toString(FieldType type);

struct Option {
  std::string code;
  std::string zh;
  std::string en;
};

struct FieldSpec {
  std::string name;
  FieldType type = FieldType::kText;
  std::string zh;
  std::string en;
  bool required = false;
  bool unique = false;           // Unique across the entity (enforced by the store too).
  std::size_t max_length = 200;  // kText.
  std::optional<double> min;     // kInteger, kNumber.
  std::optional<double> max;
  std::vector<Option> options;  // kEnum, kCodeList.
  std::string ref;              // kRef: entity name.
  std::string pattern;          // kText: "phone" checks a phone number; empty = any.
  bool computed = false;        // Set by the server (e.g. certificate status); not writable.
};

struct EntitySchema {
  std::string name;  // Table and context name, e.g. "maintenance_windows".
  std::string path;  // URL segment, e.g. "maintenance-windows".
  std::string zh;
  std::string en;
  std::vector<FieldSpec> fields;
  // Scoping: true when records belong to an organisation unit. `scope_field` names the field
  // whose referenced record gives the owning org: "org_id" (direct), or e.g. "person_id" for
  // certificates (the person's org). For org_units the record itself is the org.
  bool scoped = true;
  std::string scope_field = "org_id";
  // Field shown as the record's name in references and pickers.
  std::string title_field = "name";
  // Unique field that identifies a record in files (export writes references as the target's
  // key, import resolves them by it). "" = the numeric id.
  std::string key_field = "code";
  // Fields a list may be sorted by are all non-list fields plus id/created_at/updated_at.

  const FieldSpec* field(std::string_view field_name) const;
};

// All built-in entities, in dependency order (an entity only references earlier ones or itself).
const std::vector<EntitySchema>& schemas();
// By name ("org_units") or by URL path ("org-units"); nullptr when unknown.
const EntitySchema* findSchema(std::string_view name_or_path);

// Role codes (people.roles and user roles share this catalogue).
const std::vector<Option>& roleOptions();
// Certificate types (domain-rules.md §6).
const std::vector<Option>& certificateTypeOptions();

}  // namespace anguan::base
