import { describe, expect, it } from 'vitest'
import type { Point } from '@/api/monitor'
import { amount, lastMonth, pct, pctClass, tradeOption } from './chart'

const point = (month: string, tradeYoY: number | null): Point => ({
  month,
  reportId: 1,
  imports: 100,
  exports: 200,
  fdiContracted: 10,
  fdiActual: 5,
  importsYoY: null,
  exportsYoY: null,
  fdiContractedYoY: null,
  fdiActualYoY: null,
  tradeYoY,
})

describe('monitoring chart helpers', () => {
  it('formats changes with their sign and a dash without a base', () => {
    expect(pct(-26, 'en')).toBe('-26.0%')
    expect(pct(12.34, 'en')).toBe('+12.3%')
    expect(pct(null, 'en')).toBe('—')
    expect(amount(1234567, 'en')).toBe('1,234,567')
  })
  it('marks falls at the threshold as alarming', () => {
    expect(pctClass(-20, 20)).toBe('bad')
    expect(pctClass(-19.9, 20)).toBe('down')
    expect(pctClass(3, 20)).toBe('up')
    expect(pctClass(null, 20)).toBe('')
  })
  it('puts the total’s change on the second axis, red when it falls', () => {
    const names = { imports: 'I', exports: 'E', trade: 'T', yoy: 'YoY', fdiContracted: 'C', fdiActual: 'A' }
    const o = tradeOption([point('2025-01', null), point('2025-02', -30)], names)
    expect(o.xAxis.data).toEqual(['2025-01', '2025-02'])
    const bars = o.series[2].data as ({ value: number; itemStyle: { color: string } } | null)[]
    expect(bars[0]).toBeNull()
    expect(bars[1]?.itemStyle.color).toBe('#d9534f')
  })
  it('knows the latest month a zone can report', () => {
    expect(lastMonth(new Date(Date.UTC(2026, 0, 15)))).toBe('2025-12')
    expect(lastMonth(new Date(Date.UTC(2026, 10, 25)))).toBe('2026-10')
  })
})
