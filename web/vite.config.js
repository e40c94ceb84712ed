import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import Components from 'unplugin-vue-components/vite';
import { ElementPlusResolver, VantResolver } from 'unplugin-vue-components/resolvers';

// The C++ server serves web/dist with an SPA fallback; in development the API is proxied to it.
const target = process.env.ANGUAN_API || 'http://127.0.0.1:8080';

// Vendor chunks, first match wins. Element Plus is left to Rollup's own splitting: Rollup keeps every
// module put in a manual chunk, and element-plus/es/index.mjs imports all of its components, so an
// element-plus chunk would hold the whole library (about 410 kB more JS) instead of the components used.
const vendorChunks = [
  { name: 'vant', test: /node_modules[\\/](vant|@vant)/ },
  { name: 'echarts', test: /node_modules[\\/](echarts|zrender)/ },
  { name: 'vue', test: /node_modules[\\/](@vue|vue|vue-router|pinia|vue-i18n|@intlify)[\\/]/ },
];

export default defineConfig({
  base: '/',
  plugins: [
    vue(),
    Components({
      dts: false,
      // Component styles come from the full CSS files imported by the two layouts.
      resolvers: [ElementPlusResolver({ importStyle: false }), VantResolver({ importStyle: false })],
    }),
  ],
  server: {
    proxy: {
      '/api': { target, ws: true, changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1100,
    rollupOptions: {
      output: {
        manualChunks(id) {
          const chunk = vendorChunks.find((c) => c.test.test(id));
          return chunk ? chunk.name : undefined;
        },
      },
    },
  },
  test: {
    include: ['tests/unit/**/*.test.js'],
    environment: 'node',
  },
});
