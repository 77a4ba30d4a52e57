// Showing API failures to people: field messages next to form fields, the rest as a toast.
import { reactive } from 'vue'
import { ElMessage } from 'element-plus'
import { ApiError } from '@/api'
import { i18n } from '@/locales'

/** A sentence for any thrown value, in the current language. */
export function errorMessage(e: unknown): string {
  const t = i18n.global.t
  if (e instanceof ApiError) {
    if (e.code === 'network') return t('errors.network')
    if (e.code === 'rate_limited' && e.retryAfter !== null) return t('errors.rateLimited', { n: e.retryAfter })
    if (e.message) return e.message
  }
  return t('errors.generic')
}

/**
 * Per-field server messages for an Element Plus form: bind `:error="errors.x"` on each
 * el-form-item and pass failures to `report`.
 */
export function useFieldErrors<K extends string>(fields: readonly K[]) {
  const errors: Record<K, string> = reactive<Record<string, string>>({})
  function clear() {
    for (const f of fields) errors[f] = ''
  }
  /** Shows field errors in place; anything not tied to a visible field becomes a toast. */
  function report(e: unknown) {
    clear()
    let shown = false
    if (e instanceof ApiError) {
      for (const [field, msg] of Object.entries(e.fieldErrors)) {
        if ((fields as readonly string[]).includes(field)) {
          errors[field as K] = msg
          shown = true
        }
      }
    }
    if (!shown) ElMessage.error(errorMessage(e))
  }
  clear()
  return { errors, clear, report }
}

/** Reports a failure that has no form to show it in. */
export function toastError(e: unknown) {
  ElMessage.error(errorMessage(e))
}
