// The gas-test form: one row per gas the work type tests for, filled from what a multi-gas
// detector shows at one sampling; the rows left empty were not measured.

// A gas code as a reader names it (i18n `permit.gas.gases.*`); an unknown code as it is.
export const gasLabel = (gas, t, te) => (te(`permit.gas.gases.${gas}`) ? t(`permit.gas.gases.${gas}`) : gas);

export const gasUnit = (gas) => (gas === 'flammable' || gas === 'o2' ? '%vol' : 'mg/m3');

// The gases a work type tests for; a type that names none offers the common four.
export function gasChoicesOf(workType) {
  const g = workType && workType.gas && workType.gas.gases;
  return g && g.length ? g : ['flammable', 'o2', 'h2s', 'co'];
}

export function gasRows(gases) {
  return (gases || []).map((gas) => ({ gas, value: '', unit: gasUnit(gas), lel_percent: '' }));
}

const filled = (v) => v !== null && v !== undefined && String(v).trim() !== '';

// The API's `readings` for the rows with a value (numbers as numbers).
export function readingsOf(rows) {
  return (rows || [])
    .filter((r) => filled(r.value))
    .map((r) => {
      const o = { gas: r.gas, value: Number(r.value), unit: r.unit };
      if (r.gas === 'flammable' && filled(r.lel_percent)) o.lel_percent = Number(r.lel_percent);
      return o;
    });
}
