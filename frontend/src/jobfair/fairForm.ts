// The organiser's fair form: what the dialog edits, and the FairInput sent from it.
import type { Fair, FairInput } from '@/api/types'

export interface FairForm {
  nameZh: string
  nameEn: string
  descriptionZh: string
  descriptionEn: string
  /** Start and end, as the date-time range picker gives them. */
  dates: [Date, Date] | null
  zoneIds: number[]
}

export function emptyFairForm(): FairForm {
  return { nameZh: '', nameEn: '', descriptionZh: '', descriptionEn: '', dates: null, zoneIds: [] }
}

export function fairForm(f: Fair): FairForm {
  return {
    nameZh: f.nameZh,
    nameEn: f.nameEn,
    descriptionZh: f.descriptionZh,
    descriptionEn: f.descriptionEn,
    dates: [new Date(f.startsAt), new Date(f.endsAt)],
    zoneIds: [...(f.zoneIds ?? [])],
  }
}

/** The input of a form, or the message key (under fairs.form) of what is missing or wrong. */
export function fairInput(f: FairForm): { input: FairInput } | { error: string } {
  const nameZh = f.nameZh.trim()
  const nameEn = f.nameEn.trim()
  if ([...nameZh].length < 2 || [...nameEn].length < 2) return { error: 'names' }
  if (!f.dates) return { error: 'dates' }
  const [start, end] = f.dates
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || end.getTime() <= start.getTime()) return { error: 'dates' }
  return {
    input: {
      nameZh,
      nameEn,
      descriptionZh: f.descriptionZh.trim(),
      descriptionEn: f.descriptionEn.trim(),
      startsAt: start.toISOString(),
      endsAt: end.toISOString(),
      zoneIds: [...new Set(f.zoneIds)].sort((a, b) => a - b),
    },
  }
}
