// API calls and shapes of online signing: templates, agreements, signing, the audit trail,
// verification and the zones' webhooks. The shapes come from the generated schema.
import { client } from './index'
import type { components } from './schema'

type S = components['schemas']

export type Template = S['SigningTemplate']
export type Agreement = S['SigningDetail']
export type AgreementStatus = Agreement['status']
export type Summary = Omit<S['SigningSummary'], 'status'> & { status: AgreementStatus }
export type Recipient = S['SigningRecipient']
export type RecipientRole = Recipient['role']
export type Field = S['SigningField']
export type FieldKind = Field['kind']
export type PageSize = S['SigningPage']
export type Person = S['SigningPerson']
export type CodeSent = S['SigningCodeSent']
export type Trail = S['SigningTrail']
export type AuditEvent = S['SigningEvent']
export type AuditProblem = S['SigningAuditProblem']
export type Sealed = S['SigningSealed']
export type Verdict = S['SigningVerdict']
export type VerdictKind = Verdict['verdict']
export type Webhook = S['SigningWebhook']
export type WebhookCreated = S['SigningWebhookCreated']
export type Delivery = S['SigningDelivery']

export type CreateInput = Partial<Omit<S['SigningCreateInput'], 'title'>> & { title: string }
export type Patch = Partial<S['SigningPatch']>
export type RecipientInput = Omit<S['SigningRecipientInput'], 'role'> & { role: RecipientRole }
export type FieldInput = Omit<S['SigningFieldInput'], 'kind'> & { kind: FieldKind }
export type SignInput = { code: string; kind: 'drawn' | 'typed'; image?: string; typedName?: string; values?: Record<string, string> }

const a = (id: number) => `/signing/agreements/${id}`

function upload<T>(path: string, file: File) {
  const fd = new FormData()
  fd.append('file', file)
  return client.post<T>(path, fd)
}

export const signingApi = {
  templates: () => client.get<Template[] | null>('/signing/templates'),
  people: (q: string) => client.get<Person[] | null>('/signing/people', { q }),
  list: (status?: AgreementStatus) => client.get<Summary[] | null>('/signing/agreements', { status }),
  create: (body: CreateInput) => client.post<Agreement>('/signing/agreements', body),
  get: (id: number) => client.get<Agreement>(a(id)),
  update: (id: number, body: Patch) => client.patch<Agreement>(a(id), body),
  upload: (id: number, file: File) => upload<Agreement>(`${a(id)}/document`, file),
  setRecipients: (id: number, recipients: RecipientInput[]) => client.request<Agreement>('PUT', `${a(id)}/recipients`, { body: { recipients } }),
  setFields: (id: number, fields: FieldInput[]) => client.request<Agreement>('PUT', `${a(id)}/fields`, { body: { fields } }),
  send: (id: number) => client.post<Agreement>(`${a(id)}/send`),
  void: (id: number, reason: string) => client.post<Agreement>(`${a(id)}/void`, { reason }),
  /** Copies a voided, declined or expired agreement into a new draft, which it returns. */
  resend: (id: number) => client.post<Agreement>(`${a(id)}/resend`),
  code: (id: number) => client.post<CodeSent>(`${a(id)}/code`),
  sign: (id: number, body: SignInput) => client.post<Agreement>(`${a(id)}/sign`, body),
  decline: (id: number, reason: string) => client.post<Agreement>(`${a(id)}/decline`, { reason }),
  audit: (id: number) => client.get<Trail>(`${a(id)}/audit`),
  documentUrl: (id: number) => `/api/v1${a(id)}/document`,
  sealedUrl: (id: number) => `/api/v1${a(id)}/sealed`,
  verifyFile: (file: File) => upload<Verdict>('/signing/verify', file),
  verifyHash: (sha256: string) => client.get<Verdict>('/signing/verify', { sha256 }),
  verifyToken: (token: string) => client.get<Verdict>(`/signing/verify/${encodeURIComponent(token)}`),
  webhooks: (zoneId: number) => client.get<Webhook[] | null>(`/zones/${zoneId}/signing/webhooks`),
  createWebhook: (zoneId: number, url: string) => client.post<WebhookCreated>(`/zones/${zoneId}/signing/webhooks`, { url }),
  deleteWebhook: (id: number) => client.delete(`/signing/webhooks/${id}`),
  deliveries: (id: number) => client.get<Delivery[] | null>(`/signing/webhooks/${id}/deliveries`),
}
