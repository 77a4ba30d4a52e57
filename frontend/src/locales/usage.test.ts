import { describe, expect, it } from 'vitest'
import en from './en'

// Every message key the pages ask for exists (zh-CN has the same keys: locales.test.ts).
const sources = import.meta.glob(['../**/*.vue', '../**/*.ts', '!../**/*.test.ts', '!../locales/**', '!../live/**'], {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>

type Tree = { [k: string]: string | Tree }

function lookup(key: string): string | Tree | undefined {
  let node: string | Tree | undefined = en as Tree
  for (const part of key.split('.')) {
    if (typeof node !== 'object') return undefined
    node = node[part]
  }
  return node
}

describe('message keys used in the code', () => {
  it('all exist', () => {
    const missing: string[] = []
    let checked = 0
    for (const [file, text] of Object.entries(sources)) {
      for (const m of text.matchAll(/\bt\(\s*(['`])([a-zA-Z][\w.]*)(\$\{[^`]*)?\1/g)) {
        const [, , key, dynamic] = m
        checked++
        // `prefix.${x}`: the prefix must be a group of messages.
        const found = dynamic ? lookup(key!.replace(/\.$/, '')) : lookup(key!)
        if (dynamic ? typeof found !== 'object' : typeof found !== 'string') missing.push(`${file}: ${key}${dynamic ?? ''}`)
      }
      for (const m of text.matchAll(/\blabel: '([a-z]+\.[\w.]+)'/g)) {
        if (typeof lookup(m[1]!) !== 'string') missing.push(`${file}: ${m[1]}`)
      }
    }
    expect(missing).toEqual([])
    // The pattern still matches how the code calls t().
    expect(checked).toBeGreaterThan(300)
  })
})
