// The vue-i18n instance and the rule that picks the first locale for a visitor.
import { createI18n } from 'vue-i18n'
import type { Locale } from '@/api/types'
import en from './en'
import zhCN from './zh-CN'

export type Messages = typeof en

export const locales: readonly Locale[] = ['zh-CN', 'en']

export const localeLabels: Record<Locale, string> = { 'zh-CN': '中文', en: 'English' }

export function isLocale(v: unknown): v is Locale {
  return typeof v === 'string' && (locales as readonly string[]).includes(v)
}

/** Chinese browsers (any zh variant) get zh-CN, everyone else English. */
export function detectLocale(languages: readonly string[]): Locale {
  const first = languages.find((l) => typeof l === 'string' && l !== '')
  return first && first.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en'
}

const datetime = {
  short: { year: 'numeric', month: 'short', day: 'numeric' },
  long: { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' },
} as const

export const i18n = createI18n({
  legacy: false,
  locale: 'zh-CN' as Locale,
  fallbackLocale: 'en',
  messages: { 'zh-CN': zhCN, en } as Record<Locale, Messages>,
  datetimeFormats: { 'zh-CN': datetime, en: datetime },
  missingWarn: false,
  fallbackWarn: false,
})
