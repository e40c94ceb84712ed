// 监测预警（issue 5 §8）界面文字：监测看板、报警、违章、趋势、移动端报警。
export default {
  menu: { group: '监测预警', board: '监测看板', alarms: '报警管理', violations: '违章记录' },
  level: { normal: '正常', warning: '预警', alarm: '报警', offline: '离线', invalid: '无效' },
  severity: { critical: '报警', warning: '预警' },
  state: { raised: '未确认', acknowledged: '已确认', cleared_unacknowledged: '已恢复未确认', cleared: '已恢复', closed: '已关闭' },
  calibration: { ok: '标定有效', due_soon: '即将到期标定', overdue: '标定已过期', unknown: '标定日期未知' },
  flag: { duplicate: '重复数据', out_of_range: '超出量程', spike: '突变', stuck: '长时间不变', future: '时间超前', too_old: '时间过旧', invalid: '无效读数' },
  vtype: {
    no_helmet: '未戴安全帽', no_harness: '未系安全带', smoking: '吸烟', intrusion: '区域闯入', fire_smoke: '烟火',
    guardian_absent: '监护人不在场', unauthorised_entry: '未授权进入', overcrowding: '人员超员', overtime: '超时作业',
  },
  vstatus: { open: '待处理', handled: '已处理', dismissed: '已驳回（误报）' },
  field: {
    area: '区域', sensor: '传感器', device: '设备', kind: '类别', severity: '级别', state: '状态', value: '数值', threshold: '阈值',
    raisedAt: '报警时间', acknowledgedAt: '确认时间', acknowledgedBy: '确认人', clearedAt: '恢复时间', closedAt: '关闭时间',
    escalation: '升级', occurrences: '次数', permits: '关联作业票', note: '备注', events: '处理记录', type: '违章类型',
    person: '人员', permit: '作业票', confidence: '置信度', frames: '连续帧', occurredAt: '发生时间', snapshot: '抓拍', status: '处理状态',
    needsTraining: '需要培训', condition: '条件', updated: '更新于',
  },
  board: {
    summary: '区域 {areas} 个 · 报警 {alarm} · 预警 {warning} · 离线 {offline} · 未关闭报警 {openAlarms} · 在线传感器 {online}/{sensors}',
    empty: '暂无监测数据', noSensors: '该区域暂无传感器', openAlarms: '未关闭报警 {n}', noPermits: '无进行中作业', permits: '进行中作业',
    invalid: '该读数已被清洗标记，不参与报警', offline: '离线', calOverdue: '标定过期', calDueSoon: '标定将到期', loadFailed: '监测看板加载失败',
    live: '实时', liveOff: '实时连接已断开', updatedAt: '数据时间 {time}', clickForTrend: '点击查看趋势',
  },
  alarms: {
    openOnly: '仅未关闭', empty: '暂无报警', acknowledge: '确认', close: '关闭', detail: '详情', ackTitle: '确认报警', closeTitle: '关闭报警',
    notePlaceholder: '处理说明（可选）', acknowledged: '报警已确认', closed: '报警已关闭', loadFailed: '报警加载失败', newAlarm: '新报警：{area} {sensor}',
    escalated: '已升级 {n} 级', suspended: '已暂停', trend: '查看趋势', sound: '声音提示', noEvents: '暂无处理记录', noPermits: '无关联作业票',
  },
  violations: {
    empty: '暂无违章记录', handle: '处理', handleTitle: '处理违章', handled: '违章已处理', noteRequired: '请填写处理说明', loadFailed: '违章加载失败',
    noSnapshot: '无抓拍', snapshotFailed: '抓拍图片加载失败', markTraining: '标记该人员需要培训', dismiss: '误报（驳回）', handledOpt: '已处理',
    newViolation: '新违章：{type}（{area}）',
  },
  trend: {
    title: '{name} 趋势', range: { '1h': '1 小时', '24h': '24 小时', '7d': '7 天', '30d': '30 天' }, empty: '该时间段暂无数据',
    loadFailed: '趋势数据加载失败', value: '读数', avg: '平均值', band: '最小–最大', flagged: '清洗标记',
    alarm_high: '高报警', warning_high: '高预警', warning_low: '低预警', alarm_low: '低报警',
    resolution: { raw: '原始数据', minute: '分钟汇总', hour: '小时汇总' },
  },
  token: {
    issue: '生成设备令牌', title: '设备 {code} 的令牌', confirm: '生成新令牌后，该设备原有令牌将失效。继续？', once: '令牌只显示这一次，请立即复制并配置到设备上。',
    token: 'HTTP 设备令牌', mqttUser: 'MQTT 用户名', copy: '复制', copied: '已复制', copyFailed: '无法访问剪贴板，请手动复制',
  },
  mobile: {
    title: '实时报警', entry: '实时报警', entryHint: '未关闭的报警，新报警会响铃振动', empty: '当前没有未关闭的报警', mute: '静音', unmute: '开启声音',
    muted: '已静音', unmuted: '已开启声音，新报警会响铃', swipeHint: '左滑或点击“确认”处理报警', tapToEnableSound: '点击此处启用报警声音',
  },
};
