#include <algorithm>
#include <set>

#include <gtest/gtest.h>

#include "anguan/domain/store/store.hpp"

#include "contract/backend.hpp"
#include "contract/helpers.hpp"

namespace anguan::store::contract {
namespace {

using base::FieldType;
using base::Record;
using base::Value;

const std::string kHostile = "名称 'quoted' \"dq\" 😀 \\ %_ '; DROP TABLE areas; --";

// A value for every stored field; `n` keeps unique fields unique.
Value sampleValue(const base::FieldSpec& f, int n) {
  switch (f.type) {
    case FieldType::kText:
      return f.name + "-" + std::to_string(n) + " " + kHostile;
    case FieldType::kEnum:
      return f.options.back().code;
    case FieldType::kDate:
      return "2026-0" + std::to_string(1 + n % 9) + "-2" + std::to_string(n % 9);
    case FieldType::kInteger:
    case FieldType::kRef:
      return std::int64_t{1000 + n};
    case FieldType::kDateTime:
      return std::int64_t{1767225600123 + n};
    case FieldType::kNumber:
      return 12.345678901234 + n;
    case FieldType::kBool:
      return n % 2 == 0;
    case FieldType::kCodeList:
      return std::vector<std::string>{"worker", "guardian", "safety_officer"};
  }
  return {};
}

Record fullRecord(const base::EntitySchema& schema, int n) {
  Record r = makeRecord(schema.scoped ? "/1/4/" : "", {}, schema.scoped ? 4 : 0);
  for (const auto& f : schema.fields) {
    if (!f.computed) {
      r.values[f.name] = sampleValue(f, n);
    }
  }
  if (schema.field("org_id") != nullptr) {
    r.org_id = std::get<std::int64_t>(r.values["org_id"]);
  }
  return r;
}

void expectSameValues(const base::EntitySchema& schema, const Record& expected,
                      const Record& actual) {
  for (const auto& f : schema.fields) {
    if (f.computed) {
      continue;
    }
    EXPECT_EQ(expected.get(f.name), actual.get(f.name)) << schema.name << "." << f.name;
  }
}

class RecordRepositoryContractTest : public StoreContractTest {
 protected:
  Record insert(const std::string& entity, const Record& r, std::int64_t now_ms = 1000) {
    auto out = inWrite<Record>(store(), [&](Transaction& tx) {
      return tx.records().insert(schemaNamed(entity), r, at(now_ms));
    });
    EXPECT_TRUE(out) << describe(out.error());
    return out ? *out : Record{};
  }

  Record area(const std::string& name, const std::string& code, const std::string& path,
              double latitude) {
    return insert("areas", makeRecord(path, {{"name", name},
                                             {"code", code},
                                             {"org_id", std::int64_t{4}},
                                             {"kind", std::string("tank_farm")},
                                             {"latitude", latitude},
                                             {"major_hazard", latitude > 30}}));
  }

  Result<Page> list(const std::string& entity, const ListQuery& q) {
    return inRead<Page>(store(),
                        [&](Transaction& tx) { return tx.records().list(schemaNamed(entity), q); });
  }

  std::vector<std::string> names(const Page& page) {
    std::vector<std::string> out;
    for (const auto& r : page.items) {
      out.push_back(r.getText("name"));
    }
    return out;
  }

  void seedAreas() {
    area("Tank farm B", "B", "/1/4/", 31.5);
    area("alpha unit", "A", "/1/4/9/", 29.0);
    area("Loading bay", "C", "/1/5/", 35.25);
    area("50%_off", "D", "/1/4/", 20.0);
  }
};

TEST_P(RecordRepositoryContractTest, EveryFieldOfEverySchemaRoundTrips) {
  int n = 0;
  for (const auto& schema : base::schemas()) {
    Record input = fullRecord(schema, ++n);
    Record inserted = insert(schema.name, input, 5000 + n);
    ASSERT_GT(inserted.id, 0) << schema.name;
    EXPECT_EQ(inserted.version, 1);
    EXPECT_EQ(inserted.created_at, at(5000 + n));
    expectSameValues(schema, input, inserted);

    auto got = inRead<Record>(
        store(), [&](Transaction& tx) { return tx.records().get(schema, inserted.id); });
    ASSERT_TRUE(got) << schema.name << ": " << describe(got.error());
    EXPECT_EQ(got->id, inserted.id);
    EXPECT_EQ(got->version, 1);
    EXPECT_EQ(got->org_id, input.org_id) << schema.name;
    EXPECT_EQ(got->org_path, input.org_path);
    EXPECT_EQ(got->created_at, at(5000 + n));
    EXPECT_EQ(got->updated_at, at(5000 + n));
    expectSameValues(schema, input, *got);
  }
}

TEST_P(RecordRepositoryContractTest, MissingFieldsReadBackAsNull) {
  Record r = insert("holidays", makeRecord("", {{"date", std::string("2026-10-01")}}));
  auto got = inRead<Record>(
      store(), [&](Transaction& tx) { return tx.records().get(schemaNamed("holidays"), r.id); });
  ASSERT_TRUE(got);
  EXPECT_TRUE(base::isNull(got->get("name")));
  EXPECT_EQ(got->getText("date"), "2026-10-01");
}

TEST_P(RecordRepositoryContractTest, HostileTextIsStoredVerbatimAndTablesSurvive) {
  Record a = area("'; DROP TABLE areas; --", "'; DROP TABLE x; --", "/1/4/", 1.0);
  ListQuery q;
  q.search = "DROP TABLE";
  auto page = list("areas", q);
  ASSERT_TRUE(page) << describe(page.error());
  ASSERT_EQ(page->total, 1);
  EXPECT_EQ(page->items[0].getText("name"), "'; DROP TABLE areas; --");
  EXPECT_EQ(page->items[0].getText("code"), "'; DROP TABLE x; --");
}

TEST_P(RecordRepositoryContractTest, GetOfMissingIdFailsWithNotFound) {
  auto got = inRead<Record>(
      store(), [&](Transaction& tx) { return tx.records().get(schemaNamed("areas"), 424242); });
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(got.error().key(), "base.not_found");
}

TEST_P(RecordRepositoryContractTest, ListFiltersByEquality) {
  seedAreas();
  ListQuery q;
  q.filters.push_back({"code", FilterOp::kEq, std::string("C")});
  auto page = list("areas", q);
  ASSERT_TRUE(page) << describe(page.error());
  EXPECT_EQ(names(*page), std::vector<std::string>{"Loading bay"});

  ListQuery by_bool;
  by_bool.filters.push_back({"major_hazard", FilterOp::kEq, true});
  by_bool.sort_field = "name";
  auto hazards = list("areas", by_bool);
  ASSERT_TRUE(hazards) << describe(hazards.error());
  EXPECT_EQ(names(*hazards), (std::vector<std::string>{"Loading bay", "Tank farm B"}));
}

TEST_P(RecordRepositoryContractTest, ListFiltersByContainsCaseInsensitively) {
  seedAreas();
  ListQuery q;
  q.filters.push_back({"name", FilterOp::kContains, std::string("TANK")});
  auto page = list("areas", q);
  ASSERT_TRUE(page) << describe(page.error());
  EXPECT_EQ(names(*page), std::vector<std::string>{"Tank farm B"});
}

TEST_P(RecordRepositoryContractTest, ListFiltersByRange) {
  seedAreas();
  ListQuery q;
  q.filters.push_back({"latitude", FilterOp::kGe, 29.0});
  q.filters.push_back({"latitude", FilterOp::kLe, 31.5});
  q.sort_field = "latitude";
  auto page = list("areas", q);
  ASSERT_TRUE(page) << describe(page.error());
  EXPECT_EQ(names(*page), (std::vector<std::string>{"alpha unit", "Tank farm B"}));

  ListQuery by_id;
  by_id.filters.push_back({"id", FilterOp::kGe, std::int64_t{3}});
  auto ids = list("areas", by_id);
  ASSERT_TRUE(ids);
  EXPECT_EQ(ids->total, 2);
}

TEST_P(RecordRepositoryContractTest, ListFiltersCodeListByMembership) {
  insert("people",
         makeRecord("/1/4/", {{"name", std::string("Wang")},
                              {"employee_no", std::string("E1")},
                              {"org_id", std::int64_t{4}},
                              {"roles", std::vector<std::string>{"worker", "guardian"}}}));
  insert("people", makeRecord("/1/4/", {{"name", std::string("Li")},
                                        {"employee_no", std::string("E2")},
                                        {"org_id", std::int64_t{4}},
                                        {"roles", std::vector<std::string>{"work_leader"}}}));
  ListQuery q;
  q.filters.push_back({"roles", FilterOp::kEq, std::string("guardian")});
  auto page = list("people", q);
  ASSERT_TRUE(page) << describe(page.error());
  EXPECT_EQ(names(*page), std::vector<std::string>{"Wang"});

  ListQuery partial;  // "work" is a prefix of "worker" and "work_leader", but no role.
  partial.filters.push_back({"roles", FilterOp::kEq, std::string("work")});
  auto none = list("people", partial);
  ASSERT_TRUE(none);
  EXPECT_EQ(none->total, 0);
}

TEST_P(RecordRepositoryContractTest, SearchMatchesAnyTextFieldAndTreatsWildcardsLiterally) {
  seedAreas();
  ListQuery q;
  q.search = "ALPHA";
  auto page = list("areas", q);
  ASSERT_TRUE(page);
  EXPECT_EQ(names(*page), std::vector<std::string>{"alpha unit"});

  ListQuery by_code;  // Matches the code field, not the name.
  by_code.search = "d";
  by_code.sort_field = "name";
  auto coded = list("areas", by_code);
  ASSERT_TRUE(coded);
  EXPECT_EQ(names(*coded), (std::vector<std::string>{"50%_off", "Loading bay"}));

  ListQuery wildcard;
  wildcard.search = "%_";
  auto literal = list("areas", wildcard);
  ASSERT_TRUE(literal);
  EXPECT_EQ(names(*literal), std::vector<std::string>{"50%_off"});
}

TEST_P(RecordRepositoryContractTest, SortsAscendingAndDescendingOnSeveralFields) {
  seedAreas();
  ListQuery q;
  q.sort_field = "name";
  auto asc = list("areas", q);
  ASSERT_TRUE(asc);
  EXPECT_EQ(names(*asc),
            (std::vector<std::string>{"50%_off", "Loading bay", "Tank farm B", "alpha unit"}));
  q.sort_desc = true;
  auto desc = list("areas", q);
  ASSERT_TRUE(desc);
  EXPECT_EQ(names(*desc),
            (std::vector<std::string>{"alpha unit", "Tank farm B", "Loading bay", "50%_off"}));

  q.sort_field = "latitude";
  auto lat = list("areas", q);
  ASSERT_TRUE(lat);
  EXPECT_EQ(names(*lat),
            (std::vector<std::string>{"Loading bay", "Tank farm B", "alpha unit", "50%_off"}));

  q.sort_field = "id";
  auto ids = list("areas", q);
  ASSERT_TRUE(ids);
  EXPECT_EQ(names(*ids),
            (std::vector<std::string>{"50%_off", "Loading bay", "alpha unit", "Tank farm B"}));

  q.sort_field = "created_at";
  q.sort_desc = false;
  auto created = list("areas", q);
  ASSERT_TRUE(created);
  EXPECT_EQ(names(*created),
            (std::vector<std::string>{"Tank farm B", "alpha unit", "Loading bay", "50%_off"}));
}

TEST_P(RecordRepositoryContractTest, NullsSortLastInBothDirections) {
  insert("areas",
         makeRecord("/1/", {{"name", std::string("no latitude")}, {"code", std::string("N")}}));
  area("north", "X", "/1/", 40.0);
  area("south", "Y", "/1/", 10.0);
  ListQuery q;
  q.sort_field = "latitude";
  auto asc = list("areas", q);
  ASSERT_TRUE(asc);
  EXPECT_EQ(names(*asc), (std::vector<std::string>{"south", "north", "no latitude"}));
  q.sort_desc = true;
  auto desc = list("areas", q);
  ASSERT_TRUE(desc);
  EXPECT_EQ(names(*desc), (std::vector<std::string>{"north", "south", "no latitude"}));
}

TEST_P(RecordRepositoryContractTest, PagesWithLimitAndOffsetAndReportsTheTotal) {
  for (int i = 0; i < 7; ++i) {
    area("area " + std::to_string(i), "P" + std::to_string(i), "/1/", i);
  }
  ListQuery q;
  q.page_size = 3;
  q.page = 3;
  q.sort_field = "latitude";
  auto page = list("areas", q);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->total, 7);
  EXPECT_EQ(names(*page), std::vector<std::string>{"area 6"});
  q.page = 2;
  auto middle = list("areas", q);
  ASSERT_TRUE(middle);
  EXPECT_EQ(names(*middle), (std::vector<std::string>{"area 3", "area 4", "area 5"}));
  q.page = 9;
  auto beyond = list("areas", q);
  ASSERT_TRUE(beyond);
  EXPECT_EQ(beyond->total, 7);
  EXPECT_TRUE(beyond->items.empty());
}

TEST_P(RecordRepositoryContractTest, WithoutACountTheTotalIsWhatThePagesHeldSoFar) {
  for (int i = 0; i < 7; ++i) {
    area("area " + std::to_string(i), "P" + std::to_string(i), "/1/", i);
  }
  ListQuery q;
  q.count_total = false;
  q.page_size = 3;
  q.sort_field = "latitude";
  struct Case {
    std::int64_t page;
    std::vector<std::string> names;
    std::int64_t total;
  };
  for (const auto& c : std::vector<Case>{{1, {"area 0", "area 1", "area 2"}, 3},
                                         {2, {"area 3", "area 4", "area 5"}, 6},
                                         {3, {"area 6"}, 7},
                                         {9, {}, 24}}) {
    q.page = c.page;
    auto page = list("areas", q);
    ASSERT_TRUE(page) << c.page;
    EXPECT_EQ(names(*page), c.names) << c.page;
    EXPECT_EQ(page->total, c.total) << c.page;
  }
  q.filters.push_back({"code", FilterOp::kEq, base::Value(std::string("P4"))});
  q.page = 1;
  auto one = list("areas", q);
  ASSERT_TRUE(one);
  EXPECT_EQ(names(*one), std::vector<std::string>{"area 4"});
  EXPECT_EQ(one->total, 1);
}

TEST_P(RecordRepositoryContractTest, ScopePrefixHidesOtherSubtreesButShowsUnscopedRecords) {
  seedAreas();
  insert("areas", makeRecord("", {{"name", std::string("site-wide")}, {"code", std::string("S")}}));
  ListQuery q;
  q.scope_prefix = "/1/4/";
  q.sort_field = "name";
  auto page = list("areas", q);
  ASSERT_TRUE(page);
  EXPECT_EQ(names(*page),
            (std::vector<std::string>{"50%_off", "Tank farm B", "alpha unit", "site-wide"}));
  EXPECT_EQ(page->total, 4);
}

TEST_P(RecordRepositoryContractTest, UnknownSortOrFilterFieldFailsWithInvalidArgument) {
  seedAreas();
  ListQuery bad_sort;
  bad_sort.sort_field = "name; DROP TABLE areas";
  auto sorted = list("areas", bad_sort);
  ASSERT_FALSE(sorted);
  EXPECT_EQ(sorted.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(sorted.error().key(), "query.bad_field");

  ListQuery bad_filter;
  bad_filter.filters.push_back({"password", FilterOp::kEq, std::string("x")});
  auto filtered = list("areas", bad_filter);
  ASSERT_FALSE(filtered);
  EXPECT_EQ(filtered.error().key(), "query.bad_field");

  ListQuery computed;  // certificates.status is computed by the server, not stored.
  computed.filters.push_back({"status", FilterOp::kEq, std::string("valid")});
  auto status = list("certificates", computed);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code(), ErrorCode::kInvalidArgument);

  ListQuery contains_number;
  contains_number.filters.push_back({"latitude", FilterOp::kContains, std::string("3")});
  auto number = list("areas", contains_number);
  ASSERT_FALSE(number);
  EXPECT_EQ(number.error().code(), ErrorCode::kInvalidArgument);
}

TEST_P(RecordRepositoryContractTest, DuplicateUniqueValueFailsWithConflictNamingTheField) {
  area("first", "DUP", "/1/", 1.0);
  Record second =
      makeRecord("/1/", {{"name", std::string("second")}, {"code", std::string("DUP")}});
  auto dup = inWrite<Record>(store(), [&](Transaction& tx) {
    return tx.records().insert(schemaNamed("areas"), second, at(1));
  });
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code(), ErrorCode::kConflict);
  EXPECT_EQ(dup.error().key(), "base.duplicate");
  EXPECT_EQ(dup.error().details().at("field"), "code");

  Record other = area("other", "OK", "/1/", 2.0);
  other.values["code"] = std::string("DUP");
  auto updated = inWrite<Record>(store(), [&](Transaction& tx) {
    return tx.records().update(schemaNamed("areas"), other, at(2));
  });
  ASSERT_FALSE(updated);
  EXPECT_EQ(updated.error().key(), "base.duplicate");
  EXPECT_EQ(updated.error().details().at("field"), "code");
}

TEST_P(RecordRepositoryContractTest, UpdateBumpsVersionAndKeepsCreatedAt) {
  Record a = area("before", "U1", "/1/", 1.0);
  a.values["name"] = std::string("after");
  a.org_path = "/1/4/";
  auto updated = inWrite<Record>(store(), [&](Transaction& tx) {
    return tx.records().update(schemaNamed("areas"), a, at(9000));
  });
  ASSERT_TRUE(updated) << describe(updated.error());
  EXPECT_EQ(updated->version, 2);
  EXPECT_EQ(updated->created_at, at(1000));
  EXPECT_EQ(updated->updated_at, at(9000));
  EXPECT_EQ(updated->getText("name"), "after");
  EXPECT_EQ(updated->org_path, "/1/4/");
}

TEST_P(RecordRepositoryContractTest, UpdateWithStaleVersionFailsWithConflict) {
  Record a = area("v1", "S1", "/1/", 1.0);
  auto first = inWrite<Record>(store(), [&](Transaction& tx) {
    return tx.records().update(schemaNamed("areas"), a, at(2000));
  });
  ASSERT_TRUE(first);
  auto stale = inWrite<Record>(store(), [&](Transaction& tx) {
    return tx.records().update(schemaNamed("areas"), a, at(3000));
  });
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code(), ErrorCode::kConflict);
  EXPECT_EQ(stale.error().key(), "base.stale_version");
}

TEST_P(RecordRepositoryContractTest, UpdateOfMissingRecordFailsWithNotFound) {
  Record ghost = makeRecord("/1/", {{"name", std::string("ghost")}});
  ghost.id = 777;
  ghost.version = 1;
  auto updated = inWrite<Record>(store(), [&](Transaction& tx) {
    return tx.records().update(schemaNamed("areas"), ghost, at(1));
  });
  ASSERT_FALSE(updated);
  EXPECT_EQ(updated.error().code(), ErrorCode::kNotFound);
}

TEST_P(RecordRepositoryContractTest, RemoveWithStaleVersionFailsWithConflict) {
  Record a = area("v1", "R1", "/1/", 1.0);
  auto removed = write([&](Transaction& tx) {
    return tx.records().remove(schemaNamed("areas"), a.id, a.version + 1);
  });
  ASSERT_FALSE(removed);
  EXPECT_EQ(removed.error().key(), "base.stale_version");
  auto missing = write(
      [&](Transaction& tx) { return tx.records().remove(schemaNamed("areas"), a.id + 100, 1); });
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
}

TEST_P(RecordRepositoryContractTest, RemoveDeletesAnUnreferencedRecord) {
  Record a = area("gone", "G1", "/1/", 1.0);
  ASSERT_TRUE(write(
      [&](Transaction& tx) { return tx.records().remove(schemaNamed("areas"), a.id, a.version); }));
  auto got = inRead<Record>(
      store(), [&](Transaction& tx) { return tx.records().get(schemaNamed("areas"), a.id); });
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code(), ErrorCode::kNotFound);
}

TEST_P(RecordRepositoryContractTest, RemoveOfReferencedRecordFailsWithInUse) {
  Record a = area("busy", "B1", "/1/", 1.0);
  insert("equipment", makeRecord("/1/", {{"name", std::string("pump")},
                                         {"code", std::string("P-101")},
                                         {"area_id", a.id}}));
  auto removed = write(
      [&](Transaction& tx) { return tx.records().remove(schemaNamed("areas"), a.id, a.version); });
  ASSERT_FALSE(removed);
  EXPECT_EQ(removed.error().code(), ErrorCode::kConflict);
  EXPECT_EQ(removed.error().key(), "base.in_use");
  EXPECT_EQ(removed.error().details().at("entity"), "equipment");

  Record unit = insert(
      "org_units", makeRecord("/1/", {{"name", std::string("HQ")}, {"code", std::string("HQ")}}));
  auto user = inWrite<auth::User>(store(), [&](Transaction& tx) {
    auth::User u;
    u.username = "boss";
    u.org_id = unit.id;
    return tx.users().insert(u, at(1));
  });
  ASSERT_TRUE(user);
  auto unit_removed = write([&](Transaction& tx) {
    return tx.records().remove(schemaNamed("org_units"), unit.id, unit.version);
  });
  ASSERT_FALSE(unit_removed);
  EXPECT_EQ(unit_removed.error().details().at("entity"), "users");
}

TEST_P(RecordRepositoryContractTest, CountReferencesCountsReferringRecords) {
  Record a = area("counted", "C1", "/1/", 1.0);
  for (int i = 0; i < 3; ++i) {
    insert("equipment", makeRecord("/1/", {{"name", std::string("pump")},
                                           {"code", "P-" + std::to_string(i)},
                                           {"area_id", a.id}}));
  }
  auto n = inRead<std::int64_t>(store(), [&](Transaction& tx) {
    return tx.records().countReferences(schemaNamed("equipment"), "area_id", a.id);
  });
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 3);
  auto bad = inRead<std::int64_t>(store(), [&](Transaction& tx) {
    return tx.records().countReferences(schemaNamed("equipment"), "name", a.id);
  });
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidArgument);
}

TEST_P(RecordRepositoryContractTest, RewriteOrgPathsMovesASubtreeInEveryScopedTableAndUsers) {
  area("moved", "M1", "/1/4/", 1.0);
  area("moved child", "M2", "/1/4/9/", 1.0);
  area("sibling", "M3", "/1/45/", 1.0);
  area("site-wide", "M4", "", 1.0);
  insert("people", makeRecord("/1/4/9/", {{"name", std::string("Zhao")},
                                          {"employee_no", std::string("Z1")},
                                          {"org_id", std::int64_t{9}}}));
  auto user = inWrite<auth::User>(store(), [&](Transaction& tx) {
    auth::User u;
    u.username = "mover";
    u.org_path = "/1/4/";
    return tx.users().insert(u, at(1));
  });
  ASSERT_TRUE(user);

  auto changed = inWrite<std::int64_t>(
      store(), [&](Transaction& tx) { return tx.records().rewriteOrgPaths("/1/4/", "/1/5/4/"); });
  ASSERT_TRUE(changed) << describe(changed.error());
  EXPECT_EQ(*changed, 4);

  ListQuery q;
  q.sort_field = "code";
  auto page = list("areas", q);
  ASSERT_TRUE(page);
  std::vector<std::string> paths;
  for (const auto& r : page->items) {
    paths.push_back(r.org_path);
  }
  EXPECT_EQ(paths, (std::vector<std::string>{"/1/5/4/", "/1/5/4/9/", "/1/45/", ""}));
  auto moved_user = inRead<auth::User>(
      store(), [&](Transaction& tx) { return tx.users().findByUsername("mover"); });
  ASSERT_TRUE(moved_user);
  EXPECT_EQ(moved_user->org_path, "/1/5/4/");
}

AG_INSTANTIATE_FOR_BACKENDS(RecordRepositoryContractTest);

}  // namespace
}  // namespace anguan::store::contract
