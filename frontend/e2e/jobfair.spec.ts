// The graduates' network job fair end to end: a graduate registers, fills the profile, uploads a
// resume, searches in Chinese and applies; the demo enterprise user sees the application and
// moves it to interview; the graduate's open page shows it without a reload; the organiser's
// analytics count it. Screenshots of every job-fair page in both languages.
import type { APIRequestContext, Browser, Page } from '@playwright/test'
import { demoPassword, expect, logIn, shot, switchLanguage, test, type UILocale } from './helpers'

const password = 'Graduate-e2e-2026!'
const employer = 'hr.enterprise@zonefair.test'
const admin = 'admin@zonefair.test'
const zoneStaff = 'staff.suzhou@zonefair.test'
/** The demo enterprise user's employer (seed: second enterprise of Suzhou Industrial Park). */
const helvia = 'Helvia Life Sciences'

/** A one-page PDF with a correct cross-reference table, built byte by byte. */
function tinyPdf(text: string): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    null, // the content stream, below
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ]
  const content = `BT /F1 18 Tf 72 760 Td (${text}) Tj ET`
  objects[3] = `<< /Length ${Buffer.byteLength(content)} >>\nstream\n${content}\nendstream`
  let out = '%PDF-1.4\n'
  const offsets: number[] = []
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out))
    out += `${i + 1} 0 obj\n${body}\nendobj\n`
  })
  const xref = Buffer.byteLength(out)
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`
  return Buffer.from(out, 'latin1')
}

async function useLanguage(page: Page, to: UILocale) {
  if ((await page.locator('html').getAttribute('lang')) !== to) await switchLanguage(page, to)
}

/** Screenshots the current page in both languages, ending in English. */
async function shotBoth(page: Page, name: string, ready: (l: UILocale) => Promise<void> = async () => {}) {
  for (const l of ['en', 'zh-CN'] as const) {
    await useLanguage(page, l)
    await ready(l)
    await page.evaluate(() => window.scrollTo(0, 0))
    await shot(page, `${name}-${l}`)
  }
  await useLanguage(page, 'en')
}

/** Uncaught errors in the pages of the other users (the test's own page is checked by helpers). */
const otherErrors: string[] = []
test.afterEach(() => {
  expect(otherErrors.splice(0), 'uncaught errors in other users’ pages').toEqual([])
})

async function loggedIn(browser: Browser, email: string): Promise<Page> {
  const ctx = await browser.newContext({ locale: 'en-US' })
  const page = await ctx.newPage()
  page.on('pageerror', (e) => otherErrors.push(`${email}: ${e.message}`))
  await logIn(page, email, demoPassword)
  await useLanguage(page, 'en')
  return page
}

async function fairFigures(request: APIRequestContext, fairId: number) {
  const res = await request.get(`/api/v1/fairs/${fairId}/analytics`)
  expect(res.ok()).toBe(true)
  return (await res.json()) as { applications: number; status: Record<string, number> | null }
}

async function openFairId(request: APIRequestContext): Promise<number> {
  const res = await request.get('/api/v1/fairs')
  const { items } = (await res.json()) as { items: { id: number; phase: string }[] }
  const open = items.find((f) => f.phase === 'open')
  expect(open, 'the demo data has an open fair').toBeTruthy()
  return open!.id
}

test('a graduate applies, the employer moves it to interview, the graduate sees it live, analytics count it', async ({ page, browser }) => {
  test.setTimeout(300_000)
  const organiser = await loggedIn(browser, admin)
  const fairId = await openFairId(organiser.request)
  const before = await fairFigures(organiser.request, fairId)

  // Register as a graduate.
  const name = `E2E Graduate ${Date.now()}`
  const email = `jobfair-${Date.now()}@example.com`
  await page.goto('/register')
  await page.getByLabel('Full name').fill(name)
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password', { exact: true }).fill(password)
  await page.getByLabel('Confirm password').fill(password)
  await page.getByTestId('register-submit').click()
  await expect(page.getByTestId('user-menu')).toContainText(name)

  // Applying before the profile exists is refused with a way to fix it.
  await page.goto('/jobs?q=药物')
  await page.getByTestId('job-card').filter({ hasText: helvia }).filter({ hasText: 'Drug R&D Assistant' }).click()
  await page.getByTestId('job-apply').click()
  await page.getByTestId('apply-submit').click()
  await expect(page.getByTestId('apply-error')).toContainText('profile')
  await page.getByTestId('apply-error').getByRole('link').click()
  await expect(page).toHaveURL(/\/profile$/)

  // The profile; the resume cannot be uploaded before it is saved.
  await expect(page.getByTestId('resume-upload')).toBeDisabled()
  await shotBoth(page, 'profile-new')
  await page.getByTestId('profile-school').fill('东南大学 Southeast University')
  await page.getByTestId('profile-major').click()
  await page.locator('.el-select-dropdown__item:visible').filter({ hasText: 'Microelectronics' }).click()
  await page.getByTestId('profile-degree').click()
  await page.locator('.el-select-dropdown__item:visible').filter({ hasText: /^Master/ }).click()
  await page.getByTestId('profile-languages').fill('中文（母语）, English (CET-6)')
  await page.getByTestId('profile-phone').fill('+86 138 0000 0000')
  await page.getByTestId('profile-skills').fill('Verilog, UVM, Python <script>alert(1)</script>')
  await page.getByTestId('profile-save').click()
  await expect(page.getByText('Profile saved.')).toBeVisible()

  // Uploads the server would refuse get a clear message, and nothing is stored.
  const input = page.getByTestId('resume-input')
  await input.setInputFiles({ name: 'resume.docx', mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', buffer: Buffer.from('PK not a pdf') })
  await expect(page.getByTestId('resume-error')).toContainText('Only PDF files')
  await input.setInputFiles({ name: 'empty.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(0) })
  await expect(page.getByTestId('resume-error')).toContainText('empty')
  await input.setInputFiles({ name: 'huge.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(5 * 1024 * 1024 + 1, 0x20) })
  await expect(page.getByTestId('resume-error')).toContainText('the limit is 5.0 MB')
  // A file named .pdf that is not one: the server checks the content.
  await input.setInputFiles({ name: 'fake.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\nthis is not really a pdf\n%%EOF\n') })
  await expect(page.getByTestId('resume-error')).toContainText('valid PDF')
  await expect(page.getByTestId('resume-file')).toHaveCount(0)
  await input.setInputFiles({ name: 'resume-e2e.pdf', mimeType: 'application/pdf', buffer: tinyPdf('E2E Graduate resume') })
  await expect(page.getByTestId('resume-file')).toContainText('resume-e2e.pdf')
  await expect(page.getByTestId('resume-error')).toHaveCount(0)
  await page.reload()
  await expect(page.getByTestId('resume-file')).toContainText('resume-e2e.pdf')
  await expect(page.getByTestId('profile-skills')).toHaveValue(/<script>alert\(1\)<\/script>/)
  await shotBoth(page, 'profile')

  // Search in Chinese: a two-character query finds the job; the search is in the URL.
  await page.goto('/jobs')
  await expect(page.getByTestId('job-card').first()).toBeVisible()
  await shotBoth(page, 'jobs', async () => {
    await expect(page.getByTestId('job-card').first()).toBeVisible()
  })
  await page.getByRole('search').getByRole('textbox').fill('药物')
  await page.getByTestId('job-search-submit').click()
  await expect(page).toHaveURL(/[?&]q=%E8%8D%AF%E7%89%A9/)
  const card = page.getByTestId('job-card').filter({ hasText: helvia }).filter({ hasText: 'Drug R&D Assistant' })
  await expect(card).toHaveCount(1)
  // A facet: the count on the option is the number of results after choosing it.
  await page.getByTestId('filter-degree').click()
  const option = page.locator('.el-select-dropdown__item:visible').filter({ hasText: 'Master' })
  const n = Number(/\((\d+)\)/.exec((await option.textContent()) ?? '')?.[1])
  expect(n).toBeGreaterThan(0)
  await option.click()
  await expect(page).toHaveURL(/[?&]degree=master/)
  await expect(page.getByTestId('job-count')).toHaveText(n === 1 ? '1 job found' : `${n} jobs found`)
  await page.reload()
  await expect(page.getByRole('search').getByRole('textbox')).toHaveValue('药物')
  await expect(card).toHaveCount(1)
  await shotBoth(page, 'jobs-search', async () => {
    await expect(page.getByTestId('job-card').first()).toBeVisible()
  })

  // Apply with a cover note that looks like markup: it must stay text everywhere.
  await card.click()
  await expect(page.getByTestId('job-name')).toHaveText('Drug R&D Assistant')
  await shotBoth(page, 'job')
  await page.getByTestId('job-apply').click()
  const note = 'I enjoy verification work. <b>bold?</b> <img src=x onerror="window.__pwned=1">'
  await page.getByTestId('apply-note').fill(note)
  await shot(page, 'job-apply-en', { fullPage: false })
  await page.getByTestId('apply-submit').click()
  await expect(page.getByTestId('job-applied')).toContainText('Submitted')
  // The job's page stays open in another tab: it follows the application live too.
  const jobTab = await page.context().newPage()
  jobTab.on('pageerror', (e) => otherErrors.push(`graduate job tab: ${e.message}`))
  await jobTab.goto(page.url())
  await expect(jobTab.getByTestId('job-applied')).toContainText('Submitted')

  // The graduate's applications page stays open from here on.
  await page.goto('/applications')
  const mine = page.getByTestId('application').filter({ hasText: 'Drug R&D Assistant' })
  await expect(mine).toHaveCount(1)
  await expect(mine.getByTestId('application-status')).toHaveAttribute('data-status', 'submitted')
  await shotBoth(page, 'applications', async () => {
    await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-state', 'open')
  })

  // The enterprise user sees the application and moves it to interview.
  const hr = await loggedIn(browser, employer)
  await hr.goto('/employer/jobs')
  const row = hr.getByTestId('employer-jobs').locator('tr').filter({ hasText: 'Drug R&D Assistant' })
  await expect(row).toBeVisible()
  await shotBoth(hr, 'employer-jobs')
  await row.getByTestId('employer-job-applicants').click()
  await expect(hr).toHaveURL(/\/employer\/applicants\?job=\d+/)
  const applicant = hr.getByTestId('applicants-table').locator('tr').filter({ hasText: name })
  await expect(applicant).toBeVisible()
  await expect(applicant.getByTestId('applicant-status')).toHaveText('Submitted')
  await shotBoth(hr, 'applicants')
  await applicant.getByTestId('applicant-name').click()
  const drawer = hr.getByTestId('applicant-drawer')
  await expect(drawer.getByTestId('applicant-cover')).toHaveText(note)
  await expect(drawer.locator('img, b')).toHaveCount(0)
  expect(await hr.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined()
  await shot(hr, 'applicant-en', { fullPage: false })
  await hr.keyboard.press('Escape')
  // Opening it marked it viewed; the graduate's open page follows without a reload.
  await expect(mine.getByTestId('application-status')).toHaveAttribute('data-status', 'viewed')
  await applicant.getByTestId('applicant-move').click()
  const dialog = hr.getByTestId('move-dialog')
  await dialog.getByRole('radio', { name: 'Interview' }).check({ force: true })
  await dialog.getByTestId('move-note').fill('线上面试：周五 10:00')
  await shot(hr, 'applicant-move-en', { fullPage: false })
  await dialog.getByTestId('move-confirm').click()
  await expect(dialog).toBeHidden()
  await expect(applicant.getByTestId('applicant-status')).toHaveText('Interview')

  // The graduate's page shows the change live, and the bell lists it.
  await expect(mine.getByTestId('application-status')).toHaveAttribute('data-status', 'interview')
  await expect(mine.getByTestId('application-changed')).toBeVisible()
  await expect(jobTab.getByTestId('job-applied')).toContainText('Interview')
  await jobTab.close()
  await expect(page.getByTestId('notif-count').locator('sup')).toBeVisible()
  await page.getByTestId('notif-bell').click()
  await expect(page.getByTestId('notif-list')).toBeVisible()
  await expect(page.getByTestId('notif-item').first()).toContainText('Drug R&D Assistant')
  await expect(page.getByTestId('notif-item').first()).toContainText('invited to interview')
  await expect(page.getByTestId('notif-item').first()).toContainText('线上面试：周五 10:00')
  await expect(page.getByTestId('notif-item').filter({ hasText: 'You have a new notification' })).toHaveCount(0)
  await shot(page, 'notifications-en', { fullPage: false })
  await page.getByTestId('notif-bell').click()
  await expect(page.locator('.notif-popper')).toBeHidden()

  // The employer's note is on the application; the two sides talk about it, live.
  await expect(mine.getByTestId('application-note')).toContainText('线上面试：周五 10:00')
  await mine.getByTestId('application-messages').click()
  const thread = page.getByTestId('thread-drawer')
  await expect(thread.getByTestId('application-thread')).toBeVisible()
  await thread.getByTestId('thread-input').fill('May I bring a portfolio?')
  await thread.getByTestId('thread-send').click()
  await expect(thread.getByTestId('thread-message')).toHaveCount(1)
  // The employer's drawer stayed open after the move: the message arrives there live.
  const hrThread = hr.getByTestId('applicant-drawer').getByTestId('application-thread')
  await expect(hrThread.getByTestId('thread-body')).toHaveText(['May I bring a portfolio?'])
  await hrThread.getByTestId('thread-input').fill('Yes, please do.')
  await hrThread.getByTestId('thread-send').click()
  await expect(thread.getByTestId('thread-body')).toHaveText(['May I bring a portfolio?', 'Yes, please do.'])
  await shot(page, 'application-thread-en', { fullPage: false })
  await hr.keyboard.press('Escape')
  await page.keyboard.press('Escape')

  // The organiser's analytics count the application and its interview.
  await organiser.goto(`/analytics?fair=${fairId}`)
  await expect(organiser.getByTestId('kpi-applications')).toHaveText(String(before.applications + 1))
  await expect(organiser.getByTestId('analytics-status').locator('[data-status="interview"] strong')).toHaveText(String((before.status?.interview ?? 0) + 1))
  await shotBoth(organiser, 'analytics', async () => {
    await expect(organiser.locator('.echart canvas').first()).toBeVisible()
  })
  const csv = await organiser.request.get(`/api/v1/fairs/${fairId}/analytics.csv`)
  expect(csv.ok()).toBe(true)
  expect(csv.headers()['content-type']).toContain('text/csv')

  await organiser.context().close()
  await hr.context().close()
})

test('fair home, booths and booth chat, and an employer’s job from draft to closed', async ({ page, browser }) => {
  test.setTimeout(300_000)
  await page.goto('/fairs')
  const fairCard = page.getByTestId('fair-card').first()
  await expect(fairCard.getByTestId('fair-phase')).toHaveText('Open now')
  await shotBoth(page, 'fairs')
  await fairCard.click()
  await expect(page.getByTestId('fair-name')).toBeVisible()
  await expect(page.getByTestId('booth-card').first()).toBeVisible()
  const jobs = Number(await page.getByTestId('stat-jobs').textContent())
  expect(jobs).toBeGreaterThan(0)
  await shotBoth(page, 'fair')
  await page.getByTestId('booth-group').getByText('By industry').click()
  await expect(page.getByTestId('booth-group-section').first()).toBeVisible()

  // A graduate (the demo one) talks to the Suzhou booth; the zone's staff answer.
  await page.context().close()
  const grad = await loggedIn(browser, 'graduate@zonefair.test')
  await grad.goto('/fairs')
  await grad.getByTestId('fair-card').first().click()
  await grad.getByTestId('booth-card').filter({ hasText: 'Suzhou Industrial Park' }).click()
  await expect(grad.getByTestId('booth-name')).toHaveText('Suzhou Industrial Park')
  await grad.getByTestId('booth-chat-open').click()
  const hello = `Hello from the e2e graduate <i>${Date.now()}</i>`
  await grad.getByTestId('chat-input').fill(hello)
  await grad.getByTestId('chat-send').click()
  await expect(grad.getByTestId('chat-body').filter({ hasText: hello })).toBeVisible()
  await shotBoth(grad, 'booth')

  const staff = await loggedIn(browser, zoneStaff)
  await staff.goto('/chat')
  // The graduate's conversation with the zone (the demo has another, with one of its enterprises).
  const conv = staff.getByTestId('conversation').filter({ hasText: '陈晨' }).filter({ hasText: 'Hello from the e2e graduate' })
  await expect(conv).toBeVisible()
  await conv.click()
  await expect(staff.getByTestId('chat-body').filter({ hasText: hello })).toBeVisible()
  await expect(staff.getByTestId('chat-messages').locator('i')).toHaveCount(0)
  const reply = `Welcome! 欢迎来苏州 ${Date.now()}`
  await staff.getByTestId('chat-input').fill(reply)
  await staff.getByTestId('chat-send').click()
  await expect(staff.getByTestId('chat-body').filter({ hasText: reply })).toBeVisible()
  await shotBoth(staff, 'chat-staff')
  // The graduate's open booth page receives the reply live.
  await expect(grad.getByTestId('chat-body').filter({ hasText: reply })).toBeVisible()
  await grad.goto('/chat')
  await expect(grad.getByTestId('chat-body').filter({ hasText: reply })).toBeVisible()
  await shotBoth(grad, 'chat')
  await staff.context().close()
  await grad.context().close()

  // The enterprise user writes a draft, publishes it and closes it.
  const hr = await loggedIn(browser, employer)
  await hr.goto('/employer/jobs')
  await hr.getByTestId('job-new').click()
  const dialog = hr.getByTestId('job-dialog')
  const title = `光学测试工程师 ${Date.now()}`
  await dialog.getByTestId('job-title-zh').fill(title)
  await dialog.getByTestId('job-title-en').fill('Optical Test Engineer')
  await dialog.getByTestId('job-category').click()
  await hr.locator('.el-select-dropdown__item:visible').first().click()
  await dialog.locator('.el-date-editor input').fill('2030-06-30')
  await dialog.locator('.el-date-editor input').press('Enter')
  await dialog.getByTestId('job-description-input').fill('Test optical modules. <script>alert("x")</script>')
  await shot(hr, 'job-edit-en', { fullPage: false })
  await dialog.getByTestId('job-save').click()
  await expect(dialog).toBeHidden()
  const row = hr.getByTestId('employer-jobs').locator('tr').filter({ hasText: 'Optical Test Engineer' })
  await expect(row.getByTestId('employer-job-status')).toHaveText('Draft')
  // A draft is not found by graduates' search.
  const search = await hr.request.get(`/api/v1/jobs?q=${encodeURIComponent(title)}`)
  expect(((await search.json()) as { total: number }).total).toBe(0)
  await row.getByTestId('job-publish').click()
  await expect(row.getByTestId('employer-job-status')).toHaveText('Published')
  const found = await hr.request.get(`/api/v1/jobs?q=${encodeURIComponent('光学测试')}`)
  expect(((await found.json()) as { items: { titleEn: string }[] }).items.map((j) => j.titleEn)).toContain('Optical Test Engineer')
  await row.getByTestId('job-close').click()
  await expect(row.getByTestId('employer-job-status')).toHaveText('Closed')
  // The description stays text on the job page.
  await row.getByTestId('employer-job-title').click()
  await expect(hr.getByTestId('job-description')).toContainText('<script>alert("x")</script>')
  await hr.context().close()
})

test('the organiser creates a fair with its zones and edits it', async ({ browser }) => {
  test.setTimeout(120_000)
  const organiser = await loggedIn(browser, admin)
  await organiser.goto('/fairs')
  await organiser.getByTestId('fair-new').click()
  const dialog = organiser.getByTestId('fair-dialog')
  // Nothing is sent without both names and dates in order.
  await dialog.getByTestId('fair-save').click()
  await expect(dialog.getByTestId('fair-form-error')).toContainText('Chinese and in English')
  const stamp = Date.now()
  await dialog.getByTestId('fair-name-zh').fill(`2025届春季网络招聘会 ${stamp}`)
  await dialog.getByTestId('fair-name-en').fill(`Spring fair <b>${stamp}</b>`)
  const range = dialog.locator('input.el-range-input')
  // A fair already over: listed after the demo's open fair, so the other tests still find it first.
  await range.nth(0).fill('2025-03-01 09:00:00')
  await range.nth(0).press('Enter')
  await range.nth(1).fill('2025-03-31 18:00:00')
  await range.nth(1).press('Enter')
  await dialog.getByTestId('fair-zones').click()
  await organiser.locator('.el-select-dropdown__item:visible').filter({ hasText: 'Suzhou Industrial Park' }).click()
  await organiser.locator('.el-select-dropdown__item:visible').filter({ hasText: 'Hefei' }).first().click()
  await dialog.locator('.el-dialog__title').click()
  await expect(dialog.getByText('Zones taking part (2)', { exact: true })).toBeVisible()
  await shot(organiser, 'fair-new-en', { fullPage: false })
  await dialog.getByTestId('fair-save').click()
  await expect(dialog).toBeHidden()
  await expect(organiser).toHaveURL(/\/fairs\/\d+$/)
  await expect(organiser.getByTestId('fair-name')).toHaveText(`Spring fair <b>${stamp}</b>`)
  await expect(organiser.getByTestId('fair-phase')).toHaveText('Closed')
  await expect(organiser.getByTestId('booth-card')).toHaveCount(2)

  await organiser.getByTestId('fair-edit').click()
  await expect(dialog.getByTestId('fair-name-en')).toHaveValue(`Spring fair <b>${stamp}</b>`)
  await dialog.getByTestId('fair-name-en').fill(`Spring fair ${stamp}`)
  await dialog.getByTestId('fair-save').click()
  await expect(dialog).toBeHidden()
  await expect(organiser.getByTestId('fair-name')).toHaveText(`Spring fair ${stamp}`)
  await expect(organiser.getByTestId('booth-card')).toHaveCount(2)
  await organiser.context().close()
})
