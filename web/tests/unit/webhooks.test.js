import { describe, it, expect } from 'vitest';
import { createI18n } from 'vue-i18n';
import zhCN from '../../src/i18n/locales/zh-CN.js';
import en from '../../src/i18n/locales/en.js';
import { monitorMenu } from '../../src/desktop/monitor/menu.js';

function keys(o, prefix = '') {
  return Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

describe('webhook screen texts', () => {
  it('has the same keys in both languages', () => {
    expect(keys(zhCN.webhook).sort()).toEqual(keys(en.webhook).sort());
  });

  it('labels the menu entry in the monitoring group and keeps the group\'s own labels', () => {
    const entry = monitorMenu.find((m) => m.path === '/monitor/webhooks');
    expect(entry).toBeTruthy();
    for (const [locale, label] of [['zh-CN', 'Webhook 推送'], ['en', 'Webhooks']]) {
      const { t } = createI18n({ legacy: false, locale, messages: { 'zh-CN': zhCN, en } }).global;
      expect(t(`monitor.menu.${entry.key}`)).toBe(label);
      expect(t('monitor.menu.board')).not.toBe('monitor.menu.board');
    }
  });

  it('names every format, topic, severity and delivery status the API uses', () => {
    for (const m of [zhCN.webhook, en.webhook]) {
      for (const f of ['json', 'wecom', 'dingtalk']) expect(m.format[f]).toBeTruthy();
      for (const tp of ['alarm', 'violation']) expect(m.topic[tp]).toBeTruthy();
      for (const s of ['warning', 'critical']) expect(m.severity[s]).toBeTruthy();
      for (const s of ['pending', 'sent', 'failed']) expect(m.status[s]).toBeTruthy();
      for (const r of ['bad_scheme', 'no_host', 'credentials', 'bad_port', 'bad_character', 'too_long', 'not_supported']) {
        expect(m.reason[r]).toBeTruthy();
      }
    }
  });
});
