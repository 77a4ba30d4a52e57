import { describe, expect, it } from 'vitest'
import en from './en'
import zhCN from './zh-CN'

type Tree = { [k: string]: string | Tree }

function flatten(t: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>()
  for (const [k, v] of Object.entries(t)) {
    const key = prefix ? `${prefix}.${k}` : k
    if (typeof v === 'string') out.set(key, v)
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv)
  }
  return out
}

const placeholders = (s: string) => [...new Set([...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort()

describe('locale files', () => {
  const a = flatten(en as Tree)
  const b = flatten(zhCN as unknown as Tree)

  it('have the same keys', () => {
    const onlyEn = [...a.keys()].filter((k) => !b.has(k))
    const onlyZh = [...b.keys()].filter((k) => !a.has(k))
    expect({ onlyEn, onlyZh }).toEqual({ onlyEn: [], onlyZh: [] })
  })

  it('have no empty messages', () => {
    const empty = [...a, ...b].filter(([, v]) => v.trim() === '').map(([k]) => k)
    expect(empty).toEqual([])
  })

  it('use the same placeholders for each key', () => {
    const differ = [...a.keys()].filter((k) => b.has(k) && placeholders(a.get(k)!).join() !== placeholders(b.get(k)!).join())
    expect(differ).toEqual([])
  })
})
