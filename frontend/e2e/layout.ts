import type { Page } from '@playwright/test'
import { expect } from './helpers'

// Measuring the header: no two of its items overlap and none runs past the bar.

interface Box {
  name: string
  left: number
  right: number
  top: number
  bottom: number
}

/** The header's visible items: the brand, each entry on the bar and each action. */
async function headerBoxes(page: Page): Promise<{ boxes: Box[]; bar: Box }> {
  return page.evaluate(() => {
    const header = document.querySelector('.header-inner')!
    const box = (el: Element, name: string) => {
      const r = el.getBoundingClientRect()
      return { name, left: r.left, right: r.right, top: r.top, bottom: r.bottom }
    }
    const shown = (el: Element) => {
      const r = el.getBoundingClientRect()
      return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden'
    }
    const items = [
      ...Array.from(header.querySelectorAll('.brand')),
      ...Array.from(header.querySelectorAll('.nav-desktop > li')),
      ...Array.from(header.querySelectorAll('.header-actions > *')),
    ].filter(shown)
    return {
      boxes: items.map((el, i) => box(el, `${i}:${el.className.split(' ')[0] ?? ''}:${(el.textContent ?? '').trim().slice(0, 24)}`)),
      bar: box(header, 'bar'),
    }
  })
}

function overlaps(a: Box, b: Box): number {
  const x = Math.min(a.right, b.right) - Math.max(a.left, b.left)
  const y = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top)
  return x > 0.5 && y > 0.5 ? x : 0
}

export async function expectHeaderFits(page: Page, where: string) {
  // The menu measures itself after a resize: the check holds once it has settled.
  await expect(async () => {
    const { boxes, bar } = await headerBoxes(page)
    const problems: string[] = []
    for (const b of boxes) {
      if (b.left < bar.left - 0.5 || b.right > bar.right + 0.5) problems.push(`${b.name} outside the bar`)
    }
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const px = overlaps(boxes[i]!, boxes[j]!)
        if (px) problems.push(`${boxes[i]!.name} and ${boxes[j]!.name} overlap by ${px.toFixed(0)} px`)
      }
    }
    expect(problems, where).toEqual([])
  }).toPass({ timeout: 5_000 })
}

