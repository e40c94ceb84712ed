#include <gtest/gtest.h>

#include "anguan/domain/store/hazard_store.hpp"

#include "contract/backend.hpp"
#include "contract/helpers.hpp"

namespace anguan::store::contract {
namespace {

using std::chrono::days;
using std::chrono::hours;

const Instant kT0 = fromMillis(1'780'000'000'000);

HazardRow sample(std::int64_t area, const std::string& type, const std::string& path) {
  HazardRow h;
  h.org_path = path;
  h.area_id = area;
  h.type_code = type;
  h.description = "油泵漏油 oil leak";
  h.reporter_user_id = 3;
  h.reporter_name = "张三";
  h.discovered_at = kT0 - hours{1};
  h.reported_at = kT0;
  h.created_at = kT0;
  return h;
}

class HazardRepositoryContractTest : public StoreContractTest {
 protected:
  std::int64_t insert(const HazardRow& h) {
    auto id = inWrite<std::int64_t>(store(),
                                    [&](Transaction& tx) { return tx.hazards().insertHazard(h); });
    EXPECT_TRUE(id) << (id ? "" : describe(id.error()));
    return id ? *id : 0;
  }
  HazardRow get(std::int64_t id) {
    return inRead<HazardRow>(store(), [&](Transaction& tx) { return tx.hazards().getHazard(id); })
        .value();
  }
};

TEST_P(HazardRepositoryContractTest, EveryHazardFieldRoundTrips) {
  HazardRow h = sample(7, "物.泄漏", "/1/2/");
  h.level = hazard::Level::kMajor;
  h.state = hazard::State::kRectifying;
  h.source = hazard::Source::kInspection;
  h.source_ref = 44;
  h.assignee_person_id = 9;
  h.assigned_at = kT0 + hours{1};
  h.deadline = kT0 + days{30};
  h.rectifier_user_id = 5;
  h.rectify_measure = "更换密封";
  h.rectify_text = "done";
  h.submitted_at = kT0 + days{2};
  h.verifier_user_id = 6;
  h.closed_at = kT0 + days{3};
  h.reject_reason = "r";
  h.interim_controls = "围挡\n专人监护";
  h.recurrence_of = 2;
  h.extensions = 1;
  h.due_soon_sent_for = kT0 + days{30};
  h.last_escalated_day = 20500;
  h.escalations = 3;
  h.has_plan = true;
  h.plan = {"目标", "方法", "资金", "责任人", kT0 + days{20}, "应急"};
  h.supervisor_person_id = 8;
  h.reported_to_management_at = kT0 + hours{5};
  h.acceptance_user_id = 4;
  h.accepted_at = kT0 + days{3};
  h.acceptance_note = "合格";
  const auto id = insert(h);
  HazardRow got = get(id);
  EXPECT_EQ(got.version, 1);
  EXPECT_EQ(got.org_path, h.org_path);
  EXPECT_EQ(got.level, h.level);
  EXPECT_EQ(got.state, h.state);
  EXPECT_EQ(got.source, h.source);
  EXPECT_EQ(got.source_ref, 44);
  EXPECT_EQ(got.description, h.description);
  EXPECT_EQ(got.reporter_name, h.reporter_name);
  EXPECT_EQ(got.discovered_at, h.discovered_at);
  EXPECT_EQ(got.assigned_at, h.assigned_at);
  EXPECT_EQ(got.deadline, h.deadline);
  EXPECT_EQ(got.rectify_measure, h.rectify_measure);
  EXPECT_EQ(got.closed_at, h.closed_at);
  EXPECT_EQ(got.interim_controls, h.interim_controls);
  EXPECT_EQ(got.recurrence_of, 2);
  EXPECT_EQ(got.extensions, 1);
  EXPECT_EQ(got.due_soon_sent_for, h.due_soon_sent_for);
  EXPECT_EQ(got.last_escalated_day, 20500);
  EXPECT_EQ(got.escalations, 3);
  EXPECT_TRUE(got.has_plan);
  EXPECT_EQ(got.plan.targets, "目标");
  EXPECT_EQ(got.plan.deadline, h.plan.deadline);
  EXPECT_EQ(got.plan.safety_measures, "应急");
  EXPECT_EQ(got.supervisor_person_id, 8);
  EXPECT_EQ(got.reported_to_management_at, h.reported_to_management_at);
  EXPECT_EQ(got.accepted_at, h.accepted_at);
  EXPECT_EQ(got.acceptance_note, "合格");
  EXPECT_EQ(got.created_at, kT0);
}

TEST_P(HazardRepositoryContractTest, UpdateIsOptimistic) {
  const auto id = insert(sample(1, "人", "/1/"));
  HazardRow h = get(id);
  h.state = hazard::State::kAssigned;
  auto updated = inWrite<HazardRow>(
      store(), [&](Transaction& tx) { return tx.hazards().updateHazard(h, kT0 + hours{1}); });
  ASSERT_TRUE(updated);
  EXPECT_EQ(updated->version, 2);
  EXPECT_EQ(get(id).state, hazard::State::kAssigned);
  auto stale = inWrite<HazardRow>(
      store(), [&](Transaction& tx) { return tx.hazards().updateHazard(h, kT0 + hours{2}); });
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().key(), "hazard.stale_version");
  h.id = 9999;
  auto missing = inWrite<HazardRow>(
      store(), [&](Transaction& tx) { return tx.hazards().updateHazard(h, kT0); });
  EXPECT_EQ(missing.error().key(), "hazard.not_found");
}

TEST_P(HazardRepositoryContractTest, ListFiltersSortsPagesAndScopes) {
  for (int i = 0; i < 12; ++i) {
    HazardRow h =
        sample(i % 3 + 1, i % 2 == 0 ? "物.泄漏" : "人.违章作业", i < 8 ? "/1/2/" : "/1/3/");
    h.reported_at = kT0 + hours{i};
    h.state = i < 4 ? hazard::State::kAssigned : hazard::State::kClosed;
    h.deadline = kT0 + hours{i * 10};
    h.assignee_person_id = 100 + i % 2;
    if (i == 5) {
      h.recurrence_of = 1;
    }
    if (i == 6) {
      h.description = "脚手架 SCAFFOLD";
    }
    insert(h);
  }
  auto list = [&](HazardQuery q) {
    return inRead<HazardPage>(store(), [&](Transaction& tx) { return tx.hazards().listHazards(q); })
        .value();
  };
  HazardQuery all;
  EXPECT_EQ(list(all).total, 12);
  EXPECT_EQ(list(all).items.front().reported_at, kT0 + hours{11});  // newest first
  HazardQuery scoped;
  scoped.scope_prefix = "/1/3/";
  EXPECT_EQ(list(scoped).total, 4);
  HazardQuery open;
  open.states = {hazard::State::kAssigned};
  EXPECT_EQ(list(open).total, 4);
  HazardQuery area;
  area.area_id = 2;
  EXPECT_EQ(list(area).total, 4);
  HazardQuery type;
  type.type_prefix = "物";
  EXPECT_EQ(list(type).total, 6);
  HazardQuery overdue;
  overdue.overdue_at = kT0 + hours{20};  // assigned with deadline < +20h: i = 0, 1
  EXPECT_EQ(list(overdue).total, 2);
  HazardQuery recurring;
  recurring.recurring_only = true;
  EXPECT_EQ(list(recurring).total, 1);
  HazardQuery search;
  search.search = "scaffold";
  EXPECT_EQ(list(search).total, 1);
  HazardQuery mine;
  mine.assignee_person_id = 101;
  EXPECT_EQ(list(mine).total, 6);
  HazardQuery paged;
  paged.sort = "deadline";
  paged.sort_desc = false;
  paged.page = 2;
  paged.page_size = 5;
  auto page = list(paged);
  EXPECT_EQ(page.total, 12);
  ASSERT_EQ(page.items.size(), 5u);
  EXPECT_EQ(page.items.front().deadline, kT0 + hours{50});
  HazardQuery window;
  window.reported_from = kT0 + hours{2};
  window.reported_to = kT0 + hours{4};
  EXPECT_EQ(list(window).total, 2);
}

// Text search through hazard_grams (migration 0008): the character-pair index only narrows the
// candidates, so every answer must equal a plain substring match — for 2- and longer CJK terms,
// pairs present but not adjacent, mixed scripts, ASCII and single characters, and after the
// description is edited.
TEST_P(HazardRepositoryContractTest, SearchThroughCharacterPairsMatchesExactlyTheSubstring) {
  const std::vector<std::string> texts = {
      "法兰泄漏，需更换垫片",          // 0: 泄漏
      "泄压阀漏气",                    // 1: 泄 and 漏, never adjacent
      "罐区A泄漏报警",                 // 2: ASCII between
      "漏泄",                          // 3: the reverse pair
      "配电箱门未关闭 Leak check",     // 4: ASCII word
      "储罐区静电接地线松动泄漏泄漏",  // 5: the pair twice
      "泄",                            // 6: one character
  };
  std::vector<std::int64_t> ids;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    HazardRow h = sample(1, "物", "/1/");
    h.reported_at = kT0 + hours{static_cast<int>(i)};
    h.description = texts[i];
    ids.push_back(insert(h));
  }
  auto found = [&](const std::string& term) {
    HazardQuery q;
    q.search = term;
    q.sort = "id";
    q.sort_desc = false;
    q.page_size = 100;
    auto page = inRead<HazardPage>(store(), [&](Transaction& tx) {
                  return tx.hazards().listHazards(q);
                }).value();
    std::vector<std::int64_t> out;
    for (const auto& h : page.items) {
      out.push_back(h.id);
    }
    EXPECT_EQ(page.total, static_cast<std::int64_t>(out.size())) << term;
    return out;
  };
  using V = std::vector<std::int64_t>;
  EXPECT_EQ(found("泄漏"), (V{ids[0], ids[2], ids[5]}));
  EXPECT_EQ(found("漏泄"), (V{ids[3], ids[5]}));  // 5: 泄漏泄漏
  EXPECT_EQ(found("泄漏泄漏"), (V{ids[5]}));
  EXPECT_EQ(found("兰泄漏，需"), (V{ids[0]}));  // a full-width comma between CJK pairs
  EXPECT_EQ(found("A泄漏"), (V{ids[2]}));       // mixed: the pair narrows, LIKE decides
  EXPECT_EQ(found("a泄漏"), (V{ids[2]}));       // ... case-insensitively for the ASCII part
  EXPECT_EQ(found("泄"), (V{ids[0], ids[1], ids[2], ids[3], ids[5], ids[6]}));
  EXPECT_EQ(found("leak"), (V{ids[4]}));
  EXPECT_EQ(found("泄压阀漏"), (V{ids[1]}));
  EXPECT_TRUE(found("阀泄").empty());
  EXPECT_TRUE(found("不存在的词").empty());

  // Editing the description moves the hazard in and out of the results.
  HazardRow h = get(ids[1]);
  h.description = "阀门泄漏";
  ASSERT_TRUE(inWrite<HazardRow>(
      store(), [&](Transaction& tx) { return tx.hazards().updateHazard(h, kT0); }));
  EXPECT_EQ(found("泄漏"), (V{ids[0], ids[1], ids[2], ids[5]}));
  EXPECT_TRUE(found("泄压").empty());
  h = get(ids[0]);
  h.state = hazard::State::kClosed;  // Not the description: the pairs stay.
  ASSERT_TRUE(inWrite<HazardRow>(
      store(), [&](Transaction& tx) { return tx.hazards().updateHazard(h, kT0); }));
  EXPECT_EQ(found("泄漏"), (V{ids[0], ids[1], ids[2], ids[5]}));
}

// The ledger's fast paths (migration 0005, docs/performance.md "Hazard ledger"): totals from the
// trigger-kept hazard_counts, prefix ranges for scope and type, the search's one-pass count and
// the ids-then-rows page must give exactly what a plain COUNT(*) / LIKE / ORDER BY would.
TEST_P(HazardRepositoryContractTest, LedgerTotalsScopesSearchAndPagesStayExact) {
  const std::vector<std::string> paths = {"/1/2/", "/1/2/7/", "/1/20/", "/1/3/", "/2/"};
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 20; ++i) {
    HazardRow h = sample(i % 4 + 1, i % 3 == 0 ? "物.泄漏" : (i % 3 == 1 ? "物" : "物料.堆放"),
                         paths[static_cast<std::size_t>(i) % paths.size()]);
    h.reported_at = kT0 + hours{i};
    h.state = i % 2 == 0 ? hazard::State::kRectifying : hazard::State::kClosed;
    h.deadline = kT0 + hours{100 - i};
    h.description = i % 5 == 0 ? "法兰泄漏 50%_off" : "隐患 " + std::to_string(i);
    ids.push_back(insert(h));
  }
  auto list = [&](HazardQuery q) {
    return inRead<HazardPage>(store(), [&](Transaction& tx) { return tx.hazards().listHazards(q); })
        .value();
  };
  auto total = [&](const std::string& scope, std::vector<hazard::State> states) {
    HazardQuery q;
    q.scope_prefix = scope;
    q.states = std::move(states);
    return list(q).total;
  };
  // Scope is a path prefix: "/1/2/" holds "/1/2/7/" but not "/1/20/".
  EXPECT_EQ(total("", {}), 20);
  EXPECT_EQ(total("/1/", {}), 16);
  EXPECT_EQ(total("/1/2/", {}), 8);
  EXPECT_EQ(total("/1/20/", {}), 4);
  EXPECT_EQ(total("/1/2", {}), 12);
  EXPECT_EQ(total("/3/", {}), 0);
  EXPECT_EQ(total("/1/2/", {hazard::State::kRectifying}), 4);
  EXPECT_EQ(total("/1/2/", {hazard::State::kRectifying, hazard::State::kClosed}), 8);

  // hazard_counts follows updates of state and org_path (and only real changes).
  HazardRow moved = get(ids[0]);  // "/1/2/", rectifying
  moved.state = hazard::State::kClosed;
  moved.org_path = "/2/";
  ASSERT_TRUE(inWrite<HazardRow>(
      store(), [&](Transaction& tx) { return tx.hazards().updateHazard(moved, kT0); }));
  HazardRow same = get(ids[1]);
  same.description = "只改描述";
  ASSERT_TRUE(inWrite<HazardRow>(
      store(), [&](Transaction& tx) { return tx.hazards().updateHazard(same, kT0); }));
  EXPECT_EQ(total("", {}), 20);
  EXPECT_EQ(total("/1/2/", {}), 7);
  EXPECT_EQ(total("/1/2/", {hazard::State::kRectifying}), 3);
  EXPECT_EQ(total("/2/", {hazard::State::kClosed}), 3);

  // Type prefix: "物" holds "物" and "物.泄漏" and, being a plain prefix, "物料.堆放".
  HazardQuery type;
  type.type_prefix = "物.";
  EXPECT_EQ(list(type).total, 7);
  type.type_prefix = "物料";
  EXPECT_EQ(list(type).total, 6);
  type.type_prefix = "物";
  EXPECT_EQ(list(type).total, 20);

  // Search: CJK and symbols match literally (no LIKE wildcards), ASCII case-insensitively; a page
  // past the last still reports the total.
  HazardQuery search;
  search.search = "泄漏";
  auto found = list(search);
  EXPECT_EQ(found.total, 4);
  ASSERT_EQ(found.items.size(), 4u);
  EXPECT_EQ(found.items.front().id, ids[15]);  // newest first
  search.search = "50%_";
  EXPECT_EQ(list(search).total, 4);
  search.search = "%";
  EXPECT_EQ(list(search).total, 4);
  search.search = "OFF";
  EXPECT_EQ(list(search).total, 4);
  search.search = "泄漏";
  search.scope_prefix = "/1/";
  search.sort = "deadline";
  search.sort_desc = false;
  search.page = 2;
  search.page_size = 2;
  auto second = list(search);
  EXPECT_EQ(second.total, 3);
  ASSERT_EQ(second.items.size(), 1u);
  EXPECT_EQ(second.items.front().id, ids[5]);  // deadlines 85, 90, 95 (ids 15, 10, 5)
  search.page = 9;
  auto beyond = list(search);
  EXPECT_EQ(beyond.total, 3);
  EXPECT_TRUE(beyond.items.empty());

  // Pages fetched by id keep the sort, ties broken by id in the same direction.
  HazardQuery by_level;
  by_level.sort = "level";
  by_level.sort_desc = true;
  by_level.page_size = 7;
  by_level.page = 2;
  auto levels = list(by_level);
  EXPECT_EQ(levels.total, 20);
  ASSERT_EQ(levels.items.size(), 7u);
  for (std::size_t i = 0; i < levels.items.size(); ++i) {
    EXPECT_EQ(levels.items[i].id, ids[12 - i]);
  }
}

TEST_P(HazardRepositoryContractTest, DuplicatesRecurrenceCandidatesAndChaseScan) {
  HazardRow open = sample(5, "物.泄漏", "/1/");
  open.state = hazard::State::kAssigned;
  open.deadline = kT0 + hours{1};
  const auto open_id = insert(open);
  HazardRow closed = sample(5, "物.泄漏", "/1/");
  closed.state = hazard::State::kClosed;
  closed.closed_at = kT0 - days{10};
  const auto closed_id = insert(closed);
  HazardRow rectifying = sample(6, "人", "/1/");
  rectifying.state = hazard::State::kRectifying;
  rectifying.deadline = kT0 - days{1};
  const auto rect_id = insert(rectifying);
  HazardRow submitted = sample(6, "人", "/1/");
  submitted.state = hazard::State::kSubmitted;
  submitted.deadline = kT0 - days{2};
  insert(submitted);

  auto dups = inRead<std::vector<std::int64_t>>(
      store(), [&](Transaction& tx) { return tx.hazards().openDuplicates(5, "物.泄漏"); });
  ASSERT_TRUE(dups);
  EXPECT_EQ(*dups, std::vector<std::int64_t>{open_id});
  auto recent = inRead<std::vector<hazard::ClosedHazard>>(store(), [&](Transaction& tx) {
    return tx.hazards().closedSince(5, "物.泄漏", kT0 - days{90});
  });
  ASSERT_TRUE(recent);
  ASSERT_EQ(recent->size(), 1u);
  EXPECT_EQ(recent->front().id, closed_id);
  EXPECT_EQ(recent->front().closed_at, kT0 - days{10});
  auto none = inRead<std::vector<hazard::ClosedHazard>>(store(), [&](Transaction& tx) {
    return tx.hazards().closedSince(5, "物.泄漏", kT0 - days{9});
  });
  EXPECT_TRUE(none->empty());

  auto chase = inRead<std::vector<HazardRow>>(
      store(), [&](Transaction& tx) { return tx.hazards().chaseCandidates(kT0 + days{1}, 100); });
  ASSERT_TRUE(chase);
  ASSERT_EQ(chase->size(), 2u);  // submitted is not chased
  EXPECT_EQ((*chase)[0].id, rect_id);
  EXPECT_EQ((*chase)[1].id, open_id);
}

TEST_P(HazardRepositoryContractTest, EventsFilesTypesAndRules) {
  const auto id = insert(sample(1, "人", "/1/"));
  ASSERT_TRUE(write([&](Transaction& tx) -> Status {
    AG_RETURN_IF_ERROR(
        tx.hazards().addEvent({0, id, kT0, 3, "张三", "report", "", "reported", "n"}));
    AG_RETURN_IF_ERROR(tx.hazards().addEvent(
        {0, id, kT0 + hours{1}, 0, "system", "assign", "reported", "assigned", ""}));
    AG_RETURN_IF_ERROR(
        tx.hazards().insertFile({"abc123", 0, "", "image/png", 4, "iVBORw==", 3, "", kT0}));
    AG_RETURN_IF_ERROR(
        tx.hazards().insertFile({"def456", 0, "", "image/jpeg", 3, "/9j/", 4, "", kT0}));
    return okStatus();
  }));
  auto events = inRead<std::vector<HazardEvent>>(
      store(), [&](Transaction& tx) { return tx.hazards().events(id); });
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].action, "report");
  EXPECT_EQ((*events)[1].to_state, "assigned");
  // Only the uploader's own unattached file is attached.
  auto attached = inWrite<std::int64_t>(store(), [&](Transaction& tx) {
    return tx.hazards().attachFiles({"abc123", "def456", "nope"}, 3, id, "report", "/1/");
  });
  EXPECT_EQ(*attached, 1);
  auto again = inWrite<std::int64_t>(store(), [&](Transaction& tx) {
    return tx.hazards().attachFiles({"abc123"}, 3, id + 1, "report", "/1/");
  });
  EXPECT_EQ(*again, 0);
  auto files = inRead<std::vector<HazardFile>>(
      store(), [&](Transaction& tx) { return tx.hazards().filesOf(id); });
  ASSERT_EQ(files->size(), 1u);
  EXPECT_EQ(files->front().id, "abc123");
  EXPECT_TRUE(files->front().data_base64.empty());
  auto file =
      inRead<HazardFile>(store(), [&](Transaction& tx) { return tx.hazards().getFile("abc123"); });
  EXPECT_EQ(file->data_base64, "iVBORw==");
  EXPECT_EQ(file->org_path, "/1/");
  auto missing =
      inRead<HazardFile>(store(), [&](Transaction& tx) { return tx.hazards().getFile("zzz"); });
  EXPECT_EQ(missing.error().key(), "hazard.file_not_found");

  auto types = inRead<std::vector<HazardType>>(
      store(), [&](Transaction& tx) { return tx.hazards().types(); });
  ASSERT_TRUE(types);
  EXPECT_GE(types->size(), 4u);
  ASSERT_TRUE(write([&](Transaction& tx) {
    return tx.hazards().upsertType({"人", "人的不安全行为(改)", "Unsafe act", false});
  }));
  types = inRead<std::vector<HazardType>>(store(),
                                          [&](Transaction& tx) { return tx.hazards().types(); });
  EXPECT_EQ(types->front().name_zh, "人的不安全行为(改)");
  EXPECT_FALSE(types->front().active);

  ASSERT_TRUE(write([&](Transaction& tx) {
    return tx.hazards().replaceAssignmentRules(
        {{1, "物", hazard::Level::kMajor, 9}, {0, "", std::nullopt, 8}});
  }));
  auto rules = inRead<std::vector<hazard::AssignmentRule>>(
      store(), [&](Transaction& tx) { return tx.hazards().assignmentRules(); });
  ASSERT_EQ(rules->size(), 2u);
  EXPECT_EQ((*rules)[0].level, hazard::Level::kMajor);
  EXPECT_FALSE((*rules)[1].level.has_value());
  EXPECT_EQ((*rules)[1].person_id, 8);
}

TEST_P(HazardRepositoryContractTest, RiskPointsAndInspections) {
  RiskPointRow r;
  r.area_id = 4;
  r.org_path = "/1/2/";
  r.name = "储罐区";
  r.method = "lec";
  r.l = 0.5;
  r.e = 6;
  r.c = 40;
  r.score = 120;
  r.colour = risk::Colour::kYellow;
  r.controls = {"检查呼吸阀", "液位\t报警\n测试", "a\\b"};
  r.control_level = risk::ControlLevel::kWorkshop;
  r.responsible_person_id = 9;
  r.next_due_day = 20000;
  r.created_at = kT0;
  auto id = inWrite<std::int64_t>(store(),
                                  [&](Transaction& tx) { return tx.hazards().insertRiskPoint(r); });
  ASSERT_TRUE(id);
  auto got = inRead<RiskPointRow>(store(),
                                  [&](Transaction& tx) { return tx.hazards().getRiskPoint(*id); });
  ASSERT_TRUE(got);
  EXPECT_EQ(got->controls, r.controls);
  EXPECT_DOUBLE_EQ(got->l, 0.5);
  EXPECT_EQ(got->colour, risk::Colour::kYellow);
  EXPECT_EQ(got->control_level, risk::ControlLevel::kWorkshop);
  EXPECT_EQ(got->next_due_day, 20000);
  auto due = inRead<std::vector<RiskPointRow>>(
      store(), [&](Transaction& tx) { return tx.hazards().riskPointsDue(19999); });
  EXPECT_TRUE(due->empty());
  due = inRead<std::vector<RiskPointRow>>(
      store(), [&](Transaction& tx) { return tx.hazards().riskPointsDue(20000); });
  EXPECT_EQ(due->size(), 1u);
  auto scoped = inRead<std::vector<RiskPointRow>>(
      store(), [&](Transaction& tx) { return tx.hazards().listRiskPoints("/1/3/", 0); });
  EXPECT_TRUE(scoped->empty());
  RiskPointRow upd = *got;
  upd.next_due_day = 20007;
  ASSERT_TRUE(inWrite<RiskPointRow>(
      store(), [&](Transaction& tx) { return tx.hazards().updateRiskPoint(upd, kT0); }));
  EXPECT_EQ(inWrite<RiskPointRow>(
                store(), [&](Transaction& tx) { return tx.hazards().updateRiskPoint(upd, kT0); })
                .error()
                .key(),
            "risk.stale_version");

  InspectionRow in;
  in.risk_point_id = *id;
  in.area_id = 4;
  in.org_path = "/1/2/";
  in.assignee_person_id = 9;
  in.due_day = 20000;
  in.status = "pending";
  in.items = {{"检查呼吸阀", "", "", 0}, {"液位报警", "fail", "坏了\t!", 12}};
  in.created_at = kT0;
  auto iid = inWrite<std::int64_t>(
      store(), [&](Transaction& tx) { return tx.hazards().insertInspection(in); });
  ASSERT_TRUE(iid);
  // One task per point and day.
  EXPECT_EQ(inWrite<std::int64_t>(
                store(), [&](Transaction& tx) { return tx.hazards().insertInspection(in); })
                .error()
                .code(),
            ErrorCode::kConflict);
  auto gi = inRead<InspectionRow>(
      store(), [&](Transaction& tx) { return tx.hazards().getInspection(*iid); });
  ASSERT_EQ(gi->items.size(), 2u);
  EXPECT_EQ(gi->items[1].note, "坏了\t!");
  EXPECT_EQ(gi->items[1].hazard_id, 12);
  InspectionQuery q;
  q.status = "pending";
  q.due_before = 20001;
  std::int64_t total = 0;
  auto list = inRead<std::vector<InspectionRow>>(
      store(), [&](Transaction& tx) { return tx.hazards().listInspections(q, &total); });
  EXPECT_EQ(total, 1);
  q.due_before = 20000;
  list = inRead<std::vector<InspectionRow>>(
      store(), [&](Transaction& tx) { return tx.hazards().listInspections(q, &total); });
  EXPECT_EQ(total, 0);
}

TEST_P(HazardRepositoryContractTest, IncidentsActionsAndWorkPeriods) {
  IncidentRow x;
  x.org_path = "/1/2/";
  x.area_id = 3;
  x.occurred_at = kT0;
  x.category = "高处坠落";
  x.title = "fall";
  x.severity = hazard::Severity::kSerious;
  x.people = {{"李四", 120, false}, {"王五", 3, false}};
  x.minor = 1;
  x.serious = 1;
  x.lost_workdays = 123;
  x.permit_id = 77;
  x.hazard_ids = {5, 6};
  x.status = "open";
  x.created_at = kT0;
  auto id = inWrite<std::int64_t>(store(),
                                  [&](Transaction& tx) { return tx.hazards().insertIncident(x); });
  ASSERT_TRUE(id);
  auto got =
      inRead<IncidentRow>(store(), [&](Transaction& tx) { return tx.hazards().getIncident(*id); });
  ASSERT_TRUE(got);
  ASSERT_EQ(got->people.size(), 2u);
  EXPECT_EQ(got->people[0].name, "李四");
  EXPECT_EQ(got->people[0].lost_workdays, 120);
  EXPECT_EQ(got->hazard_ids, (std::vector<std::int64_t>{5, 6}));
  EXPECT_EQ(got->severity, hazard::Severity::kSerious);
  auto aid = inWrite<std::int64_t>(store(), [&](Transaction& tx) {
    return tx.hazards().insertAction({0, *id, "加装护栏", 9, kT0 + days{7}, {}, ""});
  });
  ASSERT_TRUE(aid);
  ASSERT_TRUE(write([&](Transaction& tx) {
    return tx.hazards().updateAction({*aid, *id, "加装护栏", 9, kT0 + days{7}, kT0, "done"});
  }));
  auto actions = inRead<std::vector<IncidentAction>>(
      store(), [&](Transaction& tx) { return tx.hazards().actionsOf(*id); });
  ASSERT_EQ(actions->size(), 1u);
  EXPECT_EQ(actions->front().done_at, kT0);
  auto listed = inRead<std::vector<IncidentRow>>(store(), [&](Transaction& tx) {
    return tx.hazards().listIncidents("/1/", kT0, kT0 + days{1});
  });
  EXPECT_EQ(listed->size(), 1u);
  listed = inRead<std::vector<IncidentRow>>(store(), [&](Transaction& tx) {
    return tx.hazards().listIncidents("/1/", kT0 + hours{1}, std::nullopt);
  });
  EXPECT_TRUE(listed->empty());

  ASSERT_TRUE(write([&](Transaction& tx) {
    return tx.hazards().upsertWorkPeriod({2, "/1/2/", "2026-05", 16000, 100});
  }));
  ASSERT_TRUE(write([&](Transaction& tx) {
    return tx.hazards().upsertWorkPeriod({2, "/1/2/", "2026-05", 17000, 101});
  }));
  auto periods = inRead<std::vector<WorkPeriod>>(store(), [&](Transaction& tx) {
    return tx.hazards().workPeriods("/1/", "2026-01", "2026-12");
  });
  ASSERT_EQ(periods->size(), 1u);
  EXPECT_DOUBLE_EQ(periods->front().hours_worked, 17000);
  EXPECT_DOUBLE_EQ(periods->front().headcount, 101);
}

AG_INSTANTIATE_FOR_BACKENDS(HazardRepositoryContractTest);

}  // namespace
}  // namespace anguan::store::contract
