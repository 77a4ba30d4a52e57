// The UI language: chosen once from the browser, then remembered in localStorage, and
// applied to vue-i18n, <html lang> and Element Plus.
import { computed, ref } from 'vue'
import { defineStore } from 'pinia'
import zhCn from 'element-plus/es/locale/lang/zh-cn'
import elEn from 'element-plus/es/locale/lang/en'
import type { Locale } from '@/api/types'
import { detectLocale, i18n, isLocale } from '@/locales'

export const storageKey = 'zonefair.locale'

function stored(): Locale | null {
  try {
    const v = localStorage.getItem(storageKey)
    return isLocale(v) ? v : null
  } catch {
    return null // storage disabled (private mode, policy)
  }
}

function browserLanguages(): string[] {
  if (typeof navigator === 'undefined') return []
  return navigator.languages?.length ? [...navigator.languages] : [navigator.language]
}

export const useLocaleStore = defineStore('locale', () => {
  const locale = ref<Locale>(stored() ?? detectLocale(browserLanguages()))
  /** The user picked the language on this device; until then it is the browser's. */
  const chosen = ref(stored() !== null)

  function apply() {
    i18n.global.locale.value = locale.value
    if (typeof document !== 'undefined') document.documentElement.lang = locale.value
  }

  function set(l: Locale) {
    locale.value = l
    chosen.value = true
    try {
      localStorage.setItem(storageKey, l)
    } catch {
      // not remembered, but still applied for this visit
    }
    apply()
  }

  const element = computed(() => (locale.value === 'zh-CN' ? zhCn : elEn))

  /** The text for the current locale, falling back to the other language when it is empty. */
  function pick(zh: string | null | undefined, en: string | null | undefined): string {
    const [a, b] = locale.value === 'zh-CN' ? [zh, en] : [en, zh]
    return a || b || ''
  }

  apply()
  return { locale, chosen, set, element, pick }
})
