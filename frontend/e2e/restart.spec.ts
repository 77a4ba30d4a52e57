import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { test, expect, demoPassword } from './helpers'
import { bin, pair } from './servers'

// This spec runs an instance of its own, without Redis, on its own data directory and port, so
// that it can stop and start it as an operator upgrading a single-node install does: the port
// its worker's pair leaves free (servers.ts).
const port = pair.port + 7
const url = `http://127.0.0.1:${port}`

async function start(data: string): Promise<ChildProcess> {
  const proc = spawn(bin, ['serve'], {
    stdio: 'ignore',
    env: {
      ...process.env,
      ZONEFAIR_ADDR: `127.0.0.1:${port}`,
      ZONEFAIR_BASE_URL: url,
      ZONEFAIR_DATA_DIR: data,
      ZONEFAIR_DATABASE_URL: '',
      ZONEFAIR_REDIS_URL: '',
      ZONEFAIR_DEMO: 'true',
      ZONEFAIR_SECRET: 'e2e-restart-secret-0123456789-abcdefghij',
      ZONEFAIR_LOG_LEVEL: 'warn',
    },
  })
  const deadline = Date.now() + 90_000
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`zonefair serve exited with ${proc.exitCode}`)
    try {
      if ((await fetch(`${url}/readyz`)).ok) return proc
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('zonefair serve did not become ready')
    await new Promise((r) => setTimeout(r, 200))
  }
}

async function stop(proc: ChildProcess) {
  if (proc.exitCode !== null) return
  const exited = new Promise((r) => proc.once('exit', r))
  proc.kill('SIGTERM')
  await exited
}

test('a restart keeps a logged-in browser logged in', async ({ page }) => {
  test.setTimeout(240_000)
  const data = mkdtempSync(path.join(tmpdir(), 'zonefair-e2e-restart-'))
  let server = await start(data)
  try {
    await page.goto(`${url}/login`)
    await page.getByLabel(/^(Email|电子邮箱)$/).fill('graduate@zonefair.test')
    await page.getByLabel(/^(Password|密码)$/).fill(demoPassword)
    await page.getByTestId('login-submit').click()
    await expect(page.getByTestId('user-menu')).toBeVisible()

    await stop(server)
    server = await start(data)

    await page.reload()
    await expect(page.getByTestId('user-menu')).toBeVisible()
    await expect(page.getByTestId('header-login')).toHaveCount(0)
    // The session's CSRF token outlasted the restart too: logging out is a state change.
    await page.getByTestId('user-menu').getByRole('button').click()
    await page.getByTestId('menu-logout').click()
    await expect(page.getByTestId('header-login')).toBeVisible()
  } finally {
    await stop(server)
    rmSync(data, { recursive: true, force: true })
  }
})
