// API calls and shapes of the zones' assessment: index versions, data submissions and their
// review, what-if previews and published rankings. Shapes come from the generated schema.
import { client } from './index'
import type { components } from './schema'

type S = components['schemas']

export type IndexVersion = S['AssessmentVersion']
export type IndexCategory = S['AssessmentCategory']
export type IndexIndicator = S['AssessmentIndicator']
export type VersionInput = Omit<S['AssessmentVersionInput'], 'basedOnId'> & { basedOnId?: number }
export type Submission = S['AssessmentSubmission']
export type SubmissionStatus = Submission['status']
export type SubmissionDetail = S['AssessmentDetail']
export type ValueRow = S['AssessmentRow']
export type AuditEntry = S['AssessmentAuditEntry']
export type ValueInput = S['AssessmentValueInput']
export type ReturnItem = S['AssessmentReturnItem']
export type Ranking = S['AssessmentRanking']
export type RankedZone = S['AssessmentRankedZone']
export type TopEntry = S['AssessmentTopEntry']
export type Publication = S['AssessmentPublication']
export type PreviewRequest = Omit<S['AssessmentPreviewRequest'], 'weights'> & { weights?: Record<string, number> }
export type SubmissionQuery = { year?: number; status?: SubmissionStatus; zoneId?: number }

const sub = (id: number) => `/assessment/submissions/${id}`

export const assessmentApi = {
  versions: () => client.get<IndexVersion[] | null>('/assessment/versions'),
  version: (id: number) => client.get<IndexVersion>(`/assessment/versions/${id}`),
  currentVersion: () => client.get<IndexVersion>('/assessment/versions/current'),
  createVersion: (body: VersionInput) => client.post<IndexVersion>('/assessment/versions', body),
  publishVersion: (id: number) => client.post<IndexVersion>(`/assessment/versions/${id}/publish`),
  deleteVersion: (id: number) => client.delete(`/assessment/versions/${id}`),
  submissions: (q: SubmissionQuery = {}) => client.get<Submission[] | null>('/assessment/submissions', { ...q }),
  open: (year: number) => client.post<SubmissionDetail>('/assessment/submissions', { year }),
  submission: (id: number) => client.get<SubmissionDetail>(sub(id)),
  setValues: (id: number, values: ValueInput[]) => client.request<SubmissionDetail>('PUT', `${sub(id)}/values`, { body: { values } }),
  importFile: (id: number, file: File) => {
    const fd = new FormData()
    fd.append('file', file)
    return client.post<SubmissionDetail>(`${sub(id)}/import`, fd)
  },
  templateUrl: (id: number, format: 'csv' | 'xlsx') => `/api/v1${sub(id)}/template?format=${format}`,
  submit: (id: number) => client.post<SubmissionDetail>(`${sub(id)}/submit`),
  returnValues: (id: number, items: ReturnItem[]) => client.post<SubmissionDetail>(`${sub(id)}/return`, { items }),
  approve: (id: number) => client.post<SubmissionDetail>(`${sub(id)}/approve`),
  preview: (body: PreviewRequest) => client.post<Ranking>('/assessment/preview', body),
  rankings: () => client.get<Publication[] | null>('/assessment/rankings'),
  ranking: (id: number) => client.get<Ranking>(`/assessment/rankings/${id}`),
  publish: (versionId: number, year: number) => client.post<Ranking>('/assessment/rankings', { versionId, year }),
  rankingCsvUrl: (id: number) => `/api/v1/assessment/rankings/${id}/csv`,
}
