import type { Page } from '@playwright/test'
import { expect, expectNoHorizontalScroll, logIn, logOut, shot, switchLanguage, test, type UILocale } from './helpers'

const password = 'Graduate-e2e-2026!'

// A visitor whose system does not ask for less motion: the site's transitions play in full here
// (the other specs run as a person who asks for less, playwright.config.ts).
test.use({ reducedMotion: 'no-preference' })

/** Searches the zone directory for q and waits until the page shows that search's results. */
async function searchZones(page: Page, q: string) {
  await page.goto('/zones')
  await expect(page.getByTestId('zone-count')).toBeVisible()
  const searched = page.waitForResponse((r) => {
    const u = new URL(r.url())
    return u.pathname === '/api/v1/zones' && u.searchParams.get('q') === q
  })
  await page.getByTestId('zone-search').fill(q)
  await page.getByTestId('zone-search-submit').click()
  const { total } = (await (await searched).json()) as { total: number }
  await expect(page).toHaveURL(new RegExp(`[?&]q=${encodeURIComponent(q)}`))
  // Until the results come, the page still shows the whole directory's count and cards.
  await expect(page.getByTestId('zone-count')).toHaveText(new RegExp(`(^|\\D)${total}(\\D|$)`))
  await expect(page.getByTestId('zone-card').first()).toBeVisible()
}

async function openSuzhou(page: Page, locale: UILocale) {
  const name = locale === 'zh-CN' ? '苏州工业园区' : 'Suzhou Industrial Park'
  await searchZones(page, locale === 'zh-CN' ? '苏州' : 'Suzhou')
  const card = page.getByTestId('zone-card').filter({ hasText: name })
  await expect(card).toHaveCount(1)
  await card.click()
  await expect(page).toHaveURL(/\/zones\/\d+$/)
  await expect(page.getByTestId('zone-name')).toHaveText(name)
  return name
}

test('a graduate registers, logs out and in, switches language and explores zones', async ({ page }) => {
  // Sixteen whole-page screenshots, each after the network has gone quiet: beside the other
  // workers' browsers (the video calls above all) this takes a minute and more.
  test.setTimeout(120_000)
  const email = `graduate-${Date.now()}@example.com`

  // English first: the browser context says en-US.
  await page.goto('/')
  await expect(page.locator('html')).toHaveAttribute('lang', 'en')
  await expect(page.getByRole('heading', { level: 1 })).toContainText('national development zones')
  await shot(page, 'home-en')

  await page.getByTestId('header-register').click()
  await expect(page).toHaveURL(/\/register$/)
  await expect(page.getByText('created by invitation')).toBeVisible()
  await shot(page, 'register-en')

  // Client-side validation stops a short password before it reaches the server.
  await page.getByLabel('Full name').fill('Test Graduate')
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password', { exact: true }).fill('short')
  await page.getByLabel('Confirm password').fill('short')
  await page.getByTestId('register-submit').click()
  await expect(page.getByText('Use at least 10 characters.')).toBeVisible()
  await expect(page).toHaveURL(/\/register$/)

  await page.getByLabel('Password', { exact: true }).fill(password)
  await page.getByLabel('Confirm password').fill(password)
  await page.getByTestId('register-submit').click()
  await expect(page.getByTestId('user-menu')).toContainText('Test Graduate')

  await page.goto('/account')
  const main = page.locator('main')
  await expect(main.getByText(email)).toBeVisible()
  await expect(main.getByText('Graduate', { exact: true })).toBeVisible()
  await shot(page, 'account-en')

  // A server-side field error appears under its field.
  await page.getByLabel('Current password').fill('Not-my-password-1')
  await page.getByLabel('New password', { exact: true }).fill('Another-long-pass-1')
  await page.getByLabel('Confirm new password').fill('Another-long-pass-1')
  await page.getByRole('button', { name: 'Change password' }).click()
  await expect(page.locator('.el-form-item.is-error').filter({ hasText: 'Current password' })).toContainText('The current password is wrong.')

  await logOut(page)
  // The account page now needs a login and comes back after it.
  await page.goto('/account')
  await expect(page).toHaveURL(/\/login\?redirect=(%2F|\/)account$/)
  await shot(page, 'login-en')
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill('Wrong-password-123')
  await page.getByTestId('login-submit').click()
  await expect(page.locator('.el-message--error')).toBeVisible()
  await page.getByLabel('Password').fill(password)
  await page.getByTestId('login-submit').click()
  await expect(page).toHaveURL(/\/account$/)
  await expect(page.getByTestId('user-menu')).toContainText('Test Graduate')

  // Zone directory, English.
  await page.goto('/zones')
  await expect(page.getByTestId('zone-card').first()).toBeVisible()
  await shot(page, 'zones-en')
  await openSuzhou(page, 'en')
  await expect(page.getByText('Leading industries')).toBeVisible()
  await expect(page.getByTestId('enterprise').first()).toBeVisible()
  // A visitor of another role has no editing controls.
  await expect(page.getByTestId('zone-edit')).toHaveCount(0)
  await shot(page, 'zone-en')

  // The search is in the URL: reloading reproduces it.
  await searchZones(page, 'Suzhou')
  const before = await page.getByTestId('zone-count').textContent()
  await page.reload()
  await expect(page.getByTestId('zone-search')).toHaveValue('Suzhou')
  await expect(page.getByTestId('zone-count')).toHaveText(before ?? '')
  await shot(page, 'zones-search-en')

  // A region filter: the facet count shown on the option is the number of results.
  await page.goto('/zones')
  await page.getByTestId('filter-region').click()
  const option = page.locator('.el-select-dropdown__item:visible').filter({ hasText: 'Northeastern China' })
  const label = (await option.textContent()) ?? ''
  const n = Number(/\((\d+)\)/.exec(label)?.[1])
  expect(n).toBeGreaterThan(0)
  await option.click()
  await expect(page).toHaveURL(/[?&]region=northeast/)
  await expect(page.getByTestId('zone-count')).toHaveText(n === 1 ? '1 zone found' : `${n} zones found`)
  await expect(page.getByTestId('zone-card').first()).toContainText('Northeastern China')

  await page.goto('/no-such-page')
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible()
  await shot(page, 'notfound-en')

  // Switch to Chinese; the choice survives a reload.
  await page.goto('/')
  await switchLanguage(page, 'zh-CN')
  await expect(page.locator('.nav-desktop')).toContainText('开发区')
  await page.reload()
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('云招商 · 云招聘 · 云签约')
  await shot(page, 'home-zh-CN')

  await page.goto('/zones')
  await expect(page.getByTestId('zone-card').first()).toBeVisible()
  await shot(page, 'zones-zh-CN')
  await openSuzhou(page, 'zh-CN')
  await expect(page.getByText('主导产业')).toBeVisible()
  await shot(page, 'zone-zh-CN')
  await searchZones(page, '苏州')
  await shot(page, 'zones-search-zh-CN')

  await page.goto('/account')
  await expect(page.getByRole('heading', { name: '我的账户' })).toBeVisible()
  await shot(page, 'account-zh-CN')
  await page.goto('/no-such-page')
  await expect(page.getByRole('heading', { name: '页面不存在' })).toBeVisible()
  await shot(page, 'notfound-zh-CN')

  await logOut(page)
  await page.goto('/login')
  await shot(page, 'login-zh-CN')
  await page.goto('/register')
  await expect(page.getByText('通过邀请创建')).toBeVisible()
  await shot(page, 'register-zh-CN')

  // The same email again: the server's conflict is shown under the email field.
  await page.getByLabel('姓名').fill('重复注册')
  await page.getByLabel('电子邮箱').fill(email)
  await page.getByLabel('密码', { exact: true }).fill(password)
  await page.getByLabel('确认密码').fill(password)
  await page.getByTestId('register-submit').click()
  const emailItem = page.locator('.el-form-item').filter({ has: page.getByLabel('电子邮箱') })
  await expect(emailItem).toHaveClass(/is-error/)
  await expect(emailItem.locator('.el-form-item__error')).not.toBeEmpty()
  await expect(page).toHaveURL(/\/register$/)

  // Logging in again keeps Chinese (the account remembers it too).
  await logIn(page, email, password)
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN')
})

test('the site works on a 375 px phone', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 812 })
  for (const locale of ['en', 'zh-CN'] as const) {
    await page.goto('/')
    if ((await page.locator('html').getAttribute('lang')) !== locale) await switchLanguage(page, locale)
    await expect(page.locator('.nav-desktop')).toBeHidden()
    await expectNoHorizontalScroll(page)
    await shot(page, `phone-home-${locale}`)

    await page.getByTestId('nav-toggle').click()
    const drawer = page.locator('.nav-drawer')
    await expect(drawer).toBeVisible()
    await drawer.getByRole('menuitem', { name: locale === 'en' ? 'Zones' : '开发区' }).click()
    await expect(page).toHaveURL(/\/zones$/)
    await expect(page.getByTestId('zone-card').first()).toBeVisible()
    await expectNoHorizontalScroll(page)
    await shot(page, `phone-zones-${locale}`)

    await openSuzhou(page, locale)
    await expectNoHorizontalScroll(page)
    await shot(page, `phone-zone-${locale}`)

    await page.goto('/register')
    await expectNoHorizontalScroll(page)
    await shot(page, `phone-register-${locale}`)
  }
})

test('a person who asks for less motion gets none; everyone else gets the transitions', async ({ page, browser }) => {
  const duration = (p: Page) => p.getByTestId('lang-switch').locator('.el-button').evaluate((el) => getComputedStyle(el).transitionDuration)
  await page.goto('/')
  expect(parseFloat(await duration(page))).toBeGreaterThan(0.05)
  const still = await (await browser.newContext({ reducedMotion: 'reduce' })).newPage()
  await still.goto('/')
  expect(parseFloat(await duration(still))).toBeLessThan(0.001)
  await still.context().close()
})
