import { describe, expect, it } from 'vitest'
import { turns } from './latest'

describe('turns', () => {
  it('keeps only the latest of overlapping loads', async () => {
    const turn = turns()
    let shown = ''
    const load = async (value: string, delay: Promise<void>) => {
      const latest = turn()
      await delay
      if (latest()) shown = value
    }
    let releaseOld!: () => void
    const old = load('old', new Promise((r) => (releaseOld = r)))
    await load('new', Promise.resolve())
    releaseOld()
    await old
    expect(shown).toBe('new')
    await load('newest', Promise.resolve())
    expect(shown).toBe('newest')
  })
})
