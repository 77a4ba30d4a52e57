// The live briefing's external stream when it cannot be played: an address that does not answer
// is said to be unplayable within a few seconds, and the player keeps trying it. The stream's
// requests never leave the browser: the test answers them (not at all, then with a network
// error) and counts them. Screenshots: screenshots/stream-failed-<locale>-<width>.png.
import { apiCall, demoPassword, expect, logIn, newBriefing, shot, switchLanguage, test } from './helpers'

const streamUrl = 'https://stream.zonefair.invalid/live/briefing.mp4'

test('an unplayable stream is said so within a few seconds and tried again', async ({ page }) => {
  test.setTimeout(120_000)
  await logIn(page, 'staff.suzhou@zonefair.test', demoPassword)
  const b = await newBriefing(page.request, { titleZh: `外部直播 ${Date.now()}`, titleEn: `External stream ${Date.now()}`, streamUrl })
  await apiCall(page.request, 'POST', `/briefings/${b.id}/start`)

  // The first request is never answered (a host that does not respond); the later ones fail.
  let requests = 0
  await page.route('https://stream.zonefair.invalid/**', async (route) => {
    requests++
    if (requests > 1) await route.abort('addressunreachable')
  })
  await page.goto(`/briefings/${b.id}/live`)
  const player = page.getByTestId('stream')
  await expect(player).toHaveAttribute('data-kind', 'video')
  await expect.poll(() => requests).toBeGreaterThanOrEqual(1)
  // Said within a few seconds, though the address never answered.
  const notice = page.getByTestId('stream-failed')
  await expect(notice).toBeVisible({ timeout: 10_000 })
  await expect(notice).toContainText('The stream cannot be played here.')
  await expect(notice.getByRole('link')).toHaveAttribute('href', streamUrl)
  // And tried again, with the notice still up while it fails.
  await expect.poll(() => requests, { timeout: 30_000 }).toBeGreaterThanOrEqual(2)
  await expect(notice).toBeVisible()

  for (const lang of ['en', 'zh-CN'] as const) {
    await switchLanguage(page, lang)
    for (const [w, h] of [
      [1366, 900],
      [375, 812],
    ] as const) {
      await page.setViewportSize({ width: w, height: h })
      await player.scrollIntoViewIfNeeded()
      await expect(notice).toBeVisible()
      await shot(page, `stream-failed-${lang}-${w}`, { fullPage: false })
    }
  }
  await expect(notice).toContainText('此处无法播放直播。')
})
