import { describe, expect, it } from 'vitest'
import type { VideoStay } from '@/api/video'
import { peopleOf, split } from './presence'

const at = (s: number) => new Date(Date.UTC(2026, 11, 7, 9, 0, s)).toISOString()
const stay = (userId: number, name: string, from: number, to: number | null, onStage = false): VideoStay => ({
  userId,
  name,
  onStage,
  joinedAt: at(from),
  leftAt: to === null ? null : at(to),
  seconds: to === null ? 0 : to - from,
})

describe('people in a video room', () => {
  it('adds up each person’s stays and keeps the order they first joined', () => {
    const rows = peopleOf([stay(2, 'Ann', 0, 95, true), stay(3, 'Bob', 10, 40), stay(2, 'Ann', 200, 260)], 0)
    expect(rows.map((r) => [r.name, r.seconds, r.stays, r.onStage])).toEqual([
      ['Ann', 155, 2, true],
      ['Bob', 30, 1, false],
    ])
    expect(rows[0]!.joinedAt).toBe(at(0))
    expect(rows[0]!.leftAt).toBe(at(260))
  })
  it('counts an open stay up to now and shows the person still in the room', () => {
    const rows = peopleOf([stay(2, 'Ann', 0, 60), stay(2, 'Ann', 100, null)], new Date(at(130)).getTime())
    expect(rows[0]!.seconds).toBe(90)
    expect(rows[0]!.leftAt).toBeNull()
  })
  it('splits durations', () => {
    expect(split(3725)).toEqual({ h: 1, m: 2, s: 5 })
    expect(split(-4)).toEqual({ h: 0, m: 0, s: 0 })
  })
})
