// The main navigation. Sections add an entry here; the header renders the list as is.
import type { Component } from 'vue'
import type { RouteLocationRaw } from 'vue-router'
import { Briefcase, ChatDotRound, Coin, VideoCamera, DataAnalysis, Document, House, OfficeBuilding, Search, Tickets } from '@element-plus/icons-vue'
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
  { key: 'briefings', to: { name: 'briefings' }, label: 'nav.briefings', icon: VideoCamera, match: ['briefings', 'briefing', 'briefing-live', 'briefing-replay'] },
  { key: 'projects', to: { name: 'projects' }, label: 'nav.projects', icon: Coin, match: ['projects', 'project', 'project-desk'] },
  { key: 'fairs', to: { name: 'fairs' }, label: 'nav.fairs', icon: Tickets, match: ['fairs', 'fair', 'booth'] },
  { key: 'jobs', to: { name: 'jobs' }, label: 'nav.jobs', icon: Search, match: ['jobs', 'job'] },
  { key: 'applications', to: { name: 'applications' }, label: 'nav.applications', icon: Document, match: ['applications'], roles: ['graduate'] },
  { key: 'hiring', to: { name: 'employer-jobs' }, label: 'nav.hiring', icon: Briefcase, match: ['employer-jobs', 'applicants'], roles: ['admin', 'zone_staff', 'enterprise_staff'] },
  { key: 'chat', to: { name: 'chat' }, label: 'nav.chat', icon: ChatDotRound, match: ['chat'], roles: ['graduate', 'zone_staff'] },
  { key: 'analytics', to: { name: 'analytics' }, label: 'nav.analytics', icon: DataAnalysis, match: ['analytics'], roles: ['admin', 'zone_staff'] },
]

/** The entries a user may see. */
export function visibleNav(items: NavItem[], role: Role | null): NavItem[] {
  return items.filter((i) => {
    if (i.roles) return role !== null && i.roles.includes(role)
    if (i.auth) return role !== null
    return true
  })
}
