import { createI18n } from 'vue-i18n';
import zhCN from './locales/zh-CN.js';
import en from './locales/en.js';

export const LANGS = ['zh-CN', 'en'];
const KEY = 'anguan.lang';

export function storedLang() {
  try {
    const v = globalThis.localStorage ? localStorage.getItem(KEY) : null;
    return LANGS.includes(v) ? v : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

export const i18n = createI18n({
  legacy: false,
  locale: storedLang(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
});

export function currentLang() {
  return i18n.global.locale.value;
}

const listeners = new Set();
export function onLangChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function setLang(lang) {
  if (!LANGS.includes(lang)) return;
  i18n.global.locale.value = lang;
  try {
    localStorage.setItem(KEY, lang);
  } catch {
    /* private mode */
  }
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
  for (const fn of listeners) fn(lang);
}
