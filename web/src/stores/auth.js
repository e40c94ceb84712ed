import { defineStore } from 'pinia';
import { api } from '../api/index.js';
import { getToken, setToken } from '../api/session.js';
import { live } from './live.js';

export const useAuth = defineStore('auth', {
  state: () => ({ token: getToken(), user: null }),
  getters: {
    loggedIn: (s) => !!s.token,
    permissions: (s) => (s.user && Array.isArray(s.user.permissions) ? s.user.permissions : []),
  },
  actions: {
    can(perm) {
      if (!perm) return true;
      return this.permissions.includes(perm);
    },
    async login(username, password) {
      const res = await api.post('/auth/login', { username, password }, { noAuthRedirect: true });
      this.token = res.token;
      setToken(res.token);
      this.user = res.user;
      live.start();
      return res.user;
    },
    async fetchMe() {
      this.user = await api.get('/auth/me');
      return this.user;
    },
    async logout() {
      try {
        if (this.token) await api.post('/auth/logout', undefined, { noAuthRedirect: true });
      } catch {
        /* the session may be gone already */
      }
      this.clear();
    },
    clear() {
      live.stop();
      this.token = null;
      this.user = null;
      setToken(null);
    },
    async changePassword(oldPassword, newPassword) {
      await api.post('/auth/password', { old_password: oldPassword, new_password: newPassword });
    },
  },
});
