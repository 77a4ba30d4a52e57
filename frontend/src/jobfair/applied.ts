// What a job's page shows of the graduate's own application to it, followed live: an
// "application.updated" publication on the user's channel (the employer moved it) replaces it
// at once, without a reload.
import type { Application } from '@/api/types'
import type { UserEvent } from '@/stores/notifications'

function isApplication(v: unknown): v is Application {
  return typeof v === 'object' && v !== null && typeof (v as Application).id === 'number' && typeof (v as Application).jobId === 'number' && typeof (v as Application).status === 'string'
}

/**
 * The application to jobId after event e: the published one when it is for this job (none once
 * withdrawn), unchanged for anything else, or 'reload' when the channel was reset and
 * publications may have been missed.
 */
export function followApplication(mine: Application | null, jobId: number, e: UserEvent): Application | null | 'reload' {
  if (e.type === 'reset') return 'reload'
  if (e.kind !== 'application.updated' || !isApplication(e.data) || e.data.jobId !== jobId) return mine
  if (e.data.status === 'withdrawn') return null
  return mine && mine.id === e.data.id ? { ...mine, ...e.data } : e.data
}
