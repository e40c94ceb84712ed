#include "anguan/report/permit_printer.hpp"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace anguan::report {
namespace {
namespace json = boost::json;

json::object detail() {
  return json::parse(R"({
    "enterprise": "华安化工集团有限公司", "number": "DH-20261128-000042", "type_label": "动火作业",
    "level_label": "特级", "state": "closed", "title": "常压塔出口管线焊接",
    "area_name": "常减压装置", "leader_name": "张伟", "guardian_name": "刘洋",
    "created_at": "2026-11-28T20:01:00+08:00", "submitted_at": "2026-11-28T20:05:00+08:00",
    "from": "2026-11-28T22:00:00+08:00", "to": "2026-11-29T05:00:00+08:00",
    "names": {"workers": ["孙涛", "李明"]},
    "plan": {"jha": [{"step": "打磨坡口", "hazards": [{"hazard": "火花引燃", "controls": ["清除可燃物"]}]}],
             "fields": {"method": "电焊"}},
    "work_type": {"fields": [{"name": "method", "label": "动火方式"}]},
    "linked": [{"number": "MB-20261128-000041"}],
    "gas_tests": [{"sampled_at": "2026-11-28T21:50:00+08:00", "point": "动火点10m内", "gas": "flammable",
                   "value": 0.1, "unit": "%vol", "tester_name": "刘洋", "pass": true}],
    "measures": [{"text": "动火设备内部构件清理干净", "applies": true, "confirmed_by": "刘洋"},
                 {"text": "高处作业已采取防火花飞溅措施", "applies": false, "confirmed_by": "刘洋"},
                 {"text": "未确认的措施", "applies": null}],
    "briefing": {"giver": "张伟", "receivers": ["孙涛", "李明"]},
    "steps": [{"label": "所在单位意见", "comment": "同意", "decided_by_name": "赵磊", "decided_at": "2026-11-28T20:30:00+08:00"},
              {"label": "动火审批人（主管领导）", "comment": "同意，注意通风", "decided_by_name": "王建国", "decided_at": "2026-11-28T21:10:00+08:00"}],
    "shift_check": {"by": "周敏", "at": "2026-11-28T21:55:00+08:00"},
    "acceptance": {"by": "赵磊", "comment": "现场已清理，无残留火种", "at": "2026-11-29T04:40:00+08:00"}
  })")
      .as_object();
}

TEST(PermitPrinterTest, DetailMapsToTheAppendixAFormInPrintOrder) {
  auto doc = permitDocumentFrom(detail(), "zh-CN", "http://h/p/abc");
  EXPECT_EQ(doc.title, "动火安全作业票");
  EXPECT_EQ(doc.level_label, "特级");
  EXPECT_EQ(doc.enterprise_name, "华安化工集团有限公司");
  ASSERT_GE(doc.fields.size(), 10u);
  EXPECT_EQ(doc.fields[2].label, "作业内容");
  EXPECT_EQ(doc.fields[5].value, "孙涛、李明");
  EXPECT_EQ(doc.fields[7].value, "MB-20261128-000041");
  EXPECT_EQ(doc.fields[9].value, "2026-11-28 22:00 至 2026-11-29 05:00");
  EXPECT_EQ(doc.fields.back().label, "动火方式");
  ASSERT_EQ(doc.gas_analyses.size(), 1u);
  EXPECT_EQ(doc.gas_analyses[0].passed, std::optional<bool>(true));
  ASSERT_EQ(doc.measures.size(), 3u);
  EXPECT_EQ(doc.measures[0].applies, MeasureApplies::kYes);
  EXPECT_EQ(doc.measures[1].applies, MeasureApplies::kNo);
  EXPECT_EQ(doc.measures[2].applies, MeasureApplies::kUnset);
  // Leader, two approvals, shift check, acceptance — ending with 完工验收.
  ASSERT_EQ(doc.signatures.size(), 5u);
  EXPECT_EQ(doc.signatures.back().step, "完工验收");
  EXPECT_EQ(doc.signatures.back().signer, "赵磊");
  EXPECT_EQ(doc.qr_url, "http://h/p/abc");
  auto en = permitDocumentFrom(detail(), "en", "");
  EXPECT_EQ(en.fields[2].label, "Work");
}

TEST(PermitPrinterTest, TypeFieldValuesPrintAsAReaderReadsThem) {
  auto d = detail();
  d["plan"].as_object()["fields"] =
      json::object{{"hot_method", "gas_cutting"}, {"own_method", "laser"},
                   {"temperature_c", 35.5},       {"people_in_count", 3},
                   {"unit_in_operation", true},   {"helpers", json::array{"王强", "李明"}}};
  d["work_type"].as_object()["fields"] = json::array{
      json::object{
          {"name", "hot_method"}, {"label", "动火方式"}, {"options", json::array{"gas_cutting"}}},
      json::object{
          {"name", "own_method"}, {"label", "自定义方式"}, {"options", json::array{"laser"}}},
      json::object{{"name", "temperature_c"}, {"label", "温度"}},
      json::object{{"name", "people_in_count"}, {"label", "进入人数"}},
      json::object{{"name", "unit_in_operation"}, {"label", "装置运行中"}},
      json::object{{"name", "helpers"}, {"label", "辅助人员"}},
      json::object{{"name", "not_filled"}, {"label", "未填"}}};
  auto valueOf = [](const PermitDocument& doc, const std::string& label) -> std::string {
    for (const auto& f : doc.fields) {
      if (f.label == label) {
        return f.value;
      }
    }
    return "(absent)";
  };
  const auto zh = permitDocumentFrom(d, "zh-CN", "");
  EXPECT_EQ(valueOf(zh, "动火方式"), "气割");
  EXPECT_EQ(valueOf(zh, "自定义方式"), "laser");  // an admin's own option: its code
  EXPECT_EQ(valueOf(zh, "温度"), "35.5");
  EXPECT_EQ(valueOf(zh, "进入人数"), "3");
  EXPECT_EQ(valueOf(zh, "装置运行中"), "是");
  EXPECT_EQ(valueOf(zh, "辅助人员"), "王强、李明");
  EXPECT_EQ(valueOf(zh, "未填"), "(absent)");
  const auto en = permitDocumentFrom(d, "en", "");
  EXPECT_EQ(valueOf(en, "动火方式"), "Gas cutting");
  EXPECT_EQ(valueOf(en, "装置运行中"), "Yes");
  EXPECT_EQ(valueOf(en, "辅助人员"), "王强, 李明");
}

TEST(PermitPrinterTest, RendersTheMappedPermitAsPdfAndPng) {
  auto printer = makePermitPrinter();
  auto pdf = printer->pdf(detail(), "zh-CN", "http://127.0.0.1:8080/p/abc");
  ASSERT_TRUE(pdf) << pdf.error().message();
  EXPECT_EQ(pdf->rfind("%PDF-", 0), 0u);
  auto png = renderPermitPng(permitDocumentFrom(detail(), "zh-CN", "http://h/p/abc"), 1, 1.0);
  ASSERT_TRUE(png) << png.error().message();
  std::filesystem::create_directories("test-artifacts/pdf");
  std::ofstream("test-artifacts/pdf/permit_from_detail_p1.png", std::ios::binary) << *png;
  auto svg = printer->qrSvg("http://h/p/abc");
  ASSERT_TRUE(svg);
  EXPECT_NE(svg->find("<svg"), std::string::npos);
}

}  // namespace
}  // namespace anguan::report
