// Policies and monitoring end to end: an investor subscribes to a topic, zone staff publish a
// matching policy through the form, and the investor is told at once and reads it; then zone
// staff report a month whose exports fell sharply and the alert appears live on the
// dashboards of Jiangsu's reviewer and of the ministry. Screenshots of every page in both
// languages go to ../screenshots/.
import type { Browser, Page } from '@playwright/test'
import { demoPassword, expect, expectNoHorizontalScroll, logIn, shot, switchLanguage, test } from './helpers'

const staff = 'staff.suzhou@zonefair.test'
const investor = 'investor@zonefair.test'
const admin = 'admin@zonefair.test'
const jiangsu = 'province.jiangsu@zonefair.test'

async function logInEnglish(page: Page, email: string) {
  await logIn(page, email, demoPassword)
  if ((await page.locator('html').getAttribute('lang')) !== 'en') await switchLanguage(page, 'en')
}

async function newUser(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage()
  await logInEnglish(page, email)
  return page
}

/** The text box of a form control, whether the test id sits on the box or on its wrapper. */
function field(page: Page, id: string) {
  return page.locator(`input[data-testid="${id}"], [data-testid="${id}"] input`).first()
}

/** The month before the current one, as YYYY-MM. */
function lastMonth(): string {
  const now = new Date()
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7)
}

test('an investor subscribed to a topic is told of a new matching policy and reads it', async ({ page: inv, browser }) => {
  test.setTimeout(180_000)
  await logInEnglish(inv, investor)
  await inv.goto('/policies')
  await expect(inv.getByTestId('policy-card').first()).toBeVisible()
  // Expired policies are not shown as current: the default list holds none.
  await expect(inv.getByTestId('policy-state-tag').filter({ hasText: 'Expired' })).toHaveCount(0)
  await inv.getByTestId('sub-topic-land').click()
  await expect(inv.getByTestId('sub-topic-land')).toHaveClass(/is-checked/)
  await shot(inv, 'policies-en')

  // Chinese search with two characters finds the rent policies.
  await inv.getByTestId('policy-q').fill('房租')
  await inv.getByTestId('policy-search').click()
  await expect(inv.getByTestId('policy-card').first()).toContainText(/rent/i)
  await inv.goto('/policies?state=expired')
  await expect(inv.getByTestId('policy-state-tag').first()).toHaveText('Expired')
  await inv.getByTestId('policy-card').first().click()
  await expect(inv.getByTestId('policy-expired')).toBeVisible()
  await shot(inv, 'policy-expired-en')
  // The industry filter reaches the search (a policy naming no industry is for every one).
  const byIndustry = inv.waitForRequest((r) => r.url().includes('/api/v1/policies?') && r.url().includes('industry=biomedicine'))
  await inv.goto('/policies?industry=biomedicine')
  await byIndustry
  await expect(inv.getByTestId('policy-industry')).toContainText('Biomedicine')
  await expect(inv.getByTestId('policy-card').first()).toBeVisible()
  await inv.goto('/policies')

  // Zone staff draft and publish a land policy through the form.
  const z = await newUser(browser, staff)
  await z.goto('/policies')
  await z.getByTestId('policy-new').click()
  const title = `Industrial land price concession ${Date.now()}`
  await z.getByTestId('pf-titleZh').fill('工业用地出让价格优惠')
  await z.getByTestId('pf-titleEn').fill(title)
  await z.getByTestId('pf-issuerZh').fill('苏州工业园区国土规划局')
  await z.getByTestId('pf-issuerEn').fill('SIP Land and Planning Bureau')
  await z.getByTestId('pf-summaryZh').fill('对外资先进制造业项目，工业用地出让底价可按所在地土地等别对应标准的70%执行。')
  await z.getByTestId('pf-summaryEn').fill('Foreign-invested advanced manufacturing projects may buy industrial land at 70 % of the benchmark price.')
  await z.getByTestId('pf-topics').getByText('Land').click()
  await shot(z, 'policy-form-en')
  await z.getByTestId('pf-publish').click()
  await expect(z.getByTestId('policy-title')).toHaveText(title)

  // The investor is told at once: the bell counts it, the panel lists it, the page shows it.
  await expect(inv.getByTestId('notif-count').locator('sup')).toBeVisible()
  const latest = inv.getByTestId('policy-latest').getByRole('link', { name: title })
  await expect(latest).toBeVisible()
  await inv.getByTestId('notif-bell').click()
  await expect(inv.getByTestId('notif-item').filter({ hasText: `New policy: ${title}` })).toHaveCount(1)
  await inv.waitForTimeout(400) // the popover's fade-in
  await shot(inv, 'policy-notification-en', { fullPage: false })
  await inv.getByTestId('notif-bell').click()
  await expect(inv.locator('.notif-popper')).toBeHidden()
  await latest.click()
  await expect(inv.getByTestId('policy-title')).toHaveText(title)
  await expect(inv.getByTestId('policy-page')).toContainText('70 %')
  await shot(inv, 'policy-en')
  await switchLanguage(inv, 'zh-CN')
  await expect(inv.getByTestId('policy-title')).toHaveText('工业用地出让价格优惠')
  await shot(inv, 'policy-zh')
  await inv.goto('/policies')
  await expect(inv.getByTestId('policy-card').first()).toBeVisible()
  await shot(inv, 'policies-zh')

  // Packages, and phones.
  await inv.goto('/policies?tab=packages')
  await inv.getByTestId('package-card').first().click()
  await expect(inv.getByTestId('policy-card').first()).toBeVisible()
  await shot(inv, 'policy-package-zh')
  await switchLanguage(inv, 'en')
  await shot(inv, 'policy-package-en')

  // A zone's page offers its packages.
  const packages = (await (await inv.request.get('/api/v1/policy-packages')).json()) as { id: number; zoneId: number; titleEn: string }[]
  const pk = packages[0]!
  await inv.goto(`/zones/${pk.zoneId}`)
  const card = inv.getByTestId('zone-packages')
  await expect(card).toContainText(pk.titleEn)
  await shot(inv, 'zone-packages-en')
  await card.getByRole('link', { name: pk.titleEn }).click()
  await expect(inv).toHaveURL(new RegExp(`/policies/packages/${pk.id}$`))
  await expect(inv.getByTestId('policy-card').first()).toBeVisible()
  await inv.setViewportSize({ width: 390, height: 800 })
  await inv.goto('/policies')
  await expect(inv.getByTestId('policy-card').first()).toBeVisible()
  await expectNoHorizontalScroll(inv)
  await shot(inv, 'policies-mobile-en')
  await switchLanguage(z, 'zh-CN')
  await z.goto('/policies/new')
  await shot(z, 'policy-form-zh')
})

test('a sharply dropped month raises an alert that reaches the province and the ministry live', async ({ page: prov, browser }) => {
  test.setTimeout(180_000)
  await logInEnglish(prov, jiangsu)
  await prov.goto('/monitoring')
  await expect(prov.getByTestId('monitor-zones')).toBeVisible()
  const min = await newUser(browser, admin)
  await min.goto('/monitoring')
  await expect(min.getByTestId('monitor-zones')).toBeVisible()
  await shot(min, 'monitoring-admin-en')
  const alertFor = (p: Page) => p.getByTestId('alert-item').filter({ hasText: 'Suzhou Industrial Park' }).filter({ hasText: 'exports' })
  await expect(alertFor(prov)).toHaveCount(0)

  // Suzhou's staff report last month with exports collapsed.
  const z = await newUser(browser, staff)
  await z.goto('/monitoring')
  await expect(z.getByTestId('monitor-report')).toBeVisible()
  const fill = async (id: string, v: string) => {
    const input = field(z, id)
    await input.fill(v)
    await input.blur()
  }
  await fill('report-imports', '420000')
  await fill('report-exports', '120000')
  await fill('report-fdiContracted', '50000')
  await fill('report-fdiActual', '20000')
  await expect(field(z, 'report-month')).toHaveValue(lastMonth())
  await z.getByTestId('report-submit').click()
  await expect(z.getByText(`Report for ${lastMonth()} submitted.`)).toBeVisible()

  // Both dashboards show it without a reload.
  for (const p of [prov, min]) {
    await expect(alertFor(p)).toHaveCount(1)
    await expect(alertFor(p)).toContainText(lastMonth())
  }
  await shot(prov, 'monitoring-province-en')
  await alertFor(prov).getByTestId('alert-ack').click()
  await expect(alertFor(prov)).toHaveCount(0) // the list shows open alerts
  await z.getByTestId('monitor-points').waitFor()
  await z.evaluate(() => window.scrollTo(0, 0))
  await shot(z, 'monitoring-zone-en')
  // The ministry makes Dalian a key zone: it joins the zones that report.
  await expect(min.getByTestId('monitor-zones')).not.toContainText('Dalian')
  await min.getByTestId('monitor-key-zones').click()
  await min.keyboard.type('Dalian')
  await min.getByRole('option', { name: /Dalian/ }).click()
  await min.keyboard.press('Escape')
  await min.getByTestId('monitor-key-zones-save').click()
  await expect(min.getByTestId('monitor-zones')).toContainText('Dalian')
  await shot(min, 'monitoring-keyzones-en')
  await switchLanguage(min, 'zh-CN')
  await expect(min.getByTestId('monitor-zones')).toBeVisible()
  await shot(min, 'monitoring-admin-zh')
  await switchLanguage(z, 'zh-CN')
  await z.evaluate(() => window.scrollTo(0, 0))
  await shot(z, 'monitoring-zone-zh')
  await z.setViewportSize({ width: 390, height: 800 })
  await expectNoHorizontalScroll(z)
})
