import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'

const backend = process.env.ZONEFAIR_DEV_BACKEND || 'http://127.0.0.1:8080'

// The server checks Origin on mutating requests against its public URL; in
// development the page is served from Vite, so present the backend's origin.
const proxied = {
  target: backend,
  changeOrigin: true,
  ws: true,
  configure(proxy: { on(event: 'proxyReq', fn: (req: { setHeader(k: string, v: string): void }) => void): void }) {
    proxy.on('proxyReq', (req) => req.setHeader('origin', backend))
  },
}

export default defineConfig({
  plugins: [vue()],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  define: {
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: {
      '/api': proxied,
      '/healthz': proxied,
      '/readyz': proxied,
    },
  },
  test: {
    // Plain modules need no DOM: the few tests that do say so at their top
    // (`// @vitest-environment jsdom`), and the rest skip jsdom's start-up in every file.
    environment: 'node',
    include: ['src/**/*.test.ts'],
  },
})
