// How the browser tests start Chromium: the system's (never a downloaded one) with the switches
// every spec needs. Specs that need more (a fake camera) add theirs to these.
export const chromiumLaunch = {
  executablePath: process.env.ZONEFAIR_TEST_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
}
