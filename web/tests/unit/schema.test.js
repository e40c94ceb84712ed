import { describe, it, expect } from 'vitest';
import {
  buildFormFields,
  buildColumns,
  buildFilters,
  emptyModel,
  modelFromRecord,
  payloadFromModel,
  displayValue,
  sortParam,
} from '../../src/lib/schema.js';

const areas = {
  name: 'areas',
  path: 'areas',
  label: '区域/位置',
  title_field: 'name',
  fields: [
    { name: 'name', type: 'text', label: '名称', required: true, max_length: 100 },
    { name: 'code', type: 'text', label: '编码', required: true, unique: true, max_length: 64 },
    { name: 'org_id', type: 'ref', label: '所属单位', required: true, ref: 'org_units' },
    {
      name: 'kind',
      type: 'enum',
      label: '区域类型',
      required: true,
      options: [
        { code: 'tank_farm', label: '罐区' },
        { code: 'office', label: '办公区' },
      ],
    },
    { name: 'major_hazard', type: 'bool', label: '重大危险源' },
    { name: 'latitude', type: 'number', label: '纬度', min: -90, max: 90 },
    { name: 'headcount', type: 'integer', label: '人数', min: 0, max: 1000 },
    { name: 'opened_on', type: 'date', label: '投用日期' },
    { name: 'starts_at', type: 'datetime', label: '开始时间' },
    {
      name: 'roles',
      type: 'code_list',
      label: '岗位角色',
      options: [
        { code: 'worker', label: '作业人' },
        { code: 'guardian', label: '监护人' },
      ],
    },
    { name: 'status', type: 'enum', label: '状态', computed: true, options: [{ code: 'valid', label: '有效' }] },
  ],
};

describe('buildFormFields', () => {
  const fields = buildFormFields(areas);
  const by = Object.fromEntries(fields.map((f) => [f.name, f]));

  it('leaves computed fields out', () => {
    expect(by.status).toBeUndefined();
    expect(fields).toHaveLength(10);
  });

  it('maps each type to a widget', () => {
    expect(by.name.widget).toBe('input');
    expect(by.name.maxlength).toBe(100);
    expect(by.name.required).toBe(true);
    expect(by.org_id.widget).toBe('ref');
    expect(by.org_id.ref).toBe('org_units');
    expect(by.kind.widget).toBe('select');
    expect(by.kind.options).toEqual([
      { value: 'tank_farm', label: '罐区' },
      { value: 'office', label: '办公区' },
    ]);
    expect(by.major_hazard.widget).toBe('switch');
    expect(by.latitude.widget).toBe('number');
    expect(by.latitude.min).toBe(-90);
    expect(by.latitude.max).toBe(90);
    expect(by.headcount.precision).toBe(0);
    expect(by.opened_on.widget).toBe('date');
    expect(by.starts_at.widget).toBe('datetime');
    expect(by.roles.widget).toBe('multiselect');
    expect(by.roles.multiple).toBe(true);
  });

  it('handles a missing schema', () => {
    expect(buildFormFields(null)).toEqual([]);
  });
});

describe('models and payloads', () => {
  const fields = buildFormFields(areas);

  it('starts empty with typed defaults', () => {
    const m = emptyModel(fields);
    expect(m.name).toBeNull();
    expect(m.major_hazard).toBe(false);
    expect(m.roles).toEqual([]);
  });

  it('round-trips a record, converting datetimes to RFC 3339 with offset', () => {
    const record = {
      id: 3,
      version: 2,
      name: ' 一号罐区 ',
      code: 'TF-01',
      org_id: 5,
      kind: 'tank_farm',
      major_hazard: true,
      latitude: 30.5,
      headcount: 12,
      opened_on: '2020-01-02',
      starts_at: '2026-11-28T22:30:00+08:00',
      roles: ['worker'],
      status: 'valid',
    };
    const model = modelFromRecord(fields, record);
    expect(model.starts_at).toBeInstanceOf(Date);
    expect(model.starts_at.toISOString()).toBe('2026-11-28T14:30:00.000Z');
    const body = payloadFromModel(fields, model);
    expect(body.name).toBe('一号罐区');
    expect(body.org_id).toBe(5);
    expect(body.opened_on).toBe('2020-01-02');
    expect(body.starts_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
    expect(new Date(body.starts_at).getTime()).toBe(Date.parse('2026-11-28T14:30:00Z'));
    expect(body.status).toBeUndefined();
    expect(body.id).toBeUndefined();
  });

  it('sends null for empty optional values', () => {
    const model = emptyModel(fields);
    model.name = '   ';
    model.latitude = '';
    const body = payloadFromModel(fields, model);
    expect(body.name).toBeNull();
    expect(body.latitude).toBeNull();
    expect(body.starts_at).toBeNull();
    expect(body.major_hazard).toBe(false);
    expect(body.roles).toEqual([]);
  });
});

describe('columns, filters and display', () => {
  it('builds columns for every field, computed included', () => {
    const cols = buildColumns(areas);
    expect(cols.map((c) => c.name)).toContain('status');
    expect(cols.find((c) => c.name === 'roles').sortable).toBe(false);
    expect(cols.find((c) => c.name === 'status').sortable).toBe(false);
    expect(cols.find((c) => c.name === 'name').sortable).toBe(true);
    // computed status comes second so that it is visible without scrolling
    expect(cols.map((c) => c.name).slice(0, 3)).toEqual(['name', 'status', 'code']);
  });

  it('offers filters for stored enum and bool fields', () => {
    const filters = buildFilters(areas);
    expect(filters.map((f) => f.name)).toEqual(['kind', 'major_hazard']);
    expect(filters[1].options.map((o) => o.value)).toEqual(['true', 'false']);
  });

  it('shows ref titles, option labels and yes/no', () => {
    const t = (k) => ({ 'common.yes': '是', 'common.no': '否' })[k];
    const rec = { org_id: 5, _refs: { org_id: '一厂' }, kind: 'office', major_hazard: true, roles: ['worker', 'guardian'] };
    const f = (n) => areas.fields.find((x) => x.name === n);
    expect(displayValue(f('org_id'), rec, t)).toBe('一厂');
    expect(displayValue(f('org_id'), { org_id: 9 }, t)).toBe('#9');
    expect(displayValue(f('kind'), rec, t)).toBe('办公区');
    expect(displayValue(f('major_hazard'), rec, t)).toBe('是');
    expect(displayValue(f('roles'), rec, t)).toBe('作业人、监护人');
    expect(displayValue(f('latitude'), rec, t)).toBe('');
  });

  it('maps sort events to sort=field / -field', () => {
    expect(sortParam('name', 'ascending')).toBe('name');
    expect(sortParam('name', 'descending')).toBe('-name');
    expect(sortParam('name', null)).toBeUndefined();
  });
});
