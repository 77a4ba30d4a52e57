// Removes the keys this run's servers left in the shared Redis, should a worker have ended
// without removing its own (their prefixes are the run's own; servers.ts).
import path from 'node:path'
import { removeKeys } from './servers'

export default function teardown() {
  const url = process.env.ZONEFAIR_TEST_REDIS_URL
  const run = process.env.ZONEFAIR_E2E_RUN
  if (url && run) removeKeys(url, `zf-e2e-${path.basename(run)}-*`)
}
