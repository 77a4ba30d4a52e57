import { describe, expect, it } from 'vitest'
import type { RankedZone, Ranking } from '@/api/assessment'
import { figure, indicatorScores, parseFigure, rankMoves, score, weightSum, weightsBalanced } from './score'

const z = (zoneId: number, rank: number) => ({ zoneId, rank }) as RankedZone

describe('assessment helpers', () => {
  it('sums and checks weights like the server', () => {
    expect(weightSum({ a: 33.33, b: 33.33, c: 33.34 })).toBe(100)
    expect(weightsBalanced({ a: 33.33, b: 33.33, c: 33.34 })).toBe(true)
    expect(weightsBalanced({ a: 50, b: 60 })).toBe(false)
    expect(weightSum({ a: 30, b: Number.NaN })).toBe(30)
  })
  it('computes rank moves', () => {
    const moves = rankMoves([z(1, 1), z(2, 2), z(3, 3)], [z(2, 1), z(1, 2), z(3, 3), z(4, 4)])
    expect(moves.get(2)).toBe(1)
    expect(moves.get(1)).toBe(-1)
    expect(moves.get(3)).toBe(0)
    expect(moves.has(4)).toBe(false)
  })
  it('formats and parses figures', () => {
    expect(score(77.44949, 'en')).toBe('77.45')
    expect(figure(1234.5, 'en')).toBe('1,234.5')
    expect(figure(null, 'en')).toBe('—')
    expect(parseFigure('1,234.5')).toBe(1234.5)
    expect(parseFigure(' -3 ')).toBe(-3)
    expect(parseFigure('abc')).toBeNull()
    expect(parseFigure('')).toBeNull()
    expect(parseFigure('1e3')).toBe(1000)
  })
  it('lists the normalised indicator scores of a zone with their categories', () => {
    const r = {
      categories: [{ code: 'a', nameZh: '甲', nameEn: 'A', weight: 60 }, { code: 'b', nameZh: '乙', nameEn: 'B', weight: 40 }],
      indicators: [
        { code: 'a1', category: 'a', nameZh: '甲一', nameEn: 'A one', unit: 'count', weight: 50 },
        { code: 'a2', category: 'a', nameZh: '甲二', nameEn: 'A two', unit: 'count', weight: 50 },
        { code: 'b1', category: 'b', nameZh: '乙一', nameEn: 'B one', unit: 'percent', weight: 100 },
      ],
    } as Ranking
    const zone = { zoneId: 7, rank: 1, indicators: [100, 12.5, 0] } as RankedZone
    expect(indicatorScores(r, zone, (_zh, en) => en)).toEqual([
      { code: 'a1', category: 'A', name: 'A one', weight: 50, score: 100 },
      { code: 'a2', category: 'A', name: 'A two', weight: 50, score: 12.5 },
      { code: 'b1', category: 'B', name: 'B one', weight: 100, score: 0 },
    ])
    expect(indicatorScores(r, { zoneId: 8, rank: 2 } as RankedZone, (zh) => zh).map((x) => [x.category, x.score])).toEqual([['甲', 0], ['甲', 0], ['乙', 0]])
  })
})
