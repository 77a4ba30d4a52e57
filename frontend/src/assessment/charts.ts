// ECharts options of the ranking pages. The radar chart is registered here because only these
// pages use it.
import * as echarts from 'echarts/core'
import { RadarChart } from 'echarts/charts'
import { RadarComponent } from 'echarts/components'
import type { Ranking, RankedZone } from '@/api/assessment'

echarts.use([RadarChart, RadarComponent])

type Pick2 = (zh: string, en: string) => string

/** Horizontal bars of the best zones' composite scores, best on top. */
export function rankingBars(zones: RankedZone[], pick: Pick2, seriesName: string, narrow = false, limit = 30): echarts.EChartsCoreOption {
  const top = zones.slice(0, limit).reverse()
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', max: 100, splitNumber: narrow ? 2 : 5 },
    yAxis: { type: 'category', data: top.map((z) => `${z.rank}. ${pick(z.nameZh, z.nameEn)}`), axisLabel: { width: narrow ? 120 : 180, overflow: 'truncate' } },
    series: [{ name: seriesName, type: 'bar', data: top.map((z) => z.composite), label: { show: true, position: 'right', formatter: (p: { value: number }) => p.value.toFixed(1) } }],
  }
}

/** A zone's category scores against the average of all ranked zones. */
export function zoneRadar(r: Ranking, zone: RankedZone, pick: Pick2, averageName: string, narrow = false): echarts.EChartsCoreOption {
  const cats = r.categories ?? []
  const zones = r.zones ?? []
  const avg = cats.map((_, i) => zones.reduce((s, z) => s + (z.categories?.[i] ?? 0), 0) / Math.max(1, zones.length))
  return {
    tooltip: {},
    legend: { bottom: 0 },
    radar: { indicator: cats.map((c) => ({ name: pick(c.nameZh, c.nameEn), max: 100 })), radius: narrow ? '50%' : '62%', axisName: { formatter: (name?: string) => (narrow ? (name ?? '').replace(' ', '\n') : (name ?? '')) } },
    series: [
      {
        type: 'radar',
        data: [
          { name: pick(zone.nameZh, zone.nameEn), value: zone.categories ?? [], areaStyle: { opacity: 0.25 } },
          { name: averageName, value: avg.map((v) => Math.round(v * 100) / 100), lineStyle: { type: 'dashed' } },
        ],
      },
    ],
  }
}

/** Average composite per region, with the number of zones in the tooltip. */
export function regionBars(r: Ranking, regionName: (code: string) => string, seriesName: string): echarts.EChartsCoreOption {
  const regions = r.regions ?? []
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: regions.map((g) => `${regionName(g.region)} (${g.zones})`), axisLabel: { interval: 0, width: 90, overflow: 'break' } },
    yAxis: { type: 'value', max: 100 },
    series: [{ name: seriesName, type: 'bar', data: regions.map((g) => g.average), label: { show: true, position: 'top', formatter: (p: { value: number }) => p.value.toFixed(1) } }],
  }
}
