// The main navigation. Sections add an entry here, in a group when they belong to one; the
// header shows each group as a menu of its own.
import type { Component } from 'vue'
import type { RouteLocationRaw } from 'vue-router'
import { Briefcase, Calendar, ChatDotRound, Coin, VideoCamera, DataAnalysis, Document, EditPen, Finished, House, Notebook, Odometer, OfficeBuilding, Search, Tickets, TrendCharts } from '@element-plus/icons-vue'
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
  /** The menu the entry sits in; none puts it on the bar itself. */
  group?: NavGroupKey
}

export type NavGroupKey = 'invest' | 'jobfair' | 'performance'

export interface NavGroup {
  key: NavGroupKey
  /** vue-i18n key of the label. */
  label: string
  icon: Component
  items: NavItem[]
}

const groups: Record<NavGroupKey, Omit<NavGroup, 'items'>> = {
  invest: { key: 'invest', label: 'nav.invest', icon: Coin },
  jobfair: { key: 'jobfair', label: 'nav.jobfair', icon: Tickets },
  performance: { key: 'performance', label: 'nav.performance', icon: TrendCharts },
}

export const navItems: NavItem[] = [
  { key: 'home', to: { name: 'home' }, label: 'nav.home', icon: House, match: ['home'] },
  { key: 'zones', to: { name: 'zones' }, label: 'nav.zones', icon: OfficeBuilding, match: ['zones', 'zone'] },
  { key: 'briefings', to: { name: 'briefings' }, label: 'nav.briefings', icon: VideoCamera, match: ['briefings', 'briefing', 'briefing-live', 'briefing-replay'], group: 'invest' },
  { key: 'projects', to: { name: 'projects' }, label: 'nav.projects', icon: Coin, match: ['projects', 'project', 'project-desk'], group: 'invest' },
  { key: 'policies', to: { name: 'policies' }, label: 'policies.nav', icon: Notebook, match: ['policies', 'policy', 'policy-new', 'policy-edit', 'policy-package'], group: 'invest' },
  { key: 'agreements', to: { name: 'agreements' }, label: 'nav.agreements', icon: EditPen, match: ['agreements', 'agreement', 'agreement-new', 'agreement-edit'], roles: ['admin', 'zone_staff', 'enterprise_staff', 'investor'], group: 'invest' },
  { key: 'fairs', to: { name: 'fairs' }, label: 'nav.fairs', icon: Tickets, match: ['fairs', 'fair', 'booth'], group: 'jobfair' },
  { key: 'jobs', to: { name: 'jobs' }, label: 'nav.jobs', icon: Search, match: ['jobs', 'job'], group: 'jobfair' },
  { key: 'applications', to: { name: 'applications' }, label: 'nav.applications', icon: Document, match: ['applications'], roles: ['graduate'], group: 'jobfair' },
  { key: 'hiring', to: { name: 'employer-jobs' }, label: 'nav.hiring', icon: Briefcase, match: ['employer-jobs', 'applicants'], roles: ['admin', 'zone_staff', 'enterprise_staff'], group: 'jobfair' },
  { key: 'chat', to: { name: 'chat' }, label: 'nav.chat', icon: ChatDotRound, match: ['chat'], roles: ['graduate', 'zone_staff', 'enterprise_staff'], group: 'jobfair' },
  { key: 'analytics', to: { name: 'analytics' }, label: 'nav.analytics', icon: DataAnalysis, match: ['analytics'], roles: ['admin', 'zone_staff'], group: 'jobfair' },
  { key: 'meetings', to: { name: 'meetings' }, label: 'nav.meetings', icon: Calendar, match: ['meetings', 'meeting-room', 'meeting-request'], auth: true },
  { key: 'rankings', to: { name: 'rankings' }, label: 'assessment.navRankings', icon: TrendCharts, match: ['rankings'], group: 'performance' },
  { key: 'assessment', to: { name: 'assessment' }, label: 'assessment.navDesk', icon: Finished, match: ['assessment', 'assessment-submission'], roles: ['zone_staff', 'province_staff', 'admin'], group: 'performance' },
  { key: 'monitoring', to: { name: 'monitoring' }, label: 'monitor.nav', icon: Odometer, match: ['monitoring'], roles: ['admin', 'province_staff', 'zone_staff'], group: 'performance' },
]

/**
 * The bar as a user sees it: entries in their order, each group where its first entry is, and a
 * group with a single visible entry shown as that entry.
 */
export function navTree(items: NavItem[]): (NavItem | NavGroup)[] {
  const out: (NavItem | NavGroup)[] = []
  const seen = new Map<NavGroupKey, NavGroup>()
  for (const i of items) {
    if (!i.group) {
      out.push(i)
      continue
    }
    let g = seen.get(i.group)
    if (!g) {
      g = { ...groups[i.group], items: [] }
      seen.set(i.group, g)
      out.push(g)
    }
    g.items.push(i)
  }
  return out.map((e) => ('items' in e && e.items.length === 1 ? e.items[0]! : e))
}

export function isGroup(e: NavItem | NavGroup): e is NavGroup {
  return 'items' in e
}

/** The entries a user may see. */
export function visibleNav(items: NavItem[], role: Role | null): NavItem[] {
  return items.filter((i) => {
    if (i.roles) return role !== null && i.roles.includes(role)
    if (i.auth) return role !== null
    return true
  })
}
