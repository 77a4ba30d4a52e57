// Pure helpers of a project's attachments and incentive policies.
import type { Incentive } from '@/api/projects'

/** The server's limit on one attachment. */
export const maxAttachmentBytes = 10 * 1024 * 1024

export type UploadProblem = 'notPdf' | 'tooLarge' | 'emptyFile'

/**
 * What is wrong with a file before it is sent, or null. The server decides by content; this
 * only spares a round trip for the obvious cases (a .docx, a 40 MB scan, an empty file).
 */
export function uploadProblem(f: { name: string; size: number; type: string }): UploadProblem | null {
  const pdfName = /\.pdf$/i.test(f.name)
  if (f.type !== 'application/pdf' && !pdfName) return 'notPdf'
  if (f.size === 0) return 'emptyFile'
  if (f.size > maxAttachmentBytes) return 'tooLarge'
  return null
}

/** A file size the way people read it: "850 KB", "2.4 MB". */
export function fileSize(n: number, locale: string): string {
  const fmt = (v: number) => new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(v)
  if (n < 1024 * 1024) return `${fmt(Math.max(n, 1) / 1024)} KB`
  return `${fmt(n / 1024 / 1024)} MB`
}

const levelOrder: Incentive['level'][] = ['national', 'provincial', 'municipal', 'zone']

/** The options of the policy picker in groups by level, national first, each in the server's order. */
export function groupByLevel(options: Incentive[]): { level: Incentive['level']; items: Incentive[] }[] {
  return levelOrder.map((level) => ({ level, items: options.filter((o) => o.level === level) })).filter((g) => g.items.length > 0)
}

/**
 * The chosen ids kept in the order picked, without ids no longer on offer (a policy withdrawn
 * since) so saving does not fail on them.
 */
export function keepOffered(chosen: number[], options: Incentive[]): number[] {
  const offered = new Set(options.map((o) => o.id))
  return chosen.filter((id, i) => offered.has(id) && chosen.indexOf(id) === i)
}
