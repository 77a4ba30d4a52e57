import { describe, expect, it } from 'vitest'
import type { Incentive } from '@/api/projects'
import { fileSize, groupByLevel, keepOffered, maxAttachmentBytes, uploadProblem } from './links'

const pol = (id: number, level: Incentive['level']): Incentive => ({
  id,
  level,
  province: '',
  zoneId: null,
  titleZh: `政策${id}`,
  titleEn: `Policy ${id}`,
  issuerZh: '',
  issuerEn: '',
  effectiveOn: '2026-01-01',
  expiresOn: '',
})

describe('project attachments', () => {
  it('spots files the server would refuse before sending them', () => {
    expect(uploadProblem({ name: 'plan.pdf', size: 2048, type: 'application/pdf' })).toBeNull()
    expect(uploadProblem({ name: 'PLAN.PDF', size: 2048, type: '' })).toBeNull()
    expect(uploadProblem({ name: 'plan.docx', size: 2048, type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' })).toBe('notPdf')
    expect(uploadProblem({ name: 'photo.png', size: 2048, type: 'image/png' })).toBe('notPdf')
    expect(uploadProblem({ name: 'empty.pdf', size: 0, type: 'application/pdf' })).toBe('emptyFile')
    expect(uploadProblem({ name: 'scan.pdf', size: maxAttachmentBytes + 1, type: 'application/pdf' })).toBe('tooLarge')
    expect(uploadProblem({ name: 'scan.pdf', size: maxAttachmentBytes, type: 'application/pdf' })).toBeNull()
  })
  it('writes sizes the way people read them', () => {
    expect(fileSize(850 * 1024, 'en')).toBe('850 KB')
    expect(fileSize(2.4 * 1024 * 1024, 'en')).toBe('2.4 MB')
    expect(fileSize(0, 'en')).toBe('0 KB')
    expect(fileSize(1536, 'zh-CN')).toBe('1.5 KB')
  })
})

describe('incentive policies', () => {
  it('groups the options by level, national first, keeping their order', () => {
    const groups = groupByLevel([pol(5, 'zone'), pol(1, 'national'), pol(3, 'provincial'), pol(2, 'national')])
    expect(groups.map((g) => g.level)).toEqual(['national', 'provincial', 'zone'])
    expect(groups[0].items.map((p) => p.id)).toEqual([1, 2])
    expect(groupByLevel([])).toEqual([])
  })
  it('keeps the chosen policies still on offer, once each, in the order picked', () => {
    const opts = [pol(1, 'national'), pol(2, 'zone'), pol(3, 'zone')]
    expect(keepOffered([3, 9, 1, 3], opts)).toEqual([3, 1])
    expect(keepOffered([], opts)).toEqual([])
  })
})
