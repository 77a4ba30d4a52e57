import { demoPassword, logIn, shot, switchLanguage, test, type UILocale } from './helpers'
import { expectHeaderFits } from './layout'

// Every role's header, measured: no two of its items overlap and none runs past the bar, in
// both languages at the common laptop widths and at the extremes.
const roles: { name: string; email: string | null }[] = [
  { name: 'visitor', email: null },
  { name: 'admin', email: 'admin@zonefair.test' },
  { name: 'zone-staff', email: 'staff.suzhou@zonefair.test' },
  { name: 'enterprise-staff', email: 'hr.enterprise@zonefair.test' },
  { name: 'investor', email: 'investor@zonefair.test' },
  { name: 'graduate', email: 'graduate@zonefair.test' },
  { name: 'province-staff', email: 'province.jiangsu@zonefair.test' },
]
const widths = [375, 1024, 1280, 1366, 1440, 1920]
const locales: UILocale[] = ['en', 'zh-CN']

// Each test only reads: they run side by side on the workers' own servers.
test.describe.configure({ mode: 'parallel' })

for (const role of roles) {
  test(`the header fits for the ${role.name} at every width in both languages`, async ({ page }) => {
    if (role.email) await logIn(page, role.email, demoPassword)
    else await page.goto('/')
    for (const locale of locales) {
      await switchLanguage(page, locale)
      for (const width of widths) {
        await page.setViewportSize({ width, height: width < 768 ? 812 : 900 })
        await expectHeaderFits(page, `${role.name}, ${locale}, ${width} px`)
      }
      if (role.name === 'admin' || role.name === 'zone-staff') {
        await page.setViewportSize({ width: 1366, height: 900 })
        await shot(page, `header-${role.name}-1366-${locale}`, { fullPage: false })
      }
    }
  })
}
