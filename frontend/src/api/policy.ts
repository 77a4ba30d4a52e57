// API calls and shapes of policies, policy packages and subscriptions; the shapes come from
// the generated schema.
import { client } from './index'
import type { components, paths } from './schema'

type S = components['schemas']
type QueryOf<P extends keyof paths> = paths[P] extends { get: { parameters: { query?: infer Q } } } ? NonNullable<Q> : never

export type Policy = S['PolicyPolicy']
export type PolicyLevel = Policy['level']
export type PolicyState = Policy['state']
export type PolicyPage = S['PolicyPage']
export type PolicyInput = S['PolicyInput']
export type PolicyQuery = QueryOf<'/api/v1/policies'>
export type PolicyAttachment = S['PolicyAttachment']
export type PolicyPackage = S['PolicyPackage']
export type PackageInput = S['PolicyPackageInput']
export type Subscription = S['PolicySubscription']

export const topics = ['tax', 'rent', 'finance', 'employment', 'foreign_investment', 'epidemic_relief', 'trade', 'talent', 'innovation', 'land'] as const
export const levels: PolicyLevel[] = ['national', 'provincial', 'municipal', 'zone']
export const ownerships = ['domestic', 'foreign', 'joint'] as const
export const sizes = ['micro', 'small', 'medium', 'large'] as const

const p = (id: number) => `/policies/${id}`

export const policyApi = {
  search: (q: PolicyQuery = {}, signal?: AbortSignal) => client.get<PolicyPage>('/policies', { ...q }, signal),
  get: (id: number) => client.get<Policy>(p(id)),
  create: (body: PolicyInput, publish = false) => client.post<Policy>(`/policies?publish=${publish}`, body),
  update: (id: number, body: PolicyInput) => client.request<Policy>('PUT', p(id), { body }),
  remove: (id: number) => client.delete(p(id)),
  publish: (id: number) => client.post<Policy>(`${p(id)}/publish`),
  attach: (id: number, file: File) => {
    const fd = new FormData()
    fd.append('file', file)
    return client.post<PolicyAttachment>(`${p(id)}/attachments`, fd)
  },
  detach: (id: number, attId: number) => client.delete(`${p(id)}/attachments/${attId}`),
  packages: (zoneId?: number) => client.get<PolicyPackage[] | null>('/policy-packages', zoneId ? { zoneId } : {}),
  package: (id: number) => client.get<PolicyPackage>(`/policy-packages/${id}`),
  createPackage: (body: PackageInput) => client.post<PolicyPackage>('/policy-packages', body),
  updatePackage: (id: number, body: PackageInput) => client.request<PolicyPackage>('PUT', `/policy-packages/${id}`, { body }),
  deletePackage: (id: number) => client.delete(`/policy-packages/${id}`),
  subscriptions: () => client.get<Subscription[] | null>('/policy-subscriptions'),
  subscribe: (body: { topic?: string; zoneId?: number }) => client.post<Subscription>('/policy-subscriptions', body),
  unsubscribe: (id: number) => client.delete(`/policy-subscriptions/${id}`),
}
