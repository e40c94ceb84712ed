import { describe, it, expect } from 'vitest';
import { hazardActions, timeLeft, nearestArea, typeTree, colourPoints, groupCount, stateTag } from '../../src/lib/hazards/status.js';
import { fitWithin } from '../../src/lib/hazards/photo.js';

const worker = { id: 10, person_id: 100, roles: ['worker'] };
const reporter = { id: 11, person_id: 101, roles: ['worker'] };
const safety = { id: 12, person_id: 102, roles: ['safety_officer'] };
const base = { id: 1, level: 'general', reporter_user_id: 11, assignee_person_id: 100, rectifier_user_id: 0 };

describe('hazardActions', () => {
  it('offers start and submit to the assignee only', () => {
    expect(hazardActions({ ...base, state: 'assigned' }, worker)).toEqual(['start', 'submit']);
    expect(hazardActions({ ...base, state: 'rectifying' }, worker)).toEqual(['submit']);
    expect(hazardActions({ ...base, state: 'assigned' }, reporter)).toEqual([]);
  });
  it('offers verify to the reporter and safety officers, never to the rectifier', () => {
    const h = { ...base, state: 'submitted', rectifier_user_id: 10 };
    expect(hazardActions(h, reporter)).toEqual(['verify']);
    expect(hazardActions(h, safety)).toEqual(['verify']);
    expect(hazardActions(h, worker)).toEqual([]);
    expect(hazardActions({ ...h, rectifier_user_id: 12 }, safety)).toEqual([]);
  });
  it('offers assign and reject of a reported hazard to safety only', () => {
    expect(hazardActions({ ...base, state: 'reported', assignee_person_id: 0 }, safety)).toEqual(['assign', 'reject']);
    expect(hazardActions({ ...base, state: 'reported', assignee_person_id: 0 }, reporter)).toEqual([]);
  });
  it('offers nothing on closed or rejected hazards', () => {
    for (const state of ['closed', 'rejected']) {
      expect(hazardActions({ ...base, state }, safety)).toEqual([]);
      expect(hazardActions({ ...base, state }, worker)).toEqual([]);
    }
  });
  it('offers major-hazard steps and acceptance once submitted', () => {
    const h = { ...base, level: 'major', state: 'submitted', rectifier_user_id: 10 };
    expect(hazardActions(h, safety)).toEqual(['verify', 'plan', 'supervise', 'report-management', 'accept']);
    expect(hazardActions({ ...h, accepted_at: '2026-11-01T00:00:00+08:00' }, safety)).not.toContain('accept');
  });
});

describe('timeLeft', () => {
  const now = new Date('2026-11-28T12:00:00Z');
  it.each([
    ['2026-11-30T14:00:00Z', { overdue: false, days: 2, hours: 2 }],
    ['2026-11-28T12:00:00Z', { overdue: false, days: 0, hours: 0 }],
    ['2026-11-28T11:59:00Z', { overdue: true, days: 0, hours: 0 }],
    ['2026-11-27T10:00:00Z', { overdue: true, days: 1, hours: 2 }],
  ])('%s', (deadline, want) => expect(timeLeft(deadline, now)).toEqual(want));
  it('is null without a deadline', () => {
    expect(timeLeft(null, now)).toBeNull();
    expect(timeLeft('garbage', now)).toBeNull();
  });
});

describe('nearestArea', () => {
  const areas = [
    { id: 1, name: 'A', latitude: 29.94, longitude: 121.85 },
    { id: 2, name: 'B', latitude: 29.95, longitude: 121.86 },
    { id: 3, name: 'no coords' },
  ];
  it('picks the closest area with coordinates', () => {
    expect(nearestArea(areas, { latitude: 29.9501, longitude: 121.8601 }).area.id).toBe(2);
    const r = nearestArea(areas, { latitude: 29.94, longitude: 121.85 });
    expect(r.area.id).toBe(1);
    expect(r.distance).toBeLessThan(1);
  });
  it('is null when no area has coordinates', () => {
    expect(nearestArea([{ id: 3 }], { latitude: 0, longitude: 0 })).toBeNull();
  });
});

describe('typeTree', () => {
  it('nests sub-types under their parent and drops inactive ones', () => {
    const tree = typeTree([
      { code: '人', name: '人的不安全行为' },
      { code: '人.违章作业', name: '违章作业' },
      { code: '物', name: '物的不安全状态' },
      { code: '物.泄漏', name: '跑冒滴漏', active: false },
    ]);
    expect(tree.map((n) => n.code)).toEqual(['人', '物']);
    expect(tree[0].children.map((n) => n.code)).toEqual(['人.违章作业']);
    expect(tree[1].children).toEqual([]);
  });
});

describe('colourPoints', () => {
  it('joins the colour map to plan coordinates and skips areas without them', () => {
    const pts = colourPoints(
      [
        { area_id: 1, colour: 'red', points: 2 },
        { area_id: 2, colour: 'blue', points: 1 },
        { area_id: 9, colour: 'yellow', points: 1 },
      ],
      [
        { id: 1, name: '罐区', plan_x: 420, plan_y: 180 },
        { id: 2, name: '办公楼' },
      ],
    );
    expect(pts).toEqual([{ name: '罐区', value: [420, 180], colour: 'red', points: 2, area_id: 1 }]);
  });
});

describe('groupCount and stateTag', () => {
  it('counts by key, largest first', () => {
    expect(groupCount([{ a: 1 }, { a: 2 }, { a: 2 }], 'a')).toEqual([
      [2, 2],
      [1, 1],
    ]);
  });
  it('marks overdue hazards as danger whatever the state', () => {
    expect(stateTag('assigned', true)).toBe('danger');
    expect(stateTag('closed', false)).toBe('success');
  });
});

describe('fitWithin', () => {
  it.each([
    [4000, 3000, 1600, { width: 1600, height: 1200 }],
    [3000, 4000, 1600, { width: 1200, height: 1600 }],
    [1600, 900, 1600, { width: 1600, height: 900 }],
    [800, 600, 1600, { width: 800, height: 600 }],
    [0, 600, 1600, { width: 0, height: 0 }],
  ])('%i×%i within %i', (w, h, max, want) => expect(fitWithin(w, h, max)).toEqual(want));
});
