#include "http/i18n.hpp"

#include <map>
#include <vector>

namespace anguan::api {
namespace {

struct Text {
  const char* zh;
  const char* en;
};

const std::map<std::string, Text>& catalogue() {
  static const std::map<std::string, Text> kTexts = {
      {"auth.bad_credentials", {"用户名或密码错误", "Wrong username or password"}},
      {"auth.locked",
       {"登录失败次数过多，账号已临时锁定，请稍后再试",
        "Too many failed sign-ins; the account is locked for a while"}},
      {"auth.no_session", {"请先登录", "Please sign in first"}},
      {"auth.session_expired", {"登录已过期，请重新登录", "Your session expired; sign in again"}},
      {"auth.session_revoked", {"登录已失效，请重新登录", "Your session was ended; sign in again"}},
      {"auth.user_inactive", {"该账号已停用", "This account is disabled"}},
      {"auth.forbidden", {"您的角色无权执行此操作", "Your role does not allow this"}},
      {"auth.wrong_password", {"当前密码不正确", "The current password is wrong"}},
      {"auth.password_too_short",
       {"密码至少需要8个字符", "The password needs at least 8 characters"}},
      {"auth.password_too_long", {"密码不能超过128个字符", "The password is over 128 characters"}},
      {"auth.password_too_weak",
       {"密码需同时包含字母和数字", "The password needs at least one letter and one digit"}},
      {"auth.bad_username",
       {"用户名需为3-64位字母、数字或 _ . - @", "Username: 3 to 64 letters, digits or _ . - @"}},
      {"auth.cannot_disable_self", {"不能停用自己的账号", "You can't disable your own account"}},
      {"base.not_found", {"记录不存在", "No such record"}},
      {"base.unknown_entity", {"不存在此类数据", "No such kind of record"}},
      {"base.duplicate", {"该值已存在，不能重复", "This value already exists"}},
      {"base.stale_version",
       {"记录已被他人修改，请刷新后重试",
        "Someone else changed this record; reload and try again"}},
      {"base.in_use",
       {"该记录仍被其他数据引用，不能删除", "Other records still refer to this one"}},
      {"validation.failed", {"部分字段填写不正确", "Some fields are not valid"}},
      {"query.bad_field", {"查询条件中的字段不存在", "Unknown field in the query"}},
      {"query.bad_value", {"查询条件的值不正确", "Bad value in the query"}},
      {"request.bad_json", {"请求内容不是有效的JSON", "The request body is not valid JSON"}},
      {"request.not_an_object",
       {"请求内容必须是JSON对象", "The request body must be a JSON object"}},
      {"request.too_large", {"请求内容过大", "The request body is too large"}},
      {"request.bad_target", {"请求地址不正确", "Bad request target"}},
      {"request.no_host", {"请求缺少Host头", "The request has no Host header"}},
      {"route.not_found", {"接口不存在", "No such endpoint"}},
      {"route.method_not_allowed", {"该接口不支持此请求方法", "Method not allowed here"}},
      {"import.bad_file",
       {"文件无法读取，请上传CSV或XLSX文件", "The file can't be read; upload CSV or XLSX"}},
      {"import.too_large", {"文件过大或行数过多", "The file is too large or has too many rows"}},
      {"import.invalid",
       {"导入文件中有错误，未导入任何数据", "The file has errors; nothing was imported"}},
      {"import.bad_format", {"格式参数应为 csv 或 xlsx", "format must be csv or xlsx"}},
      {"store.commit_failed",
       {"数据库暂时无法保存，请稍后重试", "The database could not save this; retry later"}},
      {"storage.unavailable",
       {"数据库暂时不可用，请稍后重试", "The database is unavailable; retry later"}},
      {"permit.not_found", {"作业票不存在", "No such permit"}},
      {"permit.unknown_type", {"不存在此作业类型", "No such work type"}},
      {"permit.illegal_transition",
       {"作业票当前状态不允许此操作", "The permit's state does not allow this"}},
      {"permit.step_not_open", {"该审批步骤已处理或未开放", "This approval step is not open"}},
      {"permit.self_approval",
       {"申请人不能审批自己的作业票", "The applicant can't approve their own permit"}},
      {"permit.signature_invalid",
       {"签名无效（密码错误或签名图片不正确）",
        "The signature is not valid (wrong password or bad image)"}},
      {"permit.signature_required",
       {"需要签名（手写签名或再次输入密码）",
        "A signature is required (drawn, or your password again)"}},
      {"permit.blocked",
       {"可行性检查存在阻断项，不能提交", "A blocking finding prevents submitting"}},
      {"permit.override_reason_required",
       {"警告项需填写放行理由（至少5个字）",
        "Each warning needs an override reason (5+ characters)"}},
      {"permit.start_blocked", {"开工条件未满足", "The conditions to start are not met"}},
      {"permit.resume_blocked",
       {"恢复作业条件未满足（需重新气体检测）",
        "The conditions to resume are not met (a new gas test is needed)"}},
      {"permit.not_editable",
       {"作业票已签发，不能修改；作业变更需重新办理作业票",
        "An issued permit can't be edited; a changed job needs a new permit"}},
      {"permit.stale_version",
       {"作业票已被他人修改，请刷新后重试",
        "Someone else changed this permit; reload and try again"}},
      {"permit.closeout_incomplete",
       {"需先完成完工验收和复盘", "Acceptance and review come first"}},
      {"permit.acceptance_incomplete", {"完工验收项需逐项确认", "Confirm every close-out item"}},
      {"permit.already_accepted", {"已完成完工验收", "Acceptance is already recorded"}},
      {"permit.file_type",
       {"仅支持 PNG、JPEG、WebP 图片和 PDF 文件", "Only PNG, JPEG, WebP photos and PDF files"}},
      {"permit.file_too_large", {"文件超过10MB", "The file is over 10 MiB"}},
      {"permit.file_not_found", {"文件不存在", "No such file"}},
      {"hazard.not_found", {"隐患不存在", "No such hazard"}},
      {"hazard.illegal_transition",
       {"隐患当前状态不允许此操作", "This action is not allowed in the hazard's current state"}},
      {"hazard.not_assignee",
       {"只有被指派的整改人可以整改", "Only the assigned person can rectify"}},
      {"hazard.plan_required",
       {"重大隐患需先制定治理方案", "A major hazard needs its governance plan first"}},
      {"hazard.plan_incomplete",
       {"治理方案六项内容不完整", "The governance plan is missing a part"}},
      {"hazard.evidence_required",
       {"整改需提交照片、说明和整改措施", "Rectification needs photos, a text and the measure"}},
      {"hazard.self_verify",
       {"整改人不能验证自己的整改", "You can't verify your own rectification"}},
      {"hazard.not_verifier",
       {"只有上报人或安全员可以验证", "Only the reporter or a safety officer can verify"}},
      {"hazard.acceptance_required",
       {"重大隐患需经安全部门验收评估后才能销号",
        "A major hazard closes only after the safety department's acceptance"}},
      {"hazard.deadline_not_later",
       {"新期限必须晚于当前期限", "The new deadline must be later than the current one"}},
      {"hazard.interim_controls_required",
       {"延期必须填写临时管控措施", "Extending the deadline needs interim controls"}},
      {"hazard.reason_required", {"请填写原因或说明", "A reason is required"}},
      {"hazard.forbidden", {"需要安全管理人员权限", "This needs a safety officer"}},
      {"hazard.bad_area", {"区域不存在或不在您的范围内", "No such area in your scope"}},
      {"hazard.bad_type", {"隐患类型不存在", "Unknown hazard type"}},
      {"hazard.bad_person", {"人员不存在或不在您的范围内", "No such person in your scope"}},
      {"hazard.bad_photo", {"照片不存在或已被使用", "A photo is unknown or already used"}},
      {"hazard.photo_not_image",
       {"文件不是JPEG、PNG或WebP图片", "The file is not a JPEG, PNG or WebP image"}},
      {"hazard.photo_too_large", {"照片过大(最大5MB)", "The photo is too large (max 5 MiB)"}},
      {"hazard.file_not_found", {"文件不存在", "No such file"}},
      {"hazard.discovered_in_future",
       {"发现时间不能晚于现在", "The discovery time is in the future"}},
      {"hazard.not_major", {"仅适用于重大隐患", "Only for major hazards"}},
      {"hazard.not_supervised", {"该隐患未挂牌督办", "The hazard is not under supervision"}},
      {"hazard.stale_version",
       {"隐患已被他人修改，请刷新后重试", "Someone else changed this hazard; reload and retry"}},
      {"risk.bad_value", {"评价取值不在表中", "Not an allowed assessment value"}},
      {"risk.bad_method", {"评价方法应为LEC或LS", "The method must be LEC or LS"}},
      {"risk.bad_bands", {"分级阈值设置不正确", "The band limits are not valid"}},
      {"risk.not_found", {"风险点不存在", "No such risk point"}},
      {"inspection.not_found", {"巡检任务不存在", "No such inspection"}},
      {"inspection.not_assignee",
       {"只有被指派的人员可以执行此巡检", "Only the assigned person can do this inspection"}},
      {"inspection.done", {"巡检已完成", "The inspection is already done"}},
      {"inspection.incomplete", {"每个检查项都需要结果", "Every checklist item needs a result"}},
      {"incident.not_found", {"事故记录不存在", "No such incident"}},
      {"incident.actions_open",
       {"仍有未完成的整改措施，事故不能关闭",
        "The incident can't close while a corrective action is open"}},
      {"incident.closed", {"事故已关闭", "The incident is closed"}},
      {"incident.bad_workdays", {"损失工作日不能为负", "Lost workdays can't be negative"}},
      {"incident.action_not_found", {"整改措施不存在", "No such corrective action"}},
      {"incident.action_done", {"整改措施已完成", "The action is already done"}},
      {"incident.not_owner", {"只有责任人可以完成此措施", "Only the owner can complete it"}},
      {"monitor.device_token_invalid",
       {"设备令牌无效或缺失", "The device token is missing or unknown"}},
      {"monitor.device_inactive", {"该设备已停用", "The device is disabled"}},
      {"monitor.alarm_not_found", {"报警不存在", "No such alarm"}},
      {"monitor.alarm_closed", {"报警已关闭", "The alarm is closed already"}},
      {"alarm.illegal_transition",
       {"报警当前状态不允许此操作", "The alarm's state does not allow this"}},
      {"monitor.violation_not_found", {"违章记录不存在", "No such violation"}},
      {"monitor.violation_handled", {"该违章已处理", "The violation was handled already"}},
      {"monitor.snapshot_not_found", {"没有抓拍图片", "No snapshot"}},
      {"monitor.sensor_not_found", {"传感器不存在", "No such sensor"}},
      {"monitor.webhook_not_found", {"推送配置不存在", "No such webhook"}},
      {"monitor.stopped", {"监测服务未运行", "Monitoring is not running"}},
      {"webhook.transport", {"推送地址无法访问", "The webhook receiver could not be reached"}},
      {"telemetry.busy", {"数据接入繁忙，请稍后重试", "Ingestion is busy; retry shortly"}},
      {"telemetry.bad_json", {"数据不是有效的JSON", "The payload is not valid JSON"}},
      {"telemetry.not_storable",
       {"数据库拒绝保存这批数据，重发也无济于事",
        "The database refuses this batch; sending it again will not help"}},
      {"telemetry.bad_field", {"数据字段不正确", "A field of the payload is wrong"}},
      {"telemetry.missing_field", {"缺少必填字段", "A required field is missing"}},
      {"telemetry.bad_value",
       {"数值不正确（须为有限数字）", "A value is wrong (finite numbers only)"}},
      {"telemetry.bad_time", {"时间戳不正确", "A timestamp is wrong"}},
      {"telemetry.unknown_sensor",
       {"未登记的传感器或不属于该设备", "Unknown sensor, or not one of this device's"}},
      {"telemetry.sensor_inactive", {"该传感器已停用", "The sensor is disabled"}},
      {"telemetry.unknown_device", {"未登记的设备", "Unknown device"}},
      {"telemetry.unknown_area", {"未登记的区域", "Unknown area"}},
      {"telemetry.unknown_event", {"不支持的事件类型", "Unknown event type"}},
      {"telemetry.bad_snapshot",
       {"抓拍图片须为Base64编码的JPEG或PNG", "The snapshot must be a base64 JPEG or PNG"}},
      {"telemetry.too_large",
       {"一批数据过多或图片过大", "Too many readings or too large an image"}},
      {"telemetry.empty", {"这批数据是空的", "The batch holds no readings and no events"}},
      {"telemetry.wrong_device", {"数据中的设备与令牌不符", "The payload names another device"}},
      {"telemetry.bad_topic",
       {"MQTT主题须为 anguan/<站点>/<设备>/telemetry|event",
        "Topics are anguan/<site>/<device>/telemetry|event"}},
      {"internal", {"服务器内部错误", "Internal server error"}},
  };
  return kTexts;
}

const char* genericZh(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "请求参数不正确";
    case ErrorCode::kUnauthenticated:
      return "请先登录";
    case ErrorCode::kPermissionDenied:
      return "无权执行此操作";
    case ErrorCode::kNotFound:
      return "记录不存在";
    case ErrorCode::kConflict:
      return "操作与当前状态冲突";
    case ErrorCode::kPayloadTooLarge:
      return "请求内容过大";
    case ErrorCode::kUnavailable:
      return "服务暂时不可用，请稍后重试";
    case ErrorCode::kInternal:
      return "服务器内部错误";
  }
  return "服务器内部错误";
}

}  // namespace

std::string pickLanguage(const std::string& accept_language, const std::string& lang_param) {
  const std::string& source = lang_param.empty() ? accept_language : lang_param;
  if (source.rfind("en", 0) == 0) {
    return "en";
  }
  return "zh-CN";
}

std::string translate(const Error& error, const std::string& language) {
  const auto& texts = catalogue();
  auto it = texts.find(error.key());
  const bool en = language == "en";
  if (it != texts.end()) {
    return en ? it->second.en : it->second.zh;
  }
  if (en) {
    return error.message().empty() ? "Error" : error.message();
  }
  return genericZh(error.code());
}

std::vector<std::string> translatedKeys() {
  std::vector<std::string> out;
  for (const auto& [k, v] : catalogue()) {
    out.push_back(k);
  }
  return out;
}

}  // namespace anguan::api
