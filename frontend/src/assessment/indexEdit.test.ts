import { describe, expect, it } from 'vitest'
import type { IndexVersion } from '@/api/assessment'
import en from '@/locales/assessment.en'
import { balanced, checkTree, countChanges, formatWeight, fromVersion, locate, newCategory, newIndicator, placeOf, problemsAt, sumWeights, toInput, units, validCode, validVersionCode, type EditTree } from './indexEdit'

const ind = (code: string, weight: number, extra: Partial<Record<string, unknown>> = {}) => ({
  code,
  nameZh: `${code}中`,
  nameEn: `${code} en`,
  unit: 'count',
  weight,
  direction: 'higher' as const,
  method: 'minmax' as const,
  target: 0,
  min: 0,
  max: 100,
  ...extra,
})

// A small published version in the shape the API returns.
const base = (): IndexVersion => ({
  id: 3,
  code: '2021',
  nameZh: '2021 年版',
  nameEn: '2021 edition',
  status: 'published',
  basedOnId: null,
  publishedAt: '2026-01-01T00:00:00Z',
  createdAt: '2026-01-01T00:00:00Z',
  categories: [
    { code: 'opening_up', nameZh: '对外开放', nameEn: 'Opening-up', weight: 60, indicators: [ind('foreign_investment_used', 50, { unit: 'usd_100m' }), ind('export_growth', 50, { unit: 'percent', min: -100, max: 300 })] },
    { code: 'innovation', nameZh: '科技创新', nameEn: 'Innovation', weight: 40, indicators: [ind('rd_intensity', 33.33, { method: 'target', target: 4 }), ind('a', 33.33), ind('b', 33.34)] },
  ],
})

const named = (): EditTree => ({ ...fromVersion(base()), code: '2026-draft', nameZh: '2026 年版', nameEn: '2026 edition' })
const keys = (t: EditTree) => checkTree(t).map((p) => `${p.path} ${p.key}${p.params.sum !== undefined ? ` ${p.params.sum}` : ''}`)

describe('editing an index version', () => {
  it('copies a version and accepts it unchanged once it has a code and names', () => {
    const t = fromVersion(base())
    expect(t.basedOnId).toBe(3)
    expect(t.categories.map((c) => c.indicators.length)).toEqual([2, 3])
    expect(keys(t)).toEqual(['code versionCode', 'nameZh versionName', 'nameEn versionName'])
    expect(keys(named())).toEqual([])
    // The copy is not the version: editing it leaves the version alone.
    const v = base()
    const c = fromVersion(v)
    c.categories[0]!.indicators[0]!.weight = 10
    expect(v.categories![0]!.indicators![0]!.weight).toBe(50)
  })

  it('sums weights like the server, with its tolerance', () => {
    expect(sumWeights([{ weight: 33.33 }, { weight: 33.33 }, { weight: 33.34 }])).toBeCloseTo(100, 10)
    expect(balanced(sumWeights([{ weight: 33.33 }, { weight: 33.33 }, { weight: 33.34 }]))).toBe(true)
    expect(balanced(100.005)).toBe(true)
    expect(balanced(100.02)).toBe(false)
    expect(sumWeights([{ weight: 40 }, { weight: null }])).toBe(40)
    expect(formatWeight(95.000000001)).toBe('95')
    expect(formatWeight(33.333)).toBe('33.33')
  })

  it('reports broken weight sums at the category and indicator level', () => {
    const t = named()
    t.categories[0]!.indicators[0]!.weight = 40 // opening-up's indicators: 90
    expect(keys(t)).toEqual(['categories.0.indicators indicatorWeights 90'])
    t.categories[1]!.weight = 35 // categories: 95
    expect(keys(t)).toEqual(['categories.0.indicators indicatorWeights 90', 'categories categoryWeights 95'])
    const p = checkTree(t)[0]!
    expect([p.cat, p.ind]).toEqual([0, undefined])
    t.categories[0]!.indicators[1]!.weight = 60
    t.categories[1]!.weight = 40
    expect(keys(t)).toEqual([])
  })

  it('checks each field as the server does', () => {
    const t = named()
    const i = t.categories[0]!.indicators[0]!
    i.weight = 0
    i.unit = 'furlongs'
    i.min = 10
    i.max = 10
    const r = t.categories[1]!.indicators[0]!
    r.target = 0
    t.categories[1]!.indicators[1]!.code = 'foreign_investment_used' // used twice
    t.categories[1]!.nameEn = ' '
    expect(keys(t)).toEqual([
      'categories.0.indicators.0.weight weight',
      'categories.0.indicators.0.unit unit',
      'categories.0.indicators.0.max range',
      'categories.0.indicators indicatorWeights 50',
      'categories.1.nameEn name',
      'categories.1.indicators.0.target target',
      'categories.1.indicators.1.code duplicateCode',
    ])
    expect(problemsAt(checkTree(t), 'categories.0.indicators.0.max')).toHaveLength(1)
    // A category may share a code with an indicator, as on the server.
    const u = named()
    u.categories[1]!.indicators[1]!.code = 'opening_up'
    expect(keys(u)).toEqual([])
    // The target only matters for the target method.
    r.method = 'minmax'
    expect(keys(t)).not.toContain('categories.1.indicators.0.target target')
  })

  it('checks codes, empty boxes and the size of the tree', () => {
    expect(['gdp', 'rd_intensity', 'a-1', '9x'].every(validCode)).toBe(true)
    expect(['', '-a', '_a', 'A', 'a.b', '日', 'x'.repeat(41)].some(validCode)).toBe(false)
    expect(['2026-draft', '2021', 'ab'].every(validVersionCode)).toBe(true)
    expect(['a', '-ab', 'ab-', 'a_b', 'AB'].some(validVersionCode)).toBe(false)
    const t = named()
    t.categories[0]!.indicators[0]!.weight = null
    t.categories[0]!.indicators[1]!.min = null
    expect(keys(t)).toEqual(['categories.0.indicators.0.weight weight', 'categories.0.indicators.1.max range', 'categories.0.indicators indicatorWeights 50'])
    const e = named()
    e.categories[1]!.indicators = []
    expect(keys(e)).toEqual(['categories.1.indicators noIndicators'])
    const many = named()
    many.categories = Array.from({ length: 13 }, () => newCategory())
    expect(keys(many)).toContain('categories tooManyCategories')
  })

  it('adds and removes indicators', () => {
    const t = named()
    t.categories[0]!.indicators.push(newIndicator())
    expect(keys(t)).toEqual(['categories.0.indicators.2.code codeMissing', 'categories.0.indicators.2.nameZh name', 'categories.0.indicators.2.nameEn name', 'categories.0.indicators.2.weight weight'])
    const added = t.categories[0]!.indicators[2]!
    Object.assign(added, { code: 'foreign_enterprises', nameZh: '外商投资企业数', nameEn: 'Foreign-invested enterprises', weight: 20 })
    t.categories[0]!.indicators[0]!.weight = 40
    t.categories[0]!.indicators[1]!.weight = 40
    expect(keys(t)).toEqual([])
    t.categories[1]!.indicators.splice(2, 1)
    expect(keys(t)).toEqual(['categories.1.indicators indicatorWeights 66.66'])
    t.categories[1]!.indicators[1]!.weight = 66.67
    expect(keys(t)).toEqual([])
    expect(countChanges(t, base())).toBe(5) // 1 added, 2 weights, 1 removed, 1 weight
  })

  it('builds the request for the new version', () => {
    const t = named()
    t.code = ' 2026-draft '
    t.categories[0]!.indicators[0]!.nameEn = ' Actual FDI used '
    t.categories[0]!.indicators[1]!.method = 'target'
    t.categories[0]!.indicators[1]!.target = 10
    t.categories[1]!.indicators[0]!.method = 'zscore' // its target of 4 is dropped
    const input = toInput(t)
    expect(input).toMatchObject({ code: '2026-draft', nameZh: '2026 年版', nameEn: '2026 edition', basedOnId: 3 })
    expect(input.categories![0]).toEqual({
      code: 'opening_up',
      nameZh: '对外开放',
      nameEn: 'Opening-up',
      weight: 60,
      indicators: [
        { code: 'foreign_investment_used', nameZh: 'foreign_investment_used中', nameEn: 'Actual FDI used', unit: 'usd_100m', weight: 50, direction: 'higher', method: 'minmax', target: 0, min: 0, max: 100 },
        { code: 'export_growth', nameZh: 'export_growth中', nameEn: 'export_growth en', unit: 'percent', weight: 50, direction: 'higher', method: 'target', target: 10, min: -100, max: 300 },
      ],
    })
    expect(input.categories![1]!.indicators![0]).toMatchObject({ method: 'zscore', target: 0 })
    // No editing state goes to the server.
    expect(JSON.stringify(input)).not.toMatch(/"key"|"origin"/)
  })

  it('places server field errors in the tree', () => {
    const t = named()
    expect(locate('categories.1.indicators.0.max')).toEqual({ cat: 1, ind: 0, field: 'max' })
    expect(locate('categories.1.indicators')).toEqual({ cat: 1, ind: undefined, field: 'indicators' })
    expect(locate('categories')).toEqual({ field: 'categories' })
    expect(locate('code')).toEqual({ field: 'code' })
    const en_ = (_zh: string, en: string) => en
    const unnamed = (n: number) => `#${n}`
    expect(placeOf(t, 1, 0, en_, unnamed)).toBe('Innovation › rd_intensity en')
    expect(placeOf(t, 0, undefined, en_, unnamed)).toBe('Opening-up')
    t.categories[0]!.indicators.push(newIndicator())
    expect(placeOf(t, 0, 2, en_, unnamed)).toBe('Opening-up › #3')
    expect(placeOf(t, undefined, undefined, en_, unnamed)).toBe('')
  })

  it('knows every unit the pages can name', () => {
    expect(Object.keys(en.assessment.units).sort()).toEqual([...units].sort())
  })
})
