// The dashboard's chart options and number formats, kept apart from the page so they can be
// tested.
import type { Point } from '@/api/monitor'

/** A figure in USD 10,000, grouped for the reader's locale. */
export function amount(v: number, locale: string): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(v)
}

/** A year-on-year change with its sign, or a dash without a base. */
export function pct(v: number | null | undefined, locale: string): string {
  if (v === null || v === undefined) return '—'
  const s = new Intl.NumberFormat(locale, { maximumFractionDigits: 1, minimumFractionDigits: 1, signDisplay: 'exceptZero' }).format(v)
  return `${s}%`
}

/** The colour class of a change: falls below the threshold are alarming. */
export function pctClass(v: number | null | undefined, threshold: number): string {
  if (v === null || v === undefined) return ''
  if (v <= -threshold) return 'bad'
  return v < 0 ? 'down' : 'up'
}

type Names = { imports: string; exports: string; trade: string; yoy: string; fdiContracted: string; fdiActual: string }

/** Lines of imports and exports with bars of the total's year-on-year change. */
export function tradeOption(points: Point[], names: Names) {
  return {
    // Live alerts redraw the charts; they change in place rather than replaying an animation.
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 64, right: 56, top: 40, bottom: 32 },
    xAxis: { type: 'category', data: points.map((p) => p.month) },
    yAxis: [
      { type: 'value', name: '' },
      { type: 'value', name: names.yoy, axisLabel: { formatter: '{value}%' }, splitLine: { show: false } },
    ],
    series: [
      { name: names.imports, type: 'line', smooth: true, data: points.map((p) => p.imports) },
      { name: names.exports, type: 'line', smooth: true, data: points.map((p) => p.exports) },
      {
        name: `${names.trade} ${names.yoy}`,
        type: 'bar',
        yAxisIndex: 1,
        barMaxWidth: 14,
        data: points.map((p) => (p.tradeYoY === null ? null : { value: p.tradeYoY, itemStyle: { color: p.tradeYoY < 0 ? '#d9534f' : '#5cb85c' } })),
      },
    ],
  }
}

/** Lines of contracted and actually used foreign investment. */
export function fdiOption(points: Point[], names: Names) {
  return {
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 64, right: 24, top: 40, bottom: 32 },
    xAxis: { type: 'category', data: points.map((p) => p.month) },
    yAxis: { type: 'value' },
    series: [
      { name: names.fdiContracted, type: 'line', smooth: true, data: points.map((p) => p.fdiContracted) },
      { name: names.fdiActual, type: 'line', smooth: true, areaStyle: { opacity: 0.15 }, data: points.map((p) => p.fdiActual) },
    ],
  }
}

/** The month before the current one, as YYYY-MM: the latest a zone can report. */
export function lastMonth(now: Date = new Date()): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1))
  return d.toISOString().slice(0, 7)
}
