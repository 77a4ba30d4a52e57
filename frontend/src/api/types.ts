// Request and response shapes of the Zonefair HTTP API (/api/v1). Names follow the
// server's schema names so this file can be replaced by one generated from
// /api/openapi.json without touching its users.

export type Locale = 'zh-CN' | 'en'

export type Role = 'admin' | 'zone_staff' | 'enterprise_staff' | 'investor' | 'graduate'

export type PublicRole = 'graduate' | 'investor'

export type InvitedRole = 'zone_staff' | 'enterprise_staff'

export type RegionCode = 'east' | 'central' | 'west' | 'northeast'

export type Ownership = 'domestic' | 'foreign' | 'joint'

export type ErrorCode =
  | 'invalid_input'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'rate_limited'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'internal'

export interface FieldError {
  field: string
  message: string
}

export interface ErrorBody {
  error: {
    code: ErrorCode
    message: string
    details?: FieldError[]
  }
}

export interface User {
  id: number
  email: string
  name: string
  role: Role
  zoneId: number | null
  enterpriseId: number | null
  locale: Locale
  organization: string
  phone: string
  country: string
  createdAt: string
}

export interface Session {
  user: User
  csrfToken: string
}

export interface Zone {
  id: number
  slug: string
  nameZh: string
  nameEn: string
  province: string
  provinceZh: string
  provinceEn: string
  cityZh: string
  cityEn: string
  region: RegionCode
  industries: string[]
  descriptionZh: string
  descriptionEn: string
  contactName: string
  contactEmail: string
  contactPhone: string
  website: string
  logoUrl: string
  establishedYear: number
  enterpriseCount: number
  updatedAt: string
}

export interface Enterprise {
  id: number
  zoneId: number
  nameZh: string
  nameEn: string
  industry: string
  ownership: Ownership
  country: string
  descriptionZh: string
  descriptionEn: string
  website: string
  employees: number
}

export type ZoneDetail = Zone & { enterprises: Enterprise[] }

export interface Page<T> {
  items: T[]
  total: number
  page: number
  pageSize: number
}

export type FacetCounts = Record<string, number>

export type ZonePage = Page<Zone> & {
  facets: { region: FacetCounts; province: FacetCounts; industry: FacetCounts }
}

export interface ZoneQuery {
  q?: string
  region?: string
  province?: string
  industry?: string
  page?: number
  pageSize?: number
}

export interface MetaRegion {
  code: RegionCode
  nameZh: string
  nameEn: string
}

export interface MetaProvince {
  code: string
  nameZh: string
  nameEn: string
  region: RegionCode
}

export interface MetaIndustry {
  code: string
  nameZh: string
  nameEn: string
}

export interface Meta {
  regions: MetaRegion[]
  provinces: MetaProvince[]
  industries: MetaIndustry[]
}

export interface RegisterRequest {
  email: string
  password: string
  name: string
  role: PublicRole
  locale?: Locale
  organization?: string
  country?: string
}

export interface LoginRequest {
  email: string
  password: string
}

export interface AccountUpdate {
  name?: string
  locale?: Locale
  organization?: string
  phone?: string
  country?: string
}

export interface PasswordChange {
  currentPassword: string
  newPassword: string
}

export interface ZoneCreate {
  slug: string
  nameZh: string
  nameEn: string
  province: string
  cityZh: string
  cityEn: string
  industries: string[]
  descriptionZh?: string
  descriptionEn?: string
  contactName?: string
  contactEmail?: string
  contactPhone?: string
  website?: string
  establishedYear?: number
}

export interface ZoneUpdate {
  nameZh?: string
  nameEn?: string
  cityZh?: string
  cityEn?: string
  industries?: string[]
  descriptionZh?: string
  descriptionEn?: string
  contactName?: string
  contactEmail?: string
  contactPhone?: string
  website?: string
  establishedYear?: number
}

export interface EnterpriseCreate {
  nameZh: string
  nameEn: string
  industry: string
  ownership: Ownership
  country: string
  descriptionZh?: string
  descriptionEn?: string
  website?: string
  employees?: number
}

export type EnterpriseUpdate = Partial<EnterpriseCreate>

export interface InvitationCreate {
  email: string
  role: InvitedRole
  zoneId: number
  enterpriseId?: number
}

export interface Invitation {
  id: number
  email: string
  role: InvitedRole
  zoneId: number
  enterpriseId: number | null
  url: string
  expiresAt: string
}

export interface InvitationInfo {
  email: string
  role: InvitedRole
  zone: Zone
  enterprise: Enterprise | null
  expiresAt: string
}

export interface InvitationAccept {
  name: string
  password: string
}
