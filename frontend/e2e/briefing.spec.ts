// Investment briefings end to end: a zone host and two investors in one live room — the host
// turns a slide and both investors follow; one investor asks, the other upvotes, the host
// answers; a poll is opened, voted and closed; the replay shows it all. Then projects: an
// investor expresses interest and requests a meeting, the zone works the lead and accepts.
// Screenshots of every page in both languages go to ../screenshots/.
import type { Browser, Page } from '@playwright/test'
import { apiCall as call, demoPassword, expect, expectNoHorizontalScroll, logIn, newBriefing, shot, switchLanguage, test } from './helpers'
import { pair } from './servers'

const staff = 'staff.suzhou@zonefair.test'
const investor = 'investor@zonefair.test'

/** A small valid PDF with one "Slide n" text per page, built with exact xref offsets. */
function slidesPdf(pages: number): Buffer {
  const objs: string[] = []
  const kids = Array.from({ length: pages }, (_, i) => `${4 + i * 2} 0 R`).join(' ')
  objs.push('<< /Type /Catalog /Pages 2 0 R >>')
  objs.push(`<< /Type /Pages /Kids [${kids}] /Count ${pages} >>`)
  objs.push('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>')
  for (let i = 1; i <= pages; i++) {
    const text = `BT /F1 64 Tf 80 200 Td (Slide ${i}) Tj ET`
    objs.push(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 640 360] /Resources << /Font << /F1 3 0 R >> >> /Contents ${5 + (i - 1) * 2} 0 R >>`)
    objs.push(`<< /Length ${text.length} >>\nstream\n${text}\nendstream`)
  }
  let out = '%PDF-1.4\n'
  const offsets: number[] = []
  objs.forEach((o, i) => {
    offsets.push(out.length)
    out += `${i + 1} 0 obj\n${o}\nendobj\n`
  })
  const xref = out.length
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`
  for (const off of offsets) out += `${String(off).padStart(10, '0')} 00000 n \n`
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`
  return Buffer.from(out, 'latin1')
}

/** Logs in and makes sure the UI speaks English (a user's saved language may differ). */
async function logInEnglish(page: Page, email: string) {
  await logIn(page, email, demoPassword)
  if ((await page.locator('html').getAttribute('lang')) !== 'en') await switchLanguage(page, 'en')
}

/** A second server instance sharing the database and Redis, when the run has one. */
const second = pair.second

async function newUser(browser: Browser, email?: string, baseURL?: string): Promise<Page> {
  const page = await (await browser.newContext(baseURL ? { baseURL } : {})).newPage()
  if (email) {
    await logInEnglish(page, email)
    return page
  }
  const fresh = `investor-${Date.now()}-${Math.random().toString(36).slice(2, 7)}@example.com`
  const res = await page.request.post('/api/v1/auth/register', {
    data: { email: fresh, password: demoPassword, name: 'Erika Müller', role: 'investor', locale: 'en', organization: 'Rhein Capital', country: 'Germany' },
  })
  expect(res.ok(), await res.text()).toBeTruthy()
  await page.goto('/')
  await expect(page.getByTestId('user-menu')).toBeVisible()
  return page
}

async function tab(page: Page, name: RegExp) {
  await page.getByRole('tab', { name }).click()
}

test('a host runs a live briefing with two investors, and the replay shows it all', async ({ page: host, browser }) => {
  test.setTimeout(180_000)
  await logInEnglish(host, staff)
  const title = `E2E Briefing ${Date.now()}`
  const b = await newBriefing(host.request, {
    titleZh: `端到端推介会 ${Date.now()}`,
    titleEn: title,
    visibility: 'public',
    registrationQuestions: [{ id: 'focus', labelZh: '关注领域', labelEn: 'Your focus', required: true, options: [] }],
  })

  // The host uploads the slides and opens the room from the briefing page.
  await host.goto(`/briefings/${b.id}`)
  await host.getByTestId('slides-file').setInputFiles({ name: 'deck.pdf', mimeType: 'application/pdf', buffer: slidesPdf(3) })
  await expect(host.getByTestId('slides-info')).toContainText('3')
  await host.getByTestId('briefing-start').click()
  await expect(host.getByTestId('briefing-phase')).toHaveText('Live')

  // Two investors register with the host's question and enter the room; with a second
  // instance, the second investor is served by it, so everything below crosses instances.
  const a = await newUser(browser, investor)
  const c = await newUser(browser, undefined, second)
  if (second) expect(c.url()).toContain(second)
  for (const [p, focus] of [
    [a, 'semiconductors'],
    [c, 'robotics <script>x</script>'],
  ] as const) {
    await p.goto(`/briefings/${b.id}`)
    await p.getByTestId('register-open').click()
    await p.getByTestId('reg-focus').fill(focus)
    await p.getByTestId('register-submit').click()
    await expect(p.getByTestId('registered-tag')).toBeVisible()
    await p.getByTestId('enter-room').click()
    await expect(p.getByTestId('room-title')).toHaveText(title)
    await expect(p.getByTestId('slide')).toHaveAttribute('data-page', '1')
    await expect(p.getByTestId('slide-next')).toHaveCount(0) // attendees do not turn pages
  }
  await host.goto(`/briefings/${b.id}/live`)
  await expect(host.getByTestId('slide').locator('canvas[data-page="1"]')).toBeAttached()
  for (const p of [host, a, c]) await expect(p.getByTestId('attendee-count')).not.toHaveAttribute('data-count', '0')

  // The host turns a slide; both investors follow.
  await host.getByTestId('slide-next').click()
  for (const p of [host, a, c]) {
    await expect(p.getByTestId('slide-page')).toHaveText('Page 2 of 3')
    await expect(p.getByTestId('slide').locator('canvas[data-page="2"]')).toBeAttached()
  }
  await shot(a, 'briefing-live-en')

  // One investor asks (hostile text stays text), the other upvotes, the host answers.
  const question = 'What support is there for R&D centres? <img src=x onerror=alert(1)>'
  await a.getByTestId('ask-input').fill(question)
  await a.getByTestId('ask-send').click()
  for (const p of [host, a, c]) await expect(p.getByTestId('question-body').filter({ hasText: 'R&D centres' })).toHaveText(question)
  const q = (p: Page) => p.getByTestId('question').filter({ hasText: 'R&D centres' })
  await expect(q(a).getByTestId('question-upvote')).toBeDisabled() // not one's own question
  await q(c).getByTestId('question-upvote').click()
  for (const p of [host, a, c]) await expect(q(p).getByTestId('question-votes')).toHaveText('1')
  await expect(q(c).getByTestId('question-upvote')).toBeDisabled() // once only
  await q(host).getByTestId('question-answer-open').click()
  await q(host).getByTestId('answer-input').fill('A 50% rent rebate for three years.')
  await q(host).getByTestId('answer-send').click()
  for (const p of [a, c]) await expect(q(p).getByTestId('question-answer')).toContainText('A 50% rent rebate for three years.')
  await expect(a.locator('img[src="x"]')).toHaveCount(0)

  // One hand-raise, apart from the meeting request: the investor raises a hand, the host sees it
  // and replies in the chat (bringing them on stage needs a video server: video.spec.ts), which
  // lowers it for everyone.
  await expect(a.getByTestId('request-meeting')).toHaveText('Request a meeting')
  await expect(a.getByTestId('stage-hand')).toHaveText('Raise hand')
  await a.getByTestId('stage-hand').click()
  await expect(a.getByTestId('stage-hand-down')).toBeVisible()
  await expect(a.getByTestId('hand-hint')).toContainText('Your hand is up')
  const handRow = host.getByTestId('stage-hand-row')
  await expect(handRow).toHaveCount(1)
  const who: string = (await (await a.request.get('/api/v1/auth/me')).json()).user.name
  await expect(handRow).toContainText(who)
  await shot(a, 'briefing-hand-up-en', { fullPage: false })
  await shot(host, 'briefing-hand-host-en', { fullPage: false })
  await handRow.getByTestId('stage-reply').click()
  await expect(host.getByTestId('live-input')).toHaveValue(`@${who} `)
  await host.getByTestId('live-input').fill(`@${who} We will take your question on rents next.`)
  await host.getByTestId('live-send').click()
  await expect(handRow).toHaveCount(0)
  await expect(a.getByTestId('stage-hand')).toBeVisible()
  await tab(a, /^Chat/)
  await expect(a.getByTestId('live-messages')).toContainText('We will take your question on rents next.')
  await tab(a, /^Q&A/)
  await tab(host, /^Q&A/)

  // A poll is opened, voted on by both investors with live results, and closed.
  await tab(host, /^Polls/)
  await host.getByTestId('poll-new').click()
  await host.getByTestId('poll-question-zh').fill('您计划何时投资？')
  await host.getByTestId('poll-question-en').fill('When will you invest?')
  const zh = host.getByTestId('poll-option-zh')
  const en = host.getByTestId('poll-option-en')
  await zh.nth(0).fill('一年内')
  await en.nth(0).fill('Within a year')
  await zh.nth(1).fill('以后')
  await en.nth(1).fill('Later')
  await host.getByTestId('poll-save').click()
  const hostPoll = host.getByTestId('poll').filter({ hasText: 'When will you invest?' })
  await hostPoll.getByTestId('poll-open').click()
  await expect(hostPoll).toHaveAttribute('data-status', 'open')
  for (const [p, choice] of [
    [a, 'Within a year'],
    [c, 'Later'],
  ] as const) {
    await tab(p, /^Polls/)
    const poll = p.getByTestId('poll').filter({ hasText: 'When will you invest?' })
    await poll.getByTestId('poll-option').filter({ hasText: choice }).click()
    await expect(poll.getByTestId('poll-results')).toBeVisible()
  }
  for (const p of [host, a, c]) {
    const poll = p.getByTestId('poll').filter({ hasText: 'When will you invest?' })
    await expect(poll.getByTestId('poll-total')).toHaveText('2 votes in total')
    await expect(poll.getByTestId('poll-result')).toHaveCount(2)
    await expect(poll.getByTestId('poll-result').nth(0)).toHaveAttribute('data-count', '1')
    await expect(poll.getByTestId('poll-result').nth(1)).toHaveAttribute('data-count', '1')
  }
  await shot(host, 'briefing-live-host-en')
  await hostPoll.getByTestId('poll-close').click()
  for (const p of [host, a, c]) await expect(p.getByTestId('poll').filter({ hasText: 'When will you invest?' })).toHaveAttribute('data-status', 'closed')

  // The host ends the briefing: the room turns read-only for everyone.
  await host.getByTestId('room-end').click()
  await host.locator('.el-message-box__btns .el-button--primary').click()
  for (const p of [host, a, c]) {
    await expect(p.getByTestId('room-ended')).toBeVisible()
    await expect(p.getByTestId('ask-input')).toHaveCount(0)
  }

  // The replay: the page-turn timeline, the answered question, the poll results.
  await a.goto(`/briefings/${b.id}/replay`)
  await expect(a.getByTestId('turn')).toHaveCount(2)
  await expect(a.getByTestId('turn').nth(1)).toHaveAttribute('data-page', '2')
  await expect(a.getByTestId('replay-question-body').filter({ hasText: 'R&D centres' })).toHaveText(question)
  await expect(a.getByTestId('replay-answer')).toContainText('A 50% rent rebate')
  await expect(a.getByTestId('replay-votes')).toHaveText('▲ 1')
  const replayPoll = a.getByTestId('poll').filter({ hasText: 'When will you invest?' })
  await expect(replayPoll).toHaveAttribute('data-status', 'closed')
  await expect(replayPoll.getByTestId('poll-total')).toHaveText('2 votes in total')
  await expect(a.getByTestId('analytics')).toHaveCount(0) // analytics are for hosts

  // Attendance is written in batches every heartbeat (30 s): wait until both seats are counted.
  await expect
    .poll(async () => (await (await host.request.get(`/api/v1/briefings/${b.id}/analytics`)).json()).attended, { timeout: 45_000 })
    .toBe(2)
  await host.goto(`/briefings/${b.id}/replay`)
  await expect(host.getByTestId('analytics')).toBeVisible()
  await expect(host.getByTestId('stat-registered').locator('.el-statistic__number')).toHaveText('2')
  await expect(host.getByTestId('stat-attended').locator('.el-statistic__number')).toHaveText('2')
  await expect(host.getByTestId('stat-questions').locator('.el-statistic__number')).toHaveText('1')
  const csv = await host.request.get(`/api/v1/briefings/${b.id}/leads.csv`)
  expect(csv.ok()).toBeTruthy()
  expect(await csv.text()).toContain('Rhein Capital')
  // The recording comes after the briefing: the host adds its link, the investor watches it.
  await expect(a.getByTestId('recording')).toHaveCount(0)
  await expect(a.getByTestId('recording-edit')).toHaveCount(0)
  await host.getByTestId('recording-edit').click()
  await host.getByTestId('recording-input').fill('javascript:alert(1)')
  await host.getByTestId('recording-save').click()
  await expect(host.locator('.el-form-item__error')).toBeVisible()
  await expect(host.getByTestId('recording')).toHaveCount(0)
  await host.getByTestId('recording-input').fill('https://video.example.com/briefings/rd-centres')
  await host.getByTestId('recording-save').click()
  await expect(host.getByTestId('recording')).toHaveAttribute('href', 'https://video.example.com/briefings/rd-centres')
  await a.reload()
  await expect(a.getByTestId('recording')).toHaveAttribute('href', 'https://video.example.com/briefings/rd-centres')
  await shot(host, 'briefing-replay-host-en')
  await switchLanguage(host, 'zh-CN')
  await expect(host.getByTestId('replay-title')).toContainText('回放')
  await shot(host, 'briefing-replay-host-zh')
  await switchLanguage(host, 'en')
})

test('an investor shows interest in a project and books a meeting; the zone works the lead', async ({ page: inv, browser }) => {
  const z = await newUser(browser, staff)
  const zoneId = (await (await z.request.get('/api/v1/auth/me')).json()).user.zoneId
  await logInEnglish(inv, investor)

  // Search works in both languages.
  await inv.goto('/projects?q=' + encodeURIComponent('晶圆'))
  await expect(inv.getByTestId('project-card').first()).toBeVisible()
  const zh = await inv.getByTestId('project-card').count()
  await inv.goto('/projects?q=wafer')
  await expect(inv.getByTestId('project-card')).toHaveCount(zh)

  const mine = await (await inv.request.get(`/api/v1/projects?zoneId=${zoneId}&pageSize=100`)).json()
  const project = mine.items.find((p: { interested: boolean }) => !p.interested)
  expect(project, 'a project of the zone the investor has not yet shown interest in').toBeTruthy()
  await inv.goto(`/projects/${project.id}`)
  const title = (await inv.getByTestId('project-title').textContent())!.trim()
  // The incentives link to the zone's policy packages (the demo zone has one).
  await expect(inv.getByTestId('project-policies').getByTestId('project-policy').first()).toBeVisible()
  await inv.getByTestId('project-follow').click()
  await expect(inv.getByTestId('project-follow')).toHaveText('Following')
  await inv.getByTestId('project-interest').click()
  await inv.getByTestId('interest-message').fill('We would like to visit the site. <b>soon</b>')
  await inv.getByTestId('interest-send').click()
  await expect(inv.getByTestId('project-interested')).toBeVisible()
  await inv.getByTestId('project-meeting').click()
  await inv.getByTestId('meeting-message').fill('Site visit and incentives')
  await inv.getByTestId('meeting-send').click()
  await expect(inv.getByRole('dialog')).toBeHidden()
  await inv.goto('/projects/desk')
  await inv.getByRole('tab', { name: /^Meetings/ }).click()
  await expect(inv.getByTestId('meeting-card').filter({ hasText: 'Site visit and incentives' })).toContainText('Awaiting reply')

  // The zone moves the lead along with a note and accepts one of the proposed times.
  await z.goto('/projects/desk')
  await z.getByRole('tab', { name: /^Leads/ }).click()
  const newCol = z.locator('[data-status="new"]').getByTestId('lead-card').filter({ hasText: title })
  await expect(newCol).toContainText('We would like to visit the site. <b>soon</b>')
  await newCol.click()
  await z.getByTestId('lead-status').click()
  await z.getByRole('option', { name: 'Contacted' }).click()
  await z.getByTestId('lead-note').fill('Called, sending the brochure.')
  await z.getByTestId('lead-save').click()
  await expect(z.locator('.el-drawer.open')).toContainText('Called, sending the brochure.')
  await z.keyboard.press('Escape')
  await expect(z.locator('[data-status="contacted"]').getByTestId('lead-card').filter({ hasText: title })).toBeVisible()
  await z.getByRole('tab', { name: /^Meetings/ }).click()
  const card = z.getByTestId('meeting-card').filter({ hasText: 'Site visit and incentives' })
  await card.getByTestId('meeting-accept').click()
  await z.getByTestId('accept-confirm').click()
  await expect(card).toContainText('Accepted')
  await inv.reload()
  await inv.getByRole('tab', { name: /^Meetings/ }).click()
  await expect(inv.getByTestId('meeting-card').filter({ hasText: 'Site visit and incentives' })).toContainText('Accepted')
})

test('screenshots of the briefing and project pages in both languages', async ({ page, browser }) => {
  test.setTimeout(300_000)
  await logInEnglish(page, investor)
  const list = await (await page.request.get('/api/v1/briefings')).json()
  const live = list.items.find((b: { phase: string }) => b.phase === 'live')
  // The demo's past briefing, whose video room has recorded stays (not one an earlier test ended).
  const past = list.items.find((b: { phase: string; titleEn: string }) => b.phase === 'ended' && b.titleEn === 'Biomedicine Investment Briefing')
  const projects = await (await page.request.get('/api/v1/projects')).json()
  const staffPage = await newUser(browser, staff)
  for (const lang of ['en', 'zh-CN'] as const) {
    const sfx = lang === 'en' ? 'en' : 'zh'
    for (const p of [page, staffPage]) {
      await p.goto('/')
      if ((await p.locator('html').getAttribute('lang')) !== lang) await switchLanguage(p, lang)
    }
    await page.goto('/briefings')
    for (const phase of ['live', 'upcoming', 'ended']) await expect(page.getByTestId(`briefings-${phase}`).getByTestId('briefing-card').first()).toBeVisible()
    await shot(page, `briefing-list-${sfx}`)
    await page.goto(`/briefings/${live.id}`)
    await expect(page.getByTestId('agenda')).toBeVisible()
    await shot(page, `briefing-detail-${sfx}`)
    await page.goto(`/briefings/${live.id}/live`)
    await expect(page.getByTestId('room-title')).toBeVisible()
    await shot(page, `briefing-room-${sfx}`)
    await page.goto(`/briefings/${past.id}/replay`)
    await expect(page.getByTestId('replay-title')).toBeVisible()
    await shot(page, `briefing-replay-${sfx}`)
    await staffPage.goto(`/briefings/${live.id}`)
    await expect(staffPage.getByTestId('host-panel')).toBeVisible()
    await shot(staffPage, `briefing-detail-host-${sfx}`)
    await staffPage.getByTestId('briefing-edit').click()
    await expect(staffPage.getByTestId('bf-title-en')).toBeVisible()
    await shot(staffPage, `briefing-edit-${sfx}`, { fullPage: false })
    await staffPage.keyboard.press('Escape')
    await staffPage.goto(`/briefings/${live.id}/live`)
    await expect(staffPage.getByTestId('poll-new')).toBeAttached()
    await shot(staffPage, `briefing-room-host-${sfx}`)
    await staffPage.goto(`/briefings/${past.id}/replay`)
    await expect(staffPage.getByTestId('analytics')).toBeVisible()
    // Who was in the video room and on stage, for how long (the demo's recorded stays).
    const rows = staffPage.getByTestId('presence-row')
    await expect(rows).toHaveCount(3)
    await expect(rows.nth(1).getByTestId('presence-stage')).toHaveText(lang === 'en' ? 'On stage' : '上台')
    await expect(rows.nth(1).getByTestId('presence-total')).toContainText(lang === 'en' ? 'Total 1 h 51 min' : '共 1 小时 51 分')
    await expect(rows.nth(2).getByTestId('presence-total')).toContainText(lang === 'en' ? 'over 2 visits' : '分 2 次进入')
    await shot(staffPage, `briefing-analytics-${sfx}`)
    await staffPage.setViewportSize({ width: 375, height: 812 })
    await expectNoHorizontalScroll(staffPage)
    await staffPage.getByTestId('presence').scrollIntoViewIfNeeded()
    await shot(staffPage, `briefing-analytics-${sfx}-375`, { fullPage: false })
    await staffPage.goto(`/briefings/${live.id}/live`)
    await expect(staffPage.getByTestId('room-title')).toBeVisible()
    await shot(staffPage, `briefing-room-host-${sfx}-375`)
    await staffPage.setViewportSize({ width: 1366, height: 900 })
    await page.setViewportSize({ width: 375, height: 812 })
    await page.goto(`/briefings/${live.id}/live`)
    await expect(page.getByTestId('request-meeting')).toBeVisible()
    await expectNoHorizontalScroll(page)
    await shot(page, `briefing-room-${sfx}-375`)
    await page.setViewportSize({ width: 1366, height: 900 })

    await page.goto('/projects')
    await expect(page.getByTestId('project-card').first()).toBeVisible()
    await shot(page, `project-search-${sfx}`)
    await page.goto(`/projects/${projects.items[0].id}`)
    await expect(page.getByTestId('project-title')).toBeVisible()
    await shot(page, `project-page-${sfx}`)
    await page.goto('/projects/desk')
    await shot(page, `project-desk-investor-${sfx}`)
    await staffPage.goto('/projects/desk')
    await shot(staffPage, `project-desk-${sfx}`)
    await staffPage.getByRole('tab').nth(1).click()
    await expect(staffPage.getByTestId('leads-board')).toBeVisible()
    await shot(staffPage, `project-leads-${sfx}`)
    await staffPage.getByTestId('lead-card').first().click()
    await expect(staffPage.locator('.el-drawer.open')).toBeVisible()
    await shot(staffPage, `project-lead-${sfx}`, { fullPage: false })
    await staffPage.keyboard.press('Escape')
    await staffPage.getByRole('tab').nth(0).click()
    await staffPage.getByTestId('project-new').click()
    await expect(staffPage.getByTestId('pf-title-en')).toBeVisible()
    await shot(staffPage, `project-edit-${sfx}`, { fullPage: false })
    await staffPage.keyboard.press('Escape')
  }
  // On a phone the pages fit the screen.
  await page.setViewportSize({ width: 375, height: 812 })
  for (const [path, name] of [
    ['/briefings', 'briefing-list-375'],
    [`/briefings/${live.id}`, 'briefing-detail-375'],
    [`/briefings/${live.id}/live`, 'briefing-room-375'],
    [`/briefings/${past.id}/replay`, 'briefing-replay-375'],
    ['/projects', 'project-search-375'],
    [`/projects/${projects.items[0].id}`, 'project-page-375'],
  ] as const) {
    await page.goto(path)
    await page.waitForLoadState('networkidle')
    await expectNoHorizontalScroll(page)
    await shot(page, name)
  }
  // Leave the demo accounts in English for the specs that follow.
  for (const p of [page, staffPage]) await switchLanguage(p, 'en')
})
