// The application's API calls, one function per route of the contract.
import { buildQuery, Client } from './client'
import type {
  AccountUpdate,
  Analytics,
  AnalyticsQuery,
  ApplicantPage,
  ApplicantQuery,
  Application,
  ApplicationDetail,
  ApplicationList,
  ApplyRequest,
  BoothDetail,
  BulkResult,
  BulkStatusRequest,
  AppMessage,
  ChatMessage,
  Conversation,
  ConversationList,
  ConversationQuery,
  EmployerJobQuery,
  FairDetail,
  FairList,
  Job,
  JobInput,
  JobPage,
  JobQuery,
  JobResults,
  JobfairMeta,
  MessagePage,
  MessageQuery,
  NotificationList,
  NotificationQuery,
  Profile,
  ProfileInput,
  ReadRequest,
  StatusRequest,
  Enterprise,
  EnterpriseCreate,
  EnterpriseUpdate,
  Invitation,
  InvitationAccept,
  InvitationCreate,
  InvitationInfo,
  LoginRequest,
  MailboxInfo,
  Meta,
  OutboxPage,
  PasswordChange,
  RegisterRequest,
  Session,
  SessionState,
  Thread,
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
  /** The session without a 401 for visitors: their user is null. */
  session: () => client.get<SessionState>('/auth/session'),

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

  jobfairMeta: () => client.get<JobfairMeta>('/jobfair/meta'),
  fairs: () => client.get<FairList>('/fairs'),
  fair: (id: number) => client.get<FairDetail>(`/fairs/${id}`),
  booth: (fairId: number, zoneId: number) => client.get<BoothDetail>(`/fairs/${fairId}/booths/${zoneId}`),
  analytics: (fairId: number, q: AnalyticsQuery = {}) => client.get<Analytics>(`/fairs/${fairId}/analytics`, { ...q }),
  analyticsCsvUrl: (fairId: number, q: AnalyticsQuery = {}) => `/api/v1/fairs/${fairId}/analytics.csv${buildQuery({ ...q })}`,

  jobs: (q: JobQuery, signal?: AbortSignal) => client.get<JobResults>('/jobs', { ...q }, signal),
  job: (id: number) => client.get<Job>(`/jobs/${id}`),
  createJob: (b: JobInput) => client.post<Job>('/jobs', b),
  updateJob: (id: number, b: JobInput) => client.request<Job>('PUT', `/jobs/${id}`, { body: b }),
  employerJobs: (q: EmployerJobQuery) => client.get<JobPage>('/employer/jobs', { ...q }),

  profile: () => client.get<Profile>('/graduate/profile'),
  saveProfile: (b: ProfileInput) => client.request<Profile>('PUT', '/graduate/profile', { body: b }),
  uploadResume: (file: File) => {
    const fd = new FormData()
    fd.append('file', file)
    return client.post<Profile>('/graduate/resume', fd)
  },
  deleteResume: () => client.delete('/graduate/resume'),
  resumeUrl: '/api/v1/graduate/resume',

  apply: (jobId: number, b: ApplyRequest) => client.post<Application>(`/jobs/${jobId}/apply`, b),
  myApplications: () => client.get<ApplicationList>('/graduate/applications'),
  withdraw: (id: number) => client.post<Application>(`/applications/${id}/withdraw`),
  application: (id: number) => client.get<ApplicationDetail>(`/applications/${id}`),
  applicationResumeUrl: (id: number) => `/api/v1/applications/${id}/resume`,
  applicationThread: (id: number) => client.get<Thread>(`/applications/${id}/messages`),
  sayOnApplication: (id: number, body: string) => client.post<AppMessage>(`/applications/${id}/messages`, { body }),
  moveApplication: (id: number, b: StatusRequest) => client.post<Application>(`/applications/${id}/status`, b),
  applicants: (q: ApplicantQuery, signal?: AbortSignal) => client.get<ApplicantPage>('/employer/applications', { ...q }, signal),
  applicantsCsvUrl: (q: ApplicantQuery) => `/api/v1/employer/applications.csv${buildQuery({ ...q, page: undefined, pageSize: undefined })}`,
  moveApplications: (b: BulkStatusRequest) => client.post<BulkResult>('/employer/applications/status', b),

  /** A graduate's conversation with a booth's zone staff, or with one of its enterprises. */
  openChat: (fairId: number, zoneId: number, enterpriseId?: number) =>
    client.post<Conversation>(`/fairs/${fairId}/booths/${zoneId}/chat${enterpriseId ? `?enterpriseId=${enterpriseId}` : ''}`),
  conversations: (q: ConversationQuery = {}) => client.get<ConversationList>('/chat/conversations', { ...q }),
  messages: (id: number, q: MessageQuery = {}) => client.get<MessagePage>(`/chat/conversations/${id}/messages`, { ...q }),
  say: (id: number, body: string) => client.post<ChatMessage>(`/chat/conversations/${id}/messages`, { body }),

  notifications: (q: NotificationQuery = {}) => client.get<NotificationList>('/notifications', { ...q }),
  markRead: (b: ReadRequest = {}) => client.post<void>('/notifications/read', b),
  mailboxInfo: () => client.get<MailboxInfo>('/mailbox/info'),
  mailbox: (q: { page?: number; pageSize?: number } = {}) => client.get<OutboxPage>('/mailbox', { ...q }),
  outbox: (q: { page?: number; pageSize?: number } = {}) => client.get<OutboxPage>('/admin/outbox', { ...q }),
}
