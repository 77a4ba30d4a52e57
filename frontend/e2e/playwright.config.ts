import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig } from '@playwright/test'

const here = path.dirname(fileURLToPath(import.meta.url))
const port = Number(process.env.E2E_PORT || 18080)
const baseURL = `http://127.0.0.1:${port}`
const bin = process.env.ZONEFAIR_BIN || path.resolve(here, '../../bin/zonefair')

// The config is evaluated again in every worker; the first evaluation picks the data
// directory and passes it on through the environment so all of them agree.
if (!process.env.ZONEFAIR_E2E_DATA) {
  process.env.ZONEFAIR_E2E_DATA = mkdtempSync(path.join(tmpdir(), 'zonefair-e2e-'))
}
const data = process.env.ZONEFAIR_E2E_DATA

export default defineConfig({
  testDir: here,
  outputDir: path.resolve(here, '../test-results'),
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? 'line' : 'list',
  use: {
    baseURL,
    headless: true,
    locale: 'en-US',
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.ZONEFAIR_TEST_CHROMIUM || '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  webServer: {
    command: `sh -c '"$ZONEFAIR_BIN_PATH" seed-demo && exec "$ZONEFAIR_BIN_PATH" serve'`,
    url: `${baseURL}/healthz`,
    timeout: 60_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      ZONEFAIR_BIN_PATH: bin,
      ZONEFAIR_ADDR: `127.0.0.1:${port}`,
      ZONEFAIR_BASE_URL: baseURL,
      ZONEFAIR_DATA_DIR: data,
      ZONEFAIR_DATABASE_URL: `sqlite:${path.join(data, 'zonefair.db')}`,
      ZONEFAIR_SECRET: 'e2e-secret-0123456789-abcdefghijklmnop',
      ZONEFAIR_REDIS_URL: '',
      ZONEFAIR_LOG_LEVEL: 'warn',
    },
  },
})
