// Removes the keys this run's servers left in the shared Redis (their prefix is the run's own).
import { execFileSync } from 'node:child_process'
import path from 'node:path'

export default function teardown() {
  const url = process.env.ZONEFAIR_TEST_REDIS_URL
  const data = process.env.ZONEFAIR_E2E_DATA
  if (!url || !data) return
  const prefix = `zf-e2e-${path.basename(data)}:`
  try {
    const keys = execFileSync('redis-cli', ['-u', url, '--scan', '--pattern', `${prefix}*`], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
    for (let i = 0; i < keys.length; i += 500) execFileSync('redis-cli', ['-u', url, 'DEL', ...keys.slice(i, i + 500)])
  } catch (e) {
    console.warn(`could not remove the run's Redis keys (${prefix}*): ${(e as Error).message}`)
  }
}
