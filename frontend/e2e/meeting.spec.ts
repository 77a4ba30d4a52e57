// Meetings end to end, in a Chromium started with fake camera and microphone: the employer
// publishes an interview slot, the invited graduate books it (after giving up the demo
// booking), both pass the device check and meet in the room — the peer connection is
// established and video frames arrive — they chat, and the interviewer records an outcome the
// graduate sees at once (the graduate uses the second server instance when the run has one,
// so signalling and live updates cross instances). A third user is refused. Then the walk-up queue at a booth: the
// graduate joins, the zone's staff take them into a room. Screenshots in English and Chinese.
import { chromium, type Browser, type BrowserContextOptions, type Page } from '@playwright/test'
import { demoPassword, expect, expectNoHorizontalScroll, logIn, shot as saveShot, switchLanguage, test } from './helpers'
import { fakeMediaArgs } from './camera'
import { chromiumLaunch } from './chromium'
import { pair, run } from './servers'

declare global {
  interface Window {
    __zfPeers?: RTCPeerConnection[]
  }
}

const employer = 'hr.enterprise@zonefair.test'
const graduate = 'graduate@zonefair.test'
const stranger = 'investor@zonefair.test'
const zoneStaff = 'staff.suzhou@zonefair.test'

let browser: Browser
const pageErrors: string[] = []

test.beforeAll(async () => {
  browser = await chromium.launch({ ...chromiumLaunch, args: [...chromiumLaunch.args, ...fakeMediaArgs(run)] })
})
test.afterAll(async () => {
  await browser?.close()
  expect(pageErrors, 'uncaught errors in the pages').toEqual([])
})

async function user(email: string, baseURL: string, opts: BrowserContextOptions = {}): Promise<Page> {
  const ctx = await browser.newContext({ baseURL, locale: 'en-US', viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce', ...opts })
  // These tests are of the peer-to-peer room; with a video server in the run (video.spec.ts)
  // the pages are told there is none, so the fallback stays covered.
  await ctx.route('**/api/v1/video', (r) => r.fulfill({ json: { enabled: false, url: '', maxStage: 4, maxMeeting: 16 } }))
  const page = await ctx.newPage()
  page.on('pageerror', (e) => pageErrors.push(`${email}: ${e.message}`))
  await logIn(page, email, demoPassword)
  if ((await page.locator('html').getAttribute('lang')) !== 'en') await switchLanguage(page, 'en')
  return page
}

/**
 * A whole-page screenshot from the top: a page that a click scrolled (the outcome form, the chat)
 * would otherwise be captured with its sticky header drawn in the middle of the picture.
 */
async function shot(page: Page, name: string) {
  await page.evaluate(() => window.scrollTo(0, 0))
  await saveShot(page, name)
}

/** Wall time in zone tz, minutes from now, as the slot form takes it ("2026-03-03 10:00"). */
function wallIn(tz: string, minutes: number): string {
  const d = new Date(Date.now() + minutes * 60_000)
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
      .formatToParts(d)
      .map((x) => [x.type, x.value]),
  )
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`
}

/** The text box of an Element Plus input, whose test id may sit on the box or around it. */
function field(page: Page, id: string) {
  return page.locator(`input[data-testid="${id}"], textarea[data-testid="${id}"], [data-testid="${id}"] input, [data-testid="${id}"] textarea`).first()
}

async function connected(page: Page) {
  await page.waitForFunction(() => (window.__zfPeers ?? []).some((pc) => pc.connectionState === 'connected'), null, { timeout: 30_000 })
  await expect
    .poll(
      () =>
        page.evaluate(async () => {
          let frames = 0
          for (const pc of window.__zfPeers ?? []) {
            const stats = await pc.getStats()
            stats.forEach((s: { type: string; kind?: string; framesDecoded?: number }) => {
              if (s.type === 'inbound-rtp' && s.kind === 'video') frames += s.framesDecoded ?? 0
            })
          }
          return frames
        }),
      { timeout: 20_000 },
    )
    .toBeGreaterThan(0)
}

test('book an interview, meet by video with chat, record the outcome; strangers are refused', async ({ baseURL }) => {
  test.setTimeout(180_000)
  const hr = await user(employer, baseURL!, { timezoneId: 'Asia/Shanghai' })
  // On the second instance when the run has one: signalling then crosses instances.
  const grad = await user(graduate, pair.second || baseURL!, { timezoneId: 'Europe/Berlin' })

  // The employer publishes a slot starting in five minutes, Shanghai time.
  await hr.goto('/meetings?tab=slots')
  await field(hr, 'slot-title').fill('E2E interview')
  const start = hr.locator('.el-date-editor input')
  await start.fill(wallIn('Asia/Shanghai', 5))
  await start.press('Enter')
  await hr.getByRole('heading', { name: 'Publish slots' }).click()
  await hr.getByTestId('slot-publish').click()
  const published = hr.getByTestId('managed-slot').filter({ hasText: 'E2E interview' })
  await expect(published).toHaveCount(1)
  await expect(published).toContainText('0 of 1 booked')
  await shot(hr, 'meetings-slots-en')

  // The graduate's one invitation is booked in the demo: cancel that, then book the new slot.
  await grad.goto('/meetings')
  await expect(grad.getByTestId('my-meeting')).toHaveCount(1)
  await shot(grad, 'meetings-mine-en')
  await grad.getByTestId('cancel-booking').click()
  await grad.getByRole('button', { name: 'Cancel booking' }).last().click()
  await expect(grad.getByTestId('my-meeting')).toHaveCount(0)
  await grad.getByRole('tab', { name: 'Book a slot' }).click()
  const slot = grad.getByTestId('bookable-slot').filter({ hasText: 'E2E interview' })
  // Shown in the viewer's zone (Berlin) and the slot's (Shanghai).
  await expect(slot.getByTestId('time-slot')).toContainText('Asia/Shanghai')
  await shot(grad, 'meetings-book-en')
  await slot.getByTestId('book').click()
  await expect(grad).toHaveURL(/\/meetings\/room\/\d+$/)
  const roomUrl = new URL(grad.url()).pathname

  // Device check, then both join.
  await expect(grad.getByTestId('device-check')).toBeVisible()
  await expect(grad.getByTestId('room-join')).toBeVisible()
  await shot(grad, 'meeting-device-check-en')
  await grad.getByTestId('room-join').click()
  await hr.goto(roomUrl)
  await hr.getByTestId('room-join').click()
  await connected(grad)
  await connected(hr)
  await expect(grad.getByTestId('rtc-state')).toHaveText('Video connected')

  // Chat both ways; markup stays text.
  const hostile = '<b>Hello</b> 你好'
  await field(grad, 'room-chat-input').fill(hostile)
  await grad.getByTestId('room-chat-send').click()
  await expect(hr.getByTestId('room-chat')).toContainText(hostile)
  await expect(hr.getByTestId('room-chat').locator('b')).toHaveCount(0)
  await field(hr, 'room-chat-input').fill('Welcome, please introduce yourself.')
  await hr.getByTestId('room-chat-send').click()
  await expect(grad.getByTestId('room-chat')).toContainText('Welcome, please introduce yourself.')

  // The interviewer's notes are saved; the outcome reaches the graduate live.
  await field(hr, 'room-notes').fill('Clear answers on cost accounting.')
  await expect(hr.getByText('Saved', { exact: true })).toBeVisible()
  await shot(hr, 'meeting-room-host-en')
  await shot(grad, 'meeting-room-guest-en')
  await hr.getByTestId('room-outcome-choice').getByText('Offer').click()
  await field(hr, 'room-outcome-note').fill('We will send the offer letter today.')
  await hr.getByTestId('room-outcome-save').click()
  await expect(grad.getByTestId('room-outcome')).toContainText('Outcome: Offer')
  await expect(grad.getByTestId('room-outcome')).toContainText('We will send the offer letter today.')
  await grad.reload()
  await expect(grad.getByTestId('room-outcome')).toContainText('Outcome: Offer')

  // Someone else is refused, the page and the API alike.
  const other = await user(stranger, baseURL!)
  await other.goto(roomUrl)
  await expect(other.getByTestId('room-refused')).toBeVisible()
  await expect(other.getByTestId('device-check')).toHaveCount(0)
  const res = await other.request.get(`/api/v1/meeting-rooms/${roomUrl.split('/').pop()}`)
  expect(res.status()).toBe(404)
  await shot(other, 'meeting-refused-en')

  // Chinese.
  await switchLanguage(grad, 'zh-CN')
  await expect(grad.getByTestId('room-outcome')).toContainText('结果：录用')
  await shot(grad, 'meeting-room-guest-zh')
  await switchLanguage(hr, 'zh-CN')
  await grad.goto('/meetings')
  await expect(grad.getByTestId('past-outcome')).toContainText('录用')
  // The graduate has left an ended meeting: the interviewer's page says it ended, not that it waits.
  await expect(hr.getByTestId('room-ended')).toHaveText('会议已结束。')
  await shot(hr, 'meeting-room-host-zh')
  await shot(grad, 'meetings-mine-zh')
  await hr.goto('/meetings?tab=slots')
  await expect(hr.getByTestId('managed-slot').first()).toBeVisible()
  await shot(hr, 'meetings-slots-zh')
  await switchLanguage(grad, 'en')
  await switchLanguage(hr, 'en')
  for (const p of [grad, hr, other]) await p.context().close()
})

test('walk-up queue at a booth: join, see the place, be taken into a room', async ({ baseURL }) => {
  test.setTimeout(120_000)
  const grad = await user(graduate, baseURL!)
  const staff = await user(zoneStaff, baseURL!)
  // The staff member's browser has no camera: the meeting must go on as text chat.
  await staff.addInitScript(() => {
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('no camera', 'NotFoundError'))
  })
  const fairs = await (await grad.request.get('/api/v1/fairs')).json()
  const fair = (fairs.items ?? fairs)[0]
  const zoneId = (await (await staff.request.get('/api/v1/auth/me')).json()).user.zoneId
  const booth = `/fairs/${fair.id}/booths/${zoneId}`

  await grad.goto(booth)
  await grad.getByTestId('queue-join').click()
  await expect(grad.getByTestId('queue-position')).toHaveText('You are number 1 in line')
  await expect(grad.getByTestId('queue-wait')).toBeVisible()
  await shot(grad, 'booth-queue-en')
  await staff.goto(booth)
  await expect(staff.getByTestId('queue-names')).toContainText('Chen Chen')
  await shot(staff, 'booth-queue-staff-en')
  await switchLanguage(grad, 'zh-CN')
  await expect(grad.getByTestId('queue-position')).toHaveText('您排在第 1 位')
  await shot(grad, 'booth-queue-zh')
  await switchLanguage(staff, 'zh-CN')
  await shot(staff, 'booth-queue-staff-zh')
  await switchLanguage(staff, 'en')
  await switchLanguage(grad, 'en')

  await staff.getByTestId('queue-next').click()
  await expect(staff).toHaveURL(/\/meetings\/room\/\d+$/)
  await expect(grad).toHaveURL(new RegExp(new URL(staff.url()).pathname + '$'), { timeout: 20_000 })
  await expect(grad.getByTestId('room-title')).toContainText('Interview')
  await grad.getByTestId('room-join').click()
  await expect(staff.getByTestId('device-check')).toContainText('No camera or microphone was found.')
  await staff.getByTestId('room-join-text').click()
  await expect(staff.getByTestId('room-fallback')).toContainText('The meeting continues as text chat')
  await field(staff, 'room-chat-input').fill('Hello, no camera here today.')
  await staff.getByTestId('room-chat-send').click()
  await expect(grad.getByTestId('room-chat')).toContainText('Hello, no camera here today.')
  await shot(staff, 'meeting-room-text-only-en')

  // The graduate's page says the other joined without camera, rather than waiting for them.
  await expect(grad.getByTestId('room-no-video')).toContainText('Wang Fang', { timeout: 30_000 })

  // Phone layout of the room.
  await grad.setViewportSize({ width: 390, height: 844 })
  await expectNoHorizontalScroll(grad)
  await shot(grad, 'meeting-room-mobile-en')
})
