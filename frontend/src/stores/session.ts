// Who is logged in, and the CSRF token that must accompany their mutating requests.
import { computed, ref } from 'vue'
import { defineStore } from 'pinia'
import { api, ApiError } from '@/api'
import type { InvitationAccept, LoginRequest, RegisterRequest, Session, SessionState, User, Zone } from '@/api/types'

export const useSessionStore = defineStore('session', () => {
  const user = ref<User | null>(null)
  const csrfToken = ref('')
  const loaded = ref(false)
  let loading: Promise<void> | null = null

  function set(s: Session | SessionState) {
    user.value = s.user
    csrfToken.value = s.csrfToken
    loaded.value = true
  }

  function clear() {
    user.value = null
    csrfToken.value = ''
  }

  /** Loads the session once per page load; later calls wait for the same request. */
  function ensureLoaded(): Promise<void> {
    if (loaded.value) return Promise.resolve()
    loading ??= refresh().finally(() => {
      loading = null
    })
    return loading
  }

  async function refresh() {
    try {
      // A visitor is answered with a null user, so the check logs no failed request.
      set(await api.session())
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 401) {
        // The site still works for visitors when /auth/me fails for another reason.
        console.warn('session check failed', e)
      }
      clear()
    } finally {
      loaded.value = true
    }
  }

  async function login(b: LoginRequest) {
    set(await api.login(b))
    return user.value as User
  }

  async function register(b: RegisterRequest) {
    set(await api.register(b))
    return user.value as User
  }

  async function acceptInvitation(token: string, b: InvitationAccept) {
    set(await api.acceptInvitation(token, b))
    return user.value as User
  }

  async function logout() {
    try {
      await api.logout()
    } finally {
      clear()
    }
  }

  function updateUser(u: User) {
    user.value = u
  }

  const loggedIn = computed(() => user.value !== null)

  /** Admins edit every zone; zone staff only their own. */
  function canManageZone(z: Pick<Zone, 'id'>): boolean {
    const u = user.value
    if (!u) return false
    return u.role === 'admin' || (u.role === 'zone_staff' && u.zoneId === z.id)
  }

  return { user, csrfToken, loaded, loggedIn, set, clear, ensureLoaded, refresh, login, register, acceptInvitation, logout, updateUser, canManageZone }
})
