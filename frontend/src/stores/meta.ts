// Reference data from GET /api/v1/meta (regions, provinces, industries) with names in
// the current language.
import { computed, ref } from 'vue'
import { defineStore } from 'pinia'
import { api } from '@/api'
import type { Meta } from '@/api/types'
import { useLocaleStore } from './locale'

export const useMetaStore = defineStore('meta', () => {
  const meta = ref<Meta | null>(null)
  let loading: Promise<void> | null = null
  const locale = useLocaleStore()

  function load(): Promise<void> {
    if (meta.value) return Promise.resolve()
    loading ??= api
      .meta()
      .then((m) => {
        meta.value = m
      })
      .finally(() => {
        loading = null
      })
    return loading
  }

  function index<T extends { code: string; nameZh: string; nameEn: string }>(items: T[] | null | undefined) {
    return new Map((items ?? []).map((i) => [i.code, i]))
  }
  const regionsByCode = computed(() => index(meta.value?.regions))
  const provincesByCode = computed(() => index(meta.value?.provinces))
  const industriesByCode = computed(() => index(meta.value?.industries))

  function name(m: Map<string, { nameZh: string; nameEn: string }>, code: string): string {
    const item = m.get(code)
    return item ? locale.pick(item.nameZh, item.nameEn) : code
  }

  return {
    meta,
    load,
    regions: computed(() => meta.value?.regions ?? []),
    provinces: computed(() => meta.value?.provinces ?? []),
    industries: computed(() => meta.value?.industries ?? []),
    regionName: (code: string) => name(regionsByCode.value, code),
    provinceName: (code: string) => name(provincesByCode.value, code),
    industryName: (code: string) => name(industriesByCode.value, code),
  }
})
