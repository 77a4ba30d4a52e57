import { describe, expect, it } from 'vitest'
import { isGroup, navItems, navTree, visibleNav } from './nav'

const keys = (role: Parameters<typeof visibleNav>[1]) =>
  navTree(visibleNav(navItems, role)).map((e) => (isGroup(e) ? `${e.key}[${e.items.map((i) => i.key).join(',')}]` : e.key))

describe('navigation', () => {
  it('groups a visitor’s entries into a short bar', () => {
    expect(keys(null)).toEqual(['home', 'zones', 'invest[briefings,projects,policies]', 'jobfair[fairs,jobs]', 'rankings'])
  })

  it('shows each role only its own entries', () => {
    expect(keys('graduate')).toEqual(['home', 'zones', 'invest[briefings,projects,policies]', 'jobfair[fairs,jobs,applications,chat]', 'meetings', 'rankings'])
    expect(keys('province_staff')).toEqual(['home', 'zones', 'invest[briefings,projects,policies]', 'jobfair[fairs,jobs]', 'meetings', 'performance[rankings,assessment,monitoring]'])
    const admin = keys('admin')
    expect(admin).toContain('invest[briefings,projects,policies,agreements]')
    expect(admin).toContain('jobfair[fairs,jobs,hiring,analytics]')
  })

  it('never shows an entry twice', () => {
    for (const role of [null, 'admin', 'zone_staff', 'enterprise_staff', 'investor', 'graduate', 'province_staff'] as const) {
      const flat = navTree(visibleNav(navItems, role)).flatMap((e) => (isGroup(e) ? e.items : [e])).map((i) => i.key)
      expect(new Set(flat).size).toBe(flat.length)
    }
  })
})
