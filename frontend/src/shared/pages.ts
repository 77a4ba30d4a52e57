import { api } from '@/api'
import type { Zone } from '@/api/types'

/** Every item of a paged list: fetches page 1, 2, … of size items until the total is reached
 * (or a short page, or max pages, whichever comes first). */
export async function allPages<T>(
  fetch: (page: number) => Promise<{ items?: T[] | null; total: number }>,
  size: number,
  max = 50,
): Promise<T[]> {
  const all: T[] = []
  for (let page = 1; page <= max; page++) {
    const p = await fetch(page)
    const items = p.items ?? []
    all.push(...items)
    if (items.length < size || all.length >= p.total) break
  }
  return all
}

/** Every zone in the directory (about 230), a page of 100 at a time, the directory's largest. */
export const allZones = (): Promise<Zone[]> => allPages((page) => api.zones({ page, pageSize: 100 }), 100)
