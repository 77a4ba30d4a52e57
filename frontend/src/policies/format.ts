// Small helpers shared by the policy pages.
import { ElMessageBox } from 'element-plus'
import type { Role } from '@/api/types'
import type { PolicyState } from '@/api/policy'

/** Whether a role issues policies (and sees the drafts tab). */
export function canIssue(role: Role | null | undefined): boolean {
  return role === 'admin' || role === 'zone_staff' || role === 'province_staff'
}

/** The Element Plus tag type of a policy's state. */
export const stateTag: Record<PolicyState, 'success' | 'warning' | 'info'> = {
  current: 'success',
  upcoming: 'warning',
  expired: 'info',
}

/** A YYYY-MM-DD date shown in the reader's locale, without shifting it across time zones. */
export function formatDay(day: string, locale: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day)
  if (!m) return day
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
  return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(d)
}

/** Asks before a destructive action; true when the user agreed. */
export async function confirmed(message: string): Promise<boolean> {
  try {
    await ElMessageBox.confirm(message, { type: 'warning' })
    return true
  } catch {
    return false
  }
}
