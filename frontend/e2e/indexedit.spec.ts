// The index system's tree in the browser: an admin views the 2021 edition (categories and
// indicators with weight, unit, direction, method and range), starts a new version from it,
// breaks an indicator weight sum and sees the check, fixes it, removes and adds an indicator,
// is refused by the server for a taken version code, saves the new draft version and finds it
// listed; a province reviewer sees the published tree read-only. Screenshots in both languages
// go to ../screenshots/.
import type { Page } from '@playwright/test'
import { demoPassword, expect, expectNoHorizontalScroll, logIn, logOut, shot, switchLanguage, test } from './helpers'

async function logInEnglish(page: Page, email: string) {
  await logIn(page, email, demoPassword)
  if ((await page.locator('html').getAttribute('lang')) !== 'en') await switchLanguage(page, 'en')
}

/** A whole-page screenshot from the top (scrolled, the sticky header lands mid-page). */
async function top(page: Page, name: string) {
  await page.evaluate(() => window.scrollTo(0, 0))
  await shot(page, name)
}

/** Screenshots the current page in English and Chinese, leaving it in English. */
async function bothLanguages(page: Page, name: string) {
  await top(page, `${name}-en`)
  await switchLanguage(page, 'zh-CN')
  await top(page, `${name}-zh`)
  await switchLanguage(page, 'en')
}

async function openTree(page: Page) {
  await page.goto('/assessment')
  await page.getByRole('tab', { name: 'Index system', exact: true }).click()
  await expect(page.getByTestId('versions')).toContainText('2021')
}

// Element Plus puts a text box's test id on its <input>, a number box's on the wrapper.
const input = (page: Page, id: string) => page.locator(`input[data-testid="${id}"], [data-testid="${id}"] input`)

test.use({ actionTimeout: 15_000 })

test('view the index tree, edit a new version with live weight checks and save it', async ({ page }) => {
  test.setTimeout(240_000)
  await logInEnglish(page, 'admin@zonefair.test')
  await openTree(page)

  // The 2021 edition's tree: categories with weights, indicators with all their fields.
  await expect(page.getByTestId('tree-title')).toContainText('2021')
  const opening = page.getByTestId('tree-cat-opening_up')
  await expect(opening).toContainText('Opening-up')
  await expect(opening).toContainText('30%')
  const fdi = opening.locator('tr', { hasText: 'Actual foreign investment used' })
  await expect(fdi).toContainText('35')
  await expect(fdi).toContainText('USD 100 million')
  await expect(fdi).toContainText('Higher is better')
  await expect(fdi).toContainText('Min–max')
  await expect(fdi).toContainText('0 – 500')
  await expect(page.getByTestId('tree-cat-green_development').locator('tr', { hasText: 'Energy use per unit of output' })).toContainText('Lower is better')
  await expect(page.getByTestId('tree-cat-innovation').locator('tr', { hasText: 'R&D intensity' })).toContainText('Target ratio · target 4')
  await bothLanguages(page, 'assessment-index-tree')

  // A new version from the 2021 edition; one indicator weight up breaks its category's sum.
  await page.getByTestId('new-version-from').click()
  await expect(page.getByTestId('edit-title')).toHaveText('New version based on 2021')
  await input(page, 'edit-version-code').fill('2026-draft')
  await input(page, 'edit-version-name-zh').fill('2026 年版（外资加权）')
  await input(page, 'edit-version-name-en').fill('2026 edition (foreign investment weighted up)')
  await expect(page.getByTestId('edit-ok')).toBeVisible()
  await input(page, 'ind-weight-0-0').fill('45')
  await expect(page.getByTestId('indicator-sum-0')).toHaveText('Indicators: 110 of 100')
  await expect(page.getByTestId('edit-problems')).toContainText('Opening-up: The indicator weights in this category add up to 110; they must add up to 100.')
  await expect(page.getByTestId('save-new-version')).toBeDisabled()
  await expect(page.getByTestId('edit-changes')).toHaveText('One change')
  await bothLanguages(page, 'assessment-index-edit-invalid')
  // Scrolled down, the sums stay in sight under the site header.
  await page.getByTestId('edit-cat-3').scrollIntoViewIfNeeded()
  await expect(page.getByTestId('category-sum')).toBeInViewport()
  await shot(page, 'assessment-index-edit-scrolled-en', { fullPage: false })

  // Fixed: trade down by as much; the categories shift five points to opening-up.
  await input(page, 'ind-weight-0-1').fill('25')
  await expect(page.getByTestId('indicator-sum-0')).toHaveText('Indicators: 100 of 100')
  await input(page, 'cat-weight-0').fill('35')
  await expect(page.getByTestId('category-sum')).toHaveText('Categories: 105 of 100')
  await expect(page.getByTestId('edit-problems')).toContainText('Category weights add up to 105; they must add up to 100.')
  await input(page, 'cat-weight-1').fill('25')
  await expect(page.getByTestId('category-sum')).toHaveText('Categories: 100 of 100')

  // Innovation: patents out, technology contracts in (a new indicator needs code, names, weight).
  await page.getByTestId('remove-ind-2-2').click()
  await expect(page.getByTestId('indicator-sum-2')).toHaveText('Indicators: 70 of 100')
  await page.getByTestId('add-ind-2').click()
  await expect(page.getByTestId('edit-problems')).toContainText('Innovation › no. 3: Enter a code')
  await input(page, 'ind-code-2-2').fill('tech_contracts')
  await input(page, 'ind-name-zh-2-2').fill('技术合同成交额')
  await input(page, 'ind-name-en-2-2').fill('Technology contract turnover')
  await page.getByTestId('ind-unit-2-2').click()
  await page.getByRole('option', { name: 'CNY 100 million', exact: true }).click()
  await page.getByTestId('ind-method-2-2').click()
  await page.getByRole('option', { name: 'Target ratio' }).click()
  await expect(page.getByTestId('edit-problems')).toContainText('Innovation › Technology contract turnover: The target-ratio method needs a target above 0.')
  await input(page, 'ind-target-2-2').fill('50')
  await input(page, 'ind-max-2-2').fill('2000')
  await input(page, 'ind-weight-2-2').fill('30')
  await expect(page.getByTestId('indicator-sum-2')).toHaveText('Indicators: 100 of 100')
  await expect(page.getByTestId('edit-ok')).toBeVisible()
  await expect(page.getByTestId('save-new-version')).toBeEnabled()

  // A code that is taken: the server refuses and says why; nothing is lost.
  await input(page, 'edit-version-code').fill('2021')
  await page.getByTestId('save-new-version').click()
  await expect(page.getByTestId('save-error')).toContainText('The server did not save the version: A version with this code exists.')
  await top(page, 'assessment-index-edit-refused-en')
  // The server answers in the reader's language.
  await switchLanguage(page, 'zh-CN')
  await page.getByTestId('save-new-version').click()
  await expect(page.getByTestId('save-error')).toContainText('服务器未保存该版本：该版本代码已存在。')
  await top(page, 'assessment-index-edit-refused-zh')
  await switchLanguage(page, 'en')
  await input(page, 'edit-version-code').fill('2026-draft')
  await page.getByTestId('save-new-version').click()
  await expect(page.getByText('Draft version 2026-draft saved.')).toBeVisible()

  // Listed, selected and shown as saved; the 2021 edition is unchanged.
  const row = page.getByTestId('versions').locator('tr', { hasText: '2026-draft' })
  await expect(row).toContainText('Draft')
  await expect(row).toContainText('2021')
  await expect(page.getByTestId('tree-title')).toContainText('2026-draft')
  await expect(page.getByTestId('tree-cat-opening_up')).toContainText('35%')
  await expect(page.getByTestId('tree-cat-opening_up').locator('tr', { hasText: 'Actual foreign investment used' })).toContainText('45')
  const tech = page.getByTestId('tree-cat-innovation').locator('tr', { hasText: 'Technology contract turnover' })
  await expect(tech).toContainText('tech_contracts')
  await expect(tech).toContainText('Target ratio · target 50')
  await expect(tech).toContainText('0 – 2,000')
  await expect(page.getByTestId('tree-cat-innovation')).not.toContainText('Invention patents')
  await bothLanguages(page, 'assessment-index-saved')
  await page.getByTestId('versions').locator('tr', { hasText: '2021 edition' }).click()
  await expect(page.getByTestId('tree-title')).toContainText('2021')
  await expect(page.getByTestId('tree-cat-opening_up')).toContainText('30%')
  await expect(page.getByTestId('tree-cat-innovation')).toContainText('Invention patents')

  // The what-if tab knows the new draft too.
  await page.getByRole('tab', { name: 'What-if weights and rankings' }).click()
  await page.getByTestId('version').click()
  await expect(page.getByRole('option', { name: /2026-draft/ })).toBeVisible()
  await page.keyboard.press('Escape')
  await logOut(page)

  // A province reviewer sees the published tree, read-only, without drafts.
  await logInEnglish(page, 'province.jiangsu@zonefair.test')
  await openTree(page)
  await expect(page.getByTestId('tree-cat-opening_up')).toContainText('Actual foreign investment used')
  await expect(page.getByTestId('versions')).not.toContainText('2026-draft')
  await expect(page.getByTestId('new-version-from')).toHaveCount(0)
  await top(page, 'assessment-index-tree-province-en')

  // Phones: nothing sticks out sideways.
  await page.setViewportSize({ width: 390, height: 844 })
  await expect(page.getByTestId('tree-title')).toBeVisible()
  await expectNoHorizontalScroll(page)
  await top(page, 'assessment-index-tree-mobile-en')
})
