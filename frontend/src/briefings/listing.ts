// The briefing listing's groups. Each phase is asked for on its own, in its own order (live and
// upcoming soonest first, past latest first): one list of the latest start times would fill up
// with far-off upcoming briefings and leave out those live now, and it would put the next
// briefing last.
import type { Briefing, BriefingList, BriefingPhase, BriefingQuery } from '@/api/briefings'

export const phases: BriefingPhase[] = ['live', 'upcoming', 'ended']

/** How many of each phase the listing shows. */
export const perPhase: Record<BriefingPhase, number> = { live: 100, upcoming: 100, ended: 30 }

export interface Group {
  phase: BriefingPhase
  items: Briefing[]
}

/** The non-empty groups, live first, for search text q. */
export async function loadGroups(list: (q: BriefingQuery) => Promise<BriefingList>, q?: string): Promise<Group[]> {
  const lists = await Promise.all(phases.map((phase) => list({ phase, q: q || undefined, limit: perPhase[phase] })))
  return phases.map((phase, i) => ({ phase, items: lists[i]!.items ?? [] })).filter((g) => g.items.length)
}
