import { LANGS, setLang } from '../i18n/index.js';

// On login, adopt the account's language unless this browser already chose one.
export function applyUserLanguage(user) {
  let stored = null;
  try {
    stored = localStorage.getItem('anguan.lang');
  } catch {
    stored = null;
  }
  if (!stored && user && LANGS.includes(user.language)) setLang(user.language);
}
