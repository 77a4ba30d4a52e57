// Who was in a video room, per person, from the stays the video server's webhooks recorded.
import type { VideoStay } from '@/api/video'

export interface PersonTime {
  userId: number
  name: string
  /** Published camera, microphone or screen in at least one stay. */
  onStage: boolean
  joinedAt: string
  /** When they last left; null while still in the room. */
  leftAt: string | null
  /** Time in the room over all stays, an open stay counted up to now. */
  seconds: number
  stays: number
}

/** Folds stays (first joined first) into one row per person, in the order they first joined. */
export function peopleOf(stays: readonly VideoStay[], now: number): PersonTime[] {
  const byUser = new Map<number, PersonTime>()
  for (const s of stays) {
    const open = !s.leftAt
    const secs = open ? Math.max(0, Math.round((now - new Date(s.joinedAt).getTime()) / 1000)) : s.seconds
    const p = byUser.get(s.userId)
    if (!p) {
      byUser.set(s.userId, { userId: s.userId, name: s.name, onStage: s.onStage, joinedAt: s.joinedAt, leftAt: s.leftAt, seconds: secs, stays: 1 })
      continue
    }
    p.onStage ||= s.onStage
    p.seconds += secs
    p.stays++
    if (open || p.leftAt === null) p.leftAt = null
    else if (new Date(s.leftAt!).getTime() > new Date(p.leftAt).getTime()) p.leftAt = s.leftAt
  }
  return [...byUser.values()]
}

/** A duration as hours, minutes and seconds for the page to word: 3725 s is { h: 1, m: 2, s: 5 }. */
export function split(seconds: number): { h: number; m: number; s: number } {
  const t = Math.max(0, Math.round(seconds))
  return { h: Math.floor(t / 3600), m: Math.floor((t % 3600) / 60), s: t % 60 }
}
