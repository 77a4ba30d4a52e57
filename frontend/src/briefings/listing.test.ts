import { describe, expect, it } from 'vitest'
import type { Briefing, BriefingQuery } from '@/api/briefings'
import { loadGroups } from './listing'

const b = (id: number, phase: Briefing['phase']) => ({ id, phase }) as Briefing

describe('briefing listing', () => {
  it('asks for each phase on its own, so far-off upcoming briefings cannot push out those live now', async () => {
    const asked: BriefingQuery[] = []
    // The server answers each phase in its own order: upcoming soonest first.
    const byPhase: Record<string, Briefing[]> = { live: [b(1, 'live')], upcoming: [b(2, 'upcoming'), b(3, 'upcoming')], ended: [] }
    const groups = await loadGroups(async (q) => {
      asked.push(q)
      return { items: byPhase[q.phase!] ?? [] }
    }, 'suzhou')
    expect(asked.map((q) => [q.phase, q.q])).toEqual([
      ['live', 'suzhou'],
      ['upcoming', 'suzhou'],
      ['ended', 'suzhou'],
    ])
    expect(asked.every((q) => (q.limit ?? 0) > 0 && (q.limit ?? 0) <= 100)).toBe(true)
    expect(groups.map((g) => [g.phase, g.items.map((x) => x.id)])).toEqual([
      ['live', [1]],
      ['upcoming', [2, 3]],
    ])
  })

  it('sends no empty search text', async () => {
    const asked: BriefingQuery[] = []
    await loadGroups(async (q) => {
      asked.push(q)
      return { items: [] }
    }, '')
    expect(asked.every((q) => q.q === undefined)).toBe(true)
  })
})
