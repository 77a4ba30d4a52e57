// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { detectLocale, i18n } from '@/locales'
import { storageKey, useLocaleStore } from './locale'

function browser(...langs: string[]) {
  vi.spyOn(navigator, 'languages', 'get').mockReturnValue(langs)
  vi.spyOn(navigator, 'language', 'get').mockReturnValue(langs[0] ?? '')
}

beforeEach(() => {
  localStorage.clear()
  document.documentElement.lang = ''
  setActivePinia(createPinia())
})

afterEach(() => {
  vi.restoreAllMocks()
})

describe('detectLocale', () => {
  it('gives zh-CN to any Chinese browser and English to the rest', () => {
    expect(detectLocale(['zh-CN'])).toBe('zh-CN')
    expect(detectLocale(['zh-TW', 'en'])).toBe('zh-CN')
    expect(detectLocale(['zh'])).toBe('zh-CN')
    expect(detectLocale(['en-US', 'zh-CN'])).toBe('en')
    expect(detectLocale(['fr-FR'])).toBe('en')
    expect(detectLocale([])).toBe('en')
  })
})

describe('locale store', () => {
  it('starts from the browser language when nothing is remembered', () => {
    browser('zh-HK', 'en')
    const s = useLocaleStore()
    expect(s.locale).toBe('zh-CN')
    expect(document.documentElement.lang).toBe('zh-CN')
    expect(i18n.global.locale.value).toBe('zh-CN')
  })

  it('uses English for a non-Chinese browser', () => {
    browser('de-DE')
    const s = useLocaleStore()
    expect(s.locale).toBe('en')
    expect(document.documentElement.lang).toBe('en')
    expect(i18n.global.t('nav.zones')).toBe('Zones')
  })

  it('prefers the remembered choice over the browser', () => {
    browser('en-US')
    localStorage.setItem(storageKey, 'zh-CN')
    expect(useLocaleStore().locale).toBe('zh-CN')
  })

  it('ignores a remembered value that is not a supported locale', () => {
    browser('en-GB')
    localStorage.setItem(storageKey, 'klingon')
    expect(useLocaleStore().locale).toBe('en')
  })

  it('switching remembers the choice and applies it everywhere', () => {
    browser('en-US')
    const s = useLocaleStore()
    s.set('zh-CN')
    expect(localStorage.getItem(storageKey)).toBe('zh-CN')
    expect(document.documentElement.lang).toBe('zh-CN')
    expect(i18n.global.t('nav.zones')).toBe('开发区')
    expect(s.element.name).toBe('zh-cn')

    // A new page load (fresh store) keeps the choice.
    setActivePinia(createPinia())
    expect(useLocaleStore().locale).toBe('zh-CN')
  })

  it('picks bilingual text by locale and falls back when one side is empty', () => {
    browser('en')
    const s = useLocaleStore()
    expect(s.pick('苏州', 'Suzhou')).toBe('Suzhou')
    expect(s.pick('苏州', '')).toBe('苏州')
    s.set('zh-CN')
    expect(s.pick('苏州', 'Suzhou')).toBe('苏州')
    expect(s.pick('', 'Suzhou')).toBe('Suzhou')
  })
})

describe('an explicit choice', () => {
  it('is remembered as chosen; the browser’s language is not', () => {
    browser('zh-CN')
    const store = useLocaleStore()
    expect(store.locale).toBe('zh-CN')
    expect(store.chosen).toBe(false)
    store.set('en')
    expect(store.chosen).toBe(true)
    setActivePinia(createPinia())
    const again = useLocaleStore()
    expect(again.locale).toBe('en')
    expect(again.chosen).toBe(true)
  })
})
