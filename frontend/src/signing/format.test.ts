import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import openapi from '@/api/openapi.json'
import en from '@/locales/en'
import zhCN from '@/locales/zh-CN'
import { auditProblemText, clampBox, mergeFields, mergeMismatch, modeOf, normalizeHash, orderSteps, placeField, waitingFor, type Row } from './format'
import type { AuditProblem, Recipient } from '@/api/signing'

const row = (kind: Row['kind'], step = 1): Row => ({ userId: 1, name: 'n', email: 'e', kind, party: '', step })

describe('signing order', () => {
  it('numbers signers in order, skipping copies', () => {
    const rows = orderSteps([row('zone'), row('copy', 7), row('investor'), row('witness')], 'sequential')
    expect(rows.map((r) => r.step)).toEqual([1, 1, 2, 3])
  })
  it('puts everyone on one step in parallel and keeps groups', () => {
    expect(orderSteps([row('zone', 3), row('investor', 2)], 'parallel').map((r) => r.step)).toEqual([1, 1])
    expect(orderSteps([row('zone', 1), row('investor', 1), row('witness', 2), row('witness', 0)], 'groups').map((r) => r.step)).toEqual([1, 1, 2, 1])
  })
  it('recognises the mode of saved recipients', () => {
    const r = (role: Recipient['role'], step: number) => ({ role, step })
    expect(modeOf([r('signatory', 1), r('signatory', 2)])).toBe('sequential')
    expect(modeOf([r('signatory', 1), r('signatory', 1), r('copy', 1)])).toBe('parallel')
    expect(modeOf([r('signatory', 1), r('signatory', 1), r('witness', 2)])).toBe('groups')
  })
  it('tells whose turn it is', () => {
    const rs = [
      { id: 1, role: 'signatory', status: 'signed', step: 1 },
      { id: 2, role: 'signatory', status: 'pending', step: 2 },
      { id: 3, role: 'copy', status: 'pending', step: 2 },
    ] as Recipient[]
    expect(waitingFor(rs, 2).map((r) => r.id)).toEqual([2])
  })
})

describe('field placement', () => {
  const a4 = { w: 595, h: 842 }
  it('centres a field on the click and keeps it on the page', () => {
    expect(placeField('signature', 2, a4, 300, 400)).toEqual({ kind: 'signature', page: 2, w: 160, h: 50, x: 220, y: 375 })
    expect(placeField('signature', 1, a4, 5, 840)).toMatchObject({ x: 0, y: 792 })
    expect(clampBox(a4, 590, -3, 100, 20)).toEqual({ x: 495, y: 0 })
  })
})

describe('hashes', () => {
  it('accepts 64 hex digits only', () => {
    expect(normalizeHash(` ${'AB'.repeat(32)} `)).toBe('ab'.repeat(32))
    expect(normalizeHash('xyz')).toBeNull()
    expect(normalizeHash('a'.repeat(63))).toBeNull()
  })
})

describe('template merge fields', () => {
  it('lists the fields the server will ask for, sorted and once each', () => {
    expect(mergeFields('甲方：{{zone}}，乙方：{{ investor }}', 'Party A: {{zone}}; {{amount}} {{startDate}}')).toEqual(['amount', 'investor', 'startDate', 'zone'])
    // Not merge fields: an empty name, a leading digit, single braces, a name over 40 characters.
    expect(mergeFields('{{}} {{1st}} {zone} {{' + 'a'.repeat(41) + '}}')).toEqual([])
    expect(mergeFields('{{a_1}}{{a_1}}')).toEqual(['a_1'])
  })
  it('finds fields only one language uses', () => {
    expect(mergeMismatch('{{zone}} {{amount}}', '{{zone}} {{investor}}')).toEqual(['amount', 'investor'])
    expect(mergeMismatch('{{zone}}', '{{ zone }}')).toEqual([])
  })
})

describe('audit trail wording', () => {
  // Every code the server may send (read from the API document) is worded in both languages,
  // with the entries it names filled in.
  const schemas = (openapi as { components: { schemas: Record<string, { properties: Record<string, { enum?: string[] }> }> } }).components.schemas
  const codes = schemas.SigningAuditProblem!.properties.code!.enum!
  const proofs = schemas.SigningSealed!.properties.auditProof!.enum!
  it.each(['en', 'zh-CN'] as const)('words every problem and proof in %s', (l) => {
    const { t } = createI18n({ legacy: false, locale: l, messages: { 'zh-CN': zhCN, en }, missingWarn: false }).global
    expect(codes.length).toBeGreaterThan(10)
    for (const code of codes) {
      const text = auditProblemText(t, { code: code as AuditProblem['code'], entry: 9, found: 9, recorded: 14 })
      expect(text, code).not.toContain('signing.problem')
      expect(text, code).not.toMatch(/[{}]/)
    }
    expect(auditProblemText(t, { code: 'trail_shorter', entry: 0, found: 9, recorded: 14 })).toMatch(l === 'en' ? /ends at entry 9 but the seal records 14/ : /止于第 9 条.*第 14 条/)
    for (const p of [...proofs, 'fileRecorded', 'fileLegacy', 'file']) expect(t(`signing.proof.${p}`, { n: 3, entry: 2 })).not.toMatch(/signing\.proof|[{}]/)
  })
})
