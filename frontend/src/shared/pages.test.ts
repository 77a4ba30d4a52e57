import { describe, expect, it } from 'vitest'
import { allPages } from './pages'

const list = (n: number) => Array.from({ length: n }, (_, i) => i + 1)

describe('allPages', () => {
  it('reads every page of a list longer than one page', async () => {
    const items = list(230)
    const asked: number[] = []
    const got = await allPages(async (page) => {
      asked.push(page)
      return { items: items.slice((page - 1) * 100, page * 100), total: items.length }
    }, 100)
    expect(got).toEqual(items)
    expect(asked).toEqual([1, 2, 3])
  })

  it('stops at the total when the last page is full', async () => {
    const items = list(200)
    const asked: number[] = []
    await allPages(async (page) => {
      asked.push(page)
      return { items: items.slice((page - 1) * 100, page * 100), total: items.length }
    }, 100)
    expect(asked).toEqual([1, 2])
  })

  it('stops after max pages of a list that never ends', async () => {
    const got = await allPages(async () => ({ items: list(10), total: 1e9 }), 10, 3)
    expect(got).toHaveLength(30)
  })
})
