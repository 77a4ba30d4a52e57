import { beforeEach, describe, expect, it, vi } from 'vitest'
import { effectScope } from 'vue'
import type { Question, Room } from '@/api/briefings'
import { mergeQuestions, sortQuestions, useRoom } from './room'

const q = (id: number, votes: number, extra: Partial<Question> = {}): Question => ({
  id,
  briefingId: 1,
  userId: 9,
  authorName: 'A',
  body: `q${id}`,
  votes,
  answer: '',
  answeredAt: null,
  pinned: false,
  hidden: false,
  createdAt: '2026-01-01T00:00:00Z',
  ...extra,
})

describe('room Q&A', () => {
  it('puts pinned questions first, then the most voted, then the oldest', () => {
    const out = sortQuestions([q(1, 2), q(2, 5), q(3, 0, { pinned: true }), q(4, 5)])
    expect(out.map((x) => x.id)).toEqual([3, 2, 4, 1])
  })

  it('merges updates by id and drops hidden questions for attendees only', () => {
    const list = [q(1, 1), q(2, 0)]
    const updates = [q(2, 0, { answer: 'yes' }), { ...q(1, 0), hidden: true, body: '' }, q(3, 0)]
    expect(mergeQuestions(list, updates, false).map((x) => [x.id, x.answer])).toEqual([
      [2, 'yes'],
      [3, ''],
    ])
    const host = mergeQuestions(list, updates, true)
    expect(host.find((x) => x.id === 1)).toMatchObject({ hidden: true, body: 'q1' })
  })
})

// A fake live client: the test delivers the join and the publications itself.
const live = vi.hoisted(() => ({
  handlers: null as null | { onPublication?(p: unknown): void; onJoin?(): void; onReset?(): void },
}))
vi.mock('@/live/state', () => ({
  liveClient: () => ({
    state: 'idle',
    subscribe: (channel: string, h: typeof live.handlers) => {
      live.handlers = h
      return { channel, unsubscribe: () => {} }
    },
    connect: () => {},
    onStateChange: () => () => {},
    presence: async () => ({ count: 0, members: null }),
  }),
}))
// useRoom runs outside a component here; its unmount hook has nothing to attach to.
vi.mock('vue', async (orig) => ({ ...(await orig<typeof import('vue')>()), onBeforeUnmount: () => {} }))
const api = vi.hoisted(() => ({ room: vi.fn(), attend: vi.fn(async () => {}) }))
vi.mock('@/api/briefings', () => ({ briefingApi: api }))

function snapshot(page: number): Room {
  return {
    briefing: { id: 7, phase: 'upcoming', page, slidesPages: 5, slidesUrl: '/s.pdf' } as Room['briefing'],
    channel: 'briefing:7',
    isHost: false,
    canAct: true,
    muted: false,
    questions: [],
    myVotes: [],
    polls: [],
    myPolls: {},
    chat: [],
    moderation: [],
  }
}

function deferred<T>() {
  let resolve!: (v: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}

const turn = (page: number, offset: number) => ({ channel: 'briefing:7', offset, kind: 'slide.page', from: { id: 1, name: 'h' }, data: { page, pages: 5 } })

describe('room snapshot and live updates', () => {
  beforeEach(() => api.room.mockReset())

  it('reads the snapshot again once joined, and applies what arrived meanwhile after it', async () => {
    const r = effectScope().run(() => useRoom(7, () => 4))!
    api.room.mockResolvedValueOnce(snapshot(1))
    await r.start()
    expect(r.page.value).toBe(1)

    // The host turned to page 2 while the join was on its way: no publication reaches this
    // page, so the join must read the room again.
    const second = deferred<Room>()
    api.room.mockReturnValueOnce(second.promise)
    live.handlers!.onJoin?.()
    expect(api.room).toHaveBeenCalledTimes(2)

    // While that read is in flight the host turns to page 3; the read answers with page 2.
    live.handlers!.onPublication?.(turn(3, 11))
    second.resolve(snapshot(2))
    await flushPromises()
    expect(r.page.value).toBe(3)

    // Afterwards publications apply at once.
    live.handlers!.onPublication?.(turn(4, 12))
    expect(r.page.value).toBe(4)
  })

  it('keeps a newer snapshot when an older read answers last', async () => {
    const r = effectScope().run(() => useRoom(7, () => 4))!
    const older = deferred<Room>()
    const newer = deferred<Room>()
    api.room.mockReturnValueOnce(older.promise).mockReturnValueOnce(newer.promise)
    const a = r.load()
    const b = r.load()
    newer.resolve(snapshot(5))
    await b
    older.resolve(snapshot(1))
    await a
    expect(r.page.value).toBe(5)
  })
})

const flushPromises = () => new Promise((r) => setTimeout(r, 0))
