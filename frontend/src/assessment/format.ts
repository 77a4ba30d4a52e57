// Labels and tag colours of submission statuses.
import type { SubmissionStatus } from '@/api/assessment'

export const statuses: SubmissionStatus[] = ['draft', 'submitted', 'returned', 'reviewed', 'approved']

export function statusTag(s: SubmissionStatus): 'info' | 'warning' | 'danger' | 'primary' | 'success' {
  return ({ draft: 'info', submitted: 'warning', returned: 'danger', reviewed: 'primary', approved: 'success' } as const)[s]
}

/** The workflow step a status is at, for el-steps (returned data is back at the zone). */
export function statusStep(s: SubmissionStatus): number {
  return { draft: 0, returned: 0, submitted: 1, reviewed: 2, approved: 3 }[s]
}
