// Video on the video server (LiveKit), with Chromium's fake camera: a zone host goes live from
// the briefing's room and two investors — on two instances when the run has a second — watch
// the host's video play; one raises a hand, is brought on stage and the other sees them; then
// a four-person meeting where everyone sees the three others, each connection's quality, and
// what one person's controls (mute, camera, screen, devices, leave) do on the others' pages.
// Screenshots of the stage and the call in both languages go to ../screenshots/. Skipped when
// the run has no video server.
import type { Browser, BrowserContext, Page } from '@playwright/test'
import { apiCall as call, demoPassword, expect, expectNoHorizontalScroll, logIn, newBriefing, shot, switchLanguage, test } from './helpers'
import { fakeMediaArgs } from './camera'
import { chromiumLaunch } from './chromium'
import { pair, run } from './servers'

const staff = 'staff.suzhou@zonefair.test'
const investor = 'investor@zonefair.test'
const second = pair.second

test.skip(!process.env.ZONEFAIR_TEST_LIVEKIT_URL, 'needs a video server: set ZONEFAIR_TEST_LIVEKIT_URL (.ci/run starts LiveKit)')
test.use({
  launchOptions: { ...chromiumLaunch, args: [...chromiumLaunch.args, ...fakeMediaArgs(run), '--autoplay-policy=no-user-gesture-required'] },
})

const contexts: BrowserContext[] = []
test.afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()))
})

/** A logged-in page in a context of its own (a demo account, or a new investor). */
async function person(browser: Browser, who: { email?: string; name?: string; baseURL?: string }): Promise<{ page: Page; id: number; email: string }> {
  const ctx = await browser.newContext({ ...(who.baseURL ? { baseURL: who.baseURL } : {}), permissions: ['camera', 'microphone'] })
  contexts.push(ctx)
  const page = await ctx.newPage()
  let email = who.email ?? ''
  if (email) {
    await logIn(page, email, demoPassword)
  } else {
    email = `investor-${Date.now()}-${Math.random().toString(36).slice(2, 7)}@example.com`
    const res = await page.request.post('/api/v1/auth/register', {
      data: { email, password: demoPassword, name: who.name ?? 'Investor', role: 'investor', locale: 'en', organization: 'Rhein Capital', country: 'Germany' },
    })
    expect(res.ok(), await res.text()).toBeTruthy()
    await page.goto('/')
  }
  await expect(page.getByTestId('user-menu')).toBeVisible()
  if ((await page.locator('html').getAttribute('lang')) !== 'en') await switchLanguage(page, 'en')
  const me = await (await page.request.get('/api/v1/auth/me')).json()
  return { page, id: me.user.id as number, email }
}

/** The page plays someone's camera: the video has a size and its time moves on. */
async function seesVideo(page: Page, userId: number) {
  const v = page.locator(`[data-testid="video-tile"][data-identity="user-${userId}"][data-source="camera"] video`)
  await expect(v).toBeVisible({ timeout: 30_000 })
  await expect.poll(() => v.evaluate((el: HTMLVideoElement) => el.videoWidth), { timeout: 30_000 }).toBeGreaterThan(0)
  const t0 = await v.evaluate((el: HTMLVideoElement) => el.currentTime)
  await expect.poll(() => v.evaluate((el: HTMLVideoElement) => el.currentTime), { timeout: 15_000 }).toBeGreaterThan(t0)
}

async function shots(page: Page, name: string) {
  for (const lang of ['en', 'zh-CN'] as const) {
    await switchLanguage(page, lang)
    for (const [w, h] of [
      [1366, 900],
      [375, 812],
    ] as const) {
      await page.setViewportSize({ width: w, height: h })
      if (w === 375) await expectNoHorizontalScroll(page)
      await shot(page, `${name}-${lang}-${w}`)
    }
  }
  await switchLanguage(page, 'en')
  await page.setViewportSize({ width: 1280, height: 800 })
}

test('a host goes live, two investors watch, one is brought on stage and seen by the other', async ({ browser }) => {
  test.setTimeout(240_000)
  const host = await person(browser, { email: staff })
  const b = await newBriefing(host.page.request, { titleZh: `视频推介会 ${Date.now()}`, titleEn: `Video briefing ${Date.now()}` })
  await call(host.page.request, 'POST', `/briefings/${b.id}/start`)

  // The host goes live from the room: camera and microphone.
  await host.page.goto(`/briefings/${b.id}/live`)
  await expect(host.page.getByTestId('stage-empty')).toBeVisible()
  await host.page.getByTestId('go-live').click()
  await seesVideo(host.page, host.id)
  await expect(host.page.getByTestId('call-controls')).toBeVisible()

  // Two registered investors, the second on the second instance, see the host's video.
  const a = await person(browser, { email: investor })
  const c = await person(browser, { name: 'Erika Müller', baseURL: second })
  if (second) expect(c.page.url()).toContain(second)
  for (const p of [a, c]) {
    await call(p.page.request, 'POST', `/briefings/${b.id}/registration`, { answers: {} })
    await p.page.goto(`/briefings/${b.id}/live`)
    await seesVideo(p.page, host.id)
    await expect(p.page.getByTestId('go-live')).toHaveCount(0) // attendees do not publish
    await expect(p.page.getByTestId('stage-volume')).toBeVisible()
  }
  // An investor who did not register gets no token.
  const stranger = await person(browser, { name: 'Nobody' })
  const refused = await stranger.page.request.post(`/api/v1/video/briefings/${b.id}/token`, {
    headers: { 'X-CSRF-Token': (await (await stranger.page.request.get('/api/v1/auth/me')).json()).csrfToken },
  })
  expect(refused.status()).toBe(403)

  // The first raises a hand; the host brings them on stage; the other investor sees them.
  await a.page.getByTestId('stage-hand').click()
  const row = host.page.locator(`[data-testid="stage-hand-row"][data-user="${a.id}"]`)
  await expect(row).toBeVisible()
  await shots(host.page, 'video-stage-host')
  await row.getByTestId('stage-bring-on').click()
  await expect(host.page.locator(`[data-testid="stage-presenter"][data-user="${a.id}"]`)).toBeVisible()
  await seesVideo(a.page, a.id)
  await seesVideo(c.page, a.id)
  await seesVideo(host.page, a.id)
  // The video server's signed webhooks recorded who was in the room and who was on stage.
  await expect
    .poll(async () => {
      const stays = (await call(host.page.request, 'GET', `/video/briefings/${b.id}/presence`)) as { userId: number; onStage: boolean }[]
      return [host.id, a.id, c.id].map((id) => stays.some((s) => s.userId === id && (id === c.id || s.onStage)))
    }, { timeout: 20_000 })
    .toEqual([true, true, true])
  await shots(c.page, 'video-stage-attendee')

  // Sent back: the others no longer see them.
  await host.page.locator(`[data-testid="stage-presenter"][data-user="${a.id}"]`).getByTestId('stage-send-back').click()
  await expect(c.page.locator(`[data-testid="video-tile"][data-identity="user-${a.id}"]`)).toHaveCount(0, { timeout: 20_000 })
  await seesVideo(c.page, host.id)
})

test('a four-person meeting: everyone sees the three others', async ({ browser }) => {
  test.setTimeout(360_000)
  const host = await person(browser, { email: staff })
  const slots = await call(host.page.request, 'POST', '/meeting-slots', {
    kind: 'negotiation',
    title: `Video negotiation ${Date.now()}`,
    startsAt: new Date(Date.now() + 5 * 60_000 + Math.floor(Math.random() * 600) * 60_000).toISOString(),
    timeZone: 'Asia/Shanghai',
    minutes: 60,
    bufferMinutes: 0,
  })
  const id = slots[0].id as number
  const guests = [await person(browser, { email: investor }), await person(browser, { name: 'Hans Weber', baseURL: second }), await person(browser, { name: 'Mia Chen' })]
  // The host invites the investor's team from the room.
  await host.page.goto(`/meetings/room/${id}`)
  for (const lang of ['zh-CN', 'en'] as const) {
    await switchLanguage(host.page, lang)
    // A click that lands while the language menu is still closing is tried again.
    await expect(async () => {
      await host.page.getByTestId('invite-open').click()
      await expect(host.page.getByTestId('invite-emails')).toBeVisible({ timeout: 3_000 })
    }).toPass({ timeout: 20_000 })
    await host.page.locator('textarea[data-testid="invite-emails"], [data-testid="invite-emails"] textarea').fill(guests.map((g) => g.email).join('\n'))
    await shot(host.page, `video-meeting-invite-${lang}`, { fullPage: false })
    if (lang === 'zh-CN') {
      await host.page.getByTestId('invite-dialog').getByRole('button', { name: '取消' }).click()
      await expect(host.page.getByTestId('invite-dialog')).toBeHidden()
    }
  }
  await host.page.getByTestId('invite-send').click()
  await expect(host.page.getByTestId('invite-dialog')).toBeHidden()
  await expect(host.page.getByText('Hans Weber').first()).toBeVisible()
  const all = [host, ...guests]
  for (const p of all) {
    await p.page.goto(`/meetings/room/${id}`)
    await p.page.getByTestId('room-join').click()
    await expect(p.page.getByTestId('meeting-call')).toBeVisible()
  }
  for (const p of all) {
    for (const other of all) if (other !== p) await seesVideo(p.page, other.id)
    await expect(p.page.getByTestId('meeting-call')).toHaveAttribute('data-people', '4')
  }
  // Call controls, as the others see them. The investor's tile on the host's page:
  const g = guests[0]!
  const tileOf = (p: Page, userId: number, source = 'camera') => p.locator(`[data-testid="video-tile"][data-identity="user-${userId}"][data-source="${source}"]`)
  const seen = tileOf(host.page, g.id)
  // Each connection's quality is measured and shown.
  await expect(seen).toHaveAttribute('data-quality', /^(excellent|good|poor)$/, { timeout: 30_000 })
  await expect(seen.getByTestId('video-quality')).toHaveAttribute('title', /connection/)
  // Muting shows on the others' tiles, and unmuting again.
  await expect(seen).toHaveAttribute('data-mic', 'on')
  await g.page.getByTestId('toggle-mic').click()
  await expect(g.page.getByTestId('toggle-mic')).toHaveAttribute('aria-pressed', 'false')
  await expect(seen).toHaveAttribute('data-mic', 'off')
  await expect(seen.getByTestId('tile-mic')).toHaveAttribute('aria-label', 'Microphone off')
  await expect(tileOf(guests[1]!.page, g.id)).toHaveAttribute('data-mic', 'off')
  await g.page.getByTestId('toggle-mic').click()
  await expect(seen).toHaveAttribute('data-mic', 'on')
  // Camera off: the others see the avatar instead of the video; on again: the video plays.
  await g.page.getByTestId('toggle-camera').click()
  await expect(g.page.getByTestId('toggle-camera')).toHaveAttribute('aria-pressed', 'false')
  await expect(seen.locator('video')).toBeHidden()
  await expect(seen.locator('.tile__off')).toBeVisible()
  await g.page.getByTestId('toggle-camera').click()
  await seesVideo(host.page, g.id)
  // Screen sharing adds a screen tile the others see, and stopping removes it.
  await g.page.getByTestId('toggle-screen').click()
  await expect(g.page.getByTestId('toggle-screen')).toHaveAttribute('aria-pressed', 'true')
  await expect(tileOf(host.page, g.id, 'screen').locator('video')).toBeVisible({ timeout: 30_000 })
  await g.page.getByTestId('toggle-screen').click()
  await expect(tileOf(host.page, g.id, 'screen')).toHaveCount(0, { timeout: 20_000 })
  // Choosing devices: the microphones and cameras are listed; another microphone becomes the one in use.
  await g.page.getByTestId('devices').click()
  const mics = g.page.locator('[data-testid="device-option"][data-kind="audioinput"]')
  await expect(mics.first()).toBeVisible()
  await expect(g.page.locator('[data-testid="device-option"][data-kind="videoinput"]').first()).toBeVisible()
  const other = mics.and(g.page.locator('[data-active="false"]')).first()
  const otherLabel = (await other.innerText()).trim()
  await other.click()
  await g.page.getByTestId('devices').click()
  await expect(mics.filter({ hasText: otherLabel }).first()).toHaveAttribute('data-active', 'true')
  await g.page.keyboard.press('Escape')
  await expect(seen).toHaveAttribute('data-mic', 'on')
  // Leaving: the others' call counts three, without the investor's tile; rejoining is offered.
  await g.page.getByTestId('call-leave').click()
  await expect(g.page.getByTestId('call-rejoin')).toBeVisible()
  await expect(host.page.getByTestId('meeting-call')).toHaveAttribute('data-people', '3', { timeout: 20_000 })
  await expect(tileOf(host.page, g.id)).toHaveCount(0)
  await shots(host.page, 'video-meeting')
})
