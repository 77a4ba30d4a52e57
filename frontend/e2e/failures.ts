// Repeats each failed test's error after the run, so the last lines of a CI log say what
// failed and where, not only which test.
import type { FullResult, Reporter, TestCase, TestResult } from '@playwright/test/reporter'

// eslint-disable-next-line no-control-regex
const ansi = /\x1b\[[0-9;]*m/g

export default class FailureSummary implements Reporter {
  private failed: { test: TestCase; result: TestResult }[] = []

  onTestEnd(test: TestCase, result: TestResult) {
    if (result.status !== 'passed' && result.status !== 'skipped' && result.status !== test.expectedStatus) {
      this.failed.push({ test, result })
    }
  }

  onEnd(_: FullResult) {
    if (this.failed.length === 0) return
    console.log(`\n${this.failed.length} failed — the errors again:`)
    for (const { test, result } of this.failed) {
      console.log(`\n✘ ${test.location.file.split('/').pop()}:${test.location.line} › ${test.title} (${result.status}, ${Math.round(result.duration / 1000)} s)`)
      for (const e of result.errors) {
        const lines = (e.message ?? String(e.value ?? '')).replace(ansi, '').split('\n').filter((l) => l.trim())
        console.log(lines.slice(0, 8).map((l) => `    ${l}`).join('\n'))
        if (e.location) console.log(`    at ${e.location.file.split('/').pop()}:${e.location.line}`)
      }
    }
  }
}
