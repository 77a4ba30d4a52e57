import { beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from '@/api'
import { i18n } from '@/locales'

const toasts: string[] = []
vi.mock('element-plus', () => ({ ElMessage: { error: (m: string) => toasts.push(m) } }))

const { errorMessage, useFieldErrors } = await import('./feedback')

beforeEach(() => {
  toasts.length = 0
  i18n.global.locale.value = 'en'
})

const invalid = (details: { field: string; message: string }[]) =>
  new ApiError({ status: 400, code: 'invalid_input', message: 'Some fields are not valid.', details })

describe('useFieldErrors', () => {
  it('puts server messages next to the form fields they name', () => {
    const f = useFieldErrors(['email', 'password'] as const)
    f.report(invalid([{ field: 'email', message: 'Taken.' }]))
    expect(f.errors.email).toBe('Taken.')
    expect(f.errors.password).toBe('')
    expect(toasts).toEqual([])
  })

  it('shows a message when no named field is on the form', () => {
    const f = useFieldErrors(['name'] as const)
    f.report(invalid([{ field: 'zoneId', message: 'Unknown zone.' }]))
    expect(f.errors.name).toBe('')
    expect(toasts).toEqual(['Some fields are not valid.'])
  })

  it('clears earlier field errors on the next report', () => {
    const f = useFieldErrors(['email'] as const)
    f.report(invalid([{ field: 'email', message: 'Taken.' }]))
    f.report(new ApiError({ status: 409, code: 'conflict', message: 'Already exists.' }))
    expect(f.errors.email).toBe('')
    expect(toasts).toEqual(['Already exists.'])
  })
})

describe('errorMessage', () => {
  it('explains network failures and rate limits in the UI language', () => {
    expect(errorMessage(new ApiError({ status: 0, code: 'network', message: 'Failed to fetch' }))).toMatch(/Cannot reach the server/)
    expect(errorMessage(new ApiError({ status: 429, code: 'rate_limited', message: 'x', retryAfter: 30 }))).toBe(
      'Too many attempts. Please wait 30 seconds and try again.',
    )
    i18n.global.locale.value = 'zh-CN'
    expect(errorMessage(new Error('boom'))).toBe('出错了，请重试。')
  })
})
