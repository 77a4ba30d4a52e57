// Pure helpers of the assessment pages: weight sums, rank movements and number formatting.
import type { RankedZone, Ranking } from '@/api/assessment'

/** The sum of weights, rounded to two decimals as the server checks it. */
export function weightSum(weights: Record<string, number>): number {
  return Math.round(Object.values(weights).reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0) * 100) / 100
}

/** Whether weights add up to 100 within the server's tolerance. */
export function weightsBalanced(weights: Record<string, number>): boolean {
  return Math.abs(weightSum(weights) - 100) <= 0.01
}

/**
 * How many places each zone moved from `before` to `after` (positive: up). Zones missing from
 * `before` are left out.
 */
export function rankMoves(before: RankedZone[], after: RankedZone[]): Map<number, number> {
  const was = new Map(before.map((z) => [z.zoneId, z.rank]))
  const out = new Map<number, number>()
  for (const z of after) {
    const old = was.get(z.zoneId)
    if (old !== undefined) out.set(z.zoneId, old - z.rank)
  }
  return out
}

/** A score with two decimals in the reader's locale. */
export function score(v: number, locale: string): string {
  return new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(v)
}

/** A reported figure with up to four decimals in the reader's locale. */
export function figure(v: number | null | undefined, locale: string): string {
  if (v === null || v === undefined) return '—'
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 4 }).format(v)
}

/** Parses a typed number, accepting thousands separators; null when it is not one. */
export function parseFigure(s: string): number | null {
  const t = s.replace(/[,\s，]/g, '')
  if (t === '' || !/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) return null
  const n = Number(t)
  return Number.isFinite(n) ? n : null
}

/** One indicator's normalised 0–100 score for a zone, with its category and weight. */
export interface IndicatorScore {
  code: string
  category: string
  name: string
  weight: number
  score: number
}

/**
 * A zone's normalised indicator scores in the ranking's indicator order (`zone.indicators`
 * follows `ranking.indicators`), each with its category's name.
 */
export function indicatorScores(r: Ranking, zone: RankedZone, pick: (zh: string, en: string) => string): IndicatorScore[] {
  const cats = new Map((r.categories ?? []).map((c) => [c.code, pick(c.nameZh, c.nameEn)]))
  return (r.indicators ?? []).map((ind, i) => ({
    code: ind.code,
    category: cats.get(ind.category) ?? ind.category,
    name: pick(ind.nameZh, ind.nameEn),
    weight: ind.weight,
    score: zone.indicators?.[i] ?? 0,
  }))
}
