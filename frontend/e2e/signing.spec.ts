// Online signing end to end: zone staff prepare an agreement from a template with two signers in
// order (the zone first, the investor second) and send it; the investor cannot sign before the
// zone and is told why; both sign with one-time codes read from the mail outbox; the sealed PDF
// downloads; the public verification page says "intact" for it and "altered" for a copy with
// one byte flipped; the briefing the agreement is linked to shows the signing ceremony live.
// Then its record is tampered with in the database as an attacker who can write every table
// could: the page says, in both languages, what the check proves for a file sealed before files
// recorded the end of their trail, and names where a trail cut short ends.
// Screenshots of every signing page in both languages go to ../screenshots/.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { APIRequestContext, APIResponse, Browser, Page } from '@playwright/test'
import { demoPassword, expect, expectNoHorizontalScroll, logIn, shot, switchLanguage, test, type UILocale } from './helpers'
import { pair } from './servers'

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

/** Runs SQL on the test instance's database (SQLite), as someone who can write every table. */
function sql(statement: string): string {
  const db = path.join(pair.data, 'zonefair.db')
  return execFileSync('sqlite3', ['-cmd', '.timeout 5000', db, statement], { encoding: 'utf8' }).trim()
}

/** Shoots the verification page at 1366 and 375 px in both languages, leaving it in English at 1366. */
async function verifyShots(page: Page, name: string, check: (l: UILocale) => Promise<void>) {
  for (const width of [1366, 375]) {
    await page.setViewportSize({ width, height: width > 400 ? 900 : 812 })
    for (const l of ['en', 'zh-CN'] as const) {
      if ((await page.locator('html').getAttribute('lang')) !== l) await switchLanguage(page, l)
      await check(l)
      await expectNoHorizontalScroll(page)
      await shot(page, `signing-verify-${name}-${l}-${width}`)
    }
  }
  await switchLanguage(page, 'en')
  await page.setViewportSize({ width: 1366, height: 900 })
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
  await expect(visitor.getByTestId('verdict-explain')).toContainText('differs from the sealed document')
  await expect(visitor.getByTestId('audit-problems')).toHaveCount(0)
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

  // What the page says the check proves, and where an altered trail fails, in both languages.
  const upload = async (name: string, buffer: Buffer) => {
    await visitor.getByTestId('verify-upload').locator('input[type=file]').setInputFiles({ name, mimeType: 'application/pdf', buffer })
  }
  await visitor.goto('/verify')
  await upload('sealed.pdf', sealed)
  await expect(visitor.getByTestId('verdict')).toHaveAttribute('data-verdict', 'intact')
  const entries = Number(sql(`SELECT audit_seq FROM signing_agreements WHERE id = ${id}`))
  const recorded = Number(/audit trail entry (\d+) head/.exec(sealed.toString('latin1'))![1]) + 1 // the entry the seal records, then the completion
  await verifyShots(visitor, 'intact', async (l) => {
    const proves = visitor.getByTestId('audit-proves')
    await expect(proves).toContainText(l === 'en' ? 'byte for byte the document Zonefair sealed' : '逐字节一致')
    await expect(proves).toContainText(l === 'en' ? `and the trail’s length are sealed` : '及记录的长度均以平台密钥封存')
    await expect(proves).toContainText(l === 'en' ? `entry ${recorded - 1}, followed by the completion` : `第 ${recorded - 1} 条，其后是本文件的完成记录`)
  })

  // A file sealed before sealed files recorded the end of their trail: its record is made to
  // point at a copy without that line, as such a file was sealed.
  const legacy = Buffer.from(sealed.toString('latin1').replace('audit trail entry ', 'audit trail-entry '), 'latin1')
  const finalHash = sql(`SELECT final_sha256 FROM signing_agreements WHERE id = ${id}`)
  sql(`UPDATE signing_agreements SET final_sha256 = '${createHash('sha256').update(legacy).digest('hex')}' WHERE id = ${id}`)
  await upload('legacy.pdf', legacy)
  await expect(visitor.getByTestId('verdict')).toHaveAttribute('data-verdict', 'intact')
  await verifyShots(visitor, 'legacy', async (l) => {
    await expect(visitor.getByTestId('verdict-title')).toHaveText(l === 'en' ? 'Intact' : '完好')
    await expect(visitor.getByTestId('audit-proves')).toContainText(
      l === 'en' ? 'the file is intact and signed, but how long the trail was at sealing cannot be proven' : '文件完好且已签署，但无法据此证明封存时审计记录有多长',
    )
  })
  sql(`UPDATE signing_agreements SET final_sha256 = '${finalHash}' WHERE id = ${id}`)

  // The trail cut back before the investor's signature, its count and head set back to the
  // entry before, as the server would have left them: the sealed file still records the rest.
  const second = Number(sql(`SELECT seq FROM signing_events WHERE agreement_id = ${id} AND kind = 'signed' ORDER BY seq DESC LIMIT 1`))
  const kept = second - 1
  sql(
    `DELETE FROM signing_events WHERE agreement_id = ${id} AND seq >= ${second}; ` +
      `UPDATE signing_agreements SET audit_seq = ${kept}, audit_head = (SELECT hash FROM signing_events WHERE agreement_id = ${id} AND seq = ${kept}) WHERE id = ${id}`,
  )
  expect(entries).toBeGreaterThan(second)
  await upload('sealed.pdf', sealed)
  await expect(visitor.getByTestId('verdict')).toHaveAttribute('data-verdict', 'altered')
  await verifyShots(visitor, 'cut', async (l) => {
    await expect(visitor.getByTestId('verdict-title')).toHaveText(l === 'en' ? 'Altered' : '已被改动')
    // The file did not change: the page does not say it did.
    await expect(visitor.getByTestId('verdict-explain')).toContainText(l === 'en' ? 'The document itself is exactly the one Zonefair sealed' : '文件本身与 Zonefair 封存的完全一致')
    await expect(visitor.getByTestId('verdict-explain')).not.toContainText(l === 'en' ? 'differs from the sealed document' : '与封存文件不一致')
    await expect(visitor.getByTestId('audit-problems').locator('li').first()).toHaveText(
      l === 'en'
        ? `The trail ends at entry ${kept} but the seal records ${recorded}: entries were removed after sealing.`
        : `审计记录止于第 ${kept} 条，而封存文件记录到第 ${recorded} 条：封存后有记录被删除。`,
    )
  })
  // The agreement's own trail view says so too.
  await inv.setViewportSize({ width: 1280, height: 800 })
  await inv.goto(`/signing/${id}`)
  await inv.getByRole('tab', { name: 'Audit trail' }).click()
  await expect(inv.getByTestId('chain-broken')).toContainText(`The trail ends at entry ${kept}, which is not the end the server recorded`)
  await shot(inv, 'signing-audit-cut-en')
})

test('an admin manages the agreement templates', async ({ browser }) => {
  test.setTimeout(120_000)
  const admin = await newUser(browser, 'admin@zonefair.test')
  await admin.goto('/signing')
  const panel = admin.getByTestId('templates')
  await expect(panel.getByTestId('template-row').first()).toBeVisible()
  await expect(admin.getByTestId('agreement-new')).toHaveCount(0)

  // A new template: the merge fields are listed as they are typed, and a field only one
  // language asks for is pointed out.
  const name = `Land Lease Agreement ${Date.now()}`
  await panel.getByTestId('template-new').click()
  const dialog = admin.getByTestId('template-dialog')
  await dialog.getByTestId('template-name-zh').fill('土地租赁协议')
  await dialog.getByTestId('template-name-en').fill(name)
  await dialog.getByTestId('template-body-zh').fill('甲方：{{zone}}\n乙方：{{investor}}\n租期至 {{endDate}}。')
  await dialog.getByTestId('template-body-en').fill('Party A: {{zone}}\nParty B: {{investor}}')
  await expect(dialog.getByTestId('template-fields')).toContainText('Investor (Party B)')
  await expect(dialog.getByTestId('template-fields')).toContainText('endDate')
  await expect(dialog.getByTestId('template-mismatch')).toContainText('endDate')
  // The open dialog covers the language switch: it is taken in Chinese when edited below.
  await shot(admin, 'signing-template-dialog-en', { fullPage: false })
  await dialog.getByTestId('template-body-en').fill('Party A: {{zone}}\nParty B: {{investor}}\nLease until {{endDate}}.')
  await expect(dialog.getByTestId('template-mismatch')).toHaveCount(0)
  await dialog.getByTestId('template-save').click()
  await expect(dialog).toBeHidden()
  const row = panel.getByTestId('template-row').filter({ hasText: name })
  await expect(row).toContainText('endDate')

  // Edited (in Chinese), then archived: zone staff are no longer offered it.
  await switchLanguage(admin, 'zh-CN')
  await row.getByTestId('template-edit').click()
  await expect(dialog.getByTestId('template-fields')).toContainText('乙方')
  await shot(admin, 'signing-template-dialog-zh-CN', { fullPage: false })
  await dialog.getByTestId('template-name-en').fill(`${name} (2027)`)
  await dialog.getByTestId('template-save').click()
  await expect(dialog).toBeHidden()
  await switchLanguage(admin, 'en')
  await expect(panel.getByTestId('template-row').filter({ hasText: `${name} (2027)` })).toHaveCount(1)
  await bothLanguages(admin, 'templates')
  const templates = async () => ((await (await admin.request.get('/api/v1/signing/templates')).json()) as { nameEn: string }[]).map((x) => x.nameEn)
  expect(await templates()).toContain(`${name} (2027)`)
  await panel.getByTestId('template-row').filter({ hasText: `${name} (2027)` }).getByTestId('template-archive').click()
  await admin.locator('.el-message-box').getByRole('button', { name: 'OK' }).click()
  await expect(panel.getByTestId('template-row').filter({ hasText: name })).toHaveCount(0)
  expect(await templates()).not.toContain(`${name} (2027)`)
})

test('a voided agreement is re-sent as a new draft', async ({ browser }) => {
  test.setTimeout(120_000)
  const zone = await newUser(browser, staff)
  const req = zone.request
  const csrf = { 'X-CSRF-Token': (await (await req.get('/api/v1/auth/me')).json()).csrfToken as string }
  const ok = async <T>(res: Promise<APIResponse>): Promise<T> => {
    const r = await res
    expect(r.ok(), await r.text()).toBeTruthy()
    return (await r.json()) as T
  }
  type Detail = { id: number; status: string; replacesId: number | null; replacedBy: number | null; originalSha256: string; recipients: { userId: number; name: string; role: string; step: number }[]; fields: unknown[] }

  // Sent from a template to the zone's signatory, then the investor's; then voided on screen.
  const tpl = (await ok<{ id: number; mergeFields: string[] }[]>(req.get('/api/v1/signing/templates')))[0]!
  const person = async (q: string, name: RegExp) => (await ok<{ id: number; name: string }[]>(req.get(`/api/v1/signing/people?q=${encodeURIComponent(q)}`))).find((p) => name.test(p.name))!.id
  const title = `Precision Bearings Phase III ${Date.now()}`
  const zoneName = '苏州工业园区 Suzhou Industrial Park'
  const values: Record<string, string> = { zone: zoneName, investor: 'Rheinland Precision GmbH', project: '精密轴承三期 Precision bearings phase III', amount: 'USD 40 million', startDate: '2027-09-30' }
  const merge = Object.fromEntries(tpl.mergeFields.map((k) => [k, values[k] ?? k]))
  const draft = await ok<Detail>(req.post('/api/v1/signing/agreements', { headers: csrf, data: { title, templateId: tpl.id, merge } }))
  await ok(req.put(`/api/v1/signing/agreements/${draft.id}/recipients`, { headers: csrf, data: { recipients: [
    { userId: await person('Wang', /Wang Fang/), role: 'signatory', party: zoneName, step: 1 },
    { userId: await person('Anna', /Anna Schmidt/), role: 'signatory', party: 'Rheinland Precision GmbH', step: 2 },
  ] } }))
  const sent = await ok<Detail>(req.post(`/api/v1/signing/agreements/${draft.id}/send`, { headers: csrf }))
  await zone.goto(`/signing/${sent.id}`)
  await expect(zone.getByTestId('agreement-status')).toHaveText('Out for signature')
  await expect(zone.getByTestId('agreement-resend')).toHaveCount(0)
  await zone.getByTestId('agreement-void').click()
  await zone.locator('.el-message-box input').fill('The investment amount changes')
  await zone.locator('.el-message-box').getByRole('button', { name: 'Void' }).click()
  await expect(zone.getByTestId('agreement-status')).toHaveText('Voided')

  // The sender re-sends it: a new draft opens in the builder with the same signers.
  await expect(zone.getByTestId('agreement-resend')).toBeVisible()
  await bothLanguages(zone, 'voided-resend')
  await zone.getByTestId('agreement-resend').click()
  await expect(zone.locator('.el-message-box')).toContainText('same document, signers, signing order and fields')
  await shot(zone, 'signing-resend-confirm-en', { fullPage: false })
  await zone.locator('.el-message-box').getByRole('button', { name: 'Re-send as a new draft' }).click()
  await expect(zone).toHaveURL(/\/signing\/\d+\/edit$/)
  const copyId = Number(/\/signing\/(\d+)\/edit/.exec(zone.url())![1])
  expect(copyId).not.toBe(sent.id)
  await expect(zone.getByTestId('build-replaces')).toContainText(`#${sent.id}`)
  await expect(zone.getByTestId('recipient-row')).toHaveCount(2)
  await expect(zone.getByTestId('recipient-row').nth(0)).toContainText('王芳 Wang Fang')
  await expect(zone.getByTestId('recipient-row').nth(1)).toContainText('Anna Schmidt')
  await expect(zone.getByTestId('build-fields').getByTestId('pdf-pages')).toHaveAttribute('data-rendered', 'true')
  await expect(zone.getByTestId('placed-field')).toHaveCount(sent.fields.length)
  await expect(zone.getByTestId('recipient-kind-0')).toContainText('Zone signatory')
  await expect(zone.getByTestId('recipient-kind-1')).toContainText('Investor signatory')
  await bothLanguages(zone, 'resent-draft')
  await shot(zone, 'signing-resent-draft-top-en', { fullPage: false })
  const copy = await ok<Detail>(req.get(`/api/v1/signing/agreements/${copyId}`))
  expect(copy.status).toBe('draft')
  expect(copy.replacesId).toBe(sent.id)
  expect(copy.recipients.map((r) => [r.userId, r.role, r.step])).toEqual(sent.recipients.map((r) => [r.userId, r.role, r.step]))

  // The voided agreement is unchanged and points to its copy; its trail still checks out.
  await zone.goto(`/signing/${sent.id}`)
  await expect(zone.getByTestId('agreement-status')).toHaveText('Voided')
  await expect(zone.getByTestId('replaced-by')).toContainText(`#${copyId}`)
  await expect(zone.getByTestId('agreement-resend')).toHaveCount(0)
  await zone.getByRole('tab', { name: 'Audit trail' }).click()
  await expect(zone.getByTestId('chain-intact')).toBeVisible()
  await expect(zone.getByTestId('audit-trail')).toContainText('Re-sent as a new draft')
  await bothLanguages(zone, 'resent-original')
  // The copy, once sent, has the very document of the voided agreement.
  const resent = await ok<Detail>(req.post(`/api/v1/signing/agreements/${copyId}/send`, { headers: csrf }))
  expect(resent.originalSha256).toBe(sent.originalSha256)
})
