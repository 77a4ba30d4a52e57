// Browser test for the live engine: two pages in one room see each other's messages; one goes
// offline and comes back without missing any.
//
// Needs (decided at integration): a route that mounts src/live/RoomChat.vue for a channel both
// pages may join and publish to, e.g. /live-demo/:key → <RoomChat :channel="`bench:${key}`" />
// with the server started with ZONEFAIR_LIVE_BENCH=1 (anonymous join and publish), or a booth or
// briefing chat channel with the demo accounts logged in. Set LIVE_ROOM_PATH to that path.
// Move this file into frontend/e2e/ (the Playwright testDir) when wiring it in. (el-input puts
// data-testid on its <input>, so getByTestId('live-input') is the text box itself.)
import { expect, test, type Page } from '@playwright/test'

const roomPath = process.env.LIVE_ROOM_PATH || `/live-demo/e2e-${Date.now()}`

async function say(page: Page, text: string) {
  await page.getByTestId('live-input').fill(text)
  await page.getByTestId('live-send').click()
  await expect(page.getByTestId('live-input')).toHaveValue('')
}

const texts = (page: Page) => page.getByTestId('live-message').locator('span')

test('two pages share a room, and a page that was offline misses nothing', async ({ browser }) => {
  const a = await (await browser.newContext()).newPage()
  const bContext = await browser.newContext()
  const b = await bContext.newPage()
  await a.goto(roomPath)
  await b.goto(roomPath)

  await say(a, 'hello from A')
  await say(b, 'hello from B <b>not bold</b>')
  for (const p of [a, b]) {
    await expect(texts(p)).toHaveText(['hello from A', 'hello from B <b>not bold</b>'])
  }
  // Text stays text: no element was created from the message.
  await expect(b.getByTestId('live-messages').locator('b')).toHaveCount(0)

  await bContext.setOffline(true)
  await expect(b.getByTestId('live-status')).toHaveAttribute('data-state', 'offline')
  for (let i = 1; i <= 5; i++) await say(a, `while B was away ${i}`)
  await bContext.setOffline(false)
  await expect(b.getByTestId('live-status')).toHaveCount(0)

  const all = ['hello from A', 'hello from B <b>not bold</b>', ...[1, 2, 3, 4, 5].map((i) => `while B was away ${i}`)]
  await expect(texts(b)).toHaveText(all)
  await say(b, 'back')
  await expect(texts(a)).toHaveText([...all, 'back'])
  // Offsets are consecutive on both pages: nothing skipped, nothing twice.
  for (const p of [a, b]) {
    const offs = await p.getByTestId('live-message').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-offset'))))
    expect(offs).toEqual(offs.map((_, i) => offs[0]! + i))
  }
})
