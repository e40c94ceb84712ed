#include "common/permit_repository.hpp"

#include <algorithm>
#include <unordered_set>

#include "anguan/core/crypto.hpp"

namespace anguan::store {
namespace {

// Column order shared by select() and readRow(); `doc` last so lists can leave it out.
constexpr const char* kColumns =
    "id, number, type_code, level, state, org_id, org_path, area_id, title, window_from, "
    "window_to, leader_id, guardian_id, crew, waiting_roles, waiting_since, rules_version, "
    "public_token, created_by, created_at, updated_at, submitted_at, issued_at, started_at, "
    "suspended_at, completed_at, closed_at, version, conditions";

PermitRow readRow(const SqlRow& r, bool with_doc) {
  PermitRow p;
  p.id = r.getInt(0);
  p.number = r.getText(1);
  p.type_code = r.getText(2);
  p.level = r.getText(3);
  p.state = r.getText(4);
  p.org_id = r.getInt(5);
  p.org_path = r.getText(6);
  p.area_id = r.getInt(7);
  p.title = r.getText(8);
  p.window_from = fromMillis(r.getInt(9));
  p.window_to = fromMillis(r.getInt(10));
  p.leader_id = r.getInt(11);
  p.guardian_id = r.getInt(12);
  p.crew = r.getText(13);
  p.waiting_roles = r.getText(14);
  p.waiting_since = readOptionalInstant(r, 15);
  p.rules_version = r.getInt(16);
  p.public_token = r.getText(17);
  p.created_by = r.getInt(18);
  p.created_at = fromMillis(r.getInt(19));
  p.updated_at = fromMillis(r.getInt(20));
  p.submitted_at = readOptionalInstant(r, 21);
  p.issued_at = readOptionalInstant(r, 22);
  p.started_at = readOptionalInstant(r, 23);
  p.suspended_at = readOptionalInstant(r, 24);
  p.completed_at = readOptionalInstant(r, 25);
  p.closed_at = readOptionalInstant(r, 26);
  p.version = r.getInt(27);
  p.conditions = r.getText(28);
  if (with_doc) {
    p.doc = r.getText(29);
  }
  return p;
}

Error notFound() { return Error::notFound("permit.not_found", "No such permit"); }

}  // namespace

Result<std::vector<WorkTypeRow>> SqlPermitRepository::listWorkTypes() {
  std::vector<WorkTypeRow> out;
  AG_ASSIGN_OR_RETURN(
      auto ignored,
      conn_.run("SELECT code, rules_version, active, doc, updated_at, updated_by FROM work_types "
                "ORDER BY code",
                {}, [&](const SqlRow& r) {
                  WorkTypeRow w;
                  w.code = r.getText(0);
                  w.rules_version = r.getInt(1);
                  w.active = r.getBool(2);
                  w.doc = r.getText(3);
                  w.updated_at = fromMillis(r.getInt(4));
                  w.updated_by = r.getInt(5);
                  out.push_back(std::move(w));
                }));
  (void)ignored;
  return out;
}

Status SqlPermitRepository::saveWorkType(const WorkTypeRow& row) {
  ParamList p(conn_.dialect());
  const std::string sql =
      "INSERT INTO work_types (code, rules_version, active, doc, updated_at, updated_by) VALUES (" +
      p.add(row.code) + ", " + p.add(row.rules_version) + ", " + p.add(row.active) + ", " +
      p.add(row.doc) + ", " + p.add(toMillis(row.updated_at)) + ", " + p.add(row.updated_by) +
      ") ON CONFLICT (code) DO UPDATE SET rules_version = excluded.rules_version, active = "
      "excluded.active, doc = excluded.doc, updated_at = excluded.updated_at, updated_by = "
      "excluded.updated_by";
  AG_ASSIGN_OR_RETURN(auto n, execSql(conn_, sql, p));
  (void)n;
  ParamList v(conn_.dialect());
  const std::string keep = "INSERT INTO work_type_versions (code, rules_version, doc) VALUES (" +
                           v.add(row.code) + ", " + v.add(row.rules_version) + ", " +
                           v.add(row.doc) + ") ON CONFLICT (code, rules_version) DO NOTHING";
  AG_ASSIGN_OR_RETURN(auto kept, execSql(conn_, keep, v));
  (void)kept;
  return {};
}

Result<std::optional<std::string>> SqlPermitRepository::workTypeVersion(
    const std::string& code, std::int64_t rules_version) {
  ParamList p(conn_.dialect());
  std::optional<std::string> out;
  AG_ASSIGN_OR_RETURN(auto ignored,
                      conn_.run("SELECT doc FROM work_type_versions WHERE code = " + p.add(code) +
                                    " AND rules_version = " + p.add(rules_version),
                                p.params(), [&](const SqlRow& r) { out = r.getText(0); }));
  (void)ignored;
  return out;
}

Result<std::int64_t> SqlPermitRepository::insert(const PermitRow& row) {
  ParamList p(conn_.dialect());
  std::string sql = std::string("INSERT INTO permits (") +
                    "number, type_code, level, state, org_id, org_path, area_id, title, "
                    "window_from, window_to, leader_id, guardian_id, crew, waiting_roles, "
                    "waiting_since, rules_version, public_token, created_by, created_at, "
                    "updated_at, submitted_at, issued_at, started_at, suspended_at, "
                    "completed_at, closed_at, version, conditions, doc) VALUES (";
  sql += p.add(row.number) + ", " + p.add(row.type_code) + ", " + p.add(row.level) + ", " +
         p.add(row.state) + ", " + p.add(row.org_id) + ", " + p.add(row.org_path) + ", " +
         p.add(row.area_id) + ", " + p.add(row.title) + ", " + p.add(toMillis(row.window_from)) +
         ", " + p.add(toMillis(row.window_to)) + ", " + p.add(row.leader_id) + ", " +
         p.add(row.guardian_id) + ", " + p.add(row.crew) + ", " + p.add(row.waiting_roles) + ", " +
         p.add(optionalMillis(row.waiting_since)) + ", " + p.add(row.rules_version) + ", " +
         p.add(row.public_token) + ", " + p.add(row.created_by) + ", " +
         p.add(toMillis(row.created_at)) + ", " + p.add(toMillis(row.updated_at)) + ", " +
         p.add(optionalMillis(row.submitted_at)) + ", " + p.add(optionalMillis(row.issued_at)) +
         ", " + p.add(optionalMillis(row.started_at)) + ", " +
         p.add(optionalMillis(row.suspended_at)) + ", " + p.add(optionalMillis(row.completed_at)) +
         ", " + p.add(optionalMillis(row.closed_at)) + ", " + p.add(std::int64_t{1}) + ", " +
         p.add(row.conditions) + ", " + p.add(row.doc) + ")";
  auto id = conn_.insertId(sql, p.params());
  if (!id) {
    if (id.error().code() == ErrorCode::kConflict) {
      return Error::conflict("permit.duplicate_number", "This permit number exists");
    }
    return id.error();
  }
  return id->value_or(0);
}

Result<std::vector<PermitRow>> SqlPermitRepository::select(const std::string& tail,
                                                           const ParamList& params, bool with_doc) {
  std::vector<PermitRow> out;
  const std::string sql =
      std::string("SELECT ") + kColumns + (with_doc ? ", doc" : "") + " FROM permits " + tail;
  AG_ASSIGN_OR_RETURN(auto ignored, conn_.run(sql, params.params(), [&](const SqlRow& r) {
    out.push_back(readRow(r, with_doc));
  }));
  (void)ignored;
  return out;
}

Status SqlPermitRepository::setNumber(std::int64_t id, const std::string& number) {
  ParamList p(conn_.dialect());
  const std::string sql =
      "UPDATE permits SET number = " + p.add(number) + " WHERE id = " + p.add(id);
  auto n = execSql(conn_, sql, p);
  if (!n) {
    if (n.error().code() == ErrorCode::kConflict) {
      return Error::conflict("permit.duplicate_number", "This permit number exists");
    }
    return n.error();
  }
  return {};
}

Result<PermitRow> SqlPermitRepository::get(std::int64_t id) {
  ParamList p(conn_.dialect());
  AG_ASSIGN_OR_RETURN(auto rows, select("WHERE id = " + p.add(id), p, true));
  if (rows.empty()) {
    return notFound();
  }
  return std::move(rows.front());
}

Result<PermitRow> SqlPermitRepository::getByToken(const std::string& token) {
  ParamList p(conn_.dialect());
  AG_ASSIGN_OR_RETURN(auto rows, select("WHERE public_token = " + p.add(token), p, true));
  if (rows.empty()) {
    return notFound();
  }
  return std::move(rows.front());
}

Result<std::int64_t> SqlPermitRepository::update(const PermitRow& row) {
  return write(row, nullptr);
}

Result<std::int64_t> SqlPermitRepository::updateChanged(const PermitRow& row,
                                                        const PermitRow& before) {
  return write(row, &before);
}

Result<std::int64_t> SqlPermitRepository::write(const PermitRow& row, const PermitRow* before) {
  ParamList p(conn_.dialect());
  std::string sql = "UPDATE permits SET ";
  // A column joins the SET list when there is no `before` or its value differs (only fixed
  // column names are written into the statement; every value is a parameter).
  const PermitRow& b = before != nullptr ? *before : row;
  auto set = [&](const char* column, bool changed, SqlParam value) {
    if (before == nullptr || changed) {
      sql += column;
      sql += " = " + p.add(std::move(value)) + ", ";
    }
  };
  set("level", row.level != b.level, row.level);
  set("state", row.state != b.state, row.state);
  set("org_id", row.org_id != b.org_id, row.org_id);
  set("org_path", row.org_path != b.org_path, row.org_path);
  set("area_id", row.area_id != b.area_id, row.area_id);
  set("title", row.title != b.title, row.title);
  set("window_from", row.window_from != b.window_from, toMillis(row.window_from));
  set("window_to", row.window_to != b.window_to, toMillis(row.window_to));
  set("leader_id", row.leader_id != b.leader_id, row.leader_id);
  set("guardian_id", row.guardian_id != b.guardian_id, row.guardian_id);
  set("crew", row.crew != b.crew, row.crew);
  set("waiting_roles", row.waiting_roles != b.waiting_roles, row.waiting_roles);
  set("waiting_since", row.waiting_since != b.waiting_since, optionalMillis(row.waiting_since));
  set("rules_version", row.rules_version != b.rules_version, row.rules_version);
  set("submitted_at", row.submitted_at != b.submitted_at, optionalMillis(row.submitted_at));
  set("issued_at", row.issued_at != b.issued_at, optionalMillis(row.issued_at));
  set("started_at", row.started_at != b.started_at, optionalMillis(row.started_at));
  set("suspended_at", row.suspended_at != b.suspended_at, optionalMillis(row.suspended_at));
  set("completed_at", row.completed_at != b.completed_at, optionalMillis(row.completed_at));
  set("closed_at", row.closed_at != b.closed_at, optionalMillis(row.closed_at));
  set("conditions", row.conditions != b.conditions, row.conditions);
  sql += "updated_at = " + p.add(toMillis(row.updated_at)) + ", doc = " + p.add(row.doc) +
         ", version = version + 1 WHERE id = " + p.add(row.id) +
         " AND version = " + p.add(row.version);
  AG_ASSIGN_OR_RETURN(auto n, execSql(conn_, sql, p));
  if (n == 0) {
    return Error::conflict("permit.stale_version",
                           "The permit was changed by someone else; reload and try again");
  }
  return row.version + 1;
}

namespace {

// The WHERE clause of `q` without its any_of; values go to `p`.
std::string listWhere(const PermitQuery& q, ParamList& p, Dialect dialect) {
  std::string where = "WHERE 1 = 1";
  if (!q.states.empty()) {
    std::string in;
    for (const auto& s : q.states) {
      in += (in.empty() ? "" : ", ") + p.add(s);
    }
    where += " AND state IN (" + in + ")";
  }
  if (!q.type_code.empty()) {
    where += " AND type_code = " + p.add(q.type_code);
  }
  if (q.area_id > 0) {
    where += " AND area_id = " + p.add(q.area_id);
  }
  if (q.to) {
    where += " AND window_from < " + p.add(toMillis(*q.to));
  }
  if (q.from) {
    where += " AND window_to > " + p.add(toMillis(*q.from));
  }
  if (q.crew_person > 0) {
    where += " AND crew LIKE " + p.add("%," + std::to_string(q.crew_person) + ",%");
  }
  if (!q.waiting_role_any.empty()) {
    std::string any;
    for (const auto& role : decodeCodeList(q.waiting_role_any)) {
      any += (any.empty() ? "" : " OR ") + std::string("waiting_roles LIKE ") +
             p.add("%," + escapeLike(role) + ",%") + " ESCAPE '\\'";
    }
    where += any.empty() ? " AND 1 = 0" : " AND (" + any + ")";
  }
  if (!q.search.empty()) {
    const std::string ph = p.add("%" + escapeLike(q.search) + "%");
    where += " AND (" + likeInsensitive(dialect, "number", ph) + " OR " +
             likeInsensitive(dialect, "title", ph) + ")";
  }
  if (!q.scope_prefix.empty()) {
    where += " AND org_path LIKE " + p.add(escapeLike(q.scope_prefix) + "%") + " ESCAPE '\\'";
  }
  return where;
}

// Term `kind` of q.any_of (0 the guardian, 1 the types, 2 painting work; only when anyOfHas),
// each answered by an index of its own (0010). The painting term is a fixed literal: it must
// read exactly as permits_painting_idx's WHERE.
constexpr int kAnyOfKinds = 3;
bool anyOfHas(const PermitQuery::AnyOf& any, int kind) {
  return kind == 0 ? any.guardian_id > 0 : kind == 1 ? !any.type_codes.empty() : any.painting;
}
std::string anyOfTerm(const PermitQuery::AnyOf& any, int kind, ParamList& p) {
  if (kind == 0) {
    return "guardian_id = " + p.add(any.guardian_id);
  }
  if (kind == 1) {
    std::string in;
    for (const auto& code : any.type_codes) {
      in += (in.empty() ? "" : ", ") + p.add(code);
    }
    return "type_code IN (" + in + ")";
  }
  return "conditions LIKE '%painting%'";
}

constexpr const char* kNarrowSelect =
    "SELECT id, number, type_code, state, area_id, window_from, window_to, guardian_id, "
    "conditions FROM permits ";

PermitRow narrowRow(const SqlRow& r) {
  PermitRow row;
  row.id = r.getInt(0);
  row.number = r.getText(1);
  row.type_code = r.getText(2);
  row.state = r.getText(3);
  row.area_id = r.getInt(4);
  row.window_from = fromMillis(r.getInt(5));
  row.window_to = fromMillis(r.getInt(6));
  row.guardian_id = r.getInt(7);
  row.conditions = r.getText(8);
  return row;
}

}  // namespace

Result<std::vector<PermitRow>> SqlPermitRepository::list(const PermitQuery& q,
                                                         std::int64_t* total) {
  ParamList p(conn_.dialect());
  const auto limit = std::clamp<std::int64_t>(q.limit, 1, 5000);
  const auto offset = std::max<std::int64_t>(q.offset, 0);
  if (q.any_of) {
    // One SELECT per kind of work that matters, each on its own index, rather than one OR that
    // only a scan of the window's open permits can answer. UNION keeps a permit of two kinds
    // once (its two rows are equal) before LIMIT and OFFSET count it. A first page without a
    // total (the feasibility checks) takes UNION ALL and drops the repeats here instead: SQLite
    // answers a UNION through a temporary b-tree.
    const bool dedupe_here = total == nullptr && offset == 0;
    std::string compound;
    int parts = 0;
    for (int kind = 0; kind < kAnyOfKinds; ++kind) {
      if (!anyOfHas(*q.any_of, kind)) {
        continue;
      }
      std::string part = kNarrowSelect + listWhere(q, p, conn_.dialect());
      part += " AND " + anyOfTerm(*q.any_of, kind, p);
      compound += (compound.empty() ? "" : dedupe_here ? " UNION ALL " : " UNION ") + part;
      ++parts;
    }
    std::vector<PermitRow> out;
    if (compound.empty()) {
      if (total != nullptr) {
        *total = 0;
      }
      return out;
    }
    if (total != nullptr) {
      AG_ASSIGN_OR_RETURN(
          auto n,
          queryOneInt(conn_, "SELECT COUNT(*) FROM (" + compound + ") AS kinds", p.params()));
      *total = n.value_or(0);
    }
    if (dedupe_here) {
      // Each permit comes at most once per part: `limit` of each is enough for `limit` in all.
      compound += " LIMIT " + p.add(limit * parts);
      std::unordered_set<std::int64_t> seen;
      AG_ASSIGN_OR_RETURN(auto ignored, conn_.run(compound, p.params(), [&](const SqlRow& r) {
        if (static_cast<std::int64_t>(out.size()) < limit && seen.insert(r.getInt(0)).second) {
          out.push_back(narrowRow(r));
        }
      }));
      (void)ignored;
      return out;
    }
    compound += " LIMIT " + p.add(limit) + " OFFSET " + p.add(offset);
    AG_ASSIGN_OR_RETURN(auto ignored, conn_.run(compound, p.params(), [&](const SqlRow& r) {
      out.push_back(narrowRow(r));
    }));
    (void)ignored;
    return out;
  }
  std::string where = listWhere(q, p, conn_.dialect());
  if (total != nullptr) {
    AG_ASSIGN_OR_RETURN(auto n,
                        queryOneInt(conn_, "SELECT COUNT(*) FROM permits " + where, p.params()));
    *total = n.value_or(0);
  }
  if (!q.any_order) {
    where += std::string(" ORDER BY id ") + (q.newest_first ? "DESC" : "ASC");
  }
  where += " LIMIT " + p.add(limit) + " OFFSET " + p.add(offset);
  if (q.narrow) {
    std::vector<PermitRow> out;
    AG_ASSIGN_OR_RETURN(auto ignored,
                        conn_.run(kNarrowSelect + where, p.params(),
                                  [&](const SqlRow& r) { out.push_back(narrowRow(r)); }));
    (void)ignored;
    return out;
  }
  return select(where, p, q.with_doc);
}

Result<std::int64_t> SqlPermitRepository::countNumbersWithPrefix(const std::string& prefix) {
  ParamList p(conn_.dialect());
  AG_ASSIGN_OR_RETURN(auto n, queryOneInt(conn_,
                                          "SELECT COUNT(*) FROM permits WHERE number LIKE " +
                                              p.add(escapeLike(prefix) + "%") + " ESCAPE '\\'",
                                          p.params()));
  return n.value_or(0);
}

Result<std::int64_t> SqlPermitRepository::appendEvent(const PermitEventRow& e) {
  ParamList p(conn_.dialect());
  const std::string sql =
      "INSERT INTO permit_events (permit_id, at, actor_id, actor_name, kind, from_state, "
      "to_state, data) VALUES (" +
      p.add(e.permit_id) + ", " + p.add(toMillis(e.at)) + ", " + p.add(e.actor_id) + ", " +
      p.add(e.actor_name) + ", " + p.add(e.kind) + ", " + p.add(e.from_state) + ", " +
      p.add(e.to_state) + ", " + p.add(e.data.empty() ? std::string("{}") : e.data) + ")";
  AG_ASSIGN_OR_RETURN(auto id, conn_.insertId(sql, p.params()));
  return id.value_or(0);
}

Result<std::vector<PermitEventRow>> SqlPermitRepository::events(std::int64_t permit_id) {
  ParamList p(conn_.dialect());
  std::vector<PermitEventRow> out;
  AG_ASSIGN_OR_RETURN(
      auto ignored,
      conn_.run("SELECT id, permit_id, at, actor_id, actor_name, kind, from_state, to_state, data "
                "FROM permit_events WHERE permit_id = " +
                    p.add(permit_id) + " ORDER BY id",
                p.params(), [&](const SqlRow& r) {
                  PermitEventRow e;
                  e.id = r.getInt(0);
                  e.permit_id = r.getInt(1);
                  e.at = fromMillis(r.getInt(2));
                  e.actor_id = r.getInt(3);
                  e.actor_name = r.getText(4);
                  e.kind = r.getText(5);
                  e.from_state = r.getText(6);
                  e.to_state = r.getText(7);
                  e.data = r.getText(8);
                  out.push_back(std::move(e));
                }));
  (void)ignored;
  return out;
}

Status SqlPermitRepository::insertFile(const PermitFileRow& f) {
  ParamList p(conn_.dialect());
  const std::string sql =
      "INSERT INTO permit_files (id, permit_id, name, content_type, size, data, created_at, "
      "created_by) VALUES (" +
      p.add(f.id) + ", " + p.add(f.permit_id) + ", " + p.add(f.name) + ", " +
      p.add(f.content_type) + ", " + p.add(static_cast<std::int64_t>(f.data.size())) + ", " +
      p.add(crypto::base64Encode(f.data)) + ", " + p.add(toMillis(f.created_at)) + ", " +
      p.add(f.created_by) + ")";
  AG_ASSIGN_OR_RETURN(auto n, execSql(conn_, sql, p));
  (void)n;
  return {};
}

Result<PermitFileRow> SqlPermitRepository::getFile(const std::string& id) {
  ParamList p(conn_.dialect());
  std::optional<PermitFileRow> found;
  bool corrupt = false;
  AG_ASSIGN_OR_RETURN(auto ignored,
                      conn_.run("SELECT id, permit_id, name, content_type, size, data, "
                                "created_at, created_by FROM permit_files WHERE id = " +
                                    p.add(id),
                                p.params(), [&](const SqlRow& r) {
                                  PermitFileRow f;
                                  f.id = r.getText(0);
                                  f.permit_id = r.getInt(1);
                                  f.name = r.getText(2);
                                  f.content_type = r.getText(3);
                                  f.size = r.getInt(4);
                                  auto bytes = crypto::base64Decode(r.getText(5));
                                  corrupt = !bytes;
                                  f.data = bytes.value_or("");
                                  f.created_at = fromMillis(r.getInt(6));
                                  f.created_by = r.getInt(7);
                                  found = std::move(f);
                                }));
  (void)ignored;
  if (!found) {
    return Error::notFound("permit.file_not_found", "No such file");
  }
  if (corrupt) {
    return Error::internal("permit.file_corrupt", "The stored file is damaged");
  }
  return *std::move(found);
}

Result<std::vector<PermitFileRow>> SqlPermitRepository::listFiles(std::int64_t permit_id) {
  ParamList p(conn_.dialect());
  std::vector<PermitFileRow> out;
  AG_ASSIGN_OR_RETURN(auto ignored,
                      conn_.run("SELECT id, permit_id, name, content_type, size, created_at, "
                                "created_by FROM permit_files WHERE permit_id = " +
                                    p.add(permit_id) + " ORDER BY created_at",
                                p.params(), [&](const SqlRow& r) {
                                  PermitFileRow f;
                                  f.id = r.getText(0);
                                  f.permit_id = r.getInt(1);
                                  f.name = r.getText(2);
                                  f.content_type = r.getText(3);
                                  f.size = r.getInt(4);
                                  f.created_at = fromMillis(r.getInt(5));
                                  f.created_by = r.getInt(6);
                                  out.push_back(std::move(f));
                                }));
  (void)ignored;
  return out;
}

}  // namespace anguan::store
