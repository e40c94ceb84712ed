#include <algorithm>

#include <gtest/gtest.h>

#include "anguan/domain/store/permit_store.hpp"

#include "contract/backend.hpp"
#include "contract/helpers.hpp"

namespace anguan::store::contract {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

const Instant kT0 = fromMillis(1'780'000'000'000);

PermitRow sample(const std::string& token, const std::string& path, std::int64_t area) {
  PermitRow p;
  p.number = "tmp-" + token;
  p.type_code = "hot_work";
  p.level = "1";
  p.state = "draft";
  p.org_id = 2;
  p.org_path = path;
  p.area_id = area;
  p.title = "管线焊接 welding";
  p.window_from = kT0 + hours{1};
  p.window_to = kT0 + hours{5};
  p.leader_id = 11;
  p.guardian_id = 12;
  p.crew = ",11,12,13,";
  p.public_token = token;
  p.created_by = 3;
  p.created_at = kT0;
  p.updated_at = kT0;
  p.conditions = R"({"painting":true,"line_tag":"L-7"})";
  p.doc = R"({"plan":{"title":"x"}})";
  return p;
}

// Open work in org /1/2/ for the lists of work that matters.
PermitRow work(const std::string& token, std::int64_t area, const std::string& state,
               const std::string& type, std::int64_t guardian,
               const std::string& conditions = "{}") {
  PermitRow p = sample(token, "/1/2/", area);
  p.state = state;
  p.type_code = type;
  p.guardian_id = guardian;
  p.conditions = conditions;
  return p;
}

class PermitRepositoryContractTest : public StoreContractTest {
 protected:
  std::int64_t insert(const PermitRow& p) {
    auto id =
        inWrite<std::int64_t>(store(), [&](Transaction& tx) { return tx.permits().insert(p); });
    EXPECT_TRUE(id) << (id ? "" : describe(id.error()));
    return id ? *id : 0;
  }
  PermitRow get(std::int64_t id) {
    return inRead<PermitRow>(store(), [&](Transaction& tx) { return tx.permits().get(id); })
        .value();
  }
};

TEST_P(PermitRepositoryContractTest, EveryColumnRoundTripsAndUpdatesAreOptimistic) {
  PermitRow p = sample("tok-a-0000000000000000001", "/1/2/", 7);
  p.waiting_roles = ",approver_unit,";
  p.waiting_since = kT0 + minutes{5};
  p.submitted_at = kT0 + minutes{4};
  const auto id = insert(p);
  ASSERT_GT(id, 0);
  ASSERT_TRUE(write([&](Transaction& tx) { return tx.permits().setNumber(id, "DH-1"); }));
  auto got = get(id);
  EXPECT_EQ(got.number, "DH-1");
  EXPECT_EQ(got.version, 1);
  EXPECT_EQ(got.crew, ",11,12,13,");
  EXPECT_EQ(got.waiting_since, kT0 + minutes{5});
  EXPECT_EQ(got.submitted_at, kT0 + minutes{4});
  EXPECT_FALSE(got.issued_at.has_value());
  EXPECT_EQ(got.window_to, kT0 + hours{5});
  EXPECT_EQ(got.doc, p.doc);
  EXPECT_EQ(got.conditions, p.conditions);

  got.state = "issued";
  got.conditions = R"({"height_m":12})";
  got.issued_at = kT0 + hours{2};
  got.waiting_roles.clear();
  got.waiting_since.reset();
  auto v =
      inWrite<std::int64_t>(store(), [&](Transaction& tx) { return tx.permits().update(got); });
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, 2);
  auto again = get(id);
  EXPECT_EQ(again.state, "issued");
  EXPECT_EQ(again.issued_at, kT0 + hours{2});
  EXPECT_FALSE(again.waiting_since.has_value());
  EXPECT_EQ(again.conditions, R"({"height_m":12})");
  // Lists without the doc still carry the conditions (the feasibility check reads them).
  PermitQuery lq;
  lq.with_doc = false;
  lq.any_order = true;
  auto listed = inRead<std::vector<PermitRow>>(
      store(), [&](Transaction& tx) { return tx.permits().list(lq, nullptr); });
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().conditions, R"({"height_m":12})");
  EXPECT_TRUE(listed->front().doc.empty());
  // A second writer holding the old version loses and changes nothing.
  got.state = "cancelled";
  auto stale =
      inWrite<std::int64_t>(store(), [&](Transaction& tx) { return tx.permits().update(got); });
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().key(), "permit.stale_version");
  EXPECT_EQ(get(id).state, "issued");
}

TEST_P(PermitRepositoryContractTest, UpdateChangedWritesOnlyWhatDiffersFromTheRowAsRead) {
  const auto id = insert(sample("tok-u-0000000000000000001", "/1/2/", 7));
  ASSERT_GT(id, 0);
  const PermitRow before = get(id);
  PermitRow row = before;
  row.state = "active";
  row.started_at = kT0 + hours{2};
  row.guardian_id = 99;
  row.updated_at = kT0 + hours{2};
  row.doc = R"({"plan":{"title":"y"}})";
  // Equal to `before`, so not written: a column is compared with the row as read, not with
  // what is stored (the version guard makes the two the same).
  PermitRow as_read = before;
  as_read.title = "changed elsewhere";
  row.title = "changed elsewhere";
  auto v = inWrite<std::int64_t>(
      store(), [&](Transaction& tx) { return tx.permits().updateChanged(row, as_read); });
  ASSERT_TRUE(v) << describe(v.error());
  EXPECT_EQ(*v, 2);
  const auto got = get(id);
  EXPECT_EQ(got.version, 2);
  EXPECT_EQ(got.state, "active");
  EXPECT_EQ(got.started_at, kT0 + hours{2});
  EXPECT_EQ(got.guardian_id, 99);
  EXPECT_EQ(got.updated_at, kT0 + hours{2});
  EXPECT_EQ(got.doc, R"({"plan":{"title":"y"}})");
  EXPECT_EQ(got.title, before.title);
  EXPECT_EQ(got.window_from, before.window_from);
  EXPECT_EQ(got.crew, before.crew);
  // The state index follows the change.
  PermitQuery q;
  q.states = {"active"};
  q.with_doc = false;
  auto listed = inRead<std::vector<PermitRow>>(
      store(), [&](Transaction& tx) { return tx.permits().list(q, nullptr); });
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().id, id);
  // Nothing changed but the document: still guarded by the version.
  row.doc = R"({"plan":{"title":"z"}})";
  auto stale = inWrite<std::int64_t>(
      store(), [&](Transaction& tx) { return tx.permits().updateChanged(row, row); });
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().key(), "permit.stale_version");
  row.version = 2;
  auto fresh = inWrite<std::int64_t>(
      store(), [&](Transaction& tx) { return tx.permits().updateChanged(row, row); });
  ASSERT_TRUE(fresh);
  EXPECT_EQ(*fresh, 3);
  EXPECT_EQ(get(id).doc, R"({"plan":{"title":"z"}})");
  EXPECT_EQ(get(id).state, "active");
}

TEST_P(PermitRepositoryContractTest, ListFiltersByStateWindowCrewRoleSearchAndScope) {
  auto a = sample("tok-b-0000000000000000001", "/1/2/", 7);
  a.state = "in_approval";
  a.waiting_roles = ",approver_safety,";
  auto b = sample("tok-b-0000000000000000002", "/1/3/", 8);
  b.state = "active";
  b.window_from = kT0 + hours{10};
  b.window_to = kT0 + hours{12};
  b.crew = ",21,";
  b.title = "受限空间清罐";
  const auto ida = insert(a);
  const auto idb = insert(b);
  auto list = [&](PermitQuery q) {
    std::int64_t total = -1;
    auto rows = inRead<std::vector<PermitRow>>(
        store(), [&](Transaction& tx) { return tx.permits().list(q, &total); });
    std::vector<std::int64_t> ids;
    for (const auto& r : rows.value()) {
      ids.push_back(r.id);
    }
    EXPECT_EQ(total, static_cast<std::int64_t>(ids.size()));
    return ids;
  };
  PermitQuery q;
  q.newest_first = false;
  EXPECT_EQ(list(q), (std::vector<std::int64_t>{ida, idb}));
  q.states = {"active"};
  EXPECT_EQ(list(q), (std::vector<std::int64_t>{idb}));
  q = {};
  q.from = kT0 + hours{5};  // a ends exactly here: touching is not overlapping
  q.to = kT0 + hours{11};
  EXPECT_EQ(list(q), (std::vector<std::int64_t>{idb}));
  q = {};
  q.crew_person = 12;
  EXPECT_EQ(list(q), (std::vector<std::int64_t>{ida}));
  q = {};
  q.waiting_role_any = ",approver_unit,approver_safety,";
  EXPECT_EQ(list(q), (std::vector<std::int64_t>{ida}));
  q = {};
  q.search = "清罐";
  EXPECT_EQ(list(q), (std::vector<std::int64_t>{idb}));
  q = {};
  q.scope_prefix = "/1/3/";
  EXPECT_EQ(list(q), (std::vector<std::int64_t>{idb}));
  q = {};
  q.area_id = 7;
  EXPECT_EQ(list(q), (std::vector<std::int64_t>{ida}));

  // The feasibility check's narrow list: what it reads of other work, filled; the rest not.
  q = {};
  q.states = {"in_approval", "active"};
  q.from = kT0 + hours{11};
  q.to = kT0 + hours{13};
  q.narrow = true;
  q.any_order = true;
  auto narrow = inRead<std::vector<PermitRow>>(
      store(), [&](Transaction& tx) { return tx.permits().list(q, nullptr); });
  ASSERT_TRUE(narrow);
  ASSERT_EQ(narrow->size(), 1u);
  const auto& n = narrow->front();
  EXPECT_EQ(n.id, idb);
  EXPECT_EQ(n.number, b.number);
  EXPECT_EQ(n.type_code, b.type_code);
  EXPECT_EQ(n.state, "active");
  EXPECT_EQ(n.area_id, 8);
  EXPECT_EQ(n.window_from, b.window_from);
  EXPECT_EQ(n.window_to, b.window_to);
  EXPECT_EQ(n.guardian_id, b.guardian_id);
  EXPECT_EQ(n.conditions, b.conditions);
  EXPECT_EQ(n.title, "");
  EXPECT_EQ(n.doc, "");
}

// What the feasibility check asks for: the open work of the window that `any` names.
PermitQuery workThatMatters(PermitQuery::AnyOf any) {
  PermitQuery q;
  q.states = {"submitted", "issued", "active"};
  q.from = kT0;
  q.to = kT0 + hours{3};
  q.narrow = true;
  q.any_order = true;
  q.any_of = std::move(any);
  return q;
}

// The permits a list without a total returns, by id.
std::vector<std::int64_t> uncountedIds(Store& store, const PermitQuery& q) {
  auto rows = inRead<std::vector<PermitRow>>(
      store, [&](Transaction& tx) { return tx.permits().list(q, nullptr); });
  std::vector<std::int64_t> ids;
  for (const auto& r : rows.value()) {
    ids.push_back(r.id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

// The feasibility check lists only the other work a rule can flag (any_of): the same guardian,
// one of some types, or painting work.
TEST_P(PermitRepositoryContractTest, ListNarrowsToWorkOfAGuardianATypeOrPainting) {
  auto a = sample("tok-n-0000000000000000001", "/1/2/", 7);  // hot work, guardian 12, painting
  a.state = "issued";
  const auto ida = insert(a);
  const auto idb =
      insert(work("tok-n-0000000000000000002", 7, "active", "height", 40, R"({"height_m":12})"));
  const auto idc = insert(work("tok-n-0000000000000000003", 8, "submitted", "blind_plate", 41));
  auto list = [&](PermitQuery::AnyOf any) {
    const PermitQuery q = workThatMatters(std::move(any));
    std::int64_t total = -1;
    auto rows = inRead<std::vector<PermitRow>>(
        store(), [&](Transaction& tx) { return tx.permits().list(q, &total); });
    std::vector<std::int64_t> ids;
    for (const auto& r : rows.value()) {
      ids.push_back(r.id);
      if (r.id == idb) {
        EXPECT_EQ(r.type_code, "height");
        EXPECT_EQ(r.guardian_id, 40);
        EXPECT_EQ(r.conditions, R"({"height_m":12})");
      }
    }
    EXPECT_EQ(total, static_cast<std::int64_t>(ids.size()));
    std::sort(ids.begin(), ids.end());
    // Without a total (as the feasibility check asks) the repeats are dropped after the query.
    EXPECT_EQ(uncountedIds(store(), q), ids);
    return ids;
  };
  using Ids = std::vector<std::int64_t>;
  EXPECT_EQ(list({40, {}, false}), (Ids{idb}));
  EXPECT_EQ(list({0, {"blind_plate"}, false}), (Ids{idc}));
  EXPECT_EQ(list({0, {"blind_plate", "height"}, false}), (Ids{idb, idc}));
  EXPECT_EQ(list({0, {}, true}), (Ids{ida}));
  EXPECT_EQ(list({40, {"blind_plate"}, true}), (Ids{ida, idb, idc}));
  EXPECT_EQ(list({40, {"height"}, false}), (Ids{idb}));  // of two kinds: listed once
  EXPECT_EQ(list({99, {"lifting"}, false}), (Ids{}));
  EXPECT_EQ(list({0, {}, false}), (Ids{}));  // nothing can be flagged: nothing listed
}

TEST_P(PermitRepositoryContractTest, ListOfWorkThatMattersCountsEachPermitOnceTowardsTheLimit) {
  // b is of two kinds (its guardian and its type); d of one (its type).
  const auto idb = insert(work("tok-l-0000000000000000001", 7, "active", "height", 40));
  const auto idd = insert(work("tok-l-0000000000000000002", 7, "issued", "height", 42));
  auto page = [&](std::int64_t limit, std::int64_t offset) {
    PermitQuery q = workThatMatters({40, {"height"}, false});
    q.limit = limit;
    q.offset = offset;
    std::int64_t total = -1;
    auto rows = inRead<std::vector<PermitRow>>(
        store(), [&](Transaction& tx) { return tx.permits().list(q, &total); });
    EXPECT_EQ(total, 2);
    std::vector<std::int64_t> ids;
    for (const auto& r : rows.value()) {
      ids.push_back(r.id);
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  using Ids = std::vector<std::int64_t>;
  EXPECT_EQ(page(2, 0), (Ids{idb, idd}));
  EXPECT_EQ(page(1, 0).size(), 1u);
  EXPECT_EQ(page(1, 2), (Ids{}));
  // The same first pages without a total: b, listed by both kinds, still counts once.
  auto first = [&](std::int64_t limit) {
    PermitQuery q = workThatMatters({40, {"height"}, false});
    q.limit = limit;
    return uncountedIds(store(), q);
  };
  EXPECT_EQ(first(2), (Ids{idb, idd}));
  EXPECT_EQ(first(1).size(), 1u);
}

TEST_P(PermitRepositoryContractTest, EventsFilesTokensAndWorkTypes) {
  const auto id = insert(sample("tok-c-0000000000000000001", "/1/2/", 7));
  PermitEventRow e;
  e.permit_id = id;
  e.at = kT0;
  e.actor_id = 3;
  e.actor_name = "张伟";
  e.kind = "created";
  e.to_state = "draft";
  e.data = R"({"n":1})";
  ASSERT_TRUE(write([&](Transaction& tx) {
    return tx.permits().appendEvent(e).has_value() ? Status{} : Status{Error::internal("x", "x")};
  }));
  e.kind = "submitted";
  ASSERT_TRUE(write([&](Transaction& tx) {
    return tx.permits().appendEvent(e).has_value() ? Status{} : Status{Error::internal("x", "x")};
  }));
  auto events = inRead<std::vector<PermitEventRow>>(
      store(), [&](Transaction& tx) { return tx.permits().events(id); });
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].kind, "created");
  EXPECT_EQ((*events)[1].kind, "submitted");
  EXPECT_EQ((*events)[0].actor_name, "张伟");

  PermitFileRow f;
  f.id = "0123456789abcdef0123456789abcdef";
  f.permit_id = id;
  f.name = "sig.png";
  f.content_type = "image/png";
  f.data = std::string("\x89PNG\r\n\x1a\n\0\0\xff", 11);
  f.created_at = kT0;
  ASSERT_TRUE(write([&](Transaction& tx) { return tx.permits().insertFile(f); }));
  auto file =
      inRead<PermitFileRow>(store(), [&](Transaction& tx) { return tx.permits().getFile(f.id); });
  ASSERT_TRUE(file);
  EXPECT_EQ(file->data, f.data);  // binary-safe, NUL bytes included
  EXPECT_EQ(file->size, 11);
  auto missing =
      inRead<PermitFileRow>(store(), [&](Transaction& tx) { return tx.permits().getFile("nope"); });
  EXPECT_EQ(missing.error().key(), "permit.file_not_found");

  auto by_token = inRead<PermitRow>(store(), [&](Transaction& tx) {
    return tx.permits().getByToken("tok-c-0000000000000000001");
  });
  ASSERT_TRUE(by_token);
  EXPECT_EQ(by_token->id, id);
  // Duplicate public token (unique) is a conflict, not a crash.
  auto dup = inWrite<std::int64_t>(store(), [&](Transaction& tx) {
    return tx.permits().insert(sample("tok-c-0000000000000000001", "/1/2/", 7));
  });
  EXPECT_FALSE(dup);

  WorkTypeRow w{"hot_work", 1, true, R"({"code":"hot_work"})", kT0, 0};
  ASSERT_TRUE(write([&](Transaction& tx) { return tx.permits().saveWorkType(w); }));
  w.rules_version = 2;
  w.doc = R"({"code":"hot_work","v":2})";
  ASSERT_TRUE(write([&](Transaction& tx) { return tx.permits().saveWorkType(w); }));
  auto types = inRead<std::vector<WorkTypeRow>>(
      store(), [&](Transaction& tx) { return tx.permits().listWorkTypes(); });
  ASSERT_EQ(types->size(), 1u);
  EXPECT_EQ(types->front().rules_version, 2);
  EXPECT_EQ(types->front().doc, w.doc);

  // Every saved version's rules are kept for the permits issued under it, and a kept version
  // never changes (saving version 2 again with other rules leaves the first text).
  w.doc = R"({"code":"hot_work","v":"2 again"})";
  ASSERT_TRUE(write([&](Transaction& tx) { return tx.permits().saveWorkType(w); }));
  auto kept = [&](const std::string& code, std::int64_t v) {
    return inRead<std::optional<std::string>>(
        store(), [&](Transaction& tx) { return tx.permits().workTypeVersion(code, v); });
  };
  ASSERT_TRUE(kept("hot_work", 1));
  EXPECT_EQ(kept("hot_work", 1)->value_or(""), R"({"code":"hot_work"})");
  EXPECT_EQ(kept("hot_work", 2)->value_or(""), R"({"code":"hot_work","v":2})");
  EXPECT_FALSE(kept("hot_work", 3)->has_value());
  EXPECT_FALSE(kept("confined_space", 1)->has_value());
}

AG_INSTANTIATE_FOR_BACKENDS(PermitRepositoryContractTest);

}  // namespace
}  // namespace anguan::store::contract
