// A briefing room and a booth chat stay connected through idle spells of several keep-alive
// cycles: no websocket closes, none is opened again, no "reconnecting" is shown, and messages
// sent after the wait arrive on the same connection.
import type { Browser, Page, WebSocket } from '@playwright/test'
import { demoPassword, expect, logIn, test } from './helpers'
import { livePingMs } from './timers'

/** Counts the page's websockets and their closes from now on. */
function watchSockets(page: Page) {
  const seen = { opened: 0, closed: [] as string[] }
  page.on('websocket', (ws: WebSocket) => {
    seen.opened++
    ws.on('close', () => seen.closed.push(ws.url()))
  })
  return seen
}

async function loggedIn(browser: Browser, email: string) {
  const context = await browser.newContext({ locale: 'en-US' })
  const page = await context.newPage()
  await logIn(page, email, demoPassword)
  return page
}

test('a briefing room and a booth chat stay connected through idle keep-alive cycles', async ({ browser, request }) => {
  test.setTimeout(120_000)
  const run = `k${Date.now() % 100000}`

  const investor = await loggedIn(browser, 'investor@zonefair.test')
  const investorSockets = watchSockets(investor)
  const list = await (await request.get('/api/v1/briefings?phase=live')).json()
  await investor.goto(`/briefings/${list.items[0].id}/live`)
  await investor.getByRole('tab', { name: /^(Chat|聊天)/ }).click()
  await expect(investor.getByTestId('live-input')).toBeEnabled()

  const graduate = await loggedIn(browser, 'graduate@zonefair.test')
  const graduateSockets = watchSockets(graduate)
  await graduate.goto('/fairs')
  await graduate.getByTestId('fair-card').first().click()
  await graduate.getByTestId('booth-card').filter({ hasText: /Suzhou Industrial Park|苏州工业园区/ }).click()
  await graduate.getByTestId('booth-chat-open').click()
  await graduate.getByTestId('chat-input').fill(`${run} before the wait`)
  await graduate.getByTestId('chat-send').click()
  await expect(graduate.getByTestId('chat-body').filter({ hasText: `${run} before the wait` })).toBeVisible()

  const opened = { investor: investorSockets.opened, graduate: graduateSockets.opened }
  expect(opened.investor).toBeGreaterThan(0)
  expect(opened.graduate).toBeGreaterThan(0)

  // Idle for four ping cycles: each ping is followed by a spell longer than the write timeout.
  await investor.waitForTimeout(4 * livePingMs + livePingMs / 2)

  await investor.getByTestId('live-input').fill(`${run} after the wait`)
  await investor.getByTestId('live-send').click()
  await expect(investor.getByTestId('live-message').filter({ hasText: `${run} after the wait` })).toBeVisible()
  await graduate.getByTestId('chat-input').fill(`${run} after the wait`)
  await graduate.getByTestId('chat-send').click()
  await expect(graduate.getByTestId('chat-body').filter({ hasText: `${run} after the wait` })).toBeVisible()

  for (const [who, page, sockets] of [
    ['investor', investor, investorSockets],
    ['graduate', graduate, graduateSockets],
  ] as const) {
    await expect(page.getByTestId('live-status'), `${who} was shown a reconnect`).toHaveCount(0)
    expect(sockets.closed, `${who}'s websockets that closed`).toEqual([])
    expect(sockets.opened, `${who}'s websockets opened again`).toBe(opened[who])
  }
  await investor.context().close()
  await graduate.context().close()
})
