import { describe, it, expect, vi } from 'vitest';
import {
  emptyPlan,
  planToRequest,
  requestToForm,
  minuteRfc3339,
  cleanJha,
  conditionsFor,
  fieldsFor,
  previewable,
  submitState,
  overridesFor,
  debounce,
  bodyKey,
  findingsFromError,
} from '../../src/lib/permits/plan.js';

const hotWork = { code: 'hot_work', fields: [{ name: 'hot_method', kind: 'text' }, { name: 'fire_watch', kind: 'bool' }, { name: 'depth_m', kind: 'number' }] };

describe('plan form → request', () => {
  it('maps a hot-work form to the documented body', () => {
    const f = emptyPlan('hot_work');
    Object.assign(f, {
      title: '  换热器出口法兰补焊 ',
      area_id: '12',
      from: new Date(Date.UTC(2026, 10, 28, 14, 30, 45)),
      to: new Date(Date.UTC(2026, 10, 28, 18, 30, 0)),
      leader_id: 3,
      guardian_id: '4',
      worker_ids: [5, '6', ''],
      equipment_ids: [7],
    });
    f.conditions.unit_in_operation = true;
    f.conditions.wind_level = '3';
    f.conditions.height_m = '5'; // not a height job: not sent
    f.fields = { hot_method: ' 电焊 ', fire_watch: 0, depth_m: '' };
    f.jha = [{ step: '动火', hazards: [{ hazard: '火花飞溅', controls: ['接火盆', ' '] }, { hazard: '', controls: [] }] }, { step: ' ', hazards: [] }];
    const body = planToRequest(f, hotWork, 480);
    expect(body).toEqual({
      type: 'hot_work',
      title: '换热器出口法兰补焊',
      area_id: 12,
      from: '2026-11-28T22:30:00+08:00',
      to: '2026-11-29T02:30:00+08:00',
      leader_id: 3,
      guardian_id: 4,
      worker_ids: [5, 6],
      equipment_ids: [7],
      linked_permit_ids: [],
      conditions: { unit_in_operation: true, hot_tapping: false, unit_shutdown_cleaned: false, continuous_monitor: false, wind_level: 3, painting: false, cross_work: false },
      fields: { hot_method: '电焊', fire_watch: false },
      jha: [{ step: '动火', hazards: [{ hazard: '火花飞溅', controls: ['接火盆'] }] }],
    });
    expect(body).not.toHaveProperty('contractor_id');
  });

  it('sends height and hazards for height work, load for lifting', () => {
    expect(conditionsFor('height', { height_m: '15.5', objective_hazards: ['a_wind'] })).toMatchObject({ height_m: 15.5, objective_hazards: ['a_wind'] });
    expect(conditionsFor('height', { height_m: '' })).not.toHaveProperty('height_m');
    expect(conditionsFor('lifting', { load_t: '120' })).toMatchObject({ load_t: 120 });
    expect(conditionsFor('hot_work', { load_t: '120' })).not.toHaveProperty('load_t');
    expect(conditionsFor('confined_space', { oxygen_equipment: 1 }).oxygen_equipment).toBe(true);
    expect(conditionsFor('height', { continuous_monitor: true })).not.toHaveProperty('continuous_monitor');
    expect(conditionsFor('blind_plate', { line_tag: ' L-101 ' }).line_tag).toBe('L-101');
  });

  it('drops empty type fields but keeps false booleans and zero numbers', () => {
    expect(fieldsFor(hotWork.fields, { hot_method: '', fire_watch: false, depth_m: '0', extra: ['a'] })).toEqual({ fire_watch: false, depth_m: 0, extra: ['a'] });
  });

  it('cuts times to the minute and accepts datetime-local text', () => {
    expect(minuteRfc3339('2026-11-28T22:30:59+08:00', 480)).toBe('2026-11-28T22:30:00+08:00');
    expect(minuteRfc3339('', 480)).toBeNull();
    expect(minuteRfc3339('not a date', 480)).toBeNull();
    const local = minuteRfc3339('2026-11-28T22:30');
    expect(local).toMatch(/^2026-11-28T22:30:00[+-]\d{2}:\d{2}$/);
  });

  it('JHA cleaning keeps a step without hazards', () => {
    expect(cleanJha([{ step: '准备', hazards: [] }])).toEqual([{ step: '准备', hazards: [] }]);
    expect(cleanJha(null)).toEqual([]);
  });

  it('round-trips through the stored plan', () => {
    const f = emptyPlan('hot_work');
    Object.assign(f, { title: 'x', area_id: 1, from: new Date(Date.UTC(2026, 0, 1, 0, 0)), to: new Date(Date.UTC(2026, 0, 1, 4, 0)), leader_id: 2, guardian_id: 3, worker_ids: [4] });
    f.jha = [{ step: 's', hazards: [{ hazard: 'h', controls: ['c'] }] }];
    const body = planToRequest(f, hotWork, 480);
    const back = planToRequest(requestToForm(body), hotWork, 480);
    expect(back).toEqual(body);
  });

  it('needs type, area and window before previewing', () => {
    expect(previewable({ type: 'hot_work', area_id: 1, from: 'a', to: 'b' })).toBe(true);
    expect(previewable({ type: 'hot_work', area_id: null, from: 'a', to: 'b' })).toBe(false);
    expect(previewable({ type: 'hot_work', area_id: 1, from: null, to: 'b' })).toBe(false);
  });

  it('body keys do not depend on key order', () => {
    expect(bodyKey({ a: 1, b: { c: 2, d: 3 } })).toBe(bodyKey({ b: { d: 3, c: 2 }, a: 1 }));
    expect(bodyKey({ a: 1 })).not.toBe(bodyKey({ a: 2 }));
  });
});

describe('submit rules', () => {
  const preview = (findings, grade = { forbidden: false }) => ({ grade, findings });

  it('a block disables submit whatever the reasons', () => {
    const s = submitState(preview([{ code: 'cert.worker.5', severity: 'block', text: 'x' }]), { 'cert.worker.5': 'long enough reason' });
    expect(s.blocked).toBe(true);
    expect(s.ok).toBe(false);
  });

  it('a forbidden grade disables submit', () => {
    expect(submitState(preview([], { forbidden: true })).ok).toBe(false);
  });

  it('a warn needs a reason of at least 5 characters (code points, trimmed)', () => {
    const p = preview([{ code: 'w', severity: 'warn' }, { code: 'p', severity: 'pass' }]);
    expect(submitState(p, {}).missing).toEqual(['w']);
    expect(submitState(p, { w: '  四个字符  ' }).missing).toEqual(['w']); // 4 characters
    expect(submitState(p, { w: '五个字原因' }).ok).toBe(true); // exactly 5
    expect(submitState(p, { w: 'abcd' }).ok).toBe(false);
    expect(submitState(p, { w: 'abcde' }).ok).toBe(true);
  });

  it('no preview yet is not ok', () => {
    expect(submitState(null).ok).toBe(false);
  });

  it('overrides carry only current warns with valid reasons', () => {
    const findings = [{ code: 'w1', severity: 'warn' }, { code: 'w2', severity: 'warn' }, { code: 'b', severity: 'block' }];
    expect(overridesFor(findings, { w1: ' 现场已确认安全 ', w2: '短', b: '无效的原因文本', old: '旧的原因文本' })).toEqual({ w1: '现场已确认安全' });
  });
});

describe('debounce', () => {
  it('calls once with the last arguments', () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    const d = debounce(fn, 300);
    d(1);
    d(2);
    vi.advanceTimersByTime(299);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(fn).toHaveBeenCalledWith(2);
    d(3);
    d.cancel();
    vi.advanceTimersByTime(1000);
    expect(fn).toHaveBeenCalledTimes(1);
    vi.useRealTimers();
  });
});

import { errorTexts } from '../../src/lib/permits/api.js';
describe('error texts', () => {
  it('reads reasons and findings as arrays or as a joined string', () => {
    expect(errorTexts({ details: { reasons: '没有气体检测；安全措施未确认' } })).toEqual(['没有气体检测', '安全措施未确认']);
    expect(errorTexts({ details: { reasons: [{ text: 'a' }, 'b'], findings: [{ code: 'x', text: 'X' }] } })).toEqual(['a', 'b', 'X']);
    expect(errorTexts({ details: {} })).toEqual([]);
    expect(errorTexts(null)).toEqual([]);
  });
});

describe('findings of a refused submit or issue', () => {
  it('reads finding.N details in order, with code, severity and text', () => {
    const e = {
      details: {
        check: 'issue',
        'finding.10': 'window.open [block] 作业时间已结束，不能签发',
        'finding.2': 'maintenance.area.7 [warn] 区域内有检修：换热器检修',
        'finding.1': 'cert.worker.3 [warn] 孙涛的证书将在 30 天内到期',
      },
    };
    expect(findingsFromError(e)).toEqual([
      { code: 'cert.worker.3', severity: 'warn', text: '孙涛的证书将在 30 天内到期' },
      { code: 'maintenance.area.7', severity: 'warn', text: '区域内有检修：换热器检修' },
      { code: 'window.open', severity: 'block', text: '作业时间已结束，不能签发' },
    ]);
  });
  it('ignores other details and malformed entries', () => {
    expect(findingsFromError({ details: { 'finding.1': 'no severity here', field: 'x', 'finding.x': 'a [warn] b' } })).toEqual([]);
    expect(findingsFromError(null)).toEqual([]);
    expect(findingsFromError({})).toEqual([]);
  });
  it('error texts include the findings of the details', () => {
    expect(errorTexts({ details: { 'finding.2': 'b [block] 第二', 'finding.1': 'a [warn] 第一' } })).toEqual(['第一', '第二']);
  });
});
