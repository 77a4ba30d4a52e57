// Routes and the guard that sends visitors to log in for pages that need an account.
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { useSessionStore } from '@/stores/session'
import type { Role } from '@/api/types'

declare module 'vue-router' {
  interface RouteMeta {
    /** Page needs a logged-in user. */
    auth?: boolean
    /** Page is for visitors only (log in, register); logged-in users go home. */
    guest?: boolean
    /** Page is only for these roles (implies auth); others go home. */
    roles?: Role[]
  }
}

export const routes: RouteRecordRaw[] = [
  { path: '/', name: 'home', component: () => import('@/home/HomePage.vue') },
  { path: '/login', name: 'login', component: () => import('@/auth/LoginPage.vue'), meta: { guest: true } },
  { path: '/register', name: 'register', component: () => import('@/auth/RegisterPage.vue'), meta: { guest: true } },
  { path: '/invite/:token', name: 'invite', component: () => import('@/auth/InvitePage.vue'), props: true },
  { path: '/zones', name: 'zones', component: () => import('@/zones/ZoneDirectory.vue') },
  {
    path: '/zones/:id(\\d+)',
    name: 'zone',
    component: () => import('@/zones/ZonePage.vue'),
    props: (r) => ({ id: Number(r.params.id) }),
  },
  { path: '/fairs', name: 'fairs', component: () => import('@/jobfair/FairList.vue') },
  { path: '/fairs/:id(\\d+)', name: 'fair', component: () => import('@/jobfair/FairPage.vue'), props: (r) => ({ id: Number(r.params.id) }) },
  {
    path: '/fairs/:id(\\d+)/booths/:zoneId(\\d+)',
    name: 'booth',
    component: () => import('@/jobfair/BoothPage.vue'),
    props: (r) => ({ fairId: Number(r.params.id), zoneId: Number(r.params.zoneId) }),
  },
  { path: '/jobs', name: 'jobs', component: () => import('@/jobfair/JobSearch.vue') },
  { path: '/jobs/:id(\\d+)', name: 'job', component: () => import('@/jobfair/JobPage.vue'), props: (r) => ({ id: Number(r.params.id) }) },
  { path: '/profile', name: 'profile', component: () => import('@/graduate/ProfilePage.vue'), meta: { auth: true, roles: ['graduate'] } },
  { path: '/applications', alias: '/jobfair/applications', name: 'applications', component: () => import('@/graduate/ApplicationsPage.vue'), meta: { auth: true, roles: ['graduate'] } },
  { path: '/chat', name: 'chat', component: () => import('@/jobfair/ChatPage.vue'), meta: { auth: true, roles: ['graduate', 'zone_staff', 'enterprise_staff'] } },
  { path: '/employer/jobs', name: 'employer-jobs', component: () => import('@/employer/EmployerJobs.vue'), meta: { auth: true, roles: ['admin', 'zone_staff', 'enterprise_staff'] } },
  { path: '/employer/applicants', name: 'applicants', component: () => import('@/employer/ApplicantsPage.vue'), meta: { auth: true, roles: ['admin', 'zone_staff', 'enterprise_staff'] } },
  { path: '/analytics', name: 'analytics', component: () => import('@/employer/AnalyticsPage.vue'), meta: { auth: true, roles: ['admin', 'zone_staff'] } },
  { path: '/briefings', name: 'briefings', component: () => import('@/briefings/BriefingList.vue') },
  { path: '/briefings/:id(\\d+)', name: 'briefing', component: () => import('@/briefings/BriefingPage.vue'), props: (r) => ({ id: Number(r.params.id) }) },
  { path: '/briefings/:id(\\d+)/live', name: 'briefing-live', component: () => import('@/briefings/LiveRoom.vue'), props: (r) => ({ id: Number(r.params.id) }) },
  { path: '/briefings/:id(\\d+)/replay', name: 'briefing-replay', component: () => import('@/briefings/ReplayPage.vue'), props: (r) => ({ id: Number(r.params.id) }) },
  { path: '/projects', name: 'projects', component: () => import('@/projects/ProjectSearch.vue') },
  { path: '/projects/:id(\\d+)', name: 'project', component: () => import('@/projects/ProjectPage.vue'), props: (r) => ({ id: Number(r.params.id) }) },
  { path: '/projects/desk', name: 'project-desk', component: () => import('@/projects/ProjectDesk.vue'), meta: { auth: true, roles: ['admin', 'zone_staff', 'investor'] } },
  { path: '/signing', name: 'agreements', component: () => import('@/signing/AgreementList.vue'), meta: { auth: true, roles: ['admin', 'zone_staff', 'enterprise_staff', 'investor'] } },
  { path: '/signing/new', name: 'agreement-new', component: () => import('@/signing/AgreementBuilder.vue'), meta: { auth: true, roles: ['zone_staff'] } },
  { path: '/signing/:id(\\d+)', name: 'agreement', component: () => import('@/signing/AgreementPage.vue'), props: (r) => ({ id: Number(r.params.id) }), meta: { auth: true } },
  { path: '/signing/:id(\\d+)/edit', name: 'agreement-edit', component: () => import('@/signing/AgreementBuilder.vue'), props: (r) => ({ id: Number(r.params.id) }), meta: { auth: true, roles: ['admin', 'zone_staff'] } },
  { path: '/verify/:token?', name: 'verify', component: () => import('@/signing/VerifyPage.vue'), props: (r) => ({ token: typeof r.params.token === 'string' ? r.params.token : undefined }) },
  { path: '/meetings', name: 'meetings', component: () => import('@/meetings/MeetingsPage.vue'), meta: { auth: true } },
  { path: '/meetings/room/:id(\\d+)', name: 'meeting-room', component: () => import('@/meetings/RoomPage.vue'), props: (r) => ({ id: Number(r.params.id) }), meta: { auth: true } },
  { path: '/meetings/:id(\\d+)', name: 'meeting-request', component: () => import('@/meetings/RequestRoom.vue'), props: (r) => ({ id: Number(r.params.id) }), meta: { auth: true } },
  { path: '/rankings', name: 'rankings', component: () => import('@/assessment/RankingsPage.vue') },
  { path: '/assessment', name: 'assessment', component: () => import('@/assessment/AssessmentPage.vue'), meta: { auth: true, roles: ['zone_staff', 'province_staff', 'admin'] } },
  { path: '/assessment/submissions/:id(\\d+)', name: 'assessment-submission', component: () => import('@/assessment/SubmissionPage.vue'), props: (r) => ({ id: Number(r.params.id) }), meta: { auth: true, roles: ['zone_staff', 'province_staff', 'admin'] } },
  { path: '/policies', name: 'policies', component: () => import('@/policies/PolicySearch.vue') },
  { path: '/policies/:id(\\d+)', name: 'policy', component: () => import('@/policies/PolicyPage.vue'), props: (r) => ({ id: Number(r.params.id) }) },
  { path: '/policies/new', name: 'policy-new', component: () => import('@/policies/PolicyEdit.vue'), meta: { auth: true, roles: ['admin', 'zone_staff', 'province_staff'] } },
  { path: '/policies/:id(\\d+)/edit', name: 'policy-edit', component: () => import('@/policies/PolicyEdit.vue'), props: (r) => ({ id: Number(r.params.id) }), meta: { auth: true, roles: ['admin', 'zone_staff', 'province_staff'] } },
  { path: '/policies/packages/:id(\\d+)', name: 'policy-package', component: () => import('@/policies/PackagePage.vue'), props: (r) => ({ id: Number(r.params.id) }) },
  { path: '/monitoring', name: 'monitoring', component: () => import('@/monitor/MonitorDashboard.vue'), meta: { auth: true, roles: ['admin', 'province_staff', 'zone_staff'] } },
  { path: '/mailbox', name: 'mailbox', component: () => import('@/mail/MailPage.vue'), props: { mode: 'mine' }, meta: { auth: true } },
  { path: '/admin/outbox', name: 'outbox', component: () => import('@/mail/MailPage.vue'), props: { mode: 'outbox' }, meta: { auth: true, roles: ['admin'] } },
  { path: '/account', name: 'account', component: () => import('@/account/AccountPage.vue'), meta: { auth: true } },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('@/notfound/NotFoundPage.vue') },
]

/** Only same-site paths are followed after login, so a crafted link cannot send people elsewhere. */
export function safeRedirect(v: unknown): string {
  return typeof v === 'string' && v.startsWith('/') && !v.startsWith('//') ? v : '/'
}

export const router = createRouter({
  history: createWebHistory(),
  routes,
  scrollBehavior: (to, from, saved) => saved ?? (to.path !== from.path ? { top: 0 } : undefined),
})

router.beforeEach(async (to) => {
  const session = useSessionStore()
  await session.ensureLoaded()
  if ((to.meta.auth || to.meta.roles) && !session.loggedIn) {
    return { name: 'login', query: { redirect: to.fullPath } }
  }
  if (to.meta.roles && session.user && !to.meta.roles.includes(session.user.role)) {
    return { name: 'home' }
  }
  if (to.meta.guest && session.loggedIn) {
    return safeRedirect(to.query.redirect)
  }
})
