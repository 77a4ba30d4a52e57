import { describe, expect, it } from 'vitest'
import type { Application } from '@/api/types'
import { followApplication } from './applied'

const app = (over: Partial<Application> = {}): Application =>
  ({ id: 12, jobId: 7, userId: 3, fairId: 1, zoneId: 1, enterpriseId: null, status: 'submitted', coverNote: '', resumeName: '', major: '', degree: 'bachelor', createdAt: '', updatedAt: '', hasResume: false, jobTitle: '会计', jobTitleEn: 'Accountant', employerZh: '', employerEn: '', ...over }) as Application

describe('a job page follows its application live', () => {
  it('takes the new status of this job’s application', () => {
    const next = followApplication(app(), 7, { type: 'publication', kind: 'application.updated', data: app({ status: 'interview' }) })
    expect(next).toMatchObject({ id: 12, status: 'interview' })
  })

  it('ignores other jobs, other kinds and malformed data', () => {
    const mine = app()
    expect(followApplication(mine, 7, { type: 'publication', kind: 'application.updated', data: app({ id: 13, jobId: 8, status: 'offer' }) })).toBe(mine)
    expect(followApplication(mine, 7, { type: 'publication', kind: 'meeting.booked', data: app({ status: 'offer' }) })).toBe(mine)
    expect(followApplication(mine, 7, { type: 'publication', kind: 'application.updated', data: { status: 'offer' } })).toBe(mine)
  })

  it('shows an application made elsewhere, drops a withdrawn one, reloads after a reset', () => {
    expect(followApplication(null, 7, { type: 'publication', kind: 'application.updated', data: app({ status: 'viewed' }) })).toMatchObject({ status: 'viewed' })
    expect(followApplication(app(), 7, { type: 'publication', kind: 'application.updated', data: app({ status: 'withdrawn' }) })).toBeNull()
    expect(followApplication(app(), 7, { type: 'reset' })).toBe('reload')
  })
})
