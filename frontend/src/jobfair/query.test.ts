import { describe, expect, it } from 'vitest'
import { fromQuery, toApi, toQuery } from './query'

describe('job search query', () => {
  it('round-trips every filter through the URL', () => {
    const s = fromQuery({ q: ' 会计 ', fair: '3', zone: '7', region: 'east', province: 'JS', city: '苏州', category: 'finance', degree: 'bachelor', salary: '8k-12k', major: 'accounting', sort: 'date', page: '2' })
    expect(s.q).toBe('会计')
    expect(fromQuery(toQuery(s) as Record<string, string>)).toEqual(s)
    expect(toApi(s)).toMatchObject({ q: '会计', fairId: 3, zoneId: 7, city: '苏州', degree: 'bachelor', sort: 'date', page: 2 })
  })

  it('drops values that cannot be right instead of sending them', () => {
    const s = fromQuery({ fair: 'x', zone: '-1', sort: 'random', page: '0' })
    expect(s).toMatchObject({ fair: '', zone: '', sort: '', page: 1 })
    expect(toQuery(s)).toEqual({})
    expect(toApi(s).fairId).toBeUndefined()
  })
})
