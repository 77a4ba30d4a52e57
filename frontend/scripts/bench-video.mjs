// Load figure for the video server: one presenter publishes Chromium's fake camera to a LiveKit
// room and N subscribers (pages in one headless Chromium) watch it; for each N it checks every
// subscriber plays the video (a size and advancing time) and samples the LiveKit process's CPU
// and memory over a fixed window. Tokens are signed here with the server's key pair.
//
//   node scripts/bench-video.mjs --url ws://127.0.0.1:7880 --pid <livekit pid> --steps 5,10,20
import { createHmac } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { chromium } from '@playwright/test'

const { values: o } = parseArgs({
  options: {
    url: { type: 'string', default: 'ws://127.0.0.1:7880' },
    key: { type: 'string', default: 'devkey' },
    secret: { type: 'string', default: 'secret' },
    pid: { type: 'string' },
    steps: { type: 'string', default: '5,10,20' },
    window: { type: 'string', default: '20' },
    quality: { type: 'string', default: 'low' },
    chromium: { type: 'string', default: process.env.ZONEFAIR_TEST_CHROMIUM || '/usr/bin/chromium' },
  },
})
if (!o.pid) throw new Error('--pid of the livekit-server process is required')
const umd = new URL('../node_modules/livekit-client/dist/livekit-client.umd.js', import.meta.url).pathname
const b64 = (v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url')

function token(identity, room, publish) {
  const now = Math.floor(Date.now() / 1000)
  const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ iss: o.key, sub: identity, nbf: now, exp: now + 3600, video: { room, roomJoin: true, canPublish: publish, canSubscribe: true } })}`
  return `${body}.${createHmac('sha256', o.secret).update(body).digest('base64url')}`
}

// CPU seconds (user + system) and resident MiB of the server process.
function usage() {
  const stat = readFileSync(`/proc/${o.pid}/stat`, 'utf8').split(') ')[1].split(' ')
  const ticks = Number(stat[11]) + Number(stat[12])
  const rss = Number(readFileSync(`/proc/${o.pid}/statm`, 'utf8').split(' ')[1]) * 4096
  return { cpu: ticks / 100, mib: rss / 2 ** 20 }
}

async function join(browser, identity, room, publish) {
  const page = await (await browser.newContext()).newPage()
  // A page of the video server's own origin: no cross-origin or private-network rules apply.
  await page.goto(o.url.replace(/^ws/, 'http'))
  await page.addScriptTag({ path: umd })
  await page.evaluate(
    async ({ url, tok, publish, quality }) => {
      const { Room, RoomEvent, Track, VideoQuality } = window.LivekitClient
      const room = new Room({ adaptiveStream: false, dynacast: true })
      room.on(RoomEvent.TrackSubscribed, (track, pub) => {
        if (track.kind !== Track.Kind.Video) return
        pub.setVideoQuality({ low: VideoQuality.LOW, medium: VideoQuality.MEDIUM, high: VideoQuality.HIGH }[quality])
        const v = track.attach()
        v.id = 'watched'
        document.body.appendChild(v)
      })
      await room.connect(url, tok)
      if (publish) await room.localParticipant.setCameraEnabled(true)
      window.room = room
    },
    { url: o.url, tok: token(identity, room, publish), publish, quality: o.quality },
  )
  return page
}

async function playing(page) {
  for (let i = 0; i < 60; i++) {
    const s = await page.evaluate(() => {
      const v = document.getElementById('watched')
      return v ? { w: v.videoWidth, t: v.currentTime } : null
    })
    if (s && s.w > 0) {
      const t0 = s.t
      for (let j = 0; j < 20; j++) {
        await page.waitForTimeout(250)
        if ((await page.evaluate(() => document.getElementById('watched').currentTime)) > t0) return true
      }
      return false
    }
    await page.waitForTimeout(500)
  }
  return false
}

const browser = await chromium.launch({
  executablePath: o.chromium,
  args: ['--no-sandbox', '--disable-gpu', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', '--autoplay-policy=no-user-gesture-required'],
})
const room = `bench-${Date.now()}`
const idle = usage()
await join(browser, 'presenter', room, true)
const pages = []
console.log('| subscribers | all playing | LiveKit CPU (of one core) | LiveKit RSS | load average |')
console.log('|---|---|---|---|---|')
for (const n of o.steps.split(',').map(Number)) {
  while (pages.length < n) pages.push(await join(browser, `viewer-${pages.length}`, room, false))
  const ok = (await Promise.all(pages.map(playing))).filter(Boolean).length
  const a = usage()
  const t0 = Date.now()
  await new Promise((r) => setTimeout(r, Number(o.window) * 1000))
  const b = usage()
  const cpu = ((b.cpu - a.cpu) / ((Date.now() - t0) / 1000)) * 100
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0]
  console.log(`| ${n} | ${ok}/${n} | ${cpu.toFixed(1)} % | ${b.mib.toFixed(0)} MiB | ${load} |`)
}
console.log(`(idle LiveKit before the room: ${idle.mib.toFixed(0)} MiB)`)
await browser.close()
