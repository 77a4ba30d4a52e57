import { describe, expect, it } from 'vitest'
import type { Fair } from '@/api/types'
import { emptyFairForm, fairForm, fairInput } from './fairForm'

describe('organiser fair form', () => {
  it('sends trimmed bilingual names, ISO dates and each zone once, in order', () => {
    const f = { ...emptyFairForm(), nameZh: ' 春季招聘会 ', nameEn: ' Spring fair ', descriptionEn: ' Online ', dates: [new Date('2027-03-01T00:00:00Z'), new Date('2027-03-31T16:00:00Z')] as [Date, Date], zoneIds: [7, 3, 7] }
    expect(fairInput(f)).toEqual({
      input: { nameZh: '春季招聘会', nameEn: 'Spring fair', descriptionZh: '', descriptionEn: 'Online', startsAt: '2027-03-01T00:00:00.000Z', endsAt: '2027-03-31T16:00:00.000Z', zoneIds: [3, 7] },
    })
  })

  it('refuses missing names and dates that do not end after they start', () => {
    const ok = { ...emptyFairForm(), nameZh: '招聘', nameEn: 'Fair', dates: [new Date('2027-03-02'), new Date('2027-03-03')] as [Date, Date] }
    expect(fairInput({ ...ok, nameEn: ' ' })).toEqual({ error: 'names' })
    expect(fairInput({ ...ok, dates: null })).toEqual({ error: 'dates' })
    expect(fairInput({ ...ok, dates: [new Date('2027-03-03'), new Date('2027-03-03')] })).toEqual({ error: 'dates' })
    expect('input' in fairInput(ok)).toBe(true)
  })

  it('round-trips a stored fair', () => {
    const fair = { id: 1, nameZh: '招聘会', nameEn: 'Fair', descriptionZh: '描述', descriptionEn: 'About', startsAt: '2027-01-01T00:00:00Z', endsAt: '2027-02-01T00:00:00Z', zoneIds: [2, 1], phase: 'upcoming', updatedAt: '' } as Fair
    const r = fairInput(fairForm(fair))
    expect(r).toMatchObject({ input: { nameZh: '招聘会', descriptionEn: 'About', startsAt: '2027-01-01T00:00:00.000Z', endsAt: '2027-02-01T00:00:00.000Z', zoneIds: [1, 2] } })
  })
})
