// Every role walks its main pages in both languages, on a laptop (1366 px) and a phone
// (375 px): the header's items never overlap, no notification falls back to the generic text,
// axe-core finds nothing serious or critical, and the browser console logs no error. Each page
// is saved as a screenshot (screenshots/roles-<role>-<page>-<width>-<locale>.png).
//
// The walk is a person's: one login (through the API: the login form has its own tests), one
// page load, then every page is reached through the app's router as a click on a link would,
// instead of loading the whole application again for each page and width.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { APIRequestContext, Page } from '@playwright/test'
import { demoPassword, expect, shot, switchLanguage, test, type UILocale } from './helpers'
import { expectHeaderFits } from './layout'

// Each walk is a test of its own, with nothing shared: they spread over the free workers instead
// of one worker walking them all (the longest file of the suite).
test.describe.configure({ mode: 'parallel' })

// axe-core runs inside the page under the site's own Content-Security-Policy: its source is
// evaluated through the DevTools protocol, not added as a script the policy would refuse.
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

interface Ids {
  zone: number
  fair: number
  boothZone: number
  job: number
  /** The logged-in user's zone (staff), else boothZone. */
  ownZone: number
}

interface Walk {
  name: string
  email: string | null
  pages: (ids: Ids) => [string, string][]
}

const roles: Walk[] = [
  {
    name: 'visitor',
    email: null,
    // The twelve main public pages.
    pages: (ids) => [
      ['home', '/'],
      ['zones', '/zones'],
      ['zone', `/zones/${ids.zone}`],
      ['fairs', '/fairs'],
      ['fair', `/fairs/${ids.fair}`],
      ['booth', `/fairs/${ids.fair}/booths/${ids.boothZone}`],
      ['jobs', '/jobs'],
      ['job', `/jobs/${ids.job}`],
      ['briefings', '/briefings'],
      ['projects', '/projects'],
      ['policies', '/policies'],
      ['rankings', '/rankings'],
    ],
  },
  {
    name: 'graduate',
    email: 'graduate@zonefair.test',
    pages: () => [
      ['home', '/'],
      ['applications', '/applications'],
      ['profile', '/profile'],
      ['chat', '/chat'],
      ['meetings', '/meetings'],
    ],
  },
  {
    name: 'investor',
    email: 'investor@zonefair.test',
    pages: () => [
      ['home', '/'],
      ['project-desk', '/projects/desk'],
      ['meetings', '/meetings'],
      ['agreements', '/signing'],
    ],
  },
  {
    name: 'enterprise-hr',
    email: 'hr.enterprise@zonefair.test',
    pages: (ids) => [
      ['hiring', '/employer/jobs'],
      ['applicants', '/employer/applicants'],
      ['chat', '/chat'],
      ['booth', `/fairs/${ids.fair}/booths/${ids.ownZone}`],
      ['agreements', '/signing'],
    ],
  },
  {
    name: 'zone-staff',
    email: 'staff.suzhou@zonefair.test',
    pages: () => [
      ['hiring', '/employer/jobs'],
      ['applicants', '/employer/applicants'],
      ['chat', '/chat'],
      ['analytics', '/analytics'],
      ['assessment', '/assessment'],
      ['monitoring', '/monitoring'],
    ],
  },
  {
    name: 'province-reviewer',
    email: 'province.jiangsu@zonefair.test',
    pages: () => [
      ['home', '/'],
      ['assessment', '/assessment'],
      ['monitoring', '/monitoring'],
      ['rankings', '/rankings'],
    ],
  },
  {
    name: 'ministry-admin',
    email: 'admin@zonefair.test',
    pages: () => [
      ['home', '/'],
      ['analytics', '/analytics'],
      ['assessment', '/assessment'],
      ['monitoring', '/monitoring'],
      ['outbox', '/admin/outbox'],
    ],
  },
]

const locales: UILocale[] = ['en', 'zh-CN']
const widths = [
  { width: 1366, height: 900 },
  { width: 375, height: 812 },
]
const generic = ['You have a new notification.', '您有一条新通知。']

async function demoIds(request: APIRequestContext): Promise<Ids> {
  const json = async (url: string) => {
    const r = await request.get(url)
    expect(r.status(), url).toBe(200)
    return r.json()
  }
  const zones = await json('/api/v1/zones')
  const fairs = await json('/api/v1/fairs')
  const fair = await json(`/api/v1/fairs/${fairs.items[0].id}`)
  const jobs = await json('/api/v1/jobs')
  const boothZone = fair.booths[0].zoneId
  const session = await json('/api/v1/auth/session')
  return { zone: zones.items[0].id, fair: fair.id, boothZone, job: jobs.items[0].id, ownZone: session.user?.zoneId ?? boothZone }
}

interface AxeViolation {
  id: string
  impact: string | null
  nodes: { target: string[]; failureSummary?: string }[]
}

/**
 * The serious and critical violations axe-core finds on the page as it is. axe-core first runs
 * without building a CSS selector for every element it checks (most of its time on a large
 * page); only when it finds something does it run again with them, to name the elements.
 */
async function axeProblems(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource)
  const run = (selectors: boolean) =>
    page.evaluate(async (selectors) => {
      const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: unknown[] }> } }).axe
      const r = await axe.run(document, { resultTypes: ['violations'], selectors })
      return r.violations
    }, selectors) as Promise<AxeViolation[]>
  const bad = (vs: AxeViolation[]) => vs.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  if (bad(await run(false)).length === 0) return []
  return bad(await run(true)).map((v) => `${v.id} (${v.impact}, ${v.nodes.length}): ${v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join(' | ')}`)
}

/** Counts the page's requests in flight (the live connection is a websocket, not counted). */
function trackRequests(page: Page): () => number {
  let n = 0
  page.on('request', () => n++)
  page.on('requestfinished', () => n--)
  page.on('requestfailed', () => n--)
  return () => n
}

/**
 * Goes to path through the app's router, as a link does, and waits until the page has
 * settled: no request in flight for a quarter of a second (what the page asks for once it is
 * shown included) and no loading mask.
 */
async function visit(page: Page, path: string, inFlight: () => number) {
  await page.evaluate(async (to) => {
    const app = (document.querySelector('#app') as unknown as { __vue_app__: { config: { globalProperties: { $router: { push: (p: string) => Promise<unknown> } } } } }).__vue_app__
    await app.config.globalProperties.$router.push(to)
  }, path)
  await expect(page).toHaveURL((u) => u.pathname === path)
  let quietSince = Date.now()
  await expect
    .poll(() => {
      if (inFlight() > 0) quietSince = Date.now()
      return Date.now() - quietSince >= 250
    }, { timeout: 20_000, intervals: [50] })
    .toBe(true)
  // A chart page lays out for a while after its data came (long on a loaded machine).
  await expect(page.locator('.el-loading-mask')).toHaveCount(0, { timeout: 30_000 })
}

for (const role of roles) {
  for (const locale of locales) {
    test(`the ${role.name} walks the main pages in ${locale} on a laptop and a phone`, async ({ page }) => {
      test.setTimeout(300_000)
      const consoleErrors: string[] = []
      let where = 'start'
      page.on('console', (m) => {
        if (m.type() === 'error') consoleErrors.push(`${where}: ${m.text()} ${m.location().url ?? ''}`)
      })
      const inFlight = trackRequests(page)
      if (role.email) {
        const r = await page.request.post('/api/v1/auth/login', { data: { email: role.email, password: demoPassword } })
        expect(r.status(), `log in as ${role.email}`).toBe(200)
      }
      await page.goto('/')
      if (role.email) await expect(page.getByTestId('user-menu')).toBeVisible()
      const ids = await demoIds(page.request)
      await switchLanguage(page, locale)
      if (role.email) {
        // Every notification the user has says what happened.
        await page.getByTestId('notif-bell').click()
        const list = page.locator('.notif-popper')
        await expect(list).toBeVisible()
        for (const g of generic) await expect(list).not.toContainText(g)
        await page.getByTestId('notif-bell').click()
        await expect(list).toBeHidden()
      }
      const problems: string[] = []
      for (const size of widths) {
        await page.setViewportSize(size)
        for (const [name, path] of role.pages(ids)) {
          where = `${name} ${path} ${locale} ${size.width}`
          await visit(page, path, inFlight)
          await expect(page.locator('html')).toHaveAttribute('lang', locale)
          await shot(page, `roles-${role.name}-${name}-${size.width}-${locale}`, { fullPage: false })
          await expectHeaderFits(page, where)
          const body = await page.locator('body').innerText()
          for (const g of generic) if (body.includes(g)) problems.push(`${where}: generic notification text`)
          // axe-core takes a while on a large page: every page on a laptop, and on a phone in
          // English (the phone layout's own elements are the same in both languages).
          if (size.width > 400 || locale === 'en') for (const p of await axeProblems(page)) problems.push(`${where}: ${p}`)
        }
      }
      expect(problems, 'axe-core: serious or critical violations').toEqual([])
      expect(consoleErrors, 'console errors').toEqual([])
    })
  }
}
