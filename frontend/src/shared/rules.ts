// Client-side validation rules for Element Plus forms, with messages in the current language.
import type { FormItemRule } from 'element-plus'
import { i18n } from '@/locales'

export const minPassword = 10

const t = (key: string, args?: Record<string, unknown>) => (args ? i18n.global.t(key, args) : i18n.global.t(key))

export function required(trigger: 'blur' | 'change' = 'blur'): FormItemRule {
  return { required: true, whitespace: true, message: t('validation.required'), trigger }
}

export function email(): FormItemRule {
  return { type: 'email', message: t('validation.email'), trigger: 'blur' }
}

export function password(): FormItemRule {
  return { min: minPassword, message: t('validation.passwordLength', { n: minPassword }), trigger: 'blur' }
}

export function sameAs(other: () => string): FormItemRule {
  return {
    trigger: 'blur',
    validator: (_r, v: string, cb) => (v === other() ? cb() : cb(new Error(t('validation.passwordMismatch')))),
  }
}

export function url(): FormItemRule {
  return {
    trigger: 'blur',
    validator: (_r, v: string, cb) => (!v || /^https?:\/\/\S+$/i.test(v) ? cb() : cb(new Error(t('validation.url')))),
  }
}

export function year(min: number, max: number): FormItemRule {
  return {
    trigger: 'blur',
    validator: (_r, v: number | null | undefined, cb) =>
      v === null || v === undefined || (Number.isInteger(v) && v >= min && v <= max)
        ? cb()
        : cb(new Error(t('validation.year', { min, max }))),
  }
}
