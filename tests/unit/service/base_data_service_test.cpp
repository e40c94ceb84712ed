#include "anguan/service/base_data_service.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "anguan/report/spreadsheet_codec.hpp"
#include "anguan/service/audit_service.hpp"
#include "anguan/service/auth_service.hpp"

#include "unit/service/service_fixture.hpp"

namespace anguan::service {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

class RecordingPublisher final : public EventPublisher {
 public:
  void publish(const Event& event) override {
    std::lock_guard lock(mu_);
    events_.push_back(event);
  }
  std::vector<Event> events() const {
    std::lock_guard lock(mu_);
    return events_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<Event> events_;
};

const base::EntitySchema& schemaOf(const char* name) { return *base::findSchema(name); }

// "line:field:reason", so that failures print readably.
std::vector<std::string> describe(const std::vector<ImportProblem>& problems) {
  std::vector<std::string> out;
  for (const auto& p : problems) {
    out.push_back(std::to_string(p.line) + ":" + p.field + ":" + p.reason);
  }
  return out;
}

class BaseDataServiceTest : public service_testing::SqliteServiceTest {
 protected:
  void SetUp() override {
    SqliteServiceTest::SetUp();
    if (HasFatalFailure()) {
      return;
    }
    codec_ = report::makeSpreadsheetCodec();
    service_ = std::make_unique<BaseDataService>(*store_, clock_, settings_, events_, *codec_);
    Status seeded = service_->systemBatch([&](SystemBatch& b) -> Status {
      AG_ASSIGN_OR_RETURN(root_, b.insert("org_units", org("总公司", "ROOT", "company", 0)));
      AG_ASSIGN_OR_RETURN(plant1_, b.insert("org_units", org("一厂", "P1", "plant", root_.id)));
      AG_ASSIGN_OR_RETURN(plant2_, b.insert("org_units", org("二厂", "P2", "plant", root_.id)));
      return okStatus();
    });
    ASSERT_TRUE(seeded.has_value()) << seeded.error().key();
    root_admin_ = principal({"admin"}, root_.id, root_.org_path, 1, "root-admin");
    admin1_ = principal({"admin"}, plant1_.id, plant1_.org_path, 2, "admin-1");
    admin2_ = principal({"admin"}, plant2_.id, plant2_.org_path, 3, "admin-2");
    worker1_ = principal({"worker"}, plant1_.id, plant1_.org_path, 4, "worker-1");
  }

  static base::Record org(const char* name, const char* code, const char* kind,
                          std::int64_t parent) {
    base::Record r;
    r.values = {
        {"name", std::string(name)}, {"code", std::string(code)}, {"kind", std::string(kind)}};
    if (parent > 0) {
      r.values["parent_id"] = parent;
    }
    return r;
  }

  static json::object personBody(const std::string& name, const std::string& employee_no,
                                 std::int64_t org_id) {
    json::object o;
    o["name"] = name;
    o["employee_no"] = employee_no;
    o["kind"] = "employee";
    o["org_id"] = org_id;
    o["roles"] = json::array{"worker"};
    o["active"] = true;
    return o;
  }

  static json::object certificateBody(std::int64_t person_id, const std::string& number,
                                      const std::string& expires_on) {
    json::object o;
    o["person_id"] = person_id;
    o["cert_type"] = "welding_fusion";
    o["number"] = number;
    o["issued_on"] = "2020-01-01";
    o["expires_on"] = expires_on;
    return o;
  }

  base::Record createOk(const auth::Principal& caller, const char* entity,
                        const json::object& body) {
    auto r = service_->create(caller, schemaOf(entity), body);
    EXPECT_TRUE(r.has_value()) << entity << ": " << (r ? "" : r.error().key()) << " "
                               << (r ? "" : json::serialize(json::value_from(r.error().details())));
    return r ? r->record : base::Record{};
  }

  json::object updateBody(const char* entity, const base::Record& r) {
    json::object o = recordToJsonForUpdate(entity, r);
    return o;
  }

  json::object recordToJsonForUpdate(const char* entity, const base::Record& r) {
    json::object o;
    for (const auto& spec : schemaOf(entity).fields) {
      if (spec.computed) {
        continue;
      }
      const auto& v = r.get(spec.name);
      if (const auto* i = std::get_if<std::int64_t>(&v)) {
        o[spec.name] = *i;
      } else if (const auto* s = std::get_if<std::string>(&v)) {
        o[spec.name] = *s;
      } else if (const auto* b = std::get_if<bool>(&v)) {
        o[spec.name] = *b;
      } else if (const auto* d = std::get_if<double>(&v)) {
        o[spec.name] = *d;
      } else if (const auto* list = std::get_if<std::vector<std::string>>(&v)) {
        json::array a;
        for (const auto& code : *list) {
          a.emplace_back(code);
        }
        o[spec.name] = std::move(a);
      }
    }
    o["version"] = r.version;
    return o;
  }

  Result<RecordView> get(const auth::Principal& caller, const char* entity, std::int64_t id) {
    return service_->get(caller, schemaOf(entity), id);
  }

  std::vector<std::string> listTitles(const auth::Principal& caller, const char* entity) {
    auto page = service_->list(caller, schemaOf(entity), {{"page_size", "1000"}});
    EXPECT_TRUE(page.has_value()) << (page ? "" : page.error().key());
    std::vector<std::string> out;
    if (page) {
      for (const auto& v : page->items) {
        out.push_back(v.record.getText(schemaOf(entity).title_field));
      }
    }
    return out;
  }

  std::string csv(const std::vector<std::vector<std::string>>& rows) {
    Table t;
    t.rows = rows;
    auto bytes = codec_->write(t, SheetFormat::kCsv);
    EXPECT_TRUE(bytes.has_value());
    return bytes ? *bytes : std::string();
  }

  std::int64_t auditCount() {
    AuditService audit(*store_);
    auto r = audit.verify(nullptr);
    EXPECT_TRUE(r.has_value());
    EXPECT_TRUE(r->ok) << r->reason << " at " << r->first_bad_seq.value_or(0);
    return r->checked;
  }

  static std::string errorKey(const Status& s) { return s ? "" : s.error().key(); }
  template <class T>
  static std::string errorKey(const Result<T>& r) {
    return r ? "" : r.error().key();
  }

  RecordingPublisher events_;
  SpreadsheetCodecPtr codec_;
  std::unique_ptr<BaseDataService> service_;
  base::Record root_;
  base::Record plant1_;
  base::Record plant2_;
  auth::Principal root_admin_;
  auth::Principal admin1_;
  auth::Principal admin2_;
  auth::Principal worker1_;
};

// ---------------------------------------------------------------------------------------------
// Org tree and scope basics.

TEST_F(BaseDataServiceTest, SystemBatchBuildsMaterialisedPaths) {
  EXPECT_EQ(root_.org_path, "/" + std::to_string(root_.id) + "/");
  EXPECT_EQ(plant1_.org_path, root_.org_path + std::to_string(plant1_.id) + "/");
  EXPECT_EQ(plant2_.org_path, root_.org_path + std::to_string(plant2_.id) + "/");
  EXPECT_EQ(plant1_.org_id, plant1_.id);
}

TEST_F(BaseDataServiceTest, CreatedPersonTakesItsOrgScope) {
  auto created =
      service_->create(admin1_, schemaOf("people"), personBody("张三", "E1", plant1_.id));
  ASSERT_TRUE(created.has_value()) << created.error().key();
  EXPECT_GT(created->record.id, 0);
  EXPECT_EQ(created->record.version, 1);
  EXPECT_EQ(created->record.org_id, plant1_.id);
  EXPECT_EQ(created->record.org_path, plant1_.org_path);
  EXPECT_EQ(created->record.created_at, clock_.now());
  EXPECT_EQ(created->ref_titles.at("org_id"), "一厂");
}

TEST_F(BaseDataServiceTest, PlantAdminCannotSeeUpdateOrDeleteOtherPlantsRecords) {
  const auto other = createOk(admin2_, "people", personBody("李四", "E2", plant2_.id));
  const auto own = createOk(admin1_, "people", personBody("张三", "E1", plant1_.id));

  EXPECT_EQ(errorKey(get(admin1_, "people", other.id)), "base.not_found");
  EXPECT_EQ(get(admin1_, "people", other.id).error().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(get(admin1_, "people", own.id).has_value());
  EXPECT_THAT(listTitles(admin1_, "people"), ElementsAre("张三"));
  EXPECT_THAT(listTitles(admin2_, "people"), ElementsAre("李四"));
  EXPECT_THAT(listTitles(root_admin_, "people"), UnorderedElementsAre("张三", "李四"));

  json::object body = updateBody("people", other);
  body["name"] = "王五";
  EXPECT_EQ(errorKey(service_->update(admin1_, schemaOf("people"), other.id, body)),
            "base.not_found");
  EXPECT_EQ(errorKey(service_->remove(admin1_, schemaOf("people"), other.id, other.version)),
            "base.not_found");
  // Unchanged.
  auto still = get(admin2_, "people", other.id);
  ASSERT_TRUE(still.has_value());
  EXPECT_EQ(still->record.getText("name"), "李四");
  EXPECT_EQ(still->record.version, 1);
}

TEST_F(BaseDataServiceTest, MissingRecordIsNotFound) {
  EXPECT_EQ(errorKey(get(root_admin_, "people", 12345)), "base.not_found");
  EXPECT_EQ(errorKey(service_->remove(root_admin_, schemaOf("people"), 12345, 1)),
            "base.not_found");
}

TEST_F(BaseDataServiceTest, ReferencingAnotherPlantsOrgIsABadReference) {
  auto r = service_->create(admin1_, schemaOf("people"), personBody("张三", "E1", plant2_.id));
  ASSERT_TRUE(r.has_error());
  EXPECT_EQ(r.error().key(), "validation.failed");
  EXPECT_EQ(r.error().details().at("org_id"), "bad_reference");
  EXPECT_THAT(listTitles(root_admin_, "people"), IsEmpty());
}

TEST_F(BaseDataServiceTest, ReferencingAMissingRecordIsABadReference) {
  auto r = service_->create(admin1_, schemaOf("people"), personBody("张三", "E1", 999));
  ASSERT_TRUE(r.has_error());
  EXPECT_EQ(r.error().details().at("org_id"), "bad_reference");
}

TEST_F(BaseDataServiceTest, ReferencingAnotherPlantsPersonIsABadReference) {
  const auto other = createOk(admin2_, "people", personBody("李四", "E2", plant2_.id));
  auto r = service_->create(admin1_, schemaOf("certificates"),
                            certificateBody(other.id, "C-1", "2030-01-01"));
  ASSERT_TRUE(r.has_error());
  EXPECT_EQ(r.error().details().at("person_id"), "bad_reference");
}

TEST_F(BaseDataServiceTest, WorkerCannotCreateButCanRead) {
  auto r = service_->create(worker1_, schemaOf("people"), personBody("张三", "E1", plant1_.id));
  ASSERT_TRUE(r.has_error());
  EXPECT_EQ(r.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(r.error().key(), "auth.forbidden");

  const auto p = createOk(admin1_, "people", personBody("张三", "E1", plant1_.id));
  EXPECT_TRUE(get(worker1_, "people", p.id).has_value());
  EXPECT_EQ(
      service_->update(worker1_, schemaOf("people"), p.id, updateBody("people", p)).error().code(),
      ErrorCode::kPermissionDenied);
  EXPECT_EQ(service_->remove(worker1_, schemaOf("people"), p.id, p.version).error().code(),
            ErrorCode::kPermissionDenied);
}

TEST_F(BaseDataServiceTest, WritePermissionDependsOnTheEntity) {
  EXPECT_EQ(writePermission(schemaOf("people")), auth::Permission::kPeopleWrite);
  EXPECT_EQ(writePermission(schemaOf("certificates")), auth::Permission::kPeopleWrite);
  EXPECT_EQ(writePermission(schemaOf("holidays")), auth::Permission::kCalendarWrite);
  EXPECT_EQ(writePermission(schemaOf("areas")), auth::Permission::kOrgWrite);
  EXPECT_EQ(writePermission(schemaOf("org_units")), auth::Permission::kOrgWrite);

  const auto officer = principal({"safety_officer"}, plant1_.id, plant1_.org_path);
  EXPECT_TRUE(service_->create(officer, schemaOf("people"), personBody("张三", "E1", plant1_.id))
                  .has_value());
  json::object area;
  area["name"] = "罐区";
  area["code"] = "A1";
  area["org_id"] = plant1_.id;
  area["kind"] = "tank_farm";
  EXPECT_EQ(errorKey(service_->create(officer, schemaOf("areas"), area)), "auth.forbidden");
}

TEST_F(BaseDataServiceTest, PrincipalWithoutOrgSeesOnlyUnscopedRecords) {
  createOk(admin1_, "people", personBody("张三", "E1", plant1_.id));
  json::object holiday;
  holiday["date"] = "2026-10-01";
  holiday["name"] = "国庆节";
  holiday["kind"] = "holiday";
  const auto h = createOk(root_admin_, "holidays", holiday);
  EXPECT_EQ(h.org_path, "");
  EXPECT_EQ(h.org_id, 0);

  const auto nobody = principal({"worker"}, 0, "");
  EXPECT_THAT(listTitles(nobody, "people"), IsEmpty());
  EXPECT_THAT(listTitles(nobody, "holidays"), ElementsAre("国庆节"));
  EXPECT_THAT(listTitles(worker1_, "holidays"), ElementsAre("国庆节"));
}

TEST_F(BaseDataServiceTest, PlantAdminCannotCreateARootOrgUnit) {
  json::object o;
  o["name"] = "新公司";
  o["code"] = "NEW";
  o["kind"] = "company";
  auto r = service_->create(admin1_, schemaOf("org_units"), o);
  ASSERT_TRUE(r.has_error());
  EXPECT_EQ(r.error().details().at("parent_id"), "required");
}

TEST_F(BaseDataServiceTest, DeletingAReferencedRecordIsInUse) {
  createOk(admin1_, "people", personBody("张三", "E1", plant1_.id));
  auto r = service_->remove(root_admin_, schemaOf("org_units"), plant1_.id, plant1_.version);
  ASSERT_TRUE(r.has_error());
  EXPECT_EQ(r.error().key(), "base.in_use");
  EXPECT_EQ(r.error().code(), ErrorCode::kConflict);
  EXPECT_TRUE(get(root_admin_, "org_units", plant1_.id).has_value());
}

TEST_F(BaseDataServiceTest, ListRejectsUnknownComputedAndMalformedQueries) {
  EXPECT_EQ(errorKey(service_->list(admin1_, schemaOf("people"), {{"shoe_size", "42"}})),
            "query.bad_field");
  EXPECT_EQ(errorKey(service_->list(admin1_, schemaOf("certificates"), {{"sort", "status"}})),
            "query.bad_field");
  EXPECT_EQ(errorKey(service_->list(admin1_, schemaOf("certificates"), {{"status", "valid"}})),
            "query.bad_field");
  EXPECT_EQ(errorKey(service_->list(admin1_, schemaOf("people"), {{"page", "0"}})),
            "query.bad_value");
  EXPECT_EQ(errorKey(service_->list(admin1_, schemaOf("people"), {{"roles", "boss"}})),
            "query.bad_value");
  EXPECT_EQ(errorKey(service_->list(admin1_, schemaOf("people"), {{"org_id", "P1"}})),
            "query.bad_value");
}

TEST_F(BaseDataServiceTest, ListFiltersByDateRangeAndSorts) {
  const auto person = createOk(admin1_, "people", personBody("张三", "E1", plant1_.id));
  createOk(admin1_, "certificates", certificateBody(person.id, "C2027", "2027-01-01"));
  createOk(admin1_, "certificates", certificateBody(person.id, "C2028", "2028-01-01"));
  createOk(admin1_, "certificates", certificateBody(person.id, "C2029", "2029-01-01"));
  auto titles = [&](const QueryParams& params) {
    std::vector<std::string> out;
    auto page = service_->list(admin1_, schemaOf("certificates"), params);
    EXPECT_TRUE(page.has_value()) << errorKey(page);
    if (page) {
      for (const auto& v : page->items) {
        out.push_back(v.record.getText("number"));
      }
    }
    return out;
  };
  EXPECT_THAT(titles({{"expires_on__ge", "2028-01-01"}, {"sort", "expires_on"}}),
              ElementsAre("C2028", "C2029"));
  EXPECT_THAT(titles({{"expires_on__le", "2028-01-01"}, {"sort", "-expires_on"}}),
              ElementsAre("C2028", "C2027"));
  EXPECT_THAT(titles({{"number__contains", "202"}, {"sort", "-number"}, {"page_size", "2"}}),
              ElementsAre("C2029", "C2028"));
  EXPECT_THAT(
      titles({{"number__contains", "202"}, {"sort", "-number"}, {"page_size", "2"}, {"page", "2"}}),
      ElementsAre("C2027"));
}

// ---------------------------------------------------------------------------------------------
// Versions.

TEST_F(BaseDataServiceTest, UpdateWithAStaleVersionIsAConflict) {
  const auto p = createOk(admin1_, "people", personBody("张三", "E1", plant1_.id));
  json::object body = updateBody("people", p);
  body["name"] = "张三丰";
  auto first = service_->update(admin1_, schemaOf("people"), p.id, body);
  ASSERT_TRUE(first.has_value()) << first.error().key();
  EXPECT_EQ(first->record.version, 2);
  EXPECT_EQ(first->record.getText("name"), "张三丰");

  body["name"] = "张四";  // Still version 1.
  auto stale = service_->update(admin1_, schemaOf("people"), p.id, body);
  ASSERT_TRUE(stale.has_error());
  EXPECT_EQ(stale.error().key(), "base.stale_version");
  EXPECT_EQ(stale.error().code(), ErrorCode::kConflict);

  EXPECT_EQ(errorKey(service_->remove(admin1_, schemaOf("people"), p.id, 1)), "base.stale_version");
  EXPECT_TRUE(service_->remove(admin1_, schemaOf("people"), p.id, 2).has_value());
  EXPECT_EQ(errorKey(get(admin1_, "people", p.id)), "base.not_found");
}

TEST_F(BaseDataServiceTest, UpdateWithoutAVersionIsRejected) {
  const auto p = createOk(admin1_, "people", personBody("张三", "E1", plant1_.id));
  json::object body = updateBody("people", p);
  body.erase("version");
  auto r = service_->update(admin1_, schemaOf("people"), p.id, body);
  ASSERT_TRUE(r.has_error());
  EXPECT_EQ(r.error().details().at("version"), "required");
  body["version"] = "1";
  EXPECT_EQ(
      service_->update(admin1_, schemaOf("people"), p.id, body).error().details().at("version"),
      "wrong_type");
}

TEST_F(BaseDataServiceTest, CreateRejectsInvalidBodiesWithFieldDetails) {
  json::object body = personBody("", "E1", plant1_.id);
  body["kind"] = "robot";
  body["phone"] = "call me";
  auto r = service_->create(admin1_, schemaOf("people"), body);
  ASSERT_TRUE(r.has_error());
  EXPECT_EQ(r.error().key(), "validation.failed");
  EXPECT_EQ(r.error().details(),
            (std::map<std::string, std::string>{
                {"name", "required"}, {"kind", "not_an_option"}, {"phone", "bad_phone"}}));
  json::object unknown = personBody("张三", "E1", plant1_.id);
  unknown["shoe_size"] = 42;
  EXPECT_EQ(
      service_->create(admin1_, schemaOf("people"), unknown).error().details().at("shoe_size"),
      "unknown_field");
}

TEST_F(BaseDataServiceTest, DuplicateUniqueValueIsAConflict) {
  createOk(admin1_, "people", personBody("张三", "E1", plant1_.id));
  auto r = service_->create(admin2_, schemaOf("people"), personBody("李四", "E1", plant2_.id));
  ASSERT_TRUE(r.has_error());
  EXPECT_EQ(r.error().key(), "base.duplicate");
  EXPECT_EQ(r.error().code(), ErrorCode::kConflict);
}

// ---------------------------------------------------------------------------------------------
// Audit and events.

TEST_F(BaseDataServiceTest, EveryWriteAppendsAnAuditEntryAndTheChainVerifies) {
  const std::int64_t start = auditCount();
  EXPECT_EQ(start, 3);  // The three org units.

  const auto p = createOk(admin1_, "people", personBody("张三", "E1", plant1_.id));
  EXPECT_EQ(auditCount(), start + 1);
  json::object body = updateBody("people", p);
  body["position"] = "焊工";
  auto updated = service_->update(admin1_, schemaOf("people"), p.id, body);
  ASSERT_TRUE(updated.has_value());
  EXPECT_EQ(auditCount(), start + 2);
  ASSERT_TRUE(service_->remove(admin1_, schemaOf("people"), p.id, 2).has_value());
  EXPECT_EQ(auditCount(), start + 3);

  // Failed writes leave no entry.
  EXPECT_TRUE(
      service_->create(admin1_, schemaOf("people"), personBody("x", "E9", plant2_.id)).has_error());
  EXPECT_EQ(auditCount(), start + 3);

  AuditService audit(*store_);
  store::AuditQuery q;
  q.entity = "people";
  std::int64_t total = 0;
  auto entries = audit.list(admin1_, q, &total);
  ASSERT_TRUE(entries.has_value());
  ASSERT_EQ(total, 3);
  std::vector<std::string> actions;
  for (const auto& e : *entries) {
    actions.push_back(e.action);
    EXPECT_EQ(e.entity_id, p.id);
    EXPECT_EQ(e.actor_name, "admin-1");
    EXPECT_EQ(e.actor_id, 2);
    EXPECT_EQ(e.org_path, plant1_.org_path);
  }
  EXPECT_THAT(actions, UnorderedElementsAre("create", "update", "delete"));
  for (const auto& e : *entries) {
    if (e.action == "update") {
      EXPECT_NE(e.before_json.find("\"position\":null"), std::string::npos) << e.before_json;
      EXPECT_NE(e.after_json.find("焊工"), std::string::npos) << e.after_json;
    }
  }
  // Another plant's auditor sees none of it.
  const auto auditor2 = principal({"auditor"}, plant2_.id, plant2_.org_path);
  q = {};
  q.entity = "people";
  auto hidden = audit.list(auditor2, q, &total);
  ASSERT_TRUE(hidden.has_value());
  EXPECT_THAT(*hidden, IsEmpty());
}

TEST_F(BaseDataServiceTest, WritesPublishScopedEventsAfterCommit) {
  const auto p = createOk(admin1_, "people", personBody("张三", "E1", plant1_.id));
  EXPECT_TRUE(
      service_->create(admin1_, schemaOf("people"), personBody("x", "E9", plant2_.id)).has_error());
  ASSERT_TRUE(service_->remove(admin1_, schemaOf("people"), p.id, 1).has_value());
  const auto events = events_.events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].topic, "base.people");
  EXPECT_EQ(events[0].org_path, plant1_.org_path);
  const auto data = json::parse(events[0].json).as_object();
  EXPECT_EQ(data.at("action").as_string(), "create");
  EXPECT_EQ(data.at("id").as_int64(), p.id);
  EXPECT_EQ(json::parse(events[1].json).as_object().at("action").as_string(), "delete");
}

// ---------------------------------------------------------------------------------------------
// Moving org units and cascading scope.

TEST_F(BaseDataServiceTest, MovingAnOrgUnitRewritesItsSubtreeAndPeople) {
  json::object ws;
  ws["name"] = "焊接车间";
  ws["code"] = "W1";
  ws["kind"] = "workshop";
  ws["parent_id"] = plant1_.id;
  const auto workshop = createOk(admin1_, "org_units", ws);
  EXPECT_EQ(workshop.org_path, plant1_.org_path + std::to_string(workshop.id) + "/");
  json::object tm = ws;
  tm["name"] = "一班";
  tm["code"] = "T1";
  tm["kind"] = "team";
  tm["parent_id"] = workshop.id;
  const auto team = createOk(admin1_, "org_units", tm);
  const auto welder = createOk(admin1_, "people", personBody("焊工", "E1", team.id));
  const auto cert =
      createOk(admin1_, "certificates", certificateBody(welder.id, "C1", "2030-01-01"));
  EXPECT_EQ(cert.org_path, team.org_path);
  EXPECT_EQ(cert.org_id, team.id);

  AuthService auth(*store_, clock_, settings_);
  NewUser nu;
  nu.username = "hangong";
  nu.display_name = "焊工";
  nu.password = "Weld-er-2026";
  nu.roles = {"worker"};
  nu.org_id = team.id;
  auto user = auth.createUserAsSystem(nu, crypto::HashCost::kMinimum);
  ASSERT_TRUE(user.has_value()) << user.error().key();

  // A plant admin can't move it out of their scope.
  json::object move = updateBody("org_units", workshop);
  move["parent_id"] = plant2_.id;
  auto denied = service_->update(admin1_, schemaOf("org_units"), workshop.id, move);
  ASSERT_TRUE(denied.has_error());
  EXPECT_EQ(denied.error().details().at("parent_id"), "bad_reference");

  auto moved = service_->update(root_admin_, schemaOf("org_units"), workshop.id, move);
  ASSERT_TRUE(moved.has_value()) << moved.error().key();
  const std::string new_ws_path = plant2_.org_path + std::to_string(workshop.id) + "/";
  EXPECT_EQ(moved->record.org_path, new_ws_path);

  auto team_after = get(admin2_, "org_units", team.id);
  ASSERT_TRUE(team_after.has_value());
  EXPECT_EQ(team_after->record.org_path, new_ws_path + std::to_string(team.id) + "/");
  auto welder_after = get(admin2_, "people", welder.id);
  ASSERT_TRUE(welder_after.has_value());
  EXPECT_EQ(welder_after->record.org_path, team_after->record.org_path);
  auto cert_after = get(admin2_, "certificates", cert.id);
  ASSERT_TRUE(cert_after.has_value());
  EXPECT_EQ(cert_after->record.org_path, team_after->record.org_path);

  EXPECT_EQ(errorKey(get(admin1_, "people", welder.id)), "base.not_found");
  EXPECT_EQ(errorKey(get(admin1_, "org_units", team.id)), "base.not_found");

  auto login = auth.login("hangong", "Weld-er-2026", "");
  ASSERT_TRUE(login.has_value());
  EXPECT_EQ(login->user.org_path, team_after->record.org_path);
  EXPECT_EQ(auditCount(), 3 + 4 + 1 + 1 + 1);  // orgs, creates, user, move (+ login)
}

TEST_F(BaseDataServiceTest, OrgUnitCannotMoveUnderItsOwnDescendant) {
  json::object ws;
  ws["name"] = "车间";
  ws["code"] = "W1";
  ws["kind"] = "workshop";
  ws["parent_id"] = plant1_.id;
  const auto workshop = createOk(admin1_, "org_units", ws);
  json::object body = updateBody("org_units", plant1_);
  body["parent_id"] = workshop.id;
  auto r = service_->update(root_admin_, schemaOf("org_units"), plant1_.id, body);
  ASSERT_TRUE(r.has_error());
  EXPECT_EQ(r.error().details().at("parent_id"), "cycle");

  body["parent_id"] = plant1_.id;
  r = service_->update(root_admin_, schemaOf("org_units"), plant1_.id, body);
  ASSERT_TRUE(r.has_error());
  EXPECT_EQ(r.error().details().at("parent_id"), "self_reference");
}

TEST_F(BaseDataServiceTest, RootStaysRoot) {
  json::object body = updateBody("org_units", root_);
  body["parent_id"] = plant1_.id;
  auto r = service_->update(root_admin_, schemaOf("org_units"), root_.id, body);
  ASSERT_TRUE(r.has_error());
  EXPECT_EQ(r.error().key(), "validation.failed");

  body.erase("parent_id");
  body["name"] = "集团";
  auto renamed = service_->update(root_admin_, schemaOf("org_units"), root_.id, body);
  ASSERT_TRUE(renamed.has_value()) << renamed.error().key();
  EXPECT_EQ(renamed->record.org_path, root_.org_path);

  json::object plant = updateBody("org_units", plant2_);
  plant.erase("parent_id");
  auto orphan = service_->update(root_admin_, schemaOf("org_units"), plant2_.id, plant);
  ASSERT_TRUE(orphan.has_error());
  EXPECT_EQ(orphan.error().details().at("parent_id"), "required");
}

TEST_F(BaseDataServiceTest, ChangingAPersonsOrgMovesTheirCertificates) {
  const auto person = createOk(admin1_, "people", personBody("张三", "E1", plant1_.id));
  const auto c1 = createOk(admin1_, "certificates", certificateBody(person.id, "C1", "2030-01-01"));
  const auto c2 = createOk(admin1_, "certificates", certificateBody(person.id, "C2", "2031-01-01"));

  json::object body = updateBody("people", person);
  body["org_id"] = plant2_.id;
  auto denied = service_->update(admin1_, schemaOf("people"), person.id, body);
  ASSERT_TRUE(denied.has_error());
  EXPECT_EQ(denied.error().details().at("org_id"), "bad_reference");

  auto moved = service_->update(root_admin_, schemaOf("people"), person.id, body);
  ASSERT_TRUE(moved.has_value()) << moved.error().key();
  EXPECT_EQ(moved->record.org_path, plant2_.org_path);
  EXPECT_EQ(moved->record.org_id, plant2_.id);

  for (const auto& cert : {c1, c2}) {
    auto after = get(admin2_, "certificates", cert.id);
    ASSERT_TRUE(after.has_value()) << after.error().key();
    EXPECT_EQ(after->record.org_path, plant2_.org_path);
    EXPECT_EQ(after->record.org_id, plant2_.id);
    EXPECT_EQ(errorKey(get(admin1_, "certificates", cert.id)), "base.not_found");
  }
  EXPECT_THAT(listTitles(admin2_, "certificates"), UnorderedElementsAre("C1", "C2"));
  EXPECT_THAT(listTitles(admin1_, "certificates"), IsEmpty());
}

TEST_F(BaseDataServiceTest, MovingAnAreaMovesItsEquipmentAndMaintenanceWindows) {
  json::object area;
  area["name"] = "罐区";
  area["code"] = "A1";
  area["org_id"] = plant1_.id;
  area["kind"] = "tank_farm";
  const auto a = createOk(root_admin_, "areas", area);
  json::object eq;
  eq["name"] = "储罐";
  eq["code"] = "T-101";
  eq["area_id"] = a.id;
  eq["kind"] = "tank";
  eq["status"] = "in_service";
  const auto e = createOk(root_admin_, "equipment", eq);
  json::object win;
  win["equipment_id"] = e.id;
  win["kind"] = "maintenance";
  win["starts_at"] = "2026-03-02T08:00:00+08:00";
  win["ends_at"] = "2026-03-02T17:00:00+08:00";
  win["description"] = "清罐";
  const auto w = createOk(root_admin_, "maintenance_windows", win);
  EXPECT_EQ(w.org_path, plant1_.org_path);

  json::object body = updateBody("areas", a);
  body["org_id"] = plant2_.id;
  ASSERT_TRUE(service_->update(root_admin_, schemaOf("areas"), a.id, body).has_value());
  auto w_after = get(admin2_, "maintenance_windows", w.id);
  ASSERT_TRUE(w_after.has_value());
  EXPECT_EQ(w_after->record.org_path, plant2_.org_path);
  EXPECT_EQ(w_after->record.org_id, plant2_.id);
  auto e_after = get(admin2_, "equipment", e.id);
  ASSERT_TRUE(e_after.has_value());
  EXPECT_EQ(e_after->record.org_id, plant2_.id);
}

// ---------------------------------------------------------------------------------------------
// Computed certificate status uses the enterprise day, not the UTC day.

TEST_F(BaseDataServiceTest, CertificateStatusIsComputedOnTheLocalDay) {
  // 2026-02-28T16:00Z is 2026-03-01 00:00 in Shanghai.
  clock_.set(fromMillis(1772323200000 - 8 * 3600 * 1000));
  const auto person = createOk(admin1_, "people", personBody("张三", "E1", plant1_.id));
  const auto yesterday =
      createOk(admin1_, "certificates", certificateBody(person.id, "C1", "2026-02-28"));
  const auto in30 =
      createOk(admin1_, "certificates", certificateBody(person.id, "C2", "2026-03-31"));
  const auto in31 =
      createOk(admin1_, "certificates", certificateBody(person.id, "C3", "2026-04-01"));
  EXPECT_EQ(get(admin1_, "certificates", yesterday.id)->record.getText("status"), "expired");
  EXPECT_EQ(get(admin1_, "certificates", in30.id)->record.getText("status"), "expiring");
  EXPECT_EQ(get(admin1_, "certificates", in31.id)->record.getText("status"), "valid");

  clock_.advance(24h);  // 2026-03-02 local: 2026-04-01 is now 30 days away.
  EXPECT_EQ(get(admin1_, "certificates", in31.id)->record.getText("status"), "expiring");
}

// ---------------------------------------------------------------------------------------------
// Import and export.

const std::vector<std::string> kPeopleHeader = {"姓名",     "工号",     "人员类别",
                                                "所属单位", "岗位角色", "手机号"};

TEST_F(BaseDataServiceTest, ImportInsertsEveryRowAndResolvesReferencesByCode) {
  const std::string file = csv({kPeopleHeader,
                                {"张三", "E1", "本企业员工", "P1", "作业人、监护人", "13800138000"},
                                {"李四", "E2", "contractor", "P1", "worker", ""},
                                {"王五", "E3", "employee", std::to_string(plant1_.id), "", ""}});
  auto report = service_->importTable(admin1_, schemaOf("people"), file, SheetFormat::kCsv);
  ASSERT_TRUE(report.has_value()) << report.error().key();
  EXPECT_THAT(describe(report->problems), IsEmpty());
  EXPECT_EQ(report->imported, 3);
  EXPECT_THAT(listTitles(admin1_, "people"), UnorderedElementsAre("张三", "李四", "王五"));

  auto page = service_->list(admin1_, schemaOf("people"), {{"employee_no", "E1"}});
  ASSERT_TRUE(page.has_value());
  ASSERT_EQ(page->items.size(), 1u);
  const auto& zhang = page->items[0].record;
  EXPECT_EQ(zhang.getInt("org_id"), plant1_.id);
  EXPECT_EQ(zhang.org_path, plant1_.org_path);
  EXPECT_EQ(zhang.get("roles"), base::Value(std::vector<std::string>{"worker", "guardian"}));
  EXPECT_EQ(zhang.getText("kind"), "employee");
  EXPECT_EQ(auditCount(), 3 + 3);
}

TEST_F(BaseDataServiceTest, ImportWithOneBadRowInsertsNothing) {
  const std::string file = csv({kPeopleHeader,
                                {"张三", "E1", "employee", "P1", "worker", ""},
                                {"李四", "E2", "robot", "P1", "worker", "12"},
                                {"王五", "E3", "employee", "P1", "boss", ""},
                                {"赵六", "E4", "employee", "P1", "worker", ""}});
  auto report = service_->importTable(admin1_, schemaOf("people"), file, SheetFormat::kCsv);
  ASSERT_TRUE(report.has_value()) << report.error().key();
  EXPECT_EQ(report->imported, 0);
  // The unparseable cells at least; a row may also report its other invalid fields, but valid
  // rows 2 and 5 report nothing.
  EXPECT_THAT(describe(report->problems),
              ::testing::IsSupersetOf({"3:kind:not_an_option", "4:roles:not_an_option"}));
  for (const auto& p : report->problems) {
    EXPECT_TRUE(p.line == 3 || p.line == 4) << p.line << " " << p.field << " " << p.reason;
  }
  EXPECT_THAT(listTitles(root_admin_, "people"), IsEmpty());
}

TEST_F(BaseDataServiceTest, ImportRowFailingValidationInsertsNothing) {
  const std::string file = csv({kPeopleHeader,
                                {"张三", "E1", "employee", "P1", "worker", ""},
                                {"李四", "E2", "employee", "P1", "worker", "12"},
                                {"", "E3", "employee", "P1", "worker", ""}});
  auto report = service_->importTable(admin1_, schemaOf("people"), file, SheetFormat::kCsv);
  ASSERT_TRUE(report.has_value()) << report.error().key();
  EXPECT_EQ(report->imported, 0);
  EXPECT_THAT(describe(report->problems),
              UnorderedElementsAre("3:phone:bad_phone", "4:name:required"));
  EXPECT_THAT(listTitles(root_admin_, "people"), IsEmpty());
  EXPECT_EQ(auditCount(), 3);
}

TEST_F(BaseDataServiceTest, ImportReferenceOutsideScopeIsABadReferenceAndInsertsNothing) {
  const std::string file = csv({kPeopleHeader,
                                {"张三", "E1", "employee", "P1", "worker", ""},
                                {"李四", "E2", "employee", "P2", "worker", ""},
                                {"王五", "E3", "employee", "NOPE", "worker", ""}});
  auto report = service_->importTable(admin1_, schemaOf("people"), file, SheetFormat::kCsv);
  ASSERT_TRUE(report.has_value()) << report.error().key();
  EXPECT_EQ(report->imported, 0);
  EXPECT_THAT(describe(report->problems),
              UnorderedElementsAre("3:org_id:bad_reference", "4:org_id:bad_reference"));
  EXPECT_THAT(listTitles(root_admin_, "people"), IsEmpty());
}

TEST_F(BaseDataServiceTest, ImportDuplicateWithinTheFileInsertsNothing) {
  const std::string file = csv({kPeopleHeader,
                                {"张三", "E1", "employee", "P1", "worker", ""},
                                {"李四", "E1", "employee", "P1", "worker", ""}});
  auto report = service_->importTable(admin1_, schemaOf("people"), file, SheetFormat::kCsv);
  ASSERT_TRUE(report.has_value()) << report.error().key();
  EXPECT_EQ(report->imported, 0);
  EXPECT_THAT(describe(report->problems), ElementsAre("3:employee_no:duplicate"));
  EXPECT_THAT(listTitles(root_admin_, "people"), IsEmpty());
}

TEST_F(BaseDataServiceTest, ImportLineNumbersCountBlankLines) {
  const std::string file = csv({kPeopleHeader,
                                {"张三", "E1", "employee", "P1", "worker", ""},
                                {"", "", "", "", "", ""},
                                {"李四", "E2", "employee", "P1", "worker", "bad"}});
  auto report = service_->importTable(admin1_, schemaOf("people"), file, SheetFormat::kCsv);
  ASSERT_TRUE(report.has_value()) << report.error().key();
  EXPECT_THAT(describe(report->problems), ElementsAre("4:phone:bad_phone"));
}

TEST_F(BaseDataServiceTest, ImportChecksTheHeader) {
  const std::string file = csv({{"姓名", "工号", "鞋码"}, {"张三", "E1", "42"}});
  auto report = service_->importTable(admin1_, schemaOf("people"), file, SheetFormat::kCsv);
  ASSERT_TRUE(report.has_value()) << report.error().key();
  EXPECT_EQ(report->imported, 0);
  EXPECT_THAT(describe(report->problems),
              UnorderedElementsAre("1:鞋码:unknown_column", "1:kind:missing_column",
                                   "1:org_id:missing_column"));
}

TEST_F(BaseDataServiceTest, ImportNeedsWritePermission) {
  const std::string file = csv({kPeopleHeader, {"张三", "E1", "employee", "P1", "worker", ""}});
  auto report = service_->importTable(worker1_, schemaOf("people"), file, SheetFormat::kCsv);
  ASSERT_TRUE(report.has_error());
  EXPECT_EQ(report.error().code(), ErrorCode::kPermissionDenied);
}

TEST_F(BaseDataServiceTest, ExportThenImportRoundTripsPeople) {
  json::object a = personBody("张三", "E1", plant1_.id);
  a["roles"] = json::array{"worker", "guardian"};
  a["phone"] = "13800138000";
  a["position"] = "焊工, 二级";  // A comma inside a cell must survive CSV quoting.
  json::object b = personBody("李四", "E2", plant1_.id);
  b["kind"] = "contractor";
  b["active"] = false;
  json::object c = personBody("王\"五\"", "E3", plant1_.id);
  std::vector<base::Record> originals = {createOk(admin1_, "people", a),
                                         createOk(admin1_, "people", b),
                                         createOk(admin1_, "people", c)};
  createOk(admin2_, "people", personBody("外厂", "X1", plant2_.id));

  for (const char* lang : {"zh-CN", "en"}) {
    SCOPED_TRACE(lang);
    auto file = service_->exportTable(admin1_, schemaOf("people"), {}, SheetFormat::kCsv, lang);
    ASSERT_TRUE(file.has_value()) << file.error().key();
    auto table = codec_->read(*file, SheetFormat::kCsv, 1000);
    ASSERT_TRUE(table.has_value());
    ASSERT_EQ(table->rows.size(), 4u) << "header + this plant's three people only";

    for (const auto& r : originals) {
      auto current = get(admin1_, "people", r.id);
      ASSERT_TRUE(current.has_value());
      ASSERT_TRUE(
          service_->remove(admin1_, schemaOf("people"), r.id, current->record.version).has_value());
    }
    auto report = service_->importTable(admin1_, schemaOf("people"), *file, SheetFormat::kCsv);
    ASSERT_TRUE(report.has_value()) << report.error().key();
    ASSERT_THAT(describe(report->problems), IsEmpty());
    EXPECT_EQ(report->imported, 3);

    std::vector<base::Record> reimported;
    for (const auto& r : originals) {
      auto page =
          service_->list(admin1_, schemaOf("people"), {{"employee_no", r.getText("employee_no")}});
      ASSERT_TRUE(page.has_value());
      ASSERT_EQ(page->items.size(), 1u) << r.getText("employee_no");
      const auto& back = page->items[0].record;
      for (const auto& spec : schemaOf("people").fields) {
        EXPECT_EQ(back.get(spec.name), r.get(spec.name))
            << r.getText("employee_no") << "." << spec.name;
      }
      EXPECT_EQ(back.org_path, r.org_path);
      reimported.push_back(back);
    }
    originals = reimported;
  }
}

TEST_F(BaseDataServiceTest, ExportRendersLabelsAndReferenceCodes) {
  createOk(admin1_, "people", personBody("张三", "E1", plant1_.id));
  auto file = service_->exportTable(admin1_, schemaOf("people"), {}, SheetFormat::kCsv, "zh-CN");
  ASSERT_TRUE(file.has_value());
  auto table = codec_->read(*file, SheetFormat::kCsv, 1000);
  ASSERT_TRUE(table.has_value());
  ASSERT_EQ(table->rows.size(), 2u);
  EXPECT_EQ(table->rows[0][0], "姓名");
  EXPECT_EQ(table->rows[1][0], "张三");
  EXPECT_EQ(table->rows[1][2], "本企业员工");
  EXPECT_EQ(table->rows[1][3], "P1");
  EXPECT_EQ(table->rows[1][7], "是");
}

}  // namespace
}  // namespace anguan::service
