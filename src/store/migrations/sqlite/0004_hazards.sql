-- 0004: hazards (closed loop, timeline, photos, taxonomy, assignment rules), the risk register,
-- inspections, incidents with their corrective actions, and monthly hours/headcount.
CREATE TABLE hazard_types (
  code TEXT PRIMARY KEY,
  name_zh TEXT NOT NULL,
  name_en TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1
);
INSERT INTO hazard_types (code, name_zh, name_en) VALUES
  ('人', '人的不安全行为', 'Unsafe act'),
  ('人.违章作业', '违章作业', 'Rule violation'),
  ('人.未佩戴防护', '未佩戴个体防护', 'No PPE'),
  ('物', '物的不安全状态', 'Unsafe condition'),
  ('物.设备缺陷', '设备设施缺陷', 'Equipment defect'),
  ('物.防护缺失', '防护装置缺失', 'Missing guard'),
  ('物.泄漏', '跑冒滴漏', 'Leak'),
  ('环境', '环境因素', 'Environment'),
  ('环境.照明通风', '照明通风不良', 'Lighting or ventilation'),
  ('环境.通道', '通道堵塞', 'Blocked passage'),
  ('管理', '管理缺陷', 'Management defect'),
  ('管理.制度', '制度规程缺失', 'Missing procedure'),
  ('管理.培训', '培训持证不足', 'Training or certificate gap');

CREATE TABLE hazard_assignment_rules (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  area_id INTEGER NOT NULL DEFAULT 0,
  type_code TEXT NOT NULL DEFAULT '',
  level TEXT NOT NULL DEFAULT '',
  person_id INTEGER NOT NULL
);

CREATE TABLE hazards (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  version INTEGER NOT NULL,
  org_path TEXT NOT NULL DEFAULT '',
  area_id INTEGER NOT NULL,
  type_code TEXT NOT NULL,
  level TEXT NOT NULL,
  state TEXT NOT NULL,
  source TEXT NOT NULL,
  source_ref INTEGER NOT NULL DEFAULT 0,
  description TEXT NOT NULL DEFAULT '',
  reporter_user_id INTEGER NOT NULL DEFAULT 0,
  reporter_name TEXT NOT NULL DEFAULT '',
  discovered_at INTEGER NOT NULL,
  reported_at INTEGER NOT NULL,
  assignee_person_id INTEGER NOT NULL DEFAULT 0,
  assigned_at INTEGER NULL,
  deadline INTEGER NULL,
  rectifier_user_id INTEGER NOT NULL DEFAULT 0,
  rectify_measure TEXT NOT NULL DEFAULT '',
  rectify_text TEXT NOT NULL DEFAULT '',
  submitted_at INTEGER NULL,
  verifier_user_id INTEGER NOT NULL DEFAULT 0,
  closed_at INTEGER NULL,
  reject_reason TEXT NOT NULL DEFAULT '',
  interim_controls TEXT NOT NULL DEFAULT '',
  recurrence_of INTEGER NOT NULL DEFAULT 0,
  extensions INTEGER NOT NULL DEFAULT 0,
  due_soon_sent_for INTEGER NULL,
  last_escalated_day INTEGER NULL,
  escalations INTEGER NOT NULL DEFAULT 0,
  has_plan INTEGER NOT NULL DEFAULT 0,
  plan_targets TEXT NOT NULL DEFAULT '',
  plan_method TEXT NOT NULL DEFAULT '',
  plan_funds TEXT NOT NULL DEFAULT '',
  plan_responsible TEXT NOT NULL DEFAULT '',
  plan_deadline INTEGER NULL,
  plan_safety_measures TEXT NOT NULL DEFAULT '',
  supervisor_person_id INTEGER NOT NULL DEFAULT 0,
  reported_to_management_at INTEGER NULL,
  acceptance_user_id INTEGER NOT NULL DEFAULT 0,
  accepted_at INTEGER NULL,
  acceptance_note TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX hazards_reported_idx ON hazards (org_path, reported_at);
CREATE INDEX hazards_state_reported_idx ON hazards (state, reported_at);
CREATE INDEX hazards_chase_idx ON hazards (deadline) WHERE state IN ('assigned', 'rectifying');
CREATE INDEX hazards_area_type_idx ON hazards (area_id, type_code, state);
CREATE INDEX hazards_assignee_idx ON hazards (assignee_person_id, state);
CREATE INDEX hazards_reporter_idx ON hazards (reporter_user_id, state);

CREATE TABLE hazard_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  hazard_id INTEGER NOT NULL,
  at INTEGER NOT NULL,
  actor_id INTEGER NOT NULL DEFAULT 0,
  actor_name TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL,
  from_state TEXT NOT NULL DEFAULT '',
  to_state TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX hazard_events_hazard_idx ON hazard_events (hazard_id, id);

CREATE TABLE hazard_files (
  id TEXT PRIMARY KEY,
  hazard_id INTEGER NOT NULL DEFAULT 0,
  kind TEXT NOT NULL DEFAULT '',
  mime TEXT NOT NULL,
  size INTEGER NOT NULL,
  data TEXT NOT NULL,
  uploaded_by INTEGER NOT NULL,
  org_path TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
);
CREATE INDEX hazard_files_hazard_idx ON hazard_files (hazard_id);

CREATE TABLE risk_points (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  version INTEGER NOT NULL,
  area_id INTEGER NOT NULL,
  org_path TEXT NOT NULL DEFAULT '',
  name TEXT NOT NULL DEFAULT '',
  activity TEXT NOT NULL DEFAULT '',
  hazard_desc TEXT NOT NULL DEFAULT '',
  accident_type TEXT NOT NULL DEFAULT '',
  method TEXT NOT NULL,
  l REAL NOT NULL DEFAULT 0,
  e REAL NOT NULL DEFAULT 0,
  c REAL NOT NULL DEFAULT 0,
  score REAL NOT NULL DEFAULT 0,
  colour TEXT NOT NULL,
  controls TEXT NOT NULL DEFAULT '',
  control_level TEXT NOT NULL DEFAULT 'team',
  responsible_person_id INTEGER NOT NULL DEFAULT 0,
  next_due_day INTEGER NULL,
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX risk_points_area_idx ON risk_points (org_path, area_id);
CREATE INDEX risk_points_due_idx ON risk_points (next_due_day) WHERE active = 1;

CREATE TABLE inspections (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  version INTEGER NOT NULL,
  risk_point_id INTEGER NOT NULL,
  area_id INTEGER NOT NULL,
  org_path TEXT NOT NULL DEFAULT '',
  assignee_person_id INTEGER NOT NULL DEFAULT 0,
  due_day INTEGER NOT NULL,
  status TEXT NOT NULL,
  items TEXT NOT NULL DEFAULT '',
  done_at INTEGER NULL,
  done_by INTEGER NOT NULL DEFAULT 0,
  escalated_at INTEGER NULL,
  created_at INTEGER NOT NULL,
  CONSTRAINT inspections_point_day_key UNIQUE (risk_point_id, due_day)
);
CREATE INDEX inspections_assignee_idx ON inspections (assignee_person_id, status, due_day);
CREATE INDEX inspections_status_idx ON inspections (status, due_day);

CREATE TABLE incidents (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  version INTEGER NOT NULL,
  org_path TEXT NOT NULL DEFAULT '',
  area_id INTEGER NOT NULL DEFAULT 0,
  occurred_at INTEGER NOT NULL,
  category TEXT NOT NULL DEFAULT '',
  title TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  severity TEXT NOT NULL,
  people TEXT NOT NULL DEFAULT '',
  minor INTEGER NOT NULL DEFAULT 0,
  serious INTEGER NOT NULL DEFAULT 0,
  fatalities INTEGER NOT NULL DEFAULT 0,
  lost_workdays INTEGER NOT NULL DEFAULT 0,
  permit_id INTEGER NOT NULL DEFAULT 0,
  hazard_ids TEXT NOT NULL DEFAULT '',
  root_cause TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,
  closed_at INTEGER NULL,
  reported_by INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX incidents_occurred_idx ON incidents (org_path, occurred_at);

CREATE TABLE incident_actions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  incident_id INTEGER NOT NULL,
  description TEXT NOT NULL,
  owner_person_id INTEGER NOT NULL DEFAULT 0,
  deadline INTEGER NULL,
  done_at INTEGER NULL,
  done_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX incident_actions_incident_idx ON incident_actions (incident_id);

CREATE TABLE work_periods (
  org_id INTEGER NOT NULL,
  org_path TEXT NOT NULL DEFAULT '',
  month TEXT NOT NULL,
  hours_worked REAL NOT NULL DEFAULT 0,
  headcount REAL NOT NULL DEFAULT 0,
  PRIMARY KEY (org_id, month)
);
