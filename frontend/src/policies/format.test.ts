import { describe, expect, it } from 'vitest'
import { canIssue, formatDay } from './format'

describe('policy helpers', () => {
  it('formats a calendar day in the reader’s language without moving it', () => {
    expect(formatDay('2026-03-01', 'en')).toBe('Mar 1, 2026')
    expect(formatDay('2026-03-01', 'zh-CN')).toBe('2026年3月1日')
    expect(formatDay('soon', 'en')).toBe('soon')
  })
  it('knows who issues policies', () => {
    expect(canIssue('zone_staff')).toBe(true)
    expect(canIssue('province_staff')).toBe(true)
    expect(canIssue('investor')).toBe(false)
    expect(canIssue(null)).toBe(false)
  })
})
