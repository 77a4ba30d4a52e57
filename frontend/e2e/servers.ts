// The servers the browser tests run against. Each Playwright worker starts a pair of its own
// (helpers.ts's worker fixture), so specs run side by side without seeing each other's data:
// worker n (its parallel index) listens on E2E_PORT + 10n and, with a Redis to share
// (ZONEFAIR_TEST_REDIS_URL), runs a second instance on the next port on the same SQLite
// database, as two instances behind a load balancer do. Each pair has its own data directory,
// database, Redis key prefix and video room prefix; E2E_PORT + 10n + 7 is left to restart.spec.ts.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { livePingMs, livePongTimeoutMs, liveWriteTimeoutMs } from './timers'

const here = path.dirname(fileURLToPath(import.meta.url))
export const bin = process.env.ZONEFAIR_BIN || path.resolve(here, '../../bin/zonefair')
export const basePort = Number(process.env.E2E_PORT || 18080)
const redis = process.env.ZONEFAIR_TEST_REDIS_URL || ''

// The run's directory, for the workers' data directories; its name makes the servers' Redis keys
// and video rooms this run's own. The config is evaluated again in every worker: the first
// evaluation makes it and hands it on to them through the environment.
if (!process.env.ZONEFAIR_E2E_RUN) process.env.ZONEFAIR_E2E_RUN = mkdtempSync(path.join(tmpdir(), 'zonefair-e2e-'))
export const run = process.env.ZONEFAIR_E2E_RUN

/** Ports each worker's pair spans; a video server's webhooks go to E2E_PORT + portStep × n. */
export const portStep = 10
/** The most workers a run may have (.ci/run sends the video server's webhooks to that many pairs). */
export const maxWorkers = 8

export interface Pair {
  /** The first instance's port and address; the specs' baseURL. */
  port: number
  url: string
  /** The second instance's address, when the run has a Redis to share. */
  second?: string
  /** The data directory; the SQLite database is zonefair.db in it. */
  data: string
  redisPrefix: string
  roomPrefix: string
}

/**
 * The pair of the worker with parallel index n and worker index w (a worker that replaces a
 * failed one gets the same ports but a fresh database).
 */
export function pairOf(n: number, w: number): Pair {
  const port = basePort + portStep * n
  const id = `${path.basename(run)}-w${w}`
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    second: redis ? `http://127.0.0.1:${port + 1}` : undefined,
    data: path.join(run, `w${w}`),
    redisPrefix: `zf-e2e-${id}:`,
    roomPrefix: `${id}-`,
  }
}

/** This worker's pair (in the runner process, which starts no servers, the first worker's). */
export const pair = pairOf(Number(process.env.TEST_PARALLEL_INDEX || 0), Number(process.env.TEST_WORKER_INDEX || 0))

function env(p: Pair, port: number): NodeJS.ProcessEnv {
  const livekit = process.env.ZONEFAIR_TEST_LIVEKIT_URL || ''
  return {
    ...process.env,
    ZONEFAIR_ADDR: `127.0.0.1:${port}`,
    ZONEFAIR_BASE_URL: p.url,
    ZONEFAIR_DATA_DIR: p.data,
    ZONEFAIR_DATABASE_URL: `sqlite:${path.join(p.data, 'zonefair.db')}`,
    ZONEFAIR_SECRET: 'e2e-secret-0123456789-abcdefghijklmnop',
    ZONEFAIR_REDIS_URL: redis,
    ZONEFAIR_REDIS_PREFIX: p.redisPrefix,
    ZONEFAIR_LOG_LEVEL: 'warn',
    ZONEFAIR_LIVE_PING_INTERVAL: `${livePingMs}ms`,
    ZONEFAIR_LIVE_WRITE_TIMEOUT: `${liveWriteTimeoutMs}ms`,
    ZONEFAIR_LIVE_PONG_TIMEOUT: `${livePongTimeoutMs}ms`,
    // A video server (LiveKit) for the video specs, when the run has one (.ci/run starts it). All
    // pairs share it: the room prefix keeps their rooms apart, and each ignores the webhooks of
    // the others' rooms.
    ZONEFAIR_LIVEKIT_URL: livekit,
    ZONEFAIR_LIVEKIT_API_KEY: livekit ? process.env.ZONEFAIR_TEST_LIVEKIT_API_KEY || 'devkey' : '',
    ZONEFAIR_LIVEKIT_API_SECRET: livekit ? process.env.ZONEFAIR_TEST_LIVEKIT_API_SECRET || 'secret' : '',
    ZONEFAIR_LIVEKIT_ROOM_PREFIX: p.roomPrefix,
  }
}

const running = new Set<ChildProcess>()
process.on('exit', () => running.forEach((c) => c.kill('SIGKILL')))

function start(args: string[], e: NodeJS.ProcessEnv, log: number): ChildProcess {
  const c = spawn(bin, args, { env: e, stdio: ['ignore', log, log] })
  running.add(c)
  c.once('exit', () => running.delete(c))
  return c
}

function exited(c: ChildProcess): Promise<number | null> {
  return c.exitCode !== null || c.signalCode !== null ? Promise.resolve(c.exitCode) : new Promise((r) => c.once('exit', r))
}

async function healthy(c: ChildProcess, url: string, logFile: string) {
  const deadline = Date.now() + 60_000
  for (;;) {
    if (c.exitCode !== null) throw new Error(`zonefair serve for ${url} exited with ${c.exitCode}:\n${readFileSync(logFile, 'utf8').slice(-2000)}`)
    try {
      if ((await fetch(`${url}/healthz`)).ok) return
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`zonefair serve for ${url} did not become healthy; its log: ${logFile}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

async function stop(c: ChildProcess) {
  if (c.exitCode !== null || c.signalCode !== null) return
  const done = exited(c)
  c.kill('SIGTERM')
  const timer = setTimeout(() => c.kill('SIGKILL'), 15_000)
  await done
  clearTimeout(timer)
}

/**
 * Seeds the pair's database with the demo data and starts its instances (the second once the
 * first serves); the returned function stops them and removes their Redis keys. Their output
 * goes to servers.log in the data directory.
 */
export async function startPair(p: Pair): Promise<() => Promise<void>> {
  mkdirSync(p.data, { recursive: true })
  const logFile = path.join(p.data, 'servers.log')
  const log = openSync(logFile, 'a')
  const procs: ChildProcess[] = []
  const stopAll = async () => {
    await Promise.all(procs.map(stop))
    closeSync(log)
    if (redis) removeKeys(redis, `${p.redisPrefix}*`)
  }
  try {
    const seed = start(['seed-demo'], env(p, p.port), log)
    const code = await exited(seed)
    if (code !== 0) throw new Error(`zonefair seed-demo exited with ${code}:\n${readFileSync(logFile, 'utf8').slice(-2000)}`)
    for (const [port, url] of [[p.port, p.url], ...(p.second ? [[p.port + 1, p.second]] : [])] as [number, string][]) {
      const c = start(['serve'], env(p, port), log)
      procs.push(c)
      await healthy(c, url, logFile)
    }
  } catch (e) {
    await stopAll()
    throw e
  }
  return stopAll
}

/** Deletes the shared Redis's keys that match pattern. */
export function removeKeys(url: string, pattern: string) {
  try {
    const keys = execFileSync('redis-cli', ['-u', url, '--scan', '--pattern', pattern], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
    for (let i = 0; i < keys.length; i += 500) execFileSync('redis-cli', ['-u', url, 'DEL', ...keys.slice(i, i + 500)])
  } catch (e) {
    console.warn(`could not remove the run's Redis keys (${pattern}): ${(e as Error).message}`)
  }
}
