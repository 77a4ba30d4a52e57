// Browser test of the live engine in a briefing room: two logged-in investors see each other's
// chat messages; one goes offline and comes back without missing any (offsets consecutive).
import type { Browser, Page } from '@playwright/test'
import { demoPassword, expect, logIn, test } from './helpers'

async function say(page: Page, text: string) {
  await page.getByTestId('live-input').fill(text)
  await page.getByTestId('live-send').click()
  await expect(page.getByTestId('live-input')).toHaveValue('')
}

async function investor(browser: Browser, email?: string) {
  const context = await browser.newContext()
  const page = await context.newPage()
  if (email) {
    await logIn(page, email, demoPassword)
  } else {
    const res = await page.request.post('/api/v1/auth/register', {
      data: { email: `live-${Date.now()}@example.com`, password: demoPassword, name: 'Second Investor', role: 'investor', locale: 'en', organization: '', country: 'Japan' },
    })
    expect(res.ok(), await res.text()).toBeTruthy()
  }
  return { context, page }
}

test('two pages share a room, and a page that was offline misses nothing', async ({ browser, request }) => {
  const list = await (await request.get('/api/v1/briefings?phase=live')).json()
  const room = `/briefings/${list.items[0].id}/live`
  const run = `r${Date.now() % 100000}`
  const a = (await investor(browser, 'investor@zonefair.test')).page
  const { context: bContext, page: b } = await investor(browser)
  for (const p of [a, b]) {
    await p.goto(room)
    await p.getByRole('tab', { name: /^(Chat|聊天)/ }).click()
    await expect(p.getByTestId('live-input')).toBeEnabled()
  }
  // Only this run's messages: the room also holds the seed's chat.
  const mine = (p: Page) => p.getByTestId('live-message').filter({ hasText: run })

  await say(a, `${run} hello from A`)
  await say(b, `${run} hello from B <b>not bold</b>`)
  for (const p of [a, b]) {
    await expect(mine(p).locator('span')).toHaveText([`${run} hello from A`, `${run} hello from B <b>not bold</b>`])
  }
  // Text stays text: no element was created from the message.
  await expect(b.getByTestId('live-messages').locator('b')).toHaveCount(0)

  await bContext.setOffline(true)
  await expect(b.getByTestId('live-status')).toHaveAttribute('data-state', 'offline')
  for (let i = 1; i <= 5; i++) await say(a, `${run} while B was away ${i}`)
  await bContext.setOffline(false)
  await expect(b.getByTestId('live-status')).toHaveCount(0)

  const all = [`${run} hello from A`, `${run} hello from B <b>not bold</b>`, ...[1, 2, 3, 4, 5].map((i) => `${run} while B was away ${i}`)]
  await expect(mine(b).locator('span')).toHaveText(all)
  await say(b, `${run} back`)
  await expect(mine(a).locator('span')).toHaveText([...all, `${run} back`])
  // Offsets are consecutive on both pages: nothing skipped, nothing twice.
  for (const p of [a, b]) {
    const offs = await mine(p).evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-offset'))))
    expect(offs.every((o) => o > 0)).toBe(true)
    expect(offs).toEqual(offs.map((_, i) => offs[0]! + i))
  }
})
