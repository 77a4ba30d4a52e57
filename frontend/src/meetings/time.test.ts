import { describe, expect, it } from 'vitest'
import { clock, countdown, expectedWait, formatIn, sameClock, zonedToIso, zoneOffset } from './time'

describe('meeting time', () => {
  it('turns wall time in a zone into UTC', () => {
    expect(zonedToIso('2026-03-03T10:00', 'Asia/Shanghai')).toBe('2026-03-03T02:00:00.000Z')
    expect(zonedToIso('2026-07-01T09:30', 'Europe/Berlin')).toBe('2026-07-01T07:30:00.000Z')
    expect(zonedToIso('2026-01-15T09:30', 'America/New_York')).toBe('2026-01-15T14:30:00.000Z')
    expect(() => zonedToIso('soon', 'UTC')).toThrow()
  })
  it('formats in a zone, with its name', () => {
    expect(formatIn('2026-03-03T02:00:00Z', 'Asia/Shanghai', 'en')).toMatch(/Mar 3, 2026.*10:00.*GMT\+8/)
    expect(formatIn('2026-03-03T02:00:00Z', 'Europe/Berlin', 'zh-CN')).toMatch(/2026.*3.*03:00/)
  })
  it('knows offsets and equal clocks', () => {
    expect(zoneOffset(Date.UTC(2026, 0, 1), 'Asia/Shanghai')).toBe(480)
    expect(sameClock('2026-01-01T00:00:00Z', 'Asia/Shanghai', 'Asia/Singapore')).toBe(true)
    expect(sameClock('2026-01-01T00:00:00Z', 'Asia/Shanghai', 'Europe/Berlin')).toBe(false)
  })
  it('estimates waits like the server', () => {
    expect(expectedWait(1, 0, 2, 10)).toBe(0)
    expect(expectedWait(3, 0, 2, 10)).toBe(10)
    expect(expectedWait(1, 2, 2, 10)).toBe(10)
    expect(expectedWait(3, 2, 2, 10)).toBe(20)
    expect(expectedWait(0, 0, 2, 10)).toBe(0)
  })
  it('counts down and warns in the last minute', () => {
    expect(countdown(100_000, 0)).toEqual({ left: 100, warn: false, over: false })
    expect(countdown(60_000, 0)).toEqual({ left: 60, warn: true, over: false })
    expect(countdown(0, 5)).toEqual({ left: 0, warn: false, over: true })
    expect(clock(754)).toBe('12:34')
    expect(clock(3723)).toBe('1:02:03')
  })
})
