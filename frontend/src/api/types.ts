// Request and response shapes of the Zonefair HTTP API (/api/v1), derived from the types that
// `npm run gen:api` generates from the server's OpenAPI document (src/api/openapi.json). A
// change on the server that the frontend does not follow makes `npm run build` fail here or
// where the types are used.
//
// The document marks no field as optional, so responses are taken as is (the server sends
// every field). Requests list the fields the server accepts; where a field may be left out
// (Go omitempty) it is made optional below. Where the document is looser than the server
// (enums of request fields, pointers to objects) the type is narrowed here, and only by
// intersection, so a renamed or removed field still breaks the build.
import type { components, paths } from './schema'

type S = components['schemas']

/** T with the keys K made optional. */
type Opt<T, K extends keyof T> = Omit<T, K> & Partial<Pick<T, K>>

/** The query parameters of GET path. */
type QueryOf<P extends keyof paths> = paths[P] extends { get: { parameters: { query?: infer Q } } } ? NonNullable<Q> : never

export type Locale = S['AccountUser']['locale']

export type Role = S['AccountUser']['role']

export type PublicRole = Extract<Role, 'graduate' | 'investor'>

export type InvitedRole = Extract<Role, 'zone_staff' | 'enterprise_staff'>

export type RegionCode = 'east' | 'central' | 'west' | 'northeast'

export type Ownership = S['ZoneEnterprise']['ownership']

export type ErrorCode = S['WebErrorDetail']['code']

export type FieldError = S['ErrsFieldError']

export type ErrorBody = S['WebErrorBody']

export type User = S['AccountUser']

export type Session = S['AccountSessionResponse']

/** Who is logged in as a page starts: a null user for a visitor. */
export type SessionState = Omit<S['AccountSessionState'], 'user'> & { user: User | null }

export type Zone = S['ZoneZone']

export type Enterprise = S['ZoneEnterprise']

export type ZoneDetail = S['ZoneDetail']

export type FacetCounts = Record<string, number>

export type ZonePage = S['ZonePage']

export type ZoneQuery = QueryOf<'/api/v1/zones'>

export type MetaRegion = S['ZoneRegion']

export type MetaProvince = S['ZoneProvince']

export type MetaIndustry = S['ZoneIndustry']

export type Meta = S['ZoneMeta']

export type RegisterRequest = Opt<S['AccountRegisterRequest'], 'locale' | 'organization' | 'country'> & { role: PublicRole; locale?: Locale }

export type LoginRequest = S['AccountLoginRequest']

export type AccountUpdate = Partial<S['AccountProfilePatch']> & { locale?: Locale }

export type PasswordChange = S['AccountPasswordRequest']

export type ZoneCreate = Pick<S['ZoneCreateRequest'], 'slug' | 'province'> & Partial<Omit<S['ZoneCreateRequest'], 'slug' | 'province'>>

export type ZoneUpdate = Partial<S['ZonePatch']>

export type EnterpriseCreate = Opt<S['ZoneEnterpriseInput'], 'descriptionZh' | 'descriptionEn' | 'website' | 'employees'> & { ownership: Ownership }

export type EnterpriseUpdate = Partial<EnterpriseCreate>

export type InvitationCreate = Opt<S['AccountInviteRequest'], 'enterpriseId'> & { role: InvitedRole }

export type Invitation = S['AccountInviteResponse'] & { role: InvitedRole }

// The document gives enterprise as a plain object; the server sends null for zone staff.
export type InvitationInfo = Omit<S['AccountInvitationView'], 'enterprise'> & {
  role: InvitedRole
  enterprise: Enterprise | null
}

export type InvitationAccept = Opt<S['AccountAcceptRequest'], 'locale'>

// ---- Job fair ----

export type Degree = S['JobfairJob']['degree']

export type JobStatus = S['JobfairJob']['status']

export type ApplicationStatus = S['JobfairApplication']['status']

/** The statuses an employer may move an application to. */
export type MoveStatus = Exclude<ApplicationStatus, 'submitted' | 'withdrawn'>

export type FairPhase = S['JobfairFair']['phase']

export type Label = S['JobfairLabel']

export type SalaryBand = S['JobfairBand']

export type JobfairMeta = S['JobfairMeta']

export type Fair = S['JobfairFair']

export type FairList = S['JobfairFairList']

export type FairInput = S['JobfairFairInput']

export type FairDetail = S['JobfairFairDetail']

export type FairCounts = S['JobfairFairCounts']

export type Booth = S['JobfairBooth']

export type BoothFirm = S['JobfairBoothFirm']

export type BoothDetail = S['JobfairBoothDetail']

export type Job = S['JobfairJob']

export type JobInput = Opt<S['JobfairJobInput'], 'zoneId' | 'enterpriseId' | 'titleEn' | 'cityZh' | 'cityEn' | 'languages'> & {
  degree: Degree
  status: JobStatus
}

export type JobPage = S['JobfairJobPage']

export type JobQuery = QueryOf<'/api/v1/jobs'>

export type JobResults = S['JobfairResults']

export type JobFacets = S['JobfairFacets']

export type EmployerJobQuery = QueryOf<'/api/v1/employer/jobs'>

export type Profile = S['JobfairProfile']

export type ProfileInput = Opt<S['JobfairProfileInput'], 'majorName' | 'skills' | 'languages' | 'phone' | 'contactEmail' | 'about'> & {
  degree: Degree
}

export type Application = S['JobfairApplication']

export type ApplicationList = S['JobfairApplicationList']

export type ApplicationDetail = S['JobfairApplicationDetail']

export type ApplicationEvent = S['JobfairEvent']

export type ApplyRequest = Partial<S['JobfairApplyRequest']>

export type Applicant = S['JobfairApplicant']

export type ApplicantPage = S['JobfairApplicantPage']

export type ApplicantQuery = QueryOf<'/api/v1/employer/applications'>

export type StatusRequest = Opt<S['JobfairStatusRequest'], 'note'> & { status: MoveStatus }

export type BulkStatusRequest = Opt<S['JobfairBulkStatusRequest'], 'note'> & { ids: number[]; status: MoveStatus }

export type BulkResult = S['JobfairBulkResult']

export type Analytics = S['JobfairAnalytics']

export type AnalyticsQuery = QueryOf<'/api/v1/fairs/{id}/analytics'>

// lastMessage is a pointer on the server: null for a conversation without messages.
export type Conversation = Omit<S['JobfairConversation'], 'lastMessage'> & { lastMessage: ChatMessage | null }

export type ConversationList = { items: Conversation[] | null }

export type ConversationQuery = QueryOf<'/api/v1/chat/conversations'>

export type ChatMessage = S['JobfairMessage']
/** An application's conversation and one of its messages. */
export type Thread = S['JobfairThread']
/** Mail kept because no SMTP server is configured. */
export type OutboxPage = S['NotifyOutboxPage']
export type MailboxInfo = S['NotifyMailboxInfo']
export type AppMessage = S['JobfairAppMessage']

export type MessagePage = S['JobfairMessagePage']

export type MessageQuery = QueryOf<'/api/v1/chat/conversations/{id}/messages'>

export type MessageInput = S['JobfairMessageInput']

// ---- Notifications ----

export type Notification = S['NotifyNotification']

export type NotificationList = S['NotifyList']

export type NotificationQuery = QueryOf<'/api/v1/notifications'>

export type ReadRequest = Partial<S['NotifyReadRequest']>
