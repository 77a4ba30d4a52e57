// Job-fair reference data from GET /api/v1/jobfair/meta (degrees, job categories, majors,
// salary bands) with names in the current language.
import { computed, ref } from 'vue'
import { defineStore } from 'pinia'
import { api } from '@/api'
import type { JobfairMeta, Label, Zone } from '@/api/types'
import { allZones } from '@/shared/pages'
import { useLocaleStore } from './locale'

export const useJobfairMetaStore = defineStore('jobfairMeta', () => {
  const meta = ref<JobfairMeta | null>(null)
  let loading: Promise<void> | null = null
  const locale = useLocaleStore()

  function load(): Promise<void> {
    if (meta.value) return Promise.resolve()
    loading ??= api
      .jobfairMeta()
      .then((m) => {
        meta.value = m
      })
      .finally(() => {
        loading = null
      })
    return loading
  }

  // Zone and city names for facets, which the search reports by zone id and Chinese city name.
  const zones = ref<Zone[]>([])
  let zonesLoading: Promise<void> | null = null
  function loadZones(): Promise<void> {
    if (zones.value.length) return Promise.resolve()
    zonesLoading ??= allZones()
      .then((all) => {
        zones.value = all
      })
      .finally(() => {
        zonesLoading = null
      })
    return zonesLoading
  }
  const zoneById = computed(() => new Map(zones.value.map((z) => [z.id, z])))
  const cityEn = computed(() => new Map(zones.value.map((z) => [z.cityZh, z.cityEn])))

  const degrees = computed(() => meta.value?.degrees ?? [])
  const categories = computed(() => meta.value?.categories ?? [])
  const majors = computed(() => meta.value?.majors ?? [])
  const salaryBands = computed(() => meta.value?.salaryBands ?? [])

  function byCode(items: Label[]) {
    return new Map(items.map((i) => [i.code, i]))
  }
  const degreeMap = computed(() => byCode(degrees.value))
  const categoryMap = computed(() => byCode(categories.value))
  const majorMap = computed(() => byCode(majors.value))
  const bandMap = computed(() => byCode(salaryBands.value))

  function name(m: Map<string, Label>, code: string): string {
    const l = m.get(code)
    return l ? locale.pick(l.nameZh, l.nameEn) : code
  }

  return {
    meta,
    load,
    degrees,
    categories,
    majors,
    salaryBands,
    degreeName: (c: string) => name(degreeMap.value, c),
    categoryName: (c: string) => name(categoryMap.value, c),
    majorName: (c: string) => name(majorMap.value, c),
    bandName: (c: string) => name(bandMap.value, c),
    zones,
    loadZones,
    zoneName: (id: number) => {
      const z = zoneById.value.get(id)
      return z ? locale.pick(z.nameZh, z.nameEn) : `#${id}`
    },
    cityName: (zh: string) => locale.pick(zh, cityEn.value.get(zh) ?? ''),
  }
})
