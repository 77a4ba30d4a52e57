// Editing an index version's tree in the browser: a working copy of a version, the checks the
// server makes before it accepts a new version (app/assessment/index.go Tree.Check and the
// request's validation tags), and the request that saves the copy as a new draft version.
import type { IndexCategory, IndexIndicator, IndexVersion, VersionInput } from '@/api/assessment'

export type Direction = IndexIndicator['direction']
export type Method = IndexIndicator['method']

/** The units an indicator may use, as the server lists them (assessment.Units). */
export const units = ['usd_100m', 'cny_100m', 'cny_100m_per_km2', 'percent', 'count', 'persons', 'per_10k', 'tce_per_cny_10k', 'm3_per_cny_10k'] as const
export const directions: Direction[] = ['higher', 'lower']
export const methods: Method[] = ['minmax', 'zscore', 'target']

/** The server's limits. */
export const limits = { categories: 12, indicators: 60, code: 40, name: 200, versionCode: 40, versionNameMin: 2, versionCodeMin: 2 } as const

/** Weights may miss 100 by this much (33.33 + 33.33 + 33.34), as on the server. */
export const weightTolerance = 0.01

/**
 * A number field being edited: el-input-number gives null while the box is empty. Weights and
 * bounds are numbers once the tree is valid.
 */
type Num = number | null

export interface EditIndicator extends Omit<IndexIndicator, 'weight' | 'target' | 'min' | 'max'> {
  key: number
  weight: Num
  target: Num
  min: Num
  max: Num
  /** The indicator as the base version has it; undefined for an added one. */
  origin?: IndexIndicator
}

export interface EditCategory extends Omit<IndexCategory, 'weight' | 'indicators'> {
  key: number
  weight: Num
  indicators: EditIndicator[]
  origin?: IndexCategory
}

/** A new version being put together from an existing one. */
export interface EditTree {
  code: string
  nameZh: string
  nameEn: string
  basedOnId: number
  categories: EditCategory[]
}

let nextKey = 1
const key = () => nextKey++

/** A working copy of version v, to be saved as a new version based on it. */
export function fromVersion(v: IndexVersion): EditTree {
  return {
    code: '',
    nameZh: '',
    nameEn: '',
    basedOnId: v.id,
    categories: (v.categories ?? []).map((c) => ({
      key: key(),
      code: c.code,
      nameZh: c.nameZh,
      nameEn: c.nameEn,
      weight: c.weight,
      origin: { ...c, indicators: null },
      indicators: (c.indicators ?? []).map((i) => ({ ...i, key: key(), origin: { ...i } })),
    })),
  }
}

/** A new indicator: no code or names yet and weight 0, so the checks ask for them. */
export function newIndicator(): EditIndicator {
  return { key: key(), code: '', nameZh: '', nameEn: '', unit: 'count', weight: 0, direction: 'higher', method: 'minmax', target: 0, min: 0, max: 100 }
}

/** A new category with one new indicator (a category needs at least one). */
export function newCategory(): EditCategory {
  return { key: key(), code: '', nameZh: '', nameEn: '', weight: 0, indicators: [{ ...newIndicator(), weight: 100 }] }
}

const finite = (n: Num | undefined): n is number => typeof n === 'number' && Number.isFinite(n)

/** The sum of weights; an empty box counts as 0. */
export function sumWeights(items: { weight: Num }[]): number {
  return items.reduce((a, x) => a + (finite(x.weight) ? x.weight : 0), 0)
}

/** Whether a sum is 100 within the server's tolerance. */
export function balanced(sum: number): boolean {
  return Math.abs(sum - 100) <= weightTolerance
}

/** A weight as the server writes it in messages: at most two decimals. */
export function formatWeight(w: number): string {
  return String(Math.round(w * 100) / 100)
}

/** Category and indicator codes: lowercase letters, digits, _ and -, from a letter or digit. */
export function validCode(s: string): boolean {
  return s.length > 0 && s.length <= limits.code && /^[a-z0-9][a-z0-9_-]*$/.test(s)
}

/** Version codes (the server's "slug"): lowercase letters, digits and inner hyphens. */
export function validVersionCode(s: string): boolean {
  return s.length >= limits.versionCodeMin && s.length <= limits.versionCode && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(s)
}

/** A message key under assessment.checks with its parameters. */
export type ProblemKey =
  | 'versionCode'
  | 'versionName'
  | 'noCategories'
  | 'tooManyCategories'
  | 'categoryWeights'
  | 'indicatorWeights'
  | 'noIndicators'
  | 'tooManyIndicators'
  | 'weight'
  | 'code'
  | 'codeMissing'
  | 'duplicateCode'
  | 'name'
  | 'unit'
  | 'range'
  | 'target'

export interface Problem {
  /** The field as the server names it, e.g. categories.2.indicators.0.weight. */
  path: string
  key: ProblemKey
  params: Record<string, string | number>
  /** Indices of the category and indicator the problem is in, when it is in one. */
  cat?: number
  ind?: number
}

/**
 * Everything the server would refuse in t, in the order of the tree. The weight sums are
 * checked as Tree.Check does; the field checks mirror the request's validation tags.
 */
export function checkTree(t: EditTree): Problem[] {
  const out: Problem[] = []
  const add = (path: string, k: ProblemKey, params: Record<string, string | number> = {}, cat?: number, ind?: number) =>
    out.push({ path, key: k, params, cat, ind })
  const code = t.code.trim()
  if (!validVersionCode(code)) add('code', 'versionCode', { min: limits.versionCodeMin, max: limits.versionCode })
  for (const f of ['nameZh', 'nameEn'] as const) {
    const n = t[f].trim().length
    if (n < limits.versionNameMin || n > limits.name) add(f, 'versionName', { min: limits.versionNameMin, max: limits.name })
  }
  if (t.categories.length === 0) add('categories', 'noCategories')
  if (t.categories.length > limits.categories) add('categories', 'tooManyCategories', { max: limits.categories })

  const seen = new Set<string>()
  const item = (path: string, x: { code: string; nameZh: string; nameEn: string; weight: Num }, ci: number, ii?: number) => {
    const c = x.code.trim()
    if (c === '') add(`${path}.code`, 'codeMissing', {}, ci, ii)
    else if (!validCode(c)) add(`${path}.code`, 'code', { code: c }, ci, ii)
    else {
      const id = ii === undefined ? `c:${c}` : c
      if (seen.has(id)) add(`${path}.code`, 'duplicateCode', { code: c }, ci, ii)
      seen.add(id)
    }
    for (const f of ['nameZh', 'nameEn'] as const) {
      const n = x[f].trim().length
      if (n === 0 || n > limits.name) add(`${path}.${f}`, 'name', { max: limits.name }, ci, ii)
    }
    if (!finite(x.weight) || x.weight <= 0 || x.weight > 100) add(`${path}.weight`, 'weight', {}, ci, ii)
  }

  t.categories.forEach((c, ci) => {
    const path = `categories.${ci}`
    item(path, c, ci)
    if (c.indicators.length === 0) add(`${path}.indicators`, 'noIndicators', {}, ci)
    if (c.indicators.length > limits.indicators) add(`${path}.indicators`, 'tooManyIndicators', { max: limits.indicators }, ci)
    c.indicators.forEach((i, ii) => {
      const ip = `${path}.indicators.${ii}`
      item(ip, i, ci, ii)
      if (!(units as readonly string[]).includes(i.unit)) add(`${ip}.unit`, 'unit', { unit: i.unit }, ci, ii)
      if (!finite(i.min) || !finite(i.max) || !(i.min < i.max)) add(`${ip}.max`, 'range', {}, ci, ii)
      if (i.method === 'target' && !(finite(i.target) && i.target > 0)) add(`${ip}.target`, 'target', {}, ci, ii)
    })
    const inner = sumWeights(c.indicators)
    if (c.indicators.length > 0 && !balanced(inner)) add(`${path}.indicators`, 'indicatorWeights', { sum: formatWeight(inner) }, ci)
  })
  const sum = sumWeights(t.categories)
  if (t.categories.length > 0 && !balanced(sum)) add('categories', 'categoryWeights', { sum: formatWeight(sum) })
  return out
}

/** The problems at one field (path) of the tree, for marking its box. */
export function problemsAt(problems: Problem[], path: string): Problem[] {
  return problems.filter((p) => p.path === path)
}

const num = (n: Num): number => (finite(n) ? n : 0)

/** The request that creates t as a new draft version: trimmed texts, no editing state. */
export function toInput(t: EditTree): VersionInput {
  return {
    code: t.code.trim(),
    nameZh: t.nameZh.trim(),
    nameEn: t.nameEn.trim(),
    basedOnId: t.basedOnId,
    categories: t.categories.map((c) => ({
      code: c.code.trim(),
      nameZh: c.nameZh.trim(),
      nameEn: c.nameEn.trim(),
      weight: num(c.weight),
      indicators: c.indicators.map((i) => ({
        code: i.code.trim(),
        nameZh: i.nameZh.trim(),
        nameEn: i.nameEn.trim(),
        unit: i.unit,
        weight: num(i.weight),
        direction: i.direction,
        method: i.method,
        target: i.method === 'target' ? num(i.target) : 0,
        min: num(i.min),
        max: num(i.max),
      })),
    })),
  }
}

/** Where a field the server names (categories.2.indicators.0.max) is in the tree. */
export function locate(path: string): { cat?: number; ind?: number; field: string } {
  const m = /^categories\.(\d+)(?:\.indicators\.(\d+))?(?:\.(\w+))?$/.exec(path)
  if (!m) return { field: path }
  return { cat: Number(m[1]), ind: m[2] === undefined ? undefined : Number(m[2]), field: m[3] ?? '' }
}

/**
 * A person-readable place for a problem, e.g. "Opening-up › Export growth", from the names in
 * the tree; an indicator without names yet is called by its number in the category.
 */
export function placeOf(t: EditTree, cat: number | undefined, ind: number | undefined, pick: (zh: string, en: string) => string, unnamed: (n: number) => string): string {
  if (cat === undefined) return ''
  const c = t.categories[cat]
  if (!c) return ''
  const cname = pick(c.nameZh.trim(), c.nameEn.trim()) || c.code || unnamed(cat + 1)
  if (ind === undefined) return cname
  const i = c.indicators[ind]
  if (!i) return cname
  return `${cname} › ${pick(i.nameZh.trim(), i.nameEn.trim()) || i.code || unnamed(ind + 1)}`
}

/** How many weights, units, directions, methods, targets, ranges and names differ from the base, plus added and removed items. */
export function countChanges(t: EditTree, base: IndexVersion): number {
  let n = 0
  const fields = ['nameZh', 'nameEn', 'unit', 'weight', 'direction', 'method', 'target', 'min', 'max'] as const
  const kept = new Set<string>()
  for (const c of t.categories) {
    if (!c.origin) n++
    else {
      kept.add(`c:${c.origin.code}`)
      if (c.weight !== c.origin.weight) n++
      if (c.nameZh !== c.origin.nameZh) n++
      if (c.nameEn !== c.origin.nameEn) n++
    }
    for (const i of c.indicators) {
      if (!i.origin) {
        n++
        continue
      }
      kept.add(i.origin.code)
      for (const f of fields) if (i[f] !== i.origin[f]) n++
    }
  }
  for (const c of base.categories ?? []) {
    if (!kept.has(`c:${c.code}`)) n++
    for (const i of c.indicators ?? []) if (!kept.has(i.code)) n++
  }
  return n
}
