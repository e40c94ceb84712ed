import { createClient } from './client.js';
import { getToken } from './session.js';
import { currentLang } from '../i18n/index.js';

let unauthorizedHandler = () => {};
export function setUnauthorizedHandler(fn) {
  unauthorizedHandler = fn;
}

export const api = createClient({
  getToken,
  getLang: currentLang,
  onUnauthorized: (e) => unauthorizedHandler(e),
});

export { ApiError } from './client.js';

// Save a downloaded blob as a file.
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 5000);
}
