// Online signing end to end: zone staff prepare an agreement from a template with two signers in
// order (the zone first, the investor second) and send it; the investor cannot sign before the
// zone and is told why; both sign with one-time codes read from the mail outbox; the sealed PDF
// downloads; the public verification page says "intact" for it and "altered" for a copy with
// one byte flipped; the briefing the agreement is linked to shows the signing ceremony live.
// Screenshots of every signing page in both languages go to ../screenshots/.
import { readFileSync } from 'node:fs'
import type { APIRequestContext, Browser, Page } from '@playwright/test'
import { demoPassword, expect, expectNoHorizontalScroll, logIn, shot, switchLanguage, test, type UILocale } from './helpers'

const staff = 'staff.suzhou@zonefair.test'
const investor = 'investor@zonefair.test'
const admin = 'admin@zonefair.test'

async function newUser(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage()
  await logIn(page, email, demoPassword)
  if ((await page.locator('html').getAttribute('lang')) !== 'en') await switchLanguage(page, 'en')
  return page
}

/** The newest one-time signing code mailed to email, read from the outbox as the admin. */
async function codeFor(req: APIRequestContext, email: string, after: Set<number>): Promise<string> {
  let code = ''
  await expect(async () => {
    const res = await req.get('/api/v1/admin/outbox?pageSize=50')
    expect(res.ok()).toBeTruthy()
    const mail = ((await res.json()).items as { id: number; to: string; subject: string }[]).find(
      (m) => m.to === email && !after.has(m.id) && /signing code: \d{6}/.test(m.subject),
    )
    expect(mail, `a code mailed to ${email}`).toBeTruthy()
    after.add(mail!.id)
    code = /(\d{6})/.exec(mail!.subject)![1]!
  }).toPass({ timeout: 10_000 })
  return code
}

/** Takes the same page in both languages, leaving it in English. */
async function bothLanguages(page: Page, name: string, locales: UILocale[] = ['en', 'zh-CN']) {
  for (const l of locales) {
    if ((await page.locator('html').getAttribute('lang')) !== l) await switchLanguage(page, l)
    await shot(page, `signing-${name}-${l}`)
  }
  if ((await page.locator('html').getAttribute('lang')) !== 'en') await switchLanguage(page, 'en')
}

test('an agreement signed in order, sealed and verified', async ({ browser }) => {
  test.setTimeout(300_000)
  const outbox = (await browser.newContext()).request
  expect((await outbox.post('/api/v1/auth/login', { data: { email: admin, password: demoPassword } })).ok()).toBeTruthy()
  const seen = new Set<number>()

  // Zone staff prepare the agreement from the template.
  const zone = await newUser(browser, staff)
  await zone.goto('/signing')
  await expect(zone.getByTestId('agreement-row').first()).toBeVisible()
  await bothLanguages(zone, 'list-staff')
  await zone.getByTestId('agreement-new').click()
  await expect(zone.getByTestId('merge-investor')).toBeVisible()
  const title = `Precision Bearings Phase II ${Date.now()}`
  await zone.getByTestId('build-title').fill(title)
  await zone.getByTestId('merge-investor').fill('Rheinland Precision GmbH')
  await zone.getByTestId('merge-project').fill('精密轴承二期 Precision bearings phase II')
  await zone.getByTestId('merge-amount').fill('USD 30 million')
  await zone.getByTestId('merge-startDate').fill('2027-06-30')
  // Linked to the zone's briefing that is live now: its room shows the ceremony at completion.
  await zone.getByTestId('build-briefing').click()
  await zone.getByRole('option', { name: /Integrated Circuits Cloud Investment Briefing/ }).click()
  await bothLanguages(zone, 'builder-new')
  await zone.getByTestId('build-create').click()
  await expect(zone).toHaveURL(/\/signing\/\d+\/edit$/)
  const id = Number(/\/signing\/(\d+)\/edit/.exec(zone.url())![1])

  // Two signers in order: the zone first, the investor second.
  const pick = async (i: number, kind: string, search: string, name: RegExp) => {
    await zone.getByTestId('recipient-add').click()
    await zone.getByTestId(`recipient-kind-${i}`).click()
    await zone.getByRole('option', { name: kind, exact: true }).click()
    await zone.getByTestId(`recipient-person-${i}`).click()
    await zone.getByTestId(`recipient-person-${i}`).locator('input').fill(search)
    await zone.getByRole('option', { name }).click()
  }
  await pick(0, 'Zone signatory', 'Wang', /王芳 Wang Fang/)
  await pick(1, 'Investor signatory', 'Anna', /Anna Schmidt/)
  await expect(zone.getByTestId('recipient-row')).toHaveCount(2)
  await zone.getByTestId('recipients-save').click()
  await expect(zone.getByTestId('build-fields')).toBeVisible()

  // The zone's signature goes where staff click on the first page; the investor's gets the
  // template's slot when sent.
  await expect(zone.getByTestId('build-fields').getByTestId('pdf-pages')).toHaveAttribute('data-rendered', 'true')
  await zone.getByTestId('page-hit').first().click({ position: { x: 420, y: 700 } })
  await expect(zone.getByTestId('placed-field')).toHaveCount(1)
  await zone.getByTestId('fields-save').click()
  await expect(zone.getByTestId('fields-save')).toBeDisabled()
  await bothLanguages(zone, 'builder-draft')
  await zone.getByTestId('agreement-send').click()
  await zone.locator('.el-message-box').getByRole('button', { name: 'Send for signature' }).click()
  await expect(zone).toHaveURL(new RegExp(`/signing/${id}$`))
  await expect(zone.getByTestId('agreement-status')).toHaveText('Out for signature')
  await expect(zone.getByTestId('sign-panel')).toBeVisible()

  // The investor cannot sign before the zone, and is told why.
  const inv = await newUser(browser, investor)
  await inv.goto(`/signing/${id}`)
  await expect(inv.getByTestId('not-your-turn')).toContainText('It is not your turn to sign yet.')
  await expect(inv.getByTestId('not-your-turn')).toContainText('王芳 Wang Fang')
  await expect(inv.getByTestId('sign-panel')).toHaveCount(0)
  await expect(inv.getByTestId('pdf-pages')).toHaveAttribute('data-rendered', 'true')
  await bothLanguages(inv, 'not-your-turn')
  // The server refuses it too, whatever the page shows.
  const csrf = (await (await inv.request.get('/api/v1/auth/me')).json()).csrfToken as string
  const early = await inv.request.post(`/api/v1/signing/agreements/${id}/code`, { headers: { 'X-CSRF-Token': csrf } })
  expect(early.status()).toBe(409)

  // The zone signs first: a code from the outbox, and a drawn signature.
  await zone.getByTestId('request-code').click()
  await zone.getByTestId('code-input').fill(await codeFor(outbox, staff, seen))
  const pad = zone.getByTestId('signature-pad')
  const box = (await pad.boundingBox())!
  await zone.mouse.move(box.x + 30, box.y + 100)
  await zone.mouse.down()
  for (let i = 1; i <= 20; i++) await zone.mouse.move(box.x + 30 + i * 12, box.y + 100 - Math.sin(i / 2) * 40, { steps: 2 })
  await zone.mouse.up()
  await bothLanguages(zone, 'sign-panel')
  await zone.getByTestId('sign-submit').click()
  await expect(zone.getByTestId('you-signed')).toBeVisible()

  // The host has the briefing room open.
  const briefingId = (await (await zone.request.get(`/api/v1/signing/agreements/${id}`)).json()).briefingId as number
  expect(briefingId).toBeGreaterThan(0)
  const room = await zone.context().newPage()
  await room.goto(`/briefings/${briefingId}/live`)
  await expect(room.getByTestId('room-title')).toBeVisible()
  await room.waitForTimeout(1500) // the room's channel is joined

  // The investor's page follows live: now it is their turn. They type their name.
  await expect(inv.getByTestId('sign-panel')).toBeVisible()
  await expect(inv.getByTestId('not-your-turn')).toHaveCount(0)
  await inv.getByTestId('request-code').click()
  await inv.getByTestId('code-input').fill(await codeFor(outbox, investor, seen))
  await inv.getByTestId('method-typed').click()
  await expect(inv.getByTestId('typed-name')).toHaveValue('Anna Schmidt')
  await inv.getByTestId('sign-submit').click()
  await expect(inv.getByTestId('agreement-status')).toHaveText('Completed')
  await expect(zone.getByTestId('agreement-status')).toHaveText('Completed')
  await bothLanguages(inv, 'completed')
  await expect(room.getByTestId('ceremony-banner')).toContainText(title)
  await expect(room.getByTestId('ceremony-banner')).toContainText('Rheinland Precision GmbH')
  await shot(room, 'signing-ceremony-en', { fullPage: false })
  await room.close()

  // The audit trail is intact and keyed.
  await inv.getByRole('tab', { name: 'Audit trail' }).click()
  await expect(inv.getByTestId('chain-intact')).toBeVisible()
  await expect(inv.getByTestId('audit-trail')).toContainText('Completed and sealed')
  await bothLanguages(inv, 'audit')

  // The sealed PDF downloads.
  const [download] = await Promise.all([inv.waitForEvent('download'), inv.getByTestId('download-sealed').click()])
  const sealed = readFileSync((await download.path())!)
  expect(sealed.subarray(0, 5).toString()).toBe('%PDF-')

  // The public verification page: intact for the sealed file, altered for a flipped byte.
  const visitor = await (await browser.newContext()).newPage()
  await visitor.goto('/verify')
  await bothLanguages(visitor, 'verify-empty')
  await visitor.getByTestId('verify-upload').locator('input[type=file]').setInputFiles({ name: 'sealed.pdf', mimeType: 'application/pdf', buffer: sealed })
  await expect(visitor.getByTestId('verdict')).toHaveAttribute('data-verdict', 'intact')
  await expect(visitor.getByTestId('verdict-title')).toHaveText('Intact')
  await expect(visitor.getByTestId('verdict-agreement')).toHaveText(title)
  await expect(visitor.getByTestId('verdict')).toContainText('Rheinland Precision GmbH')
  await bothLanguages(visitor, 'verify-intact', ['en'])
  const flipped = Buffer.from(sealed)
  const at = Math.floor(flipped.length / 3)
  flipped[at] = flipped[at]! ^ 0x01
  await visitor.getByTestId('verify-upload').locator('input[type=file]').setInputFiles({ name: 'flipped.pdf', mimeType: 'application/pdf', buffer: flipped })
  await expect(visitor.getByTestId('verdict')).toHaveAttribute('data-verdict', 'altered')
  await expect(visitor.getByTestId('verdict-title')).toHaveText('Altered')
  await bothLanguages(visitor, 'verify-altered', ['en'])
  await switchLanguage(visitor, 'zh-CN')
  await visitor.getByTestId('verify-upload').locator('input[type=file]').setInputFiles({ name: 'sealed.pdf', mimeType: 'application/pdf', buffer: sealed })
  await expect(visitor.getByTestId('verdict-title')).toHaveText('完好')
  await shot(visitor, 'signing-verify-intact-zh-CN')
  await visitor.getByTestId('verify-upload').locator('input[type=file]').setInputFiles({ name: 'flipped.pdf', mimeType: 'application/pdf', buffer: flipped })
  await expect(visitor.getByTestId('verdict-title')).toHaveText('已被改动')
  await shot(visitor, 'signing-verify-altered-zh-CN')
  await switchLanguage(visitor, 'en')

  // The QR link of the sealed PDF opens the record.
  await inv.getByRole('tab', { name: 'Document' }).click()
  await inv.getByTestId('verify-own').click()
  await expect(inv.getByTestId('verdict')).toHaveAttribute('data-verdict', 'sealed')
  await bothLanguages(inv, 'verify-link')

  // Phones: the agreement and verification pages fit.
  await inv.setViewportSize({ width: 390, height: 844 })
  await inv.goto(`/signing/${id}`)
  await expect(inv.getByTestId('agreement-status')).toHaveText('Completed')
  await expectNoHorizontalScroll(inv)
  await shot(inv, 'signing-completed-mobile-en', { fullPage: false })
  await visitor.setViewportSize({ width: 390, height: 844 })
  await visitor.goto('/verify')
  await expectNoHorizontalScroll(visitor)

  // Staff see the list with the result and manage webhooks.
  await zone.goto('/signing')
  await expect(zone.locator(`[data-testid=agreement-row][data-id="${id}"]`).getByTestId('agreement-status')).toHaveText('Completed')
  await zone.getByTestId('webhook-url').fill('https://hooks.example.com/zonefair')
  await zone.getByTestId('webhooks').getByRole('button', { name: 'Add webhook' }).click()
  await expect(zone.getByTestId('webhook-secret')).not.toBeEmpty()
  await bothLanguages(zone, 'webhooks')
})
