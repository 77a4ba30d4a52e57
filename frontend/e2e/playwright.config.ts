import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig } from '@playwright/test'
import { livePingMs, livePongTimeoutMs, liveWriteTimeoutMs } from './timers'

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

// With a Redis to share (CI sets ZONEFAIR_TEST_REDIS_URL), a second instance runs beside the
// first on the same database, as two instances behind a load balancer do, and specs that want
// users on both read its address from E2E_SECOND_URL. The key prefix is this run's own.
const redis = process.env.ZONEFAIR_TEST_REDIS_URL || ''
const secondPort = port + 1
if (redis) process.env.E2E_SECOND_URL = `http://127.0.0.1:${secondPort}`
const prefix = `zf-e2e-${path.basename(data)}:`

const instance = (p: number) => ({
  ZONEFAIR_BIN_PATH: bin,
  ZONEFAIR_ADDR: `127.0.0.1:${p}`,
  ZONEFAIR_BASE_URL: baseURL,
  ZONEFAIR_DATA_DIR: data,
  ZONEFAIR_DATABASE_URL: `sqlite:${path.join(data, 'zonefair.db')}`,
  ZONEFAIR_SECRET: 'e2e-secret-0123456789-abcdefghijklmnop',
  ZONEFAIR_REDIS_URL: redis,
  ZONEFAIR_REDIS_PREFIX: prefix,
  ZONEFAIR_LOG_LEVEL: 'warn',
  ZONEFAIR_LIVE_PING_INTERVAL: `${livePingMs}ms`,
  ZONEFAIR_LIVE_WRITE_TIMEOUT: `${liveWriteTimeoutMs}ms`,
  ZONEFAIR_LIVE_PONG_TIMEOUT: `${livePongTimeoutMs}ms`,
  // A video server (LiveKit) for the video specs, when the run has one (.ci/run starts it).
  ZONEFAIR_LIVEKIT_URL: process.env.ZONEFAIR_TEST_LIVEKIT_URL || '',
  ZONEFAIR_LIVEKIT_API_KEY: process.env.ZONEFAIR_TEST_LIVEKIT_URL ? process.env.ZONEFAIR_TEST_LIVEKIT_API_KEY || 'devkey' : '',
  ZONEFAIR_LIVEKIT_API_SECRET: process.env.ZONEFAIR_TEST_LIVEKIT_URL ? process.env.ZONEFAIR_TEST_LIVEKIT_API_SECRET || 'secret' : '',
})
const server = { timeout: 60_000, reuseExistingServer: false, stdout: 'pipe', stderr: 'pipe' } as const

export default defineConfig({
  testDir: here,
  globalTeardown: path.join(here, 'teardown.ts'),
  // A run on another port is another run beside it: it keeps its results apart.
  outputDir: path.resolve(here, process.env.E2E_PORT ? `../test-results-${port}` : '../test-results'),
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [[process.env.CI ? 'line' : 'list'], [path.join(here, 'failures.ts')]],
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
  webServer: [
    {
      ...server,
      command: `sh -c '"$ZONEFAIR_BIN_PATH" seed-demo && exec "$ZONEFAIR_BIN_PATH" serve'`,
      url: `${baseURL}/healthz`,
      env: instance(port),
    },
    // The second starts once the first has migrated and seeded the shared database.
    ...(redis
      ? [
          {
            ...server,
            command: `sh -c 'until curl -sf ${baseURL}/healthz >/dev/null; do sleep 0.2; done; exec "$ZONEFAIR_BIN_PATH" serve'`,
            url: `http://127.0.0.1:${secondPort}/healthz`,
            env: instance(secondPort),
          },
        ]
      : []),
  ],
})
