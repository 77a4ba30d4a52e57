// Routes and the guard that sends visitors to log in for pages that need an account.
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { useSessionStore } from '@/stores/session'

declare module 'vue-router' {
  interface RouteMeta {
    /** Page needs a logged-in user. */
    auth?: boolean
    /** Page is for visitors only (log in, register); logged-in users go home. */
    guest?: boolean
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
  if (to.meta.auth && !session.loggedIn) {
    return { name: 'login', query: { redirect: to.fullPath } }
  }
  if (to.meta.guest && session.loggedIn) {
    return safeRedirect(to.query.redirect)
  }
})
