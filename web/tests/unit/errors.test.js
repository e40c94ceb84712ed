import { describe, it, expect } from 'vitest';
import { createI18n } from 'vue-i18n';
import zhCN from '../../src/i18n/locales/zh-CN.js';
import en from '../../src/i18n/locales/en.js';
import { REASON_CODES, reasonText, fieldErrors } from '../../src/lib/errors.js';
import { ApiError } from '../../src/api/client.js';

function i18nFor(locale) {
  const i18n = createI18n({ legacy: false, locale, messages: { 'zh-CN': zhCN, en } });
  return { t: i18n.global.t, te: i18n.global.te };
}

describe('validation reasons', () => {
  it('has a translation for every documented reason in both languages', () => {
    for (const code of REASON_CODES) {
      expect(zhCN.reason[code], code).toBeTruthy();
      expect(en.reason[code], code).toBeTruthy();
    }
  });

  it('translates reason codes', () => {
    const zh = i18nFor('zh-CN');
    const e = i18nFor('en');
    expect(reasonText('required', zh.t, zh.te)).toBe('必填项');
    expect(reasonText('too_long', e.t, e.te)).toBe('Too long');
    expect(reasonText('bad_phone', e.t, e.te)).toBe('Not a valid phone number');
    expect(reasonText('brand_new_reason', e.t, e.te)).toBe('brand_new_reason');
    expect(reasonText({ reason: 'out_of_range', max: 90 }, e.t, e.te)).toBe('Out of range');
  });

  it('maps validation.failed details to per-field messages', () => {
    const { t, te } = i18nFor('zh-CN');
    const err = new ApiError(400, 'validation.failed', '数据校验失败', { name: 'required', code: 'too_long' });
    expect(fieldErrors(err, t, te)).toEqual({ name: '必填项', code: '超出长度限制' });
  });

  it('maps a single-field conflict to that field with the server message', () => {
    const { t, te } = i18nFor('en');
    const err = new ApiError(409, 'base.duplicate', 'Code already in use', { field: 'code' });
    expect(fieldErrors(err, t, te)).toEqual({ code: 'Code already in use' });
    expect(fieldErrors(new ApiError(409, 'base.stale_version', 'stale', {}), t, te)).toEqual({});
    expect(fieldErrors(null, t, te)).toEqual({});
  });

  it('keeps the two message files in step', () => {
    const keys = (o, p = '') =>
      Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' ? keys(v, `${p}${k}.`) : [`${p}${k}`]));
    expect(keys(en).sort()).toEqual(keys(zhCN).sort());
  });
});
