// Small display helpers shared by the job-fair pages.
import type { ApplicationStatus, FairPhase, JobStatus } from '@/api/types'

type TagType = 'primary' | 'success' | 'info' | 'warning' | 'danger'

export const phaseTag: Record<FairPhase, TagType> = { upcoming: 'warning', open: 'success', closed: 'info' }

export const jobStatusTag: Record<JobStatus, TagType> = { draft: 'info', published: 'success', closed: 'warning' }

export const applicationStatusTag: Record<ApplicationStatus, TagType> = {
  submitted: 'info',
  viewed: 'primary',
  interview: 'warning',
  offer: 'success',
  rejected: 'danger',
  withdrawn: 'info',
}

/** Where an application may go next, as the server allows it (app/jobfair/application.go). */
export const nextStatuses: Record<ApplicationStatus, ApplicationStatus[]> = {
  submitted: ['viewed', 'interview', 'offer', 'rejected'],
  viewed: ['interview', 'offer', 'rejected'],
  interview: ['offer', 'rejected'],
  offer: [],
  rejected: [],
  withdrawn: [],
}

/** Monthly salary range in yuan, e.g. "¥8k–13k"; 0 means not stated. */
export function salaryText(min: number, max: number, negotiable: string): string {
  const k = (n: number) => (n % 1000 === 0 ? `${n / 1000}k` : `${(n / 1000).toFixed(1)}k`)
  if (!min && !max) return negotiable
  if (min && max && min !== max) return `¥${k(min)}–${k(max)}`
  return `¥${k(max || min)}`
}

/** Bytes as KB/MB for file sizes. */
export function sizeText(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`
  return `${(n / 1024 / 1024).toFixed(1)} MB`
}
