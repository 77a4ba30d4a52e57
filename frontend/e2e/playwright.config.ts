import { availableParallelism } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig } from '@playwright/test'
import { chromiumLaunch } from './chromium'
import { basePort, maxWorkers, pair } from './servers'

const here = path.dirname(fileURLToPath(import.meta.url))

// Spec files run side by side, each worker against a server pair of its own; the tests of one
// file run in order in one worker. Most of a test is waiting on the browser and the servers
// (timers, ping cycles, restarts), so a worker and a half per core keeps the processors busy
// without slowing the tests down (measured on 2 cores); E2E_WORKERS sets the number.
const workers = Math.min(maxWorkers, Number(process.env.E2E_WORKERS) || Math.max(1, Math.round(availableParallelism() * 1.5)))

export default defineConfig({
  testDir: here,
  globalTeardown: path.join(here, 'teardown.ts'),
  // A run on another port is another run beside it: it keeps its results apart.
  outputDir: path.resolve(here, process.env.E2E_PORT ? `../test-results-${basePort}` : '../test-results'),
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers,
  retries: 0,
  reporter: [[process.env.CI ? 'line' : 'list'], [path.join(here, 'failures.ts')]],
  use: {
    // Each worker's test fixture points this at its own servers (helpers.ts).
    baseURL: pair.url,
    headless: true,
    locale: 'en-US',
    viewport: { width: 1280, height: 800 },
    // As a person who asks for less motion: no transition frames to draw (the app honours it);
    // visitor.spec.ts walks the site with motion.
    reducedMotion: 'reduce',
    // A failed test keeps its trace: every action with the page's DOM before and after it.
    // Without the screencast, which took a third of Chromium's processor time in these tests.
    // E2E_TRACES=0 records none (.ci/run: its clone goes, traces and all; recording them took
    // a seventh of the processor time).
    trace: process.env.E2E_TRACES === '0' ? 'off' : { mode: 'retain-on-failure', screenshots: false, snapshots: true, sources: true },
    launchOptions: chromiumLaunch,
  },
})
