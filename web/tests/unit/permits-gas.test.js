import { describe, expect, it } from 'vitest';
import { gasChoicesOf, gasLabel, gasRows, gasUnit, readingsOf } from '../../src/lib/permits/gas.js';

describe('gas-test form', () => {
  it('offers the gases the work type tests for, else the common four', () => {
    expect(gasChoicesOf({ gas: { gases: ['flammable', 'o2'] } })).toEqual(['flammable', 'o2']);
    expect(gasChoicesOf({ gas: { gases: [] } })).toEqual(['flammable', 'o2', 'h2s', 'co']);
    expect(gasChoicesOf(null)).toEqual(['flammable', 'o2', 'h2s', 'co']);
  });

  it('names a gas from the translations, an unknown one by its code', () => {
    const names = { 'permit.gas.gases.h2s': '硫化氢' };
    const t = (k) => names[k];
    const te = (k) => k in names;
    expect(gasLabel('h2s', t, te)).toBe('硫化氢');
    expect(gasLabel('xylene', t, te)).toBe('xylene');
  });

  it('gives each gas its unit', () => {
    expect(gasUnit('flammable')).toBe('%vol');
    expect(gasUnit('o2')).toBe('%vol');
    expect(gasUnit('h2s')).toBe('mg/m3');
    expect(gasRows(['o2', 'co']).map((r) => [r.gas, r.unit, r.value])).toEqual([
      ['o2', '%vol', ''],
      ['co', 'mg/m3', ''],
    ]);
    expect(gasRows(undefined)).toEqual([]);
  });

  it('sends only the gases that were measured, as numbers', () => {
    const rows = gasRows(['flammable', 'o2', 'h2s', 'co']);
    rows[0].value = '0.1';
    rows[0].lel_percent = '5';
    rows[1].value = ' 20.8 ';
    rows[3].value = 0; // a zero reading is a reading
    expect(readingsOf(rows)).toEqual([
      { gas: 'flammable', value: 0.1, unit: '%vol', lel_percent: 5 },
      { gas: 'o2', value: 20.8, unit: '%vol' },
      { gas: 'co', value: 0, unit: 'mg/m3' },
    ]);
  });

  it('keeps the lower explosive limit only for flammable gas', () => {
    const rows = gasRows(['flammable', 'o2']);
    rows[0].value = '0.1';
    rows[1].value = '20.9';
    rows[1].lel_percent = '5';
    expect(readingsOf(rows)).toEqual([
      { gas: 'flammable', value: 0.1, unit: '%vol' },
      { gas: 'o2', value: 20.9, unit: '%vol' },
    ]);
    expect(readingsOf(gasRows(['o2']))).toEqual([]);
  });
});
