// The directory's search state lives in the URL so a link reproduces the search.
import type { LocationQuery, LocationQueryRaw } from 'vue-router'
import type { ZoneQuery } from '@/api/types'

export const pageSize = 12

export interface DirectoryState {
  q: string
  region: string
  province: string
  industry: string
  page: number
}

function one(v: LocationQuery[string]): string {
  const s = Array.isArray(v) ? v[0] : v
  return typeof s === 'string' ? s : ''
}

export function fromQuery(q: LocationQuery): DirectoryState {
  const page = Number.parseInt(one(q.page), 10)
  return {
    q: one(q.q).trim(),
    region: one(q.region),
    province: one(q.province),
    industry: one(q.industry),
    page: Number.isFinite(page) && page > 0 ? page : 1,
  }
}

/** Only non-default values, so shared links stay short. */
export function toQuery(s: DirectoryState): LocationQueryRaw {
  const out: LocationQueryRaw = {}
  if (s.q) out.q = s.q
  if (s.region) out.region = s.region
  if (s.province) out.province = s.province
  if (s.industry) out.industry = s.industry
  if (s.page > 1) out.page = String(s.page)
  return out
}

export function toApi(s: DirectoryState): ZoneQuery {
  return {
    q: s.q || undefined,
    region: s.region || undefined,
    province: s.province || undefined,
    industry: s.industry || undefined,
    page: s.page,
    pageSize,
  }
}
