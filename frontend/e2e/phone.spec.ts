// Zone staff's and the ministry's pages on a phone (375 × 812), in both languages: no page is
// wider than the screen, and the tables that used to scroll sideways inside the page (the
// assessment's submissions, the project desk, monitoring, hiring, an agreement's audit trail)
// are cards. Each page is saved as screenshots/phone-<role>-<page>-<locale>.png.
import type { Page } from '@playwright/test'
import { demoPassword, expect, expectNoHorizontalScroll, logIn, shot, switchLanguage, test, type UILocale } from './helpers'

interface Stop {
  name: string
  path: string
  /** The tab to open once the page is there. */
  tab?: RegExp
  /** Lists that must be cards at this width: each one shows, and none scrolls sideways. */
  cards?: string[]
}

const zoneStaff: Stop[] = [
  { name: 'assessment', path: '/assessment', cards: ['submissions'] },
  { name: 'project-desk', path: '/projects/desk', cards: ['desk-projects'] },
  { name: 'project-leads', path: '/projects/desk', tab: /^(Leads|线索)/, cards: ['leads-board'] },
  { name: 'monitoring', path: '/monitoring', cards: ['monitor-zones', 'monitor-points'] },
  { name: 'hiring', path: '/employer/jobs', cards: ['employer-jobs'] },
  { name: 'applicants', path: '/employer/applicants', cards: ['applicants-table'] },
  { name: 'analytics', path: '/analytics' },
  { name: 'policy', path: '/policies/1' },
  { name: 'agreements', path: '/signing' },
  { name: 'audit-trail', path: '/signing/1', tab: /^(Audit trail|审计记录)$/, cards: ['audit-trail'] },
  { name: 'meetings', path: '/meetings' },
  { name: 'zone', path: '/zones/1' },
]

const ministry: Stop[] = [
  { name: 'assessment', path: '/assessment', cards: ['submissions'] },
  { name: 'monitoring', path: '/monitoring', cards: ['monitor-zones'] },
  { name: 'project-desk', path: '/projects/desk', cards: ['desk-projects'] },
  { name: 'analytics', path: '/analytics' },
  { name: 'outbox', path: '/admin/outbox' },
  { name: 'hiring', path: '/employer/jobs', cards: ['employer-jobs'] },
]

const roles = [
  { name: 'zone-staff', email: 'staff.suzhou@zonefair.test', stops: zoneStaff },
  { name: 'ministry-admin', email: 'admin@zonefair.test', stops: ministry },
]
const locales: UILocale[] = ['en', 'zh-CN']

/** Elements inside the list that scroll sideways (a table wider than its box). */
async function sidewaysScrollers(page: Page, testid: string): Promise<string[]> {
  return page.getByTestId(testid).first().evaluate((root) => {
    const out: string[] = []
    for (const el of [root, ...Array.from(root.querySelectorAll('*'))]) {
      const x = getComputedStyle(el).overflowX
      if ((x === 'auto' || x === 'scroll') && el.scrollWidth > el.clientWidth + 1) out.push(`${el.className} ${el.scrollWidth} > ${el.clientWidth}`)
    }
    return out
  })
}

// Each test only reads: they run side by side on the workers' own servers.
test.describe.configure({ mode: 'parallel' })

for (const role of roles) {
  for (const locale of locales) {
    test(`the ${role.name}'s pages fit a phone in ${locale}`, async ({ page }) => {
      test.setTimeout(180_000)
      await logIn(page, role.email, demoPassword)
      await switchLanguage(page, locale)
      await page.setViewportSize({ width: 375, height: 812 })
      for (const stop of role.stops) {
        await page.goto(stop.path)
        await expect(page.locator('html')).toHaveAttribute('lang', locale)
        if (stop.tab) await page.getByRole('tab', { name: stop.tab }).click()
        for (const id of stop.cards ?? []) {
          const list = page.getByTestId(id).first()
          await expect(list, `${stop.name}: ${id}`).toBeVisible()
          // Cards, not a table: el-table's body is what scrolled sideways.
          await expect(list, `${stop.name}: ${id} is still a table`).not.toHaveClass(/\bel-table\b/)
          await expect(list.locator('.el-table'), `${stop.name}: ${id} still holds a table`).toHaveCount(0)
        }
        await shot(page, `phone-${role.name}-${stop.name}-${locale}`, { fullPage: false })
        await expectNoHorizontalScroll(page)
        for (const id of stop.cards ?? []) expect(await sidewaysScrollers(page, id), `${stop.name}: ${id} scrolls sideways`).toEqual([])
      }
    })
  }
}
