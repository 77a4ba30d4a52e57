// The main navigation. Sections add an entry here; the header renders the list as is.
import type { Component } from 'vue'
import type { RouteLocationRaw } from 'vue-router'
import { House, OfficeBuilding } from '@element-plus/icons-vue'
import type { Role } from '@/api/types'

export interface NavItem {
  /** Unique; also the menu index. */
  key: string
  to: RouteLocationRaw
  /** vue-i18n key of the label. */
  label: string
  icon?: Component
  /** Route names under this entry, so the entry stays highlighted on detail pages. */
  match: string[]
  /** Shown only to logged-in users. */
  auth?: boolean
  /** Shown only to these roles (implies auth). */
  roles?: Role[]
}

export const navItems: NavItem[] = [
  { key: 'home', to: { name: 'home' }, label: 'nav.home', icon: House, match: ['home'] },
  { key: 'zones', to: { name: 'zones' }, label: 'nav.zones', icon: OfficeBuilding, match: ['zones', 'zone'] },
]

/** The entries a user may see. */
export function visibleNav(items: NavItem[], role: Role | null): NavItem[] {
  return items.filter((i) => {
    if (i.roles) return role !== null && i.roles.includes(role)
    if (i.auth) return role !== null
    return true
  })
}
