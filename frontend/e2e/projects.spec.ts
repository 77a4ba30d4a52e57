// Project attachments and incentive policies end to end: zone staff attach a PDF to one of
// their projects (a fake PDF is refused and nothing is added) and link two of the policies that
// apply to their zone; an investor sees both on the project page, follows a policy link and
// downloads the document under its own name. Screenshots in English and Chinese go to
// ../screenshots/.
import type { Browser, Page } from '@playwright/test'
import { demoPassword, expect, expectNoHorizontalScroll, logIn, shot, switchLanguage, test } from './helpers'

const staff = 'staff.suzhou@zonefair.test'
const investor = 'investor@zonefair.test'

async function logInEnglish(page: Page, email: string) {
  await logIn(page, email, demoPassword)
  if ((await page.locator('html').getAttribute('lang')) !== 'en') await switchLanguage(page, 'en')
}

async function newUser(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext({ acceptDownloads: true })).newPage()
  await logInEnglish(page, email)
  return page
}

/** A small valid one-page PDF with correct cross-reference offsets. */
function pdf(text: string): Buffer {
  const stream = `BT /F1 18 Tf 72 720 Td (${text}) Tj ET`
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ]
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

test('zone staff attach a PDF and link two policies; an investor sees both and downloads the document', async ({ page: z, browser }) => {
  test.setTimeout(120_000)
  await logInEnglish(z, staff)
  const zoneId = (await (await z.request.get('/api/v1/auth/me')).json()).user.zoneId
  const mine = await (await z.request.get(`/api/v1/projects?zoneId=${zoneId}&pageSize=100`)).json()
  const project = mine.items[mine.items.length - 1]
  expect(project, 'a project of the staff member’s zone').toBeTruthy()
  await z.goto(`/projects/${project.id}`)
  await expect(z.getByTestId('project-title')).toBeVisible()
  const before = await z.getByTestId('project-attachment').count()

  // A fake PDF is refused with a message and nothing is added.
  await z.getByTestId('project-file').setInputFiles({ name: 'fake.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.7\nnot really\n%%EOF\n') })
  await expect(z.locator('.el-message--error')).toBeVisible()
  await expect(z.getByTestId('project-attachment')).toHaveCount(before)

  // A real one is attached under its own name.
  const docName = '项目简介 Project brief.pdf'
  await z.getByTestId('project-file').setInputFiles({ name: docName, mimeType: 'application/pdf', buffer: pdf('Project brief') })
  await expect(z.getByTestId('project-attachment')).toHaveCount(before + 1)
  await expect(z.getByTestId('project-attachment').last()).toContainText(docName)

  // Two of the policies that apply to the zone become the project's incentives.
  await z.getByTestId('project-edit').click()
  const select = z.getByTestId('pf-policies')
  await expect(select).toBeVisible()
  await select.scrollIntoViewIfNeeded()
  await select.click()
  const options = z.getByTestId('pf-policy-option')
  await expect(options.first()).toBeVisible()
  expect(await options.count()).toBeGreaterThanOrEqual(2)
  // A national policy and the zone's own (the options run national → provincial → local).
  const picked: string[] = []
  for (const o of [options.first(), options.last()]) {
    picked.push((await o.textContent())!.trim())
    await o.click()
    await expect(o).toHaveAttribute('aria-selected', 'true')
  }
  await expect(select.locator('.el-tag')).toHaveCount(2)
  await shot(z, 'project-edit-policies-en', { fullPage: false })
  await z.locator('.el-dialog__title').click() // closes the dropdown, keeps the dialog
  await z.getByTestId('pf-save').click()
  await expect(z.getByTestId('pf-save')).toBeHidden()
  await expect(z.getByTestId('project-incentive-policy')).toHaveCount(2)
  for (const title of picked) await expect(z.getByTestId('project-incentive-policies')).toContainText(title)
  await expect(z.locator('.el-message')).toHaveCount(0, { timeout: 15_000 })
  await shot(z, 'project-links-staff-en')

  // The investor sees both, reads a policy and downloads the document.
  const inv = await newUser(browser, investor)
  await inv.goto(`/projects/${project.id}`)
  await expect(inv.getByTestId('project-incentive-policy')).toHaveCount(2)
  await expect(inv.getByTestId('project-attachment').last()).toContainText(docName)
  await expect(inv.getByTestId('project-upload')).toHaveCount(0)
  await expect(inv.getByTestId('project-detach')).toHaveCount(0)
  await expectNoHorizontalScroll(inv)
  await shot(inv, 'project-links-en')
  const download = inv.waitForEvent('download')
  await inv.getByTestId('project-attachment').last().getByRole('link').click()
  const file = await download
  expect(file.suggestedFilename()).toBe(docName)
  const saved = await file.path()
  expect(saved).toBeTruthy()
  const { readFileSync } = await import('node:fs')
  expect(readFileSync(saved!).subarray(0, 5).toString()).toBe('%PDF-')

  await inv.getByTestId('project-incentive-policy').first().getByRole('link').click()
  await expect(inv).toHaveURL(/\/policies\/\d+$/)
  await expect(inv.getByTestId('policy-title')).toHaveText(picked[0])

  await switchLanguage(inv, 'zh-CN')
  await inv.goto(`/projects/${project.id}`)
  await expect(inv.getByTestId('project-attachments')).toContainText('项目资料')
  await expect(inv.getByTestId('project-incentive-policies')).toContainText('优惠政策依据')
  await shot(inv, 'project-links-zh')
  await switchLanguage(inv, 'en')

  await switchLanguage(z, 'zh-CN')
  await z.getByTestId('project-edit').click()
  await expect(z.getByTestId('pf-policies')).toBeVisible()
  await expect(z.getByTestId('pf-policies').locator('.el-tag')).toHaveCount(2)
  await z.getByTestId('pf-save').scrollIntoViewIfNeeded()
  await shot(z, 'project-edit-policies-zh', { fullPage: false })
  await z.keyboard.press('Escape')
  await switchLanguage(z, 'en')
})
