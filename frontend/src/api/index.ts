// The application's API calls, one function per route of the contract.
import { Client } from './client'
import type {
  AccountUpdate,
  Enterprise,
  EnterpriseCreate,
  EnterpriseUpdate,
  Invitation,
  InvitationAccept,
  InvitationCreate,
  InvitationInfo,
  LoginRequest,
  Meta,
  PasswordChange,
  RegisterRequest,
  Session,
  User,
  Zone,
  ZoneCreate,
  ZoneDetail,
  ZonePage,
  ZoneQuery,
  ZoneUpdate,
} from './types'

import { ApiError } from './client'

export { ApiError, Client } from './client'
export type { ClientErrorCode } from './client'

interface Context {
  locale: () => string
  csrfToken: () => string
  onError?: (e: ApiError, method: string, path: string) => void
}

// Stores register their getters at start-up; this keeps the API module free of
// store imports (and so of import cycles).
let ctx: Context = { locale: () => 'en', csrfToken: () => '' }

export function setApiContext(c: Context): void {
  ctx = c
}

export const client = new Client({
  locale: () => ctx.locale(),
  csrfToken: () => ctx.csrfToken(),
  onError: (e, method, path) => ctx.onError?.(e, method, path),
})

const enc = encodeURIComponent

export const api = {
  meta: () => client.get<Meta>('/meta'),

  register: (b: RegisterRequest) => client.post<Session>('/auth/register', b),
  login: (b: LoginRequest) => client.post<Session>('/auth/login', b),
  logout: () => client.post<void>('/auth/logout'),
  me: () => client.get<Session>('/auth/me'),

  updateAccount: (b: AccountUpdate) => client.patch<User>('/account', b),
  changePassword: (b: PasswordChange) => client.post<void>('/account/password', b),

  zones: (q: ZoneQuery, signal?: AbortSignal) => client.get<ZonePage>('/zones', { ...q }, signal),
  zone: (id: number) => client.get<ZoneDetail>(`/zones/${id}`),
  createZone: (b: ZoneCreate) => client.post<Zone>('/zones', b),
  updateZone: (id: number, b: ZoneUpdate) => client.patch<Zone>(`/zones/${id}`, b),
  uploadZoneLogo: (id: number, file: File) => {
    const fd = new FormData()
    fd.append('file', file)
    return client.post<Zone>(`/zones/${id}/logo`, fd)
  },

  createEnterprise: (zoneId: number, b: EnterpriseCreate) => client.post<Enterprise>(`/zones/${zoneId}/enterprises`, b),
  updateEnterprise: (id: number, b: EnterpriseUpdate) => client.patch<Enterprise>(`/enterprises/${id}`, b),
  deleteEnterprise: (id: number) => client.delete(`/enterprises/${id}`),

  createInvitation: (b: InvitationCreate) => client.post<Invitation>('/invitations', b),
  invitation: (token: string) => client.get<InvitationInfo>(`/invitations/${enc(token)}`),
  acceptInvitation: (token: string, b: InvitationAccept) => client.post<Session>(`/invitations/${enc(token)}/accept`, b),
}
