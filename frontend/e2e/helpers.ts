import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { test as base, expect, type APIRequestContext, type Page } from '@playwright/test'
import { pair, startPair, type Pair } from './servers'

const here = path.dirname(fileURLToPath(import.meta.url))
export const screenshotDir = path.resolve(here, '../../screenshots')
mkdirSync(screenshotDir, { recursive: true })
/**
 * Whether shot() saves pictures: yes, unless E2E_SCREENSHOTS=0. .ci/run says no: its clone is
 * thrown away with the pictures, which cost 15 % of Chromium's processor time in roles.spec.
 */
const saveShots = process.env.E2E_SCREENSHOTS !== '0'

export const demoPassword = 'Zonefair-demo-2026'

/**
 * The standard test: it runs against its worker's own server pair (started with the worker's
 * first test, stopped when the worker ends; servers.ts), and fails when a page throws an
 * uncaught error at any point.
 */
export const test = base.extend<object, { servers: Pair }>({
  servers: [
    async ({}, use) => {
      const stop = await startPair(pair)
      await use(pair)
      await stop()
    },
    { scope: 'worker', auto: true, timeout: 120_000 },
  ],
  baseURL: async ({ servers }, use) => use(servers.url),
  page: async ({ page }, use) => {
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await use(page)
    expect(errors, 'uncaught errors in the page').toEqual([])
  },
})
export { expect }

export type UILocale = 'en' | 'zh-CN'

/**
 * Waits until the page has settled (no requests in flight, no loading masks) and saves it,
 * whole unless fullPage is false (for open dialogs, whose overlay covers only the viewport).
 */
export async function shot(page: Page, name: string, opts: { fullPage?: boolean } = {}) {
  await page.waitForLoadState('networkidle')
  await expect(page.locator('.el-loading-mask')).toHaveCount(0)
  await page.evaluate(() => document.fonts.ready)
  if (saveShots) await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: opts.fullPage ?? true })
}

/**
 * Switches the UI language with the header control and checks it took effect. A click that
 * lands while the dropdown is still opening is tried again, as a person would: on the menu
 * if it is open, so that a retry never closes the menu it means to use.
 */
export async function switchLanguage(page: Page, to: UILocale) {
  const html = page.locator('html')
  const item = page.getByRole('menuitem', { name: to === 'zh-CN' ? '中文' : 'English' })
  await expect(async () => {
    if ((await html.getAttribute('lang')) !== to) {
      if (!(await item.isVisible())) await page.getByTestId('lang-switch').getByRole('button').click()
      await item.click({ timeout: 3_000 })
    }
    await expect(html).toHaveAttribute('lang', to, { timeout: 3_000 })
  }).toPass({ timeout: 20_000 })
}

/** The page fits the viewport: nothing sticks out sideways (the usual phone-layout bug). */
export async function expectNoHorizontalScroll(page: Page) {
  const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }))
  expect(scroll, 'page is wider than the viewport').toBeLessThanOrEqual(width)
}

export async function logIn(page: Page, email: string, password: string) {
  await page.goto('/login')
  await page.getByLabel(/^(Email|电子邮箱)$/).fill(email)
  await page.getByLabel(/^(Password|密码)$/).fill(password)
  await page.getByTestId('login-submit').click()
  await expect(page.getByTestId('user-menu')).toBeVisible()
}

/**
 * Logs out with the user menu. As with the language menu, a click that lands while the
 * dropdown is still opening (or being laid out again after a language switch) is tried again.
 */
export async function logOut(page: Page) {
  const login = page.getByTestId('header-login')
  await expect(async () => {
    if (!(await login.isVisible())) {
      await page.getByTestId('user-menu').getByRole('button').click({ timeout: 3_000 })
      await page.getByTestId('menu-logout').click({ timeout: 3_000 })
    }
    await expect(login).toBeVisible({ timeout: 3_000 })
  }).toPass({ timeout: 20_000 })
}

/** Calls the API as the request context's logged-in user, with its CSRF token; fails on an error status. */
export async function apiCall(req: APIRequestContext, method: string, path: string, data?: unknown) {
  const me = await req.get('/api/v1/auth/me')
  const token = (await me.json()).csrfToken as string
  const res = await req.fetch(`/api/v1${path}`, { method, data, headers: { 'X-CSRF-Token': token } })
  expect(res.ok(), `${method} ${path}: ${res.status()} ${await res.text()}`).toBeTruthy()
  return res.status() === 204 ? null : res.json()
}

/**
 * Creates a briefing of the logged-in zone staff member's zone, starting in a minute for an hour;
 * fields (its titles at least) replace the defaults: open to registered users, no questions.
 */
export async function newBriefing(req: APIRequestContext, fields: { titleZh: string; titleEn: string } & Record<string, unknown>) {
  const me = await (await req.get('/api/v1/auth/me')).json()
  const start = new Date(Date.now() + 60_000)
  return (await apiCall(req, 'POST', '/briefings', {
    agendaZh: '1. 概况',
    agendaEn: '1. Overview',
    startsAt: start.toISOString(),
    endsAt: new Date(start.getTime() + 3600_000).toISOString(),
    visibility: 'registered',
    capacity: 0,
    zoneIds: [me.user.zoneId],
    presenters: [{ name: 'Li Wei', title: 'Director', organization: 'SIP' }],
    registrationQuestions: [],
    ...fields,
  })) as { id: number }
}
