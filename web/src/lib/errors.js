// Server error → per-field messages (validation.failed details and single-field conflicts).

export const REASON_CODES = [
  'required',
  'too_long',
  'wrong_type',
  'not_an_option',
  'out_of_range',
  'bad_date',
  'bad_datetime',
  'bad_phone',
  'before_start',
  'unknown_field',
  'bad_reference',
  'computed',
  'self_reference',
  'duplicate',
  'too_many',
  'not_with_readings',
];

// t = vue-i18n translate, te = "translation exists".
export function reasonText(reason, t, te) {
  if (reason === null || reason === undefined) return '';
  if (typeof reason === 'object') {
    const code = reason.reason || reason.code;
    return code ? reasonText(code, t, te) : JSON.stringify(reason);
  }
  const key = `reason.${reason}`;
  if (te ? te(key) : REASON_CODES.includes(reason)) return t(key);
  return String(reason);
}

// Returns {fieldName: "message"} for an ApiError, or {} when the error is not about fields.
export function fieldErrors(error, t, te) {
  const out = {};
  if (!error || !error.details) return out;
  const details = error.details;
  if (error.code === 'validation.failed') {
    for (const [field, reason] of Object.entries(details)) {
      out[field] = reasonText(reason, t, te);
    }
    return out;
  }
  if (typeof details.field === 'string') {
    out[details.field] = error.message || error.code;
  }
  return out;
}
