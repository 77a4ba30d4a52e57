import { demoPassword, expect, logIn, shot, switchLanguage, test } from './helpers'

const staff = 'staff.suzhou@zonefair.test'

test('zone staff edit their own zone and nobody else’s', async ({ page, browser, baseURL }) => {
  await page.goto('/')
  await logIn(page, staff, demoPassword)
  // The demo staff account prefers Chinese; run this test in English.
  if ((await page.locator('html').getAttribute('lang')) !== 'en') await switchLanguage(page, 'en')

  await page.goto('/zones?q=Suzhou')
  await page.getByTestId('zone-card').filter({ hasText: 'Suzhou Industrial Park' }).click()
  await expect(page.getByTestId('zone-name')).toHaveText('Suzhou Industrial Park')
  const ownId = Number(page.url().split('/').pop())

  const text = `Updated by the zone team at ${new Date().toISOString()}.`
  const current = (await page.getByTestId('zone-description').textContent())?.trim() ?? ''
  expect(current).not.toBe('')
  await page.getByTestId('zone-edit').click()
  const dialog = page.getByTestId('zone-edit-dialog')
  await expect(dialog).toBeVisible()
  // The form starts from what the zone has now.
  await expect(dialog.getByTestId('edit-description-en')).toHaveValue(current)
  await expect(dialog.locator('.el-select__tags, .el-select__selection').getByText('Biomedicine')).toBeVisible()
  await shot(page, 'zone-edit-en', { fullPage: false })
  await dialog.getByTestId('edit-description-en').fill(text)
  await dialog.getByTestId('zone-edit-save').click()
  await expect(dialog).toBeHidden()
  await expect(page.getByTestId('zone-description')).toHaveText(text)
  // Saved on the server, not just on screen.
  await page.reload()
  await expect(page.getByTestId('zone-description')).toHaveText(text)

  // Upload a logo (drawn here on a canvas): the generated initials mark gives way to the image.
  const dataUrl = await page.evaluate(() => {
    const c = document.createElement('canvas')
    c.width = c.height = 128
    const g = c.getContext('2d')!
    g.fillStyle = '#0e7c86'
    g.beginPath()
    g.roundRect(0, 0, 128, 128, 24)
    g.fill()
    g.fillStyle = '#fff'
    g.font = 'bold 46px sans-serif'
    g.textAlign = 'center'
    g.textBaseline = 'middle'
    g.fillText('SIP', 64, 66)
    return c.toDataURL('image/png')
  })
  const png = Buffer.from(dataUrl.split(',')[1]!, 'base64')
  await page.getByTestId('zone-manage').locator('input[type=file]').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: png })
  await expect(page.getByText('Logo updated.')).toBeVisible()
  await expect(page.locator('.zone-head img.zone-logo')).toBeVisible()
  await expect.poll(() => page.locator('.zone-head img.zone-logo').evaluate((i: HTMLImageElement) => i.naturalWidth)).toBe(128)

  // Add an enterprise.
  const company = `Lakeside Robotics ${Date.now()}`
  await page.getByRole('button', { name: 'Add enterprise' }).click()
  const form = page.getByRole('dialog', { name: 'Add enterprise' })
  await form.getByLabel('Name (Chinese)').fill('湖畔机器人有限公司')
  await form.getByLabel('Name (English)').fill(company)
  await form.getByLabel('Industry').click()
  await page.locator('.el-select-dropdown__item:visible').filter({ hasText: 'Artificial Intelligence' }).click()
  await form.getByRole('button', { name: 'Save' }).click()
  await expect(form).toBeHidden()
  await expect(page.getByTestId('enterprise').filter({ hasText: company })).toBeVisible()
  await page.reload()
  await expect(page.getByTestId('enterprise').filter({ hasText: company })).toBeVisible()
  await shot(page, 'zone-staff-en')

  // Remove it again (after a confirmation).
  await page.getByTestId('enterprise').filter({ hasText: company }).getByRole('button', { name: 'Remove' }).click()
  await page.locator('.el-message-box').getByRole('button', { name: 'Remove' }).click()
  await expect(page.getByTestId('enterprise').filter({ hasText: company })).toHaveCount(0)
  await page.reload()
  await expect(page.getByTestId('zone-name')).toHaveText('Suzhou Industrial Park')
  await expect(page.getByTestId('enterprise').filter({ hasText: company })).toHaveCount(0)

  // Put the description back, so the other tests' screenshots show the real text.
  await page.getByTestId('zone-edit').click()
  await expect(dialog.getByTestId('edit-description-en')).toHaveValue(text)
  await dialog.getByTestId('edit-description-en').fill(current)
  await dialog.getByTestId('zone-edit-save').click()
  await expect(dialog).toBeHidden()
  await expect(page.getByTestId('zone-description')).toHaveText(current)

  // Invite a colleague; the invitation page shows the zone and role to the invitee.
  await page.getByRole('button', { name: 'Invite staff' }).click()
  await page.getByRole('dialog').getByLabel('Email').fill(`colleague-${Date.now()}@example.com`)
  await page.getByRole('button', { name: 'Create invitation' }).click()
  const link = await page.getByTestId('invite-link').inputValue()
  expect(link).toContain('/invite/')
  await page.keyboard.press('Escape')

  const visitor = await browser.newContext({ locale: 'zh-CN' })
  const invitee = await visitor.newPage()
  await invitee.goto(new URL(new URL(link).pathname, baseURL).href)
  await expect(invitee.getByText('苏州工业园区')).toBeVisible()
  await expect(invitee.getByText('开发区工作人员')).toBeVisible()
  await shot(invitee, 'invite-zh-CN')
  await switchLanguage(invitee, 'en')
  await expect(invitee.getByText('Suzhou Industrial Park')).toBeVisible()
  await shot(invitee, 'invite-en')
  // Accepting logs the colleague in as staff of the same zone, with its editing controls.
  await invitee.getByLabel('Full name').fill('New Colleague')
  await invitee.getByLabel('Password', { exact: true }).fill('Colleague-pass-2026')
  await invitee.getByLabel('Confirm password').fill('Colleague-pass-2026')
  await invitee.getByRole('button', { name: 'Accept and create account' }).click()
  await expect(invitee).toHaveURL(new RegExp(`/zones/${ownId}$`))
  await expect(invitee.getByTestId('user-menu')).toContainText('New Colleague')
  await expect(invitee.getByTestId('zone-edit')).toBeVisible()
  await visitor.close()

  // Another zone: no editing controls, and the API refuses the change.
  await page.goto('/zones')
  const other = page.getByTestId('zone-card').filter({ hasNotText: 'Suzhou Industrial Park' }).first()
  await other.click()
  await expect(page).toHaveURL(/\/zones\/\d+$/)
  const otherId = Number(page.url().split('/').pop())
  expect(otherId).not.toBe(ownId)
  await expect(page.getByTestId('zone-name')).toBeVisible()
  await expect(page.getByTestId('zone-edit')).toHaveCount(0)
  await expect(page.getByTestId('zone-manage')).toHaveCount(0)

  const me = await page.request.get('/api/v1/auth/me')
  expect(me.ok()).toBe(true)
  const { csrfToken } = (await me.json()) as { csrfToken: string }
  const res = await page.request.patch(`/api/v1/zones/${otherId}`, {
    data: { descriptionEn: 'not mine to change' },
    headers: { 'X-CSRF-Token': csrfToken, Origin: baseURL ?? '' },
  })
  expect(res.status()).toBe(403)
  expect(((await res.json()) as { error: { code: string } }).error.code).toBe('forbidden')
})
