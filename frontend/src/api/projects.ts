// API calls and shapes of a project's attachments and incentive policies; the project itself
// and its leads and meetings are in briefings.ts. The shapes come from the generated schema.
import { client } from './index'
import type { components } from './schema'

type S = components['schemas']

export type ProjectAttachment = S['ProjectAttachment']
export type Incentive = S['ProjectIncentive']

const p = (id: number) => `/projects/${id}`

export const projectLinksApi = {
  attachments: (id: number) => client.get<ProjectAttachment[] | null>(`${p(id)}/attachments`),
  attach: (id: number, file: File) => {
    const fd = new FormData()
    fd.append('file', file)
    return client.post<ProjectAttachment>(`${p(id)}/attachments`, fd)
  },
  detach: (id: number, attId: number) => client.delete(`${p(id)}/attachments/${attId}`),
  incentives: (id: number) => client.get<Incentive[] | null>(`${p(id)}/policies`),
  setIncentives: (id: number, policyIds: number[]) => client.request<Incentive[] | null>('PUT', `${p(id)}/policies`, { body: { policyIds } }),
  incentiveOptions: (id: number) => client.get<Incentive[] | null>(`${p(id)}/policy-options`),
}
