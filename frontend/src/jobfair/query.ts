// The job search's state lives in the URL so a link (or the back button) reproduces it.
import type { LocationQuery, LocationQueryRaw } from 'vue-router'
import type { JobQuery } from '@/api/types'

export const pageSize = 20

export type SortOrder = 'relevance' | 'date' | 'salary'
const sorts: readonly SortOrder[] = ['relevance', 'date', 'salary']

/** The filters, in the order the page shows them. */
export const filterKeys = ['fair', 'zone', 'region', 'province', 'city', 'category', 'degree', 'salary', 'major'] as const
export type FilterKey = (typeof filterKeys)[number]

export type SearchState = { q: string; sort: SortOrder | ''; page: number } & Record<FilterKey, string>

function one(v: LocationQuery[string]): string {
  const s = Array.isArray(v) ? v[0] : v
  return typeof s === 'string' ? s.trim() : ''
}

const idLike = (s: string) => (/^\d+$/.test(s) ? s : '')

export function fromQuery(q: LocationQuery): SearchState {
  const page = Number.parseInt(one(q.page), 10)
  const sort = one(q.sort) as SortOrder
  const s = {
    q: one(q.q).slice(0, 200),
    sort: sorts.includes(sort) ? sort : '',
    page: Number.isFinite(page) && page > 0 ? Math.min(page, 10000) : 1,
  } as SearchState
  for (const k of filterKeys) s[k] = one(q[k])
  s.fair = idLike(s.fair)
  s.zone = idLike(s.zone)
  return s
}

/** Only non-default values, so shared links stay short. */
export function toQuery(s: SearchState): LocationQueryRaw {
  const out: LocationQueryRaw = {}
  if (s.q) out.q = s.q
  for (const k of filterKeys) if (s[k]) out[k] = s[k]
  if (s.sort) out.sort = s.sort
  if (s.page > 1) out.page = String(s.page)
  return out
}

export function toApi(s: SearchState): JobQuery {
  return {
    q: s.q || undefined,
    fairId: s.fair ? Number(s.fair) : undefined,
    zoneId: s.zone ? Number(s.zone) : undefined,
    region: s.region || undefined,
    province: s.province || undefined,
    city: s.city || undefined,
    category: s.category || undefined,
    degree: s.degree || undefined,
    salary: s.salary || undefined,
    major: s.major || undefined,
    sort: s.sort || undefined,
    page: s.page,
    pageSize,
  }
}
