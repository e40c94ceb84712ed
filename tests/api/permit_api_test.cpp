// Permits API (issue 3, "Bad input and safety"): the full lifecycle as real users, and every
// illegal transition refused with a clear error and without a change (state, version and timeline
// re-read after each refusal). Each test gets its own server so permits of one test never overlap
// (guardian busy, cross-work) with another's.
#include <regex>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "permit_fixture.hpp"

namespace anguan::testing_api {
namespace {

// --- the happy path ---------------------------------------------------------------------------

class PermitApiLifecycle : public PermitApiBase {};

TEST_F(PermitApiLifecycle, PlanToCloseRecordsEveryStepAndConforms) {
  const auto id = create(plan());
  auto p = permit(id);
  EXPECT_EQ(p.at("state").as_string(), "draft");
  // 常减压 is a fire/explosion area: 一级 by day, 特级 at night or on a holiday.
  const std::string level(p.at("level").as_string());
  EXPECT_TRUE(level == "1" || level == "special") << level;
  EXPECT_FALSE(p.at("grade").at("reasons").as_array().empty());

  auto r = submit(id);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json().at("state").as_string(), "in_approval");
  EXPECT_FALSE(r.json().at("waiting_for").as_array().empty());
  // The first approver sees it in the queue; the applicant does not.
  auto queued = [&](const std::string& user) {
    for (const auto& x :
         json::array(get(user, "/api/v1/approvals/queue").json().at("items").as_array())) {
      if (x.at("id").as_int64() == id) {
        return true;
      }
    }
    return false;
  };
  EXPECT_TRUE(queued("p1unit"));
  EXPECT_FALSE(queued("p1leader"));
  approveChain(id);
  p = permit(id);
  const std::size_t steps = p.at("steps").as_array().size();
  EXPECT_EQ(steps, level == "special" ? 3u : 2u);
  for (const auto& st : p.at("steps").as_array()) {
    EXPECT_EQ(st.at("state").as_string(), "approved");
    EXPECT_EQ(st.at("signature_kind").as_string(), "password");
    EXPECT_EQ(st.at("location").at("text").as_string(), "现场");
    EXPECT_FALSE(st.at("decided_by_name").as_string().empty());
  }

  prepareStart(id);
  advance(kAhead + minutes(1));
  passGasTest(id);
  r = post("p1guard", path(id, "start"), json::object{});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json().at("state").as_string(), "active");
  r = post("p1worker", path(id, "progress"), {{"text", "焊口打底完成"}, {"key_step", true}});
  ASSERT_EQ(r.status, 200u) << r.body;
  advance(minutes(20));
  r = post("p1leader", path(id, "complete"), json::object{});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json().at("state").as_string(), "completed");
  r = post("p1unit", path(id, "acceptance"),
           {{"items", json::array{"no_embers", "cylinders_removed", "site_restored"}},
            {"comment", "现场已清理"},
            {"signature", password()}});
  ASSERT_EQ(r.status, 200u) << r.body;
  r = post("p1leader", path(id, "review"), {{"lessons", "法兰口提前加盲板，作业顺利"}});
  ASSERT_EQ(r.status, 200u) << r.body;
  r = post("p1leader", path(id, "close"), json::object{});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json().at("state").as_string(), "closed");

  const auto k = kinds(r.json().as_object());
  for (const char* kind : {"created", "submitted", "approval_started", "issued", "gas_test",
                           "measures_confirmed", "briefing", "shift_check", "started", "key_step",
                           "completed", "accepted", "reviewed", "closed"}) {
    EXPECT_EQ(count(k, kind), 1u) << kind;
  }
  EXPECT_EQ(count(k, "approved"), steps);
  EXPECT_EQ(k.front(), "created");
  EXPECT_EQ(k.back(), "closed");

  auto report = get("p1leader", path(id, "report"));
  ASSERT_EQ(report.status, 200u) << report.body;
  const json::array conformity = report.json().at("conformity").as_array();
  EXPECT_EQ(conformity.size(), 5u);
  for (const auto& c : conformity) {
    EXPECT_TRUE(c.at("ok").as_bool()) << json::serialize(c);
  }
  EXPECT_FALSE(report.json().at("actual").at("started_at").is_null());
}

// --- approval ----------------------------------------------------------------------------------

class PermitApiApproval : public PermitApiBase {
 protected:
  std::int64_t inApproval() {
    const auto id = create(plan());
    auto r = submit(id);
    EXPECT_EQ(r.status, 200u) << r.body;
    return id;
  }
};

TEST_F(PermitApiApproval, AResetPasswordNoLongerSignsEvenRightAfterItSigned) {
  // Two permits waiting for the unit approver, in windows a day apart (one guardian for both).
  const auto first = inApproval();
  auto later = plan();
  later["from"] = at(kAhead + hours(24));
  later["to"] = at(kAhead + hours(28));
  const auto second = create(later);
  ASSERT_EQ(submit(second).status, 200u);
  // The right password signs (and is remembered for the next signature).
  auto r = approve("p1unit", first, password());
  ASSERT_EQ(r.status, 200u) << r.body;
  // The admin resets it; the approver signs in with the new one.
  const auto me = get("p1unit", "/api/v1/auth/me").json();
  const auto uid = me.at("id").as_int64();
  r = post("admin", "/api/v1/users/" + std::to_string(uid) + "/password",
           {{"new_password", "new-pass-789"}});
  ASSERT_EQ(r.status, 204u) << r.body;
  tokens_["p1unit"] = s().login("p1unit", "new-pass-789");
  const auto before = permit(second);
  r = approve("p1unit", second, password());
  EXPECT_EQ(r.status, 400u) << r.body;
  EXPECT_EQ(r.errorCode(), "permit.signature_invalid");
  expectUnchanged(second, before);
  r = approve("p1unit", second, password("new-pass-789"));
  EXPECT_EQ(r.status, 200u) << r.body;
}

TEST_F(PermitApiApproval, ApprovingTwiceIsAConflict) {
  const auto id = inApproval();
  // The safety department's step (一级 and 特级 both have one) isn't open before the unit's.
  auto before = permit(id);
  auto early = approve("hse", id);
  EXPECT_EQ(early.status, 409u) << early.body;
  EXPECT_EQ(early.errorCode(), "permit.step_not_open");
  EXPECT_NE(details(early).find("pending"), std::string::npos) << details(early);
  expectUnchanged(id, before);
  ASSERT_EQ(approve("p1unit", id).status, 200u);
  before = permit(id);
  auto again = approve("p1unit", id);
  EXPECT_EQ(again.status, 409u) << again.body;
  EXPECT_EQ(again.errorCode(), "permit.step_not_open");
  expectUnchanged(id, before);

  // Once issued, any further approval is an illegal transition.
  approveChain(id);
  before = permit(id);
  auto late = approve("hse", id);
  EXPECT_EQ(late.status, 409u) << late.body;
  EXPECT_EQ(late.errorCode(), "permit.illegal_transition");
  expectUnchanged(id, before);
}

TEST_F(PermitApiApproval, ApproverWithoutTheRoleIsForbidden) {
  const auto id = inApproval();
  const auto before = permit(id);
  for (const char* user : {"p1guard", "p1worker", "auditor"}) {
    auto r = approve(user, id);
    EXPECT_EQ(r.status, 403u) << user << " " << r.body;
    EXPECT_EQ(r.errorCode(), "auth.forbidden") << user;
    expectUnchanged(id, before);
  }
  // Rejecting or returning needs the role too.
  auto r = post("p1worker", path(id, "reject"), {{"comment", "不同意"}, {"signature", password()}});
  EXPECT_EQ(r.status, 403u) << r.body;
  expectUnchanged(id, before);
}

TEST_F(PermitApiApproval, ApproverOutsideTheScopeDoesNotSeeThePermit) {
  const auto id = inApproval();
  const auto before = permit(id);
  // p2worker and a P2 approver_unit are both outside plant P1.
  auto org = get("admin", "/api/v1/org-units?code=P2").json().at("items").as_array().at(0);
  auto u = post("admin", "/api/v1/users",
                {{"username", "p2unit"},
                 {"display_name", "二厂基层单位审批人"},
                 {"password", "anguan123"},
                 {"roles", json::array{"approver_unit"}},
                 {"org_id", org.at("id")}});
  ASSERT_EQ(u.status, 201u) << u.body;
  for (const char* user : {"p2worker", "p2unit"}) {
    auto r = approve(user, id);
    EXPECT_EQ(r.status, 404u) << user << " " << r.body;
    EXPECT_EQ(r.errorCode(), "permit.not_found") << user;
    expectUnchanged(id, before);
  }
}

TEST_F(PermitApiApproval, TheApplicantCannotApproveTheirOwnPermit) {
  const auto id = inApproval();
  const auto before = permit(id);
  // p1leader holds approver_unit too, but created the permit.
  auto r = approve("p1leader", id);
  EXPECT_EQ(r.status, 403u) << r.body;
  EXPECT_EQ(r.errorCode(), "permit.self_approval");
  expectUnchanged(id, before);
}

TEST_F(PermitApiApproval, SignaturesAreChecked) {
  const auto id = inApproval();
  const auto before = permit(id);
  struct Case {
    const char* name;
    json::value signature;
    const char* code;
  };
  const std::vector<Case> cases = {
      {"wrong password", password("wrong-pass1"), "permit.signature_invalid"},
      {"empty password", password(""), "permit.signature_invalid"},
      {"missing", nullptr, "permit.signature_required"},
      {"unknown kind", json::object{{"kind", "fingerprint"}}, "permit.signature_required"},
      // "GIF89a" padded to 80 bytes, base64: not a PNG.
      {"not a png",
       json::object{{"kind", "image"},
                    {"image_png_base64",
                     "R0lGODlhAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
                     "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}},
       "permit.signature_invalid"},
      {"not base64", json::object{{"kind", "image"}, {"image_png_base64", "%%%not-base64%%%"}},
       "permit.signature_invalid"},
  };
  for (const auto& c : cases) {
    auto r = approve("p1unit", id, c.signature);
    EXPECT_EQ(r.status, 400u) << c.name << " " << r.body;
    EXPECT_EQ(r.errorCode(), c.code) << c.name;
    expectUnchanged(id, before);
  }
  // A drawn PNG signature is accepted and served back to callers in scope.
  const std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + std::string(72, 'x');
  static const char* kB64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string b64;
  for (std::size_t i = 0; i < png.size(); i += 3) {
    const unsigned n = (static_cast<unsigned char>(png[i]) << 16) |
                       (i + 1 < png.size() ? static_cast<unsigned char>(png[i + 1]) << 8 : 0) |
                       (i + 2 < png.size() ? static_cast<unsigned char>(png[i + 2]) : 0);
    b64 += kB64[(n >> 18) & 63];
    b64 += kB64[(n >> 12) & 63];
    b64 += i + 1 < png.size() ? kB64[(n >> 6) & 63] : '=';
    b64 += i + 2 < png.size() ? kB64[n & 63] : '=';
  }
  auto ok = approve("p1unit", id, json::object{{"kind", "image"}, {"image_png_base64", b64}});
  ASSERT_EQ(ok.status, 200u) << ok.body;
  const json::value step = ok.json().at("steps").as_array().at(0);
  EXPECT_EQ(step.at("signature_kind").as_string(), "image");
  const std::string file(step.at("signature_file").as_string());
  auto served = get("p1leader", "/api/v1/permit-files/" + file);
  EXPECT_EQ(served.status, 200u);
  EXPECT_EQ(served.body, png);
  EXPECT_EQ(get("p2worker", "/api/v1/permit-files/" + file).status, 404u);
}

// --- concurrency ------------------------------------------------------------------------------

// "Waiting for your approval" reaches the approver's open WebSocket when the plan is submitted.
// The scheduler does not run in these tests: the push follows the commit by itself.
TEST_F(PermitApiApproval, TheApproverIsPushedWaitingForApprovalWhenThePlanIsSubmitted) {
  const auto id = create(plan());
  std::map<std::string, std::unique_ptr<WsClient>> ws;
  for (const char* u : {"p1unit", "dept", "hse", "leader", "safety"}) {
    ws[u] = std::make_unique<WsClient>(s().port(), token(u));
    ASSERT_TRUE(ws[u]->connected()) << u;
    ws[u]->send(R"({"op":"subscribe","topic":"notify.user"})");
    ASSERT_NE(ws[u]->receive(std::chrono::seconds(2)).find("subscribed"), std::string::npos) << u;
  }
  ASSERT_EQ(submit(id).status, 200u);
  const auto p = permit(id);
  const int i = openStep(p);
  ASSERT_GE(i, 0);
  const std::string user = userFor(
      std::string(p.at("steps").as_array()[static_cast<std::size_t>(i)].at("role").as_string()));
  ASSERT_TRUE(ws.count(user)) << user;
  std::string msg;
  for (int n = 0; n < 10 && msg.find("approval_waiting") == std::string::npos; ++n) {
    msg = ws.at(user)->receive(std::chrono::seconds(1));
  }
  EXPECT_NE(msg.find("\"notify.user\""), std::string::npos) << msg;
  EXPECT_NE(msg.find("permit.approval_waiting"), std::string::npos) << msg;
  EXPECT_NE(msg.find("\"entity_id\":" + std::to_string(id)), std::string::npos) << msg;
}

class PermitApiConcurrency : public PermitApiBase {};

TEST_F(PermitApiConcurrency, TwoApproversOfOneStepExactlyOneWins) {
  auto org = get("admin", "/api/v1/org-units?code=P1").json().at("items").as_array().at(0);
  auto u = post("admin", "/api/v1/users",
                {{"username", "p1unit2"},
                 {"display_name", "一厂基层单位审批人 二"},
                 {"password", "anguan123"},
                 {"roles", json::array{"approver_unit"}},
                 {"org_id", org.at("id")}});
  ASSERT_EQ(u.status, 201u) << u.body;
  for (int round = 0; round < 3; ++round) {
    const auto id = create(plan());
    ASSERT_EQ(submit(id).status, 200u);
    const auto before = permit(id);
    ASSERT_EQ(before.at("steps").as_array().at(0).at("role").as_string(), "approver_unit");
    // Log in first so both requests race on the approval only.
    token("p1unit");
    token("p1unit2");
    HttpResult a, b;
    std::thread ta([&] { a = approve("p1unit", id); });
    std::thread tb([&] { b = approve("p1unit2", id); });
    ta.join();
    tb.join();
    std::multiset<unsigned> statuses = {a.status, b.status};
    EXPECT_EQ(statuses, (std::multiset<unsigned>{200u, 409u})) << a.body << "\n" << b.body;
    const auto& loser = a.status == 409 ? a : b;
    EXPECT_EQ(loser.errorCode(), "permit.step_not_open") << loser.body;
    auto after = permit(id);
    std::size_t approvals = 0;
    for (const auto& e : after.at("events").as_array()) {
      approvals += e.at("kind").as_string() == "approved" ? 1 : 0;
    }
    EXPECT_EQ(approvals, 1u);
    EXPECT_EQ(after.at("events").as_array().size(),
              before.at("events").as_array().size() + 1 + (after.at("state") == "issued" ? 1 : 0));
    EXPECT_EQ(after.at("steps").as_array().at(0).at("state").as_string(), "approved");
    EXPECT_EQ(after.at("version").as_int64(), before.at("version").as_int64() + 1);
    // Clear the way (guardian busy) for the next round.
    auto c = post("p1leader", path(id, "cancel"), {{"reason", "测试结束"}});
    EXPECT_EQ(c.status, 200u) << c.body;
  }
}

TEST_F(PermitApiConcurrency, OverlappingSubmitsWithOneGuardianExactlyOneWins) {
  // The feasibility check runs outside the write transaction; two submits racing with the
  // same guardian must still not both pass (guardian busy).
  for (int round = 0; round < 3; ++round) {
    const auto a_id = create(plan());
    const auto b_id = create(plan());
    token("p1leader");
    HttpResult a, b;
    std::thread ta([&] { a = submit(a_id); });
    std::thread tb([&] { b = submit(b_id); });
    ta.join();
    tb.join();
    std::multiset<unsigned> statuses = {a.status, b.status};
    ASSERT_EQ(statuses, (std::multiset<unsigned>{200u, 409u})) << a.body << "\n" << b.body;
    const bool a_won = a.status == 200;
    const auto& loser = a_won ? b : a;
    const auto winner_id = a_won ? a_id : b_id;
    EXPECT_EQ(loser.errorCode(), "permit.blocked") << loser.body;
    EXPECT_NE(details(loser).find("guardian.busy." + std::to_string(winner_id)), std::string::npos)
        << details(loser);
    EXPECT_EQ(permit(a_won ? b_id : a_id).at("state").as_string(), "draft");
    auto c = post("p1leader", path(winner_id, "cancel"), {{"reason", "测试结束"}});
    EXPECT_EQ(c.status, 200u) << c.body;
    auto d = post("p1leader", path(a_won ? b_id : a_id, "cancel"), {{"reason", "测试结束"}});
    EXPECT_EQ(d.status, 200u) << d.body;
  }
}

// --- start gating, suspension, editing ---------------------------------------------------------

class PermitApiStart : public PermitApiBase {};

TEST_F(PermitApiStart, StartWithoutAGasTestIsBlocked) {
  const auto id = issued();
  prepareStart(id);
  advance(kAhead + minutes(1));
  const auto before = permit(id);
  auto r = post("p1guard", path(id, "start"), json::object{});
  EXPECT_EQ(r.status, 409u) << r.body;
  EXPECT_EQ(r.errorCode(), "permit.start_blocked");
  EXPECT_NE(details(r).find("permit.gate.gas_missing"), std::string::npos) << details(r);
  EXPECT_NE(details(r).find("气"), std::string::npos) << details(r);  // 气体检测
  expectUnchanged(id, before);
}

TEST_F(PermitApiStart, StartBeforeTheWindowOrWithoutMeasuresIsBlocked) {
  const auto id = issued();
  passGasTest(id);
  const auto before = permit(id);
  auto r = post("p1guard", path(id, "start"), json::object{});
  EXPECT_EQ(r.status, 409u) << r.body;
  EXPECT_EQ(r.errorCode(), "permit.start_blocked");
  const auto d = details(r);
  for (const char* key : {"permit.gate.before_validity", "permit.gate.measures_unconfirmed",
                          "permit.gate.briefing_unsigned", "permit.gate.shift_leader_unchecked"}) {
    EXPECT_NE(d.find(key), std::string::npos) << key << " " << d;
  }
  EXPECT_EQ(d.find("permit.gate.gas"), std::string::npos) << d;
  expectUnchanged(id, before);
}

TEST_F(PermitApiStart, AGasTestOlderThanThirtyMinutesDoesNotCount) {
  const auto id = issued();
  prepareStart(id);
  advance(kAhead + minutes(1));
  passGasTest(id);
  advance(minutes(31));
  const auto before = permit(id);
  auto r = post("p1guard", path(id, "start"), json::object{});
  EXPECT_EQ(r.status, 409u) << r.body;
  EXPECT_EQ(r.errorCode(), "permit.start_blocked");
  EXPECT_NE(details(r).find("permit.gate.gas_stale"), std::string::npos) << details(r);
  expectUnchanged(id, before);
  // A fresh one does.
  passGasTest(id);
  r = post("p1guard", path(id, "start"), json::object{});
  EXPECT_EQ(r.status, 200u) << r.body;
}

TEST_F(PermitApiStart, AFailingGasTestIsRecordedButDoesNotCount) {
  const auto id = issued();
  prepareStart(id);
  advance(kAhead + minutes(1));
  // LEL 5 % (≥ 4 %): the limit is 0.5 %vol, so 0.6 fails.
  auto g = post("p1guard", path(id, "gas-tests"), gasTest(0.6));
  ASSERT_EQ(g.status, 200u) << g.body;
  EXPECT_FALSE(g.json().at("pass").as_bool());
  EXPECT_FALSE(g.json().at("text").as_string().empty());
  const auto before = permit(id);
  ASSERT_EQ(before.at("gas_tests").as_array().size(), 1u);
  auto r = post("p1guard", path(id, "start"), json::object{});
  EXPECT_EQ(r.status, 409u) << r.body;
  EXPECT_EQ(r.errorCode(), "permit.start_blocked");
  EXPECT_NE(details(r).find("permit.gate.gas_missing"), std::string::npos) << details(r);
  expectUnchanged(id, before);
}

// A multi-gas detector shows several gases at once: one call records them all.
json::object readings(const std::string& sampled_at, json::array list) {
  return json::object{{"sampled_at", sampled_at},
                      {"readings", std::move(list)},
                      {"point", "法兰口"},
                      {"instrument", "MX6-01"},
                      {"tester_name", "刘洋"}};
}

TEST_F(PermitApiStart, AFailedReadingAfterAPassingOneBlocksTheStartUntilThatGasPasses) {
  const auto id = issued();
  prepareStart(id);
  advance(kAhead + minutes(1));
  passGasTest(id);
  advance(minutes(2));
  auto g = post(
      "p1guard", path(id, "gas-tests"),
      readings(
          nowText(),
          json::array{
              json::object{
                  {"gas", "flammable"}, {"value", 0.1}, {"unit", "%vol"}, {"lel_percent", 5.0}},
              json::object{{"gas", "o2"}, {"value", 20.8}, {"unit", "%vol"}},
              json::object{{"gas", "h2s"}, {"value", 20}, {"unit", "mg/m3"}}}));
  ASSERT_EQ(g.status, 200u) << g.body;
  EXPECT_FALSE(g.json().at("pass").as_bool());
  const auto answer = g.json();  // json() parses afresh: keep the value, not a reference
  const auto& each = answer.at("readings").as_array();
  ASSERT_EQ(each.size(), 3u);
  EXPECT_TRUE(each[0].at("pass").as_bool());
  EXPECT_TRUE(each[1].at("pass").as_bool());
  EXPECT_FALSE(each[2].at("pass").as_bool());
  EXPECT_NE(std::string(each[2].at("text").as_string()).find("硫化氢"), std::string::npos)
      << g.body;
  // One recorded test and one timeline event per gas, sharing the sampling's time and point.
  const auto before = permit(id);
  const auto& tests = before.at("gas_tests").as_array();
  ASSERT_EQ(tests.size(), 4u);
  EXPECT_EQ(tests[3].at("gas").as_string(), "h2s");
  EXPECT_EQ(tests[3].at("sampled_at"), tests[1].at("sampled_at"));
  EXPECT_EQ(tests[3].at("point").as_string(), "法兰口");
  EXPECT_EQ(count(kinds(before), "gas_test"), 4u);
  // The passing flammable tests are fresh, but the latest H₂S reading failed.
  auto r = post("p1guard", path(id, "start"), json::object{});
  EXPECT_EQ(r.status, 409u) << r.body;
  EXPECT_EQ(r.errorCode(), "permit.start_blocked");
  EXPECT_NE(details(r).find("permit.gate.gas_failed"), std::string::npos) << details(r);
  EXPECT_NE(details(r).find("硫化氢"), std::string::npos) << details(r);
  EXPECT_EQ(details(r).find("permit.gate.gas_missing"), std::string::npos) << details(r);
  expectUnchanged(id, before);
  // After ventilation H₂S passes: the work may start.
  advance(minutes(3));
  g = post("p1guard", path(id, "gas-tests"),
           readings(nowText(),
                    json::array{json::object{{"gas", "h2s"}, {"value", 4}, {"unit", "mg/m3"}}}));
  ASSERT_EQ(g.status, 200u) << g.body;
  EXPECT_TRUE(g.json().at("pass").as_bool()) << g.body;
  r = post("p1guard", path(id, "start"), json::object{});
  EXPECT_EQ(r.status, 200u) << r.body;
}

TEST_F(PermitApiStart, AFailedGasTestStopsActiveWorkUntilTheGasPassesAgain) {
  const auto id = active();
  auto g = post("p1guard", path(id, "gas-tests"), gasTest(0.9));  // LEL ≥ 4 %: limit 0.5 %vol
  ASSERT_EQ(g.status, 200u) << g.body;
  EXPECT_FALSE(g.json().at("pass").as_bool());
  auto p = permit(id);
  EXPECT_EQ(p.at("state").as_string(), "suspended");
  const auto& susp = p.at("suspensions").as_array();
  ASSERT_FALSE(susp.empty());
  EXPECT_EQ(susp.back().at("source").as_string(), "gas_test");
  // The safety officer is told.
  bool told = false;
  for (const auto& n : json::array(
           get("safety", "/api/v1/notifications?page_size=100").json().at("items").as_array())) {
    told = told || (n.at("kind").as_string() == "permit.suspended" && n.at("entity_id") == id);
  }
  EXPECT_TRUE(told);
  // A short break needs no re-test by the interval, but the failed gas must pass first.
  advance(minutes(2));
  auto r = post("p1guard", path(id, "resume"), json::object{});
  EXPECT_EQ(r.status, 409u) << r.body;
  EXPECT_EQ(r.errorCode(), "permit.resume_blocked");
  EXPECT_NE(details(r).find("permit.gate.gas_failed"), std::string::npos) << details(r);
  expectUnchanged(id, p);
  passGasTest(id);
  r = post("p1guard", path(id, "resume"), json::object{});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json().at("state").as_string(), "active");
}

TEST_F(PermitApiStart, BadReadingsAreRefusedAndRecordNothing) {
  const auto id = issued();
  const auto before = permit(id);
  const json::object flam{{"gas", "flammable"}, {"value", 0.1}, {"unit", "%vol"}};
  const json::object o2{{"gas", "o2"}, {"value", 20.8}, {"unit", "%vol"}};
  json::array nine;
  for (const char* gas : {"flammable", "o2", "h2s", "co", "nh3", "cl2", "so2", "no2", "hcn"}) {
    nine.push_back(json::object{{"gas", gas}, {"value", 0}, {"unit", "mg/m3"}});
  }
  auto beside = readings(nowText(), json::array{flam});
  beside["gas"] = "o2";
  struct Case {
    json::object body;
    std::string field, reason;
  };
  const std::vector<Case> cases = {
      {readings(nowText(), json::array{}), "readings", "required"},
      {readings(nowText(), json::array{flam, flam}), "readings.gas", "duplicate"},
      {readings(nowText(), nine), "readings", "too_many"},
      {readings(nowText(), json::array{json::object{{"gas", "o2"}, {"unit", "%vol"}}}),
       "readings.value", "required"},
      {readings(nowText(), json::array{json::object{{"value", 1}}}), "readings.gas", "required"},
      {readings(nowText(), json::array{o2, json::object{{"gas", "co"}, {"value", 1}, {"ppm", 1}}}),
       "readings.ppm", "unknown_field"},
      {readings(nowText(), json::array{"o2"}), "readings", "wrong_type"},
      {beside, "gas", "not_with_readings"},
      {readings("", json::array{flam}), "sampled_at", "required"},
  };
  for (const auto& c : cases) {
    auto r = post("p1guard", path(id, "gas-tests"), c.body);
    EXPECT_EQ(r.status, 400u) << json::serialize(c.body) << " " << r.body;
    EXPECT_EQ(r.errorCode(), "validation.failed") << r.body;
    EXPECT_NE(details(r).find("\"" + c.field + "\":\"" + c.reason + "\""), std::string::npos)
        << json::serialize(c.body) << " " << details(r);
  }
  expectUnchanged(id, before);
  EXPECT_TRUE(permit(id).at("gas_tests").as_array().empty());
}

TEST_F(PermitApiStart, AnExpiredPermitCannotStart) {
  const auto id = issued();
  prepareStart(id);
  advance(kAhead + minutes(241));
  runJobs();
  auto before = permit(id);
  EXPECT_EQ(before.at("state").as_string(), "expired");
  EXPECT_EQ(count(kinds(before), "expired"), 1u);
  // The leader (and guardian) are told.
  bool told = false;
  for (const auto& n : json::array(
           get("p1leader", "/api/v1/notifications?page_size=100").json().at("items").as_array())) {
    told = told || (n.at("kind").as_string() == "permit.expired" && n.at("entity_id") == id);
  }
  EXPECT_TRUE(told);
  // Neither a gas test nor the start is accepted any more.
  auto r = post("p1guard", path(id, "gas-tests"), gasTest(0.1));
  EXPECT_EQ(r.status, 409u) << r.body;
  EXPECT_EQ(r.errorCode(), "permit.illegal_transition");
  expectUnchanged(id, before);
  r = post("p1guard", path(id, "start"), json::object{});
  EXPECT_EQ(r.status, 409u) << r.body;
  EXPECT_EQ(r.errorCode(), "permit.illegal_transition");
  expectUnchanged(id, before);
  // Running the job again changes nothing.
  runJobs();
  expectUnchanged(id, before);
}

TEST_F(PermitApiStart, ResumeAfterALongBreakNeedsANewGasTest) {
  const auto id = active();
  auto r = post("p1guard", path(id, "suspend"), {{"reason", "午休"}});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json().at("state").as_string(), "suspended");
  // Longer than any hot-work re-test interval (30 min 特级/一级, 60 min 二级).
  advance(minutes(61));
  const auto before = permit(id);
  r = post("p1guard", path(id, "resume"), json::object{});
  EXPECT_EQ(r.status, 409u) << r.body;
  EXPECT_EQ(r.errorCode(), "permit.resume_blocked");
  EXPECT_NE(details(r).find("permit.gate.retest_after_break"), std::string::npos) << details(r);
  expectUnchanged(id, before);
  // A failing test doesn't clear it either.
  ASSERT_EQ(post("p1guard", path(id, "gas-tests"), gasTest(2.0)).status, 200u);
  const auto before2 = permit(id);
  r = post("p1guard", path(id, "resume"), json::object{});
  EXPECT_EQ(r.errorCode(), "permit.resume_blocked");
  expectUnchanged(id, before2);
  passGasTest(id);
  r = post("p1guard", path(id, "resume"), json::object{});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json().at("state").as_string(), "active");
}

TEST_F(PermitApiStart, TheGuardianLeavingOrGoingSilentSuspendsTheWork) {
  const auto id = active();
  // Only the permit's guardian confirms presence; a bad body changes nothing.
  const auto before = permit(id);
  auto r = post("p1leader", path(id, "guardian-presence"), {{"present", true}});
  EXPECT_EQ(r.status, 403u) << r.body;
  r = post("p1guard", path(id, "guardian-presence"), {{"present", "yes"}});
  EXPECT_EQ(r.status, 400u) << r.body;
  r = post("p1guard", path(id, "guardian-presence"), json::object{});
  EXPECT_EQ(r.status, 400u) << r.body;
  expectUnchanged(id, before);
  // Guarding: confirmations keep it running, exactly at the timeout is still present.
  r = post("p1guard", path(id, "guardian-presence"), {{"present", true}});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_TRUE(r.json().at("guardian_presence").is_object()) << r.body;
  advance(minutes(4));
  ASSERT_EQ(post("p1guard", path(id, "guardian-presence"), {{"present", true}}).status, 200u);
  advance(minutes(4) + seconds(50));  // the test clock also runs with real time
  runJobs();
  EXPECT_EQ(permit(id).at("state").as_string(), "active");
  // Silent past the timeout: the deadline job suspends it, once.
  advance(seconds(11));
  runJobs();
  auto p = permit(id);
  EXPECT_EQ(p.at("state").as_string(), "suspended");
  EXPECT_TRUE(p.at("guardian_presence").is_null());
  std::size_t suspensions = 0;
  for (const auto& e : p.at("events").as_array()) {
    suspensions += e.at("kind").as_string() == "suspended" ? 1 : 0;
  }
  EXPECT_EQ(suspensions, 1u);
  EXPECT_NE(json::serialize(p.at("events")).find("监护人在场确认超时"), std::string::npos);
  runJobs();
  EXPECT_EQ(permit(id).at("version").as_int64(), p.at("version").as_int64());
  // Back to work, then the guardian says they leave: suspended at once.
  r = post("p1guard", path(id, "resume"), json::object{});
  ASSERT_EQ(r.status, 200u) << r.body;
  ASSERT_EQ(post("p1guard", path(id, "guardian-presence"), {{"present", true}}).status, 200u);
  r = post("p1guard", path(id, "guardian-presence"), {{"present", false}});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json().at("state").as_string(), "suspended");
  // Suspended work takes no presence confirmations.
  r = post("p1guard", path(id, "guardian-presence"), {{"present", true}});
  EXPECT_EQ(r.status, 409u) << r.body;
}

TEST_F(PermitApiStart, AShortBreakResumesWithoutANewTest) {
  const auto id = active();
  ASSERT_EQ(post("p1guard", path(id, "suspend"), {{"reason", "换焊条"}}).status, 200u);
  advance(minutes(10));
  auto r = post("p1guard", path(id, "resume"), json::object{});
  EXPECT_EQ(r.status, 200u) << r.body;
  // Resuming an active permit is illegal.
  const auto before = permit(id);
  r = post("p1guard", path(id, "resume"), json::object{});
  EXPECT_EQ(r.status, 409u) << r.body;
  EXPECT_EQ(r.errorCode(), "permit.illegal_transition");
  expectUnchanged(id, before);
}

TEST_F(PermitApiStart, AnIssuedPermitCannotBeEdited) {
  const auto id = issued();
  const auto before = permit(id);
  auto body = plan();
  body["title"] = "改过的标题";
  body["version"] = before.at("version");
  auto r = s().request("PUT", path(id), json::serialize(body), token("p1leader"));
  EXPECT_EQ(r.status, 409u) << r.body;
  EXPECT_EQ(r.errorCode(), "permit.not_editable");
  expectUnchanged(id, before);
  EXPECT_EQ(permit(id).at("title").as_string(), "API 测试 动火");
  // Nor submitted again.
  r = post("p1leader", path(id, "submit"), json::object{});
  EXPECT_EQ(r.status, 409u) << r.body;
  EXPECT_EQ(r.errorCode(), "permit.illegal_transition");
  expectUnchanged(id, before);
}

TEST_F(PermitApiStart, ADraftCanBeEditedWithItsVersionOnly) {
  const auto id = create(plan());
  const auto before = permit(id);
  auto body = plan();
  body["title"] = "改过的标题";
  body["version"] = before.at("version").as_int64() + 5;
  auto r = s().request("PUT", path(id), json::serialize(body), token("p1leader"));
  EXPECT_EQ(r.status, 409u) << r.body;
  EXPECT_EQ(r.errorCode(), "permit.stale_version");
  expectUnchanged(id, before);
  body["version"] = before.at("version");
  r = s().request("PUT", path(id), json::serialize(body), token("p1leader"));
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json().at("title").as_string(), "改过的标题");
}

// --- submit: findings and overrides ------------------------------------------------------------

class PermitApiSubmit : public PermitApiBase {
 protected:
  // The admin sets which certificates hot work's workers need; returns the PUT's answer.
  HttpResult setHotWorkWorkerCerts(json::array certs) {
    auto hot = get("admin", "/api/v1/work-types/hot_work").json().as_object();
    hot["worker_certs"] = std::move(certs);
    return s().request("PUT", "/api/v1/work-types/hot_work", json::serialize(hot), token("admin"));
  }
  // A maintenance window on other equipment of 常减压 over the whole job: a warning.
  std::int64_t maintenanceInArea() {
    auto eq = get("admin", "/api/v1/equipment?area_id=" + std::to_string(cdu()) + "&page_size=50");
    EXPECT_EQ(eq.status, 200u) << eq.body;
    std::int64_t equipment = 0;
    for (const auto& e : json::array(eq.json().at("items").as_array())) {
      if (e.at("area_id").as_int64() == cdu()) {
        equipment = e.at("id").as_int64();
      }
    }
    EXPECT_NE(equipment, 0);
    auto w = post("admin", "/api/v1/maintenance-windows",
                  {{"equipment_id", equipment},
                   {"kind", "maintenance"},
                   {"starts_at", at(kAhead - hours(1))},
                   {"ends_at", at(kAhead + hours(10))},
                   {"description", "API 测试 换热器检修"}});
    EXPECT_EQ(w.status, 201u) << w.body;
    return w.status == 201 ? w.json().at("id").as_int64() : 0;
  }
};

TEST_F(PermitApiSubmit, AWarningNeedsARecordedReason) {
  const auto window = maintenanceInArea();
  const auto id = create(plan());
  const std::string code = "maintenance.area." + std::to_string(window);
  bool warned = false;
  for (const auto& f : json::array(permit(id).at("findings").as_array())) {
    warned = warned || (f.at("code").as_string() == code && f.at("severity") == "warn");
  }
  ASSERT_TRUE(warned) << json::serialize(permit(id).at("findings"));
  auto overrides = warningOverrides(id);
  const auto before = permit(id);
  // Without the reason for this one (blank reasons count as none).
  for (const json::value& reason : {json::value(nullptr), json::value("  ")}) {
    auto partial = overrides;
    if (reason.is_null()) {
      partial.erase(code);
    } else {
      partial[code] = reason;
    }
    auto r = post("p1leader", path(id, "submit"), {{"overrides", partial}});
    EXPECT_EQ(r.status, 400u) << r.body;
    EXPECT_EQ(r.errorCode(), "permit.override_reason_required");
    EXPECT_NE(details(r).find(code), std::string::npos) << details(r);
    expectUnchanged(id, before);
  }
  overrides[code] = "检修在换热器区，动火点在泵区，已设隔离";
  auto r = post("p1leader", path(id, "submit"), {{"overrides", overrides}});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json().at("state").as_string(), "in_approval");
  EXPECT_EQ(r.json().at("overrides").at(code).as_string(),
            "检修在换热器区，动火点在泵区，已设隔离");
}

TEST_F(PermitApiSubmit, TheWorkTypesRequiredFieldsMustBeFilledWithValuesItOffers) {
  auto body = plan();
  auto& fields = body["fields"].as_object();
  fields.erase("hot_location");
  fields["worker_cert_numbers"] = "   ";
  fields["hot_method"] = "flamethrower";  // not one of the type's options
  const auto id = create(body);           // a draft may be incomplete
  const auto before = permit(id);
  auto severity = [](const json::value& findings, const std::string& code) -> std::string {
    for (const auto& f : findings.as_array()) {
      if (f.at("code").as_string() == code) {
        return std::string(f.at("severity").as_string());
      }
    }
    return "";
  };
  for (const char* code : {"field.hot_location", "field.worker_cert_numbers", "field.hot_method"}) {
    EXPECT_EQ(severity(before.at("findings"), code), "block") << code;
  }
  EXPECT_EQ(severity(before.at("findings"), "fields"), "");
  // The preview names the field in the reader's language.
  auto preview = post("p1leader", "/api/v1/permits/preview", body);
  ASSERT_EQ(preview.status, 200u) << preview.body;
  EXPECT_NE(preview.body.find("动火地点及动火部位"), std::string::npos) << preview.body;
  // Submit is refused with the fields and changes nothing.
  auto overrides = warningOverrides(id);
  overrides["field.hot_location"] = "现场再补填";
  auto r = post("p1leader", path(id, "submit"), {{"overrides", overrides}});
  EXPECT_EQ(r.status, 409u) << r.body;
  EXPECT_EQ(r.errorCode(), "permit.blocked");
  EXPECT_NE(details(r).find("field.hot_location [block]"), std::string::npos) << details(r);
  EXPECT_NE(details(r).find("field.hot_method [block]"), std::string::npos) << details(r);
  expectUnchanged(id, before);
  // Filled in (the method from its options), it goes.
  const auto filled = create(plan());
  EXPECT_EQ(severity(permit(filled).at("findings"), "fields"), "pass");
  EXPECT_EQ(submit(filled).status, 200u);
}

TEST_F(PermitApiSubmit, BlockingFindingsCannotBeOverridden) {
  struct Case {
    const char* name;
    std::function<void(json::object&)> change;
    const char* finding;
  };
  const std::vector<Case> cases = {
      {"guardian is also a worker",
       [&](json::object& p) {
         p["worker_ids"] = json::array{personOf("p1worker"), personOf("p1guard")};
       },
       "guardian.not_worker"},
      {"window longer than 8 h", [&](json::object& p) { p["to"] = at(kAhead + hours(9)); },
       "window.validity"},
      {"no guardian", [](json::object& p) { p.erase("guardian_id"); }, "guardian.assigned"},
  };
  for (const auto& c : cases) {
    auto body = plan();
    c.change(body);
    const auto id = create(body);
    const auto before = permit(id);
    bool blocked = false;
    for (const auto& f : before.at("findings").as_array()) {
      blocked = blocked || (f.at("code") == c.finding && f.at("severity") == "block");
    }
    EXPECT_TRUE(blocked) << c.name << " " << json::serialize(before.at("findings"));
    auto overrides = warningOverrides(id);
    overrides[c.finding] = "领导同意";
    auto r = post("p1leader", path(id, "submit"), {{"overrides", overrides}});
    EXPECT_EQ(r.status, 409u) << c.name << " " << r.body;
    EXPECT_EQ(r.errorCode(), "permit.blocked") << c.name;
    EXPECT_NE(details(r).find(c.finding), std::string::npos) << c.name << " " << details(r);
    expectUnchanged(id, before);
  }
}

// Feasibility again at issue: what changed since submit counts at the last approval.
class PermitApiIssueCheck : public PermitApiSubmit {
 protected:
  // Submitted, and every step but the last approved; returns the last step's approver.
  std::string atLastStep(std::int64_t id) {
    auto r = submit(id);
    EXPECT_EQ(r.status, 200u) << r.body;
    for (int n = 0; n < 8; ++n) {
      auto p = permit(id);
      const int i = openStep(p);
      EXPECT_GE(i, 0);
      if (i < 0) {
        return "";
      }
      const std::string user =
          userFor(std::string(p.at("steps").as_array()[i].at("role").as_string()));
      if (static_cast<std::size_t>(i) + 1 == p.at("steps").as_array().size()) {
        return user;
      }
      EXPECT_EQ(approve(user, id).status, 200u);
    }
    return "";
  }
  HttpResult approveWith(const std::string& user, std::int64_t id, const json::object& overrides) {
    return post(user, path(id, "approve"),
                {{"comment", "同意"}, {"signature", password()}, {"overrides", overrides}});
  }
  static bool has(const json::value& findings, const std::string& code, const char* severity) {
    for (const auto& f : findings.as_array()) {
      if (f.at("code").as_string() == code && f.at("severity").as_string() == severity) {
        return true;
      }
    }
    return false;
  }
};

TEST_F(PermitApiIssueCheck, AWarningFoundAfterSubmitNeedsTheApproversReason) {
  const auto id = create(plan());
  const auto last = atLastStep(id);
  ASSERT_FALSE(last.empty());
  const auto window = maintenanceInArea();  // scheduled after the submit
  const std::string code = "maintenance.area." + std::to_string(window);
  const auto before = permit(id);
  for (const json::value& reason : {json::value(nullptr), json::value("  ")}) {
    json::object overrides;
    if (!reason.is_null()) {
      overrides[code] = reason;
    }
    auto r = approveWith(last, id, overrides);
    EXPECT_EQ(r.status, 400u) << r.body;
    EXPECT_EQ(r.errorCode(), "permit.override_reason_required");
    EXPECT_NE(details(r).find(code + " [warn]"), std::string::npos) << details(r);
    EXPECT_NE(details(r).find("issue"), std::string::npos) << details(r);
    expectUnchanged(id, before);
    EXPECT_EQ(permit(id).at("issue_findings").as_array().size(), 0u);
  }
  auto r = approveWith(last, id, {{code, "检修在换热器区，已设隔离"}});
  ASSERT_EQ(r.status, 200u) << r.body;
  const auto p = permit(id);
  EXPECT_EQ(p.at("state").as_string(), "issued");
  EXPECT_TRUE(has(p.at("issue_findings"), code, "warn")) << p.at("issue_findings");
  EXPECT_TRUE(has(p.at("issue_findings"), "window.open", "pass")) << p.at("issue_findings");
  EXPECT_EQ(p.at("issue_overrides").at(code).as_string(), "检修在换热器区，已设隔离");
  // The submit's own findings are kept as they were.
  EXPECT_FALSE(has(p.at("findings"), code, "warn"));
}

TEST_F(PermitApiIssueCheck, AWindowThatEndedCannotBeIssued) {
  const auto id = create(plan());
  const auto last = atLastStep(id);
  ASSERT_FALSE(last.empty());
  advance(kAhead + hours(5));  // past the window's end (kAhead + 4 h)
  const auto before = permit(id);
  auto r = approveWith(last, id, {{"window.open", "领导同意"}});
  EXPECT_EQ(r.status, 409u) << r.body;
  EXPECT_EQ(r.errorCode(), "permit.blocked");
  EXPECT_NE(details(r).find("window.open [block]"), std::string::npos) << details(r);
  expectUnchanged(id, before);
  EXPECT_EQ(openStep(permit(id)), openStep(before));
  // The approver returns it instead.
  auto back = post(last, path(id, "return"),
                   {{"comment", "时间已过，请重新安排"}, {"signature", password()}});
  EXPECT_EQ(back.status, 200u) << back.body;
  EXPECT_EQ(permit(id).at("state").as_string(), "returned");
}

TEST_F(PermitApiIssueCheck, IssueChecksTheRulesThePermitWasSubmittedUnder) {
  const auto id = create(plan());
  const auto last = atLastStep(id);
  ASSERT_FALSE(last.empty());
  const auto submitted_under = permit(id).at("rules_version").as_int64();
  // After the submit the admin requires a certificate the plan's worker does not hold (a crane
  // operator's).
  auto put = setHotWorkWorkerCerts({"crane_operator"});
  ASSERT_EQ(put.status, 200u) << put.body;
  ASSERT_EQ(put.json().at("rules_version").as_int64(), submitted_under + 1);
  // A new plan is checked by the new rules ...
  auto preview = post("p1leader", "/api/v1/permits/preview", plan());
  ASSERT_EQ(preview.status, 200u) << preview.body;
  const std::string missing = "cert.worker." + std::to_string(personOf("p1worker"));
  EXPECT_TRUE(has(preview.json().at("findings"), missing, "block")) << preview.body;
  // ... the submitted permit by the rules its approvals were routed under.
  auto r = approveWith(last, id, {});
  ASSERT_EQ(r.status, 200u) << r.body;
  const auto p = permit(id);
  EXPECT_EQ(p.at("state").as_string(), "issued");
  EXPECT_EQ(p.at("rules_version").as_int64(), submitted_under);
  EXPECT_TRUE(has(p.at("issue_findings"), missing, "pass")) << p.at("issue_findings");
}

TEST_F(PermitApiSubmit, ASubmitIsCheckedAndStampedWithTheCurrentRules) {
  const auto id = create(plan());
  const auto created_under = permit(id).at("rules_version").as_int64();
  auto put = setHotWorkWorkerCerts({"crane_operator"});
  ASSERT_EQ(put.status, 200u) << put.body;
  // A draft is not yet routed: its submit applies the rules of today.
  const auto before = permit(id);
  auto r = submit(id);
  EXPECT_EQ(r.status, 409u) << r.body;
  EXPECT_EQ(r.errorCode(), "permit.blocked");
  EXPECT_NE(details(r).find("cert.worker." + std::to_string(personOf("p1worker"))),
            std::string::npos)
      << details(r);
  expectUnchanged(id, before);
  put = setHotWorkWorkerCerts({"welding_fusion", "welding_pressure", "welding_brazing"});
  ASSERT_EQ(put.status, 200u) << put.body;
  r = submit(id);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(permit(id).at("rules_version").as_int64(), created_under + 2);
}

TEST_F(PermitApiSubmit, AGuardianCannotGuardTwoOverlappingJobs) {
  const auto first = create(plan());
  ASSERT_EQ(submit(first).status, 200u);
  const auto second = create(plan());
  const auto before = permit(second);
  auto r = submit(second);
  EXPECT_EQ(r.status, 409u) << r.body;
  EXPECT_EQ(r.errorCode(), "permit.blocked");
  EXPECT_NE(details(r).find("guardian.busy." + std::to_string(first)), std::string::npos)
      << details(r);
  expectUnchanged(second, before);
}

TEST_F(PermitApiSubmit, SprayPaintingNearOpenHotWorkIsFoundFromTheStoredConditions) {
  // The overlap check reads other permits' conditions from the conditions column, not their docs.
  auto painting = plan();
  painting["conditions"] = json::object{{"continuous_monitor", true}, {"painting", true}};
  const auto first = create(painting);
  ASSERT_EQ(submit(first).status, 200u);
  auto codes = [&]() {
    auto r = post("p1leader", "/api/v1/permits/preview", plan());
    EXPECT_EQ(r.status, 200u) << r.body;
    std::vector<std::string> out;
    const auto body = r.json();
    for (const auto& f : body.at("findings").as_array()) {
      out.emplace_back(f.at("code").as_string());
    }
    return out;
  };
  const std::string finding = "simops.hot_painting." + std::to_string(first);
  auto found = codes();
  EXPECT_NE(std::find(found.begin(), found.end(), finding), found.end())
      << json::serialize(json::value_from(found));
  ASSERT_EQ(post("p1leader", path(first, "cancel"), {{"reason", "测试结束"}}).status, 200u);
  found = codes();
  EXPECT_EQ(std::find(found.begin(), found.end(), finding), found.end());
  EXPECT_NE(std::find(found.begin(), found.end(), "simops"), found.end());
}

// --- time-driven jobs --------------------------------------------------------------------------

class PermitApiJobs : public PermitApiBase {};

TEST_F(PermitApiJobs, AnOverdueApprovalIsEscalatedOnce) {
  const auto id = create(plan());
  ASSERT_EQ(submit(id).status, 200u);
  runJobs();
  auto p = permit(id);
  ASSERT_EQ(p.at("steps").as_array().at(0).at("role").as_string(), "approver_unit");
  EXPECT_EQ(count(kinds(p), "escalated"), 0u);
  // Half the SLA: a reminder, no escalation.
  advance(minutes(61));
  runJobs();
  p = permit(id);
  EXPECT_EQ(count(kinds(p), "reminded"), 1u);
  EXPECT_EQ(count(kinds(p), "escalated"), 0u);
  // Past the 120-minute SLA: escalated to the department approver.
  advance(minutes(60));
  runJobs();
  runJobs();
  p = permit(id);
  const auto& step = p.at("steps").as_array().at(0);
  EXPECT_EQ(step.at("role").as_string(), "approver_dept");
  EXPECT_EQ(step.at("state").as_string(), "open");
  EXPECT_EQ(step.at("escalation_level").as_int64(), 1);
  EXPECT_EQ(count(kinds(p), "escalated"), 1u);
  EXPECT_EQ(p.at("waiting_roles"), json::array{"approver_dept"});
  bool told = false;
  for (const auto& n : json::array(
           get("dept", "/api/v1/notifications?page_size=100").json().at("items").as_array())) {
    told = told ||
           (n.at("kind").as_string() == "permit.approval_escalated" && n.at("entity_id") == id);
  }
  EXPECT_TRUE(told);
  // Still within the second SLA period: nothing more.
  advance(minutes(30));
  runJobs();
  const auto after = permit(id);
  EXPECT_EQ(count(kinds(after), "escalated"), 1u);
  EXPECT_EQ(after.at("steps").as_array().at(0).at("role").as_string(), "approver_dept");
  // The original approver can no longer decide it; the department approver can.
  auto r = approve("p1unit", id);
  EXPECT_EQ(r.status, 403u) << r.body;
  expectUnchanged(id, after);
  r = approve("dept", id);
  EXPECT_EQ(r.status, 200u) << r.body;
}

TEST_F(PermitApiJobs, AnIssuedPermitPastItsWindowExpiresAndTheLeaderIsTold) {
  const auto id = issued();
  advance(kAhead + minutes(240 - 20));  // within 30 min of the end: a warning first
  runJobs();
  auto p = permit(id);
  EXPECT_EQ(p.at("state").as_string(), "issued");
  EXPECT_EQ(count(kinds(p), "expiry_warning"), 1u);
  advance(minutes(21));
  runJobs();
  p = permit(id);
  EXPECT_EQ(p.at("state").as_string(), "expired");
  EXPECT_EQ(count(kinds(p), "expired"), 1u);
  std::set<std::string> kinds_told;
  for (const auto& n : json::array(
           get("p1leader", "/api/v1/notifications?page_size=100").json().at("items").as_array())) {
    if (n.at("entity_id") == id) {
      kinds_told.emplace(n.at("kind").as_string());
    }
  }
  EXPECT_TRUE(kinds_told.count("permit.expired")) << kinds_told.size();
  EXPECT_TRUE(kinds_told.count("permit.expiring"));
  runJobs();
  EXPECT_EQ(count(kinds(permit(id)), "expired"), 1u);
}

// --- bad input ----------------------------------------------------------------------------------

class PermitApiInput : public PermitApiBase {};

TEST_F(PermitApiInput, WorkTypesAreAdminEditedVersionedAndAuditedAndPermitsKeepTheirRules) {
  auto base = get("admin", "/api/v1/work-types/inspection");
  ASSERT_EQ(base.status, 200u) << base.body;
  json::object type = base.json().as_object();
  type["zh"] = "储罐巡检";
  type["en"] = "Tank inspection";
  // Only admins; the code is lower-case letters, digits and _ (a domain rule).
  type["code"] = "tank_check";
  auto r = post("p1leader", "/api/v1/work-types", type);
  EXPECT_EQ(r.status, 403u) << r.body;
  for (const char* bad : {"Tank", "1tank", "tank-check", ""}) {
    type["code"] = bad;
    r = post("admin", "/api/v1/work-types", type);
    EXPECT_EQ(r.status, 400u) << bad << " " << r.body;
  }
  EXPECT_EQ(get("admin", "/api/v1/work-types/Tank").status, 404u);
  type["code"] = "tank_check";
  r = post("admin", "/api/v1/work-types", type);
  ASSERT_EQ(r.status, 201u) << r.body;
  EXPECT_EQ(r.json().at("rules_version").as_int64(), 1);
  // A hot-work permit issued under version 1 keeps it when the rules change.
  const auto id = create(plan());
  const auto v1 = permit(id).at("work_type").at("rules_version").as_int64();
  auto hot = get("admin", "/api/v1/work-types/hot_work").json().as_object();
  hot["en"] = "Hot work (edited)";
  auto put =
      s().request("PUT", "/api/v1/work-types/hot_work", json::serialize(hot), token("admin"));
  ASSERT_EQ(put.status, 200u) << put.body;
  EXPECT_EQ(put.json().at("rules_version").as_int64(), v1 + 1);
  EXPECT_EQ(permit(id).at("work_type").at("rules_version").as_int64(), v1);
  EXPECT_EQ(permit(id).at("rules_version").as_int64(), v1);
  // The new rules serve new permits; an action's answer names the permit's rules by version only.
  const auto id2 = create(plan());
  EXPECT_EQ(permit(id2).at("work_type").at("rules_version").as_int64(), v1 + 1);
  EXPECT_EQ(permit(id2).at("work_type").at("en").as_string(), "Hot work (edited)");
  auto cancelled = post("p1leader", path(id, "cancel"), {{"reason", "测试结束"}});
  ASSERT_EQ(cancelled.status, 200u) << cancelled.body;
  EXPECT_EQ(cancelled.json().at("state").as_string(), "cancelled");
  EXPECT_EQ(cancelled.json().at("rules_version").as_int64(), v1);
  EXPECT_FALSE(cancelled.json().as_object().contains("work_type"));
  // Both changes are in the audit trail.
  auto audit = get("admin", "/api/v1/audit?entity=work_types");
  ASSERT_EQ(audit.status, 200u) << audit.body;
  const std::string trail = audit.body;
  EXPECT_NE(trail.find("tank_check"), std::string::npos) << trail;
  EXPECT_NE(trail.find("hot_work"), std::string::npos) << trail;
}

TEST_F(PermitApiInput, BadPlansAreRefusedWithTheField) {
  const auto before = permitCount();
  auto bad = s().request("POST", "/api/v1/permits", "{\"type\": \"hot_work\", ", token("p1leader"));
  EXPECT_EQ(bad.status, 400u) << bad.body;
  EXPECT_EQ(bad.errorCode(), "request.bad_json");

  struct Case {
    const char* name;
    std::function<void(json::object&)> change;
    const char* field;
    const char* reason;
  };
  const std::vector<Case> cases = {
      {"unknown field", [](json::object& p) { p["colour"] = "red"; }, "colour", "unknown_field"},
      {"to before from", [&](json::object& p) { p["to"] = at(minutes(5)); }, "to", "before_start"},
      {"to equals from", [&](json::object& p) { p["to"] = p["from"]; }, "to", "before_start"},
      {"bad time", [](json::object& p) { p["from"] = "tomorrow"; }, "from", "bad_time"},
      {"unknown area", [](json::object& p) { p["area_id"] = 999999; }, "area_id", "bad_reference"},
      {"area of another plant",
       [&](json::object& p) {
         auto areas = get("admin", "/api/v1/areas?page_size=200").json().at("items").as_array();
         for (const auto& a : areas) {
           if (a.at("code").as_string().rfind("A-P2", 0) == 0) {
             p["area_id"] = a.at("id");
           }
         }
       },
       "area_id", "bad_reference"},
      {"worker out of scope",
       [&](json::object& p) { p["worker_ids"] = json::array{personOf("p2worker")}; }, "worker_ids",
       "bad_reference"},
      {"unknown leader", [](json::object& p) { p["leader_id"] = 999999; }, "leader_id",
       "bad_reference"},
      {"unknown type", [](json::object& p) { p["type"] = "juggling"; }, "type", "unknown_type"},
      {"no title", [](json::object& p) { p.erase("title"); }, "title", "required"},
      {"worker ids not numbers", [](json::object& p) { p["worker_ids"] = json::array{"x"}; },
       "worker_ids", "wrong_type"},
      {"wind out of range",
       [](json::object& p) {
         p["conditions"] = json::object{{"wind_level", 18}};
       },
       "conditions.wind_level", "out_of_range"},
  };
  for (const auto& c : cases) {
    auto body = plan();
    c.change(body);
    auto r = post("p1leader", "/api/v1/permits", body);
    EXPECT_EQ(r.status, 400u) << c.name << " " << r.body;
    EXPECT_EQ(r.errorCode(), "validation.failed") << c.name;
    auto d = r.json().at("error").at("details");
    ASSERT_TRUE(d.is_object()) << c.name << " " << r.body;
    const auto* v = d.as_object().if_contains(c.field);
    ASSERT_NE(v, nullptr) << c.name << " " << r.body;
    EXPECT_EQ(*v, c.reason) << c.name;
  }
  EXPECT_EQ(permitCount(), before);
  // Only planners may plan.
  auto r = post("p1worker", "/api/v1/permits", plan());
  EXPECT_EQ(r.status, 403u) << r.body;
  EXPECT_EQ(permitCount(), before);
}

// --- public status and scope -------------------------------------------------------------------

// `Prefer: return=minimal` (RFC 7240): an action answers with the permit's summary instead of
// its whole detail view; what it stores is the same.
class PermitApiAnswers : public PermitApiBase {
 protected:
  HttpResult postPreferring(const std::string& user, const std::string& target,
                            const json::value& body, const std::string& prefer) {
    return s().request("POST", target, json::serialize(body), token(user), {{"Prefer", prefer}});
  }
  // The summary's fields and none of the detail's.
  static void expectSummary(const HttpResult& r) {
    const json::value v = r.json();  // json() parses anew: keep the value alive.
    ASSERT_TRUE(v.is_object()) << r.body;
    const auto& o = v.as_object();
    for (const char* key : {"id", "number", "state", "waiting_roles", "version", "level"}) {
      EXPECT_TRUE(o.contains(key)) << key << " missing in " << r.body;
    }
    for (const char* key : {"steps", "events", "plan", "findings", "allowed_actions"}) {
      EXPECT_FALSE(o.contains(key)) << key << " in " << r.body;
    }
  }
};

TEST_F(PermitApiAnswers, AMinimalAnswerIsTheSummaryOfWhatWasStored) {
  auto created = postPreferring("p1leader", "/api/v1/permits", plan(), "return=minimal");
  ASSERT_EQ(created.status, 201u) << created.body;
  expectSummary(created);
  const auto id = created.json().at("id").as_int64();
  EXPECT_EQ(created.json().at("state").as_string(), "draft");
  EXPECT_EQ(created.json().at("number").as_string(), permit(id).at("number").as_string());

  // Preferences are a comma-separated list, case-insensitive, with parameters after ';'.
  auto submitted =
      postPreferring("p1leader", path(id, "submit"), {{"overrides", warningOverrides(id)}},
                     "respond-async, RETURN=Minimal; foo=bar");
  ASSERT_EQ(submitted.status, 200u) << submitted.body;
  expectSummary(submitted);
  EXPECT_EQ(submitted.json().at("state").as_string(), "in_approval");
  auto stored = permit(id);
  EXPECT_EQ(submitted.json().at("version").as_int64(), stored.at("version").as_int64());
  const json::array waiting = submitted.json().at("waiting_roles").as_array();
  ASSERT_FALSE(waiting.empty());
  const int open = openStep(stored);
  ASSERT_GE(open, 0);
  EXPECT_EQ(waiting.front().as_string(),
            stored.at("steps").as_array()[static_cast<std::size_t>(open)].at("role").as_string());

  const json::object decision{{"comment", "同意"},
                              {"signature", password()},
                              {"location", json::object{{"lat", 30.1}, {"lng", 121.5}}}};
  auto approved = postPreferring(userFor(std::string(waiting.front().as_string())),
                                 path(id, "approve"), decision, "return=minimal");
  ASSERT_EQ(approved.status, 200u) << approved.body;
  expectSummary(approved);
  stored = permit(id);
  EXPECT_EQ(approved.json().at("version").as_int64(), stored.at("version").as_int64());
  EXPECT_EQ(approved.json().at("state").as_string(), stored.at("state").as_string());
  // The step is recorded exactly as with a full answer.
  EXPECT_EQ(stored.at("steps").as_array()[static_cast<std::size_t>(open)].at("state").as_string(),
            "approved");

  // Any other preference (or none) gets the detail view; errors are errors either way.
  const int next = openStep(stored);
  ASSERT_GE(next, 0);
  const std::string role(
      stored.at("steps").as_array()[static_cast<std::size_t>(next)].at("role").as_string());
  auto full = postPreferring(userFor(role), path(id, "approve"), decision, "return=representation");
  ASSERT_EQ(full.status, 200u) << full.body;
  EXPECT_TRUE(full.json().as_object().contains("steps")) << full.body;
  EXPECT_TRUE(full.json().as_object().contains("events")) << full.body;
  auto again = postPreferring(userFor(role), path(id, "approve"), decision, "return=minimal");
  EXPECT_EQ(again.status, 409u) << again.body;
  EXPECT_FALSE(again.errorCode().empty()) << again.body;
}

class PermitApiPublic : public PermitApiBase {};

TEST_F(PermitApiPublic, StatusPageNeedsNoLoginAndShowsNoPhoneNumbers) {
  const auto id = issued();
  auto p = permit(id);
  const std::string token(p.at("public_token").as_string());
  auto r = s().request("GET", "/api/v1/public/permits/" + token);
  ASSERT_EQ(r.status, 200u) << r.body;
  auto o = r.json().as_object();
  EXPECT_EQ(o.at("number"), p.at("number"));
  EXPECT_EQ(o.at("leader_name"), p.at("leader_name"));
  EXPECT_FALSE(o.at("approvals").as_array().empty());
  EXPECT_EQ(r.body.find("phone"), std::string::npos) << r.body;
  EXPECT_FALSE(std::regex_search(r.body, std::regex("1[3-9][0-9]{9}"))) << r.body;
  EXPECT_EQ(r.body.find("employee_no"), std::string::npos);
  EXPECT_FALSE(o.contains("plan"));
  EXPECT_FALSE(o.contains("events"));
  // A guessed token is not found.
  auto guess = s().request("GET", "/api/v1/public/permits/" + std::string(token.size(), 'a'));
  EXPECT_EQ(guess.status, 404u);
  EXPECT_EQ(guess.errorCode(), "permit.not_found");
}

TEST_F(PermitApiPublic, TheStatusPageShowsTheLatestSamplingAndWhetherTheAirIsClear) {
  const auto id = issued();
  const std::string token(permit(id).at("public_token").as_string());
  auto status = [&] {
    auto r = s().request("GET", "/api/v1/public/permits/" + token);
    EXPECT_EQ(r.status, 200u) << r.body;
    return r.json().at("last_gas_test");
  };
  EXPECT_TRUE(status().is_null());
  // One sampling: flammables pass, H₂S fails — the air is not clear.
  auto g = post(
      "p1guard", path(id, "gas-tests"),
      readings(
          nowText(),
          json::array{
              json::object{
                  {"gas", "flammable"}, {"value", 0.1}, {"unit", "%vol"}, {"lel_percent", 5.0}},
              json::object{{"gas", "h2s"}, {"value", 20}, {"unit", "mg/m3"}}}));
  ASSERT_EQ(g.status, 200u) << g.body;
  auto last = status();
  ASSERT_TRUE(last.is_object());
  EXPECT_FALSE(last.at("pass").as_bool());
  ASSERT_EQ(last.at("readings").as_array().size(), 2u);
  EXPECT_EQ(last.at("readings").at(1).at("gas").as_string(), "硫化氢");
  EXPECT_FALSE(last.at("readings").at(1).at("pass").as_bool());
  // A later sampling of H₂S alone that passes clears it, and is the one shown.
  advance(minutes(5));
  g = post("p1guard", path(id, "gas-tests"),
           readings(nowText(),
                    json::array{json::object{{"gas", "h2s"}, {"value", 3}, {"unit", "mg/m3"}}}));
  ASSERT_EQ(g.status, 200u) << g.body;
  last = status();
  EXPECT_TRUE(last.at("pass").as_bool());
  ASSERT_EQ(last.at("readings").as_array().size(), 1u);
  EXPECT_EQ(last.at("readings").at(0).at("value").as_double(), 3.0);
}

TEST_F(PermitApiPublic, APermitOfAnotherPlantIsNotFound) {
  const auto id = create(plan());
  for (const char* user : {"p2worker"}) {
    auto r = get(user, path(id));
    EXPECT_EQ(r.status, 404u) << r.body;
    EXPECT_EQ(r.errorCode(), "permit.not_found");
    r = get(user, path(id, "report"));
    EXPECT_EQ(r.status, 404u) << r.body;
    bool listed = false;
    for (const auto& x : json::array(get(user, "/api/v1/permits").json().at("items").as_array())) {
      listed = listed || x.at("id").as_int64() == id;
    }
    EXPECT_FALSE(listed);
  }
  EXPECT_EQ(get("p1worker", path(id)).status, 200u);
  EXPECT_EQ(get("p1worker", path(id + 1000)).status, 404u);
}

}  // namespace
}  // namespace anguan::testing_api
