import { defineStore } from 'pinia';
import { api } from '../api/index.js';

export const useMeta = defineStore('meta', {
  state: () => ({ entities: [], lang: null, loading: null }),
  getters: {
    byPath: (s) => (path) => s.entities.find((e) => e.path === path),
    byName: (s) => (name) => s.entities.find((e) => e.name === name),
  },
  actions: {
    async load(lang, force = false) {
      if (!force && this.lang === lang && this.entities.length) return this.entities;
      if (this.loading && this.loading.lang === lang && !force) return this.loading.promise;
      const promise = api.get('/meta/entities').then((res) => {
        const list = Array.isArray(res) ? res : res.entities || res.items || [];
        this.entities = list;
        this.lang = lang;
        return list;
      });
      this.loading = { lang, promise };
      try {
        return await promise;
      } finally {
        if (this.loading && this.loading.promise === promise) this.loading = null;
      }
    },
  },
});
