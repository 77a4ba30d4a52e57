// Display and layout rules shared by the signing pages.
import type { AgreementStatus, AuditProblem, Field, FieldInput, FieldKind, PageSize, Recipient, RecipientRole, VerdictKind } from '@/api/signing'

type TagType = 'primary' | 'success' | 'info' | 'warning' | 'danger'

export const statusTag: Record<AgreementStatus, TagType> = {
  draft: 'info',
  sent: 'primary',
  sealing: 'warning',
  completed: 'success',
  declined: 'danger',
  voided: 'info',
  expired: 'warning',
}

export const statuses = Object.keys(statusTag) as AgreementStatus[]

/** Statuses after which nothing changes any more. */
export function closed(s: AgreementStatus): boolean {
  return s === 'completed' || s === 'declined' || s === 'voided' || s === 'expired'
}

export const verdictTone: Record<VerdictKind, 'success' | 'error' | 'warning' | 'info'> = {
  intact: 'success',
  sealed: 'success',
  altered: 'error',
  original: 'warning',
  pending: 'info',
  unknown: 'info',
}

type Translate = (key: string, named: Record<string, unknown>) => string

/** Where an audit trail's check fails, in the reader's language: the server sends a code with the entries concerned. */
export function auditProblemText(t: Translate, p: AuditProblem): string {
  return t(`signing.problem.${p.code}`, { entry: p.entry, found: p.found, recorded: p.recorded })
}

/** The kinds of recipient the builder offers; both signatories sign, for a different party. */
export type RecipientKind = 'zone' | 'investor' | 'witness' | 'copy'
export const recipientKinds: RecipientKind[] = ['zone', 'investor', 'witness', 'copy']
export const kindRole: Record<RecipientKind, RecipientRole> = { zone: 'signatory', investor: 'signatory', witness: 'witness', copy: 'copy' }

export function signs(role: RecipientRole): boolean {
  return role === 'signatory' || role === 'witness'
}

/** How signers take turns: one after another, all at once, or in numbered groups. */
export type OrderMode = 'sequential' | 'parallel' | 'groups'

export interface Row {
  userId: number
  name: string
  email: string
  kind: RecipientKind
  party: string
  step: number
}

/**
 * The steps rows get under mode: sequential numbers the signers in list order, parallel puts them
 * all on step 1, groups keeps the steps given (at least 1). Copy recipients sign nothing: step 1.
 */
export function orderSteps(rows: Row[], mode: OrderMode): Row[] {
  let n = 0
  return rows.map((r) => {
    if (!signs(kindRole[r.kind])) return { ...r, step: 1 }
    if (mode === 'sequential') return { ...r, step: ++n }
    if (mode === 'parallel') return { ...r, step: 1 }
    return { ...r, step: Math.min(20, Math.max(1, Math.round(r.step) || 1)) }
  })
}

/** The order mode that describes recipients as the server keeps them. */
export function modeOf(rs: Pick<Recipient, 'role' | 'step'>[]): OrderMode {
  const steps = rs.filter((r) => signs(r.role)).map((r) => r.step)
  if (steps.length <= 1 || steps.every((s) => s === steps[0])) return steps.length > 1 ? 'parallel' : 'sequential'
  const sorted = [...steps].sort((a, b) => a - b)
  return sorted.every((s, i) => s === i + 1) ? 'sequential' : 'groups'
}

/** Default box of each field kind, in PDF points. */
export const fieldSize: Record<FieldKind, { w: number; h: number }> = {
  signature: { w: 160, h: 50 },
  date: { w: 100, h: 22 },
  name: { w: 140, h: 22 },
  text: { w: 160, h: 22 },
}

/** A field box centred on (x, y) points, moved inside the page. */
export function placeField(kind: FieldKind, page: number, size: PageSize, x: number, y: number): Pick<FieldInput, 'kind' | 'page' | 'x' | 'y' | 'w' | 'h'> {
  const { w, h } = fieldSize[kind]
  return { kind, page, w, h, ...clampBox(size, x - w / 2, y - h / 2, w, h) }
}

/** Top-left corner of a w×h box at (x, y) kept inside the page, rounded to a tenth of a point. */
export function clampBox(size: PageSize, x: number, y: number, w: number, h: number): { x: number; y: number } {
  const r = (v: number) => Math.round(v * 10) / 10
  return { x: r(Math.min(Math.max(0, x), Math.max(0, size.w - w))), y: r(Math.min(Math.max(0, y), Math.max(0, size.h - h))) }
}

/** The fields as the server takes them. */
export function fieldInputs(fs: Pick<Field, 'recipientId' | 'kind' | 'page' | 'x' | 'y' | 'w' | 'h' | 'label' | 'required'>[]): FieldInput[] {
  return fs.map((f) => ({ recipientId: f.recipientId, kind: f.kind, page: f.page, x: f.x, y: f.y, w: f.w, h: f.h, label: f.label, required: f.required }))
}

/** The signers whose turn it is (lowest step with someone pending). */
export function waitingFor(rs: Recipient[], currentStep: number): Recipient[] {
  return rs.filter((r) => signs(r.role) && r.status === 'pending' && r.step === currentStep)
}

/** Colours told apart on a page, one per recipient in list order. */
const palette = ['#2563eb', '#d97706', '#059669', '#db2777', '#7c3aed', '#0891b2']
export function recipientColor(rs: Pick<Recipient, 'id'>[], id: number): string {
  const i = rs.findIndex((r) => r.id === id)
  return palette[(i < 0 ? 0 : i) % palette.length]!
}

/** A SHA-256 as typed or pasted: hex only, lower case. */
export function normalizeHash(s: string): string | null {
  const v = s.trim().toLowerCase()
  return /^[0-9a-f]{64}$/.test(v) ? v : null
}

/** A {{merge}} reference as the server reads it in a template body (app/signing/render.go). */
const mergeRef = /\{\{\s*([A-Za-z][A-Za-z0-9_]{0,39})\s*\}\}/g

/** The merge fields the bodies use, sorted and without repeats, as the server lists them. */
export function mergeFields(...bodies: string[]): string[] {
  const names = new Set<string>()
  for (const b of bodies) for (const m of b.matchAll(mergeRef)) names.add(m[1]!)
  return [...names].sort()
}

/** Merge fields used by one language's text and not the other's: the two texts disagree. */
export function mergeMismatch(bodyZh: string, bodyEn: string): string[] {
  const zh = new Set(mergeFields(bodyZh))
  const en = new Set(mergeFields(bodyEn))
  return mergeFields(bodyZh, bodyEn).filter((f) => zh.has(f) !== en.has(f))
}
