import { describe, expect, it } from 'vitest'
import type { Question } from '@/api/briefings'
import { mergeQuestions, sortQuestions } from './room'

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
