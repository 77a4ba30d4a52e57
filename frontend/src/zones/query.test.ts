import { describe, expect, it } from 'vitest'
import { fromQuery, pageSize, toApi, toQuery } from './query'

describe('directory URL state', () => {
  it('round-trips through the URL and drops defaults', () => {
    const s = { q: '苏州', region: 'east', province: '', industry: 'biomedicine', page: 3 }
    const q = toQuery(s)
    expect(q).toEqual({ q: '苏州', region: 'east', industry: 'biomedicine', page: '3' })
    expect(fromQuery(q as Record<string, string>)).toEqual(s)
    expect(toQuery({ q: '', region: '', province: '', industry: '', page: 1 })).toEqual({})
  })

  it('tolerates bad or repeated parameters', () => {
    expect(fromQuery({ page: 'abc', q: ['a', 'b'], region: null })).toEqual({ q: 'a', region: '', province: '', industry: '', page: 1 })
    expect(fromQuery({ page: '-2' }).page).toBe(1)
  })

  it('asks the API for one page of the current search', () => {
    expect(toApi({ q: 'Suzhou', region: '', province: 'jiangsu', industry: '', page: 2 })).toEqual({
      q: 'Suzhou',
      region: undefined,
      province: 'jiangsu',
      industry: undefined,
      page: 2,
      pageSize,
    })
  })
})
