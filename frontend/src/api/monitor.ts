// API calls and shapes of foreign trade and investment monitoring; the shapes come from the
// generated schema.
import { client } from './index'
import type { components, paths } from './schema'

type S = components['schemas']
type QueryOf<P extends keyof paths> = paths[P] extends { get: { parameters: { query?: infer Q } } } ? NonNullable<Q> : never

export type Overview = S['MonitorOverview']
export type ZoneStatus = S['MonitorZoneStatus']
export type Series = S['MonitorSeries']
export type Point = S['MonitorPoint']
export type SeriesQuery = QueryOf<'/api/v1/monitoring/series'>
export type Alert = S['MonitorAlert']
export type AlertQuery = QueryOf<'/api/v1/monitoring/alerts'>
export type ReportInput = S['MonitorReportInput']
export type CorrectionInput = S['MonitorCorrectionInput']
export type Report = S['MonitorReport']
export type Change = S['MonitorChange']
export type Settings = S['MonitorSettings']
export type SettingsInput = S['MonitorSettingsInput']

/** The reported figures, in the order the forms and charts show them. */
export const indicators = ['imports', 'exports', 'fdiContracted', 'fdiActual'] as const
export type Indicator = (typeof indicators)[number]

const m = '/monitoring'

export const monitorApi = {
  overview: () => client.get<Overview>(`${m}/overview`),
  series: (q: SeriesQuery = {}) => client.get<Series>(`${m}/series`, { ...q }),
  alerts: (q: AlertQuery = {}) => client.get<Alert[] | null>(`${m}/alerts`, { ...q }),
  ack: (id: number) => client.post<Alert>(`${m}/alerts/${id}/ack`),
  submit: (body: ReportInput) => client.post<Report>(`${m}/reports`, body),
  correct: (id: number, body: CorrectionInput) => client.request<Report>('PUT', `${m}/reports/${id}`, { body }),
  changes: (id: number) => client.get<Change[] | null>(`${m}/reports/${id}/changes`),
  saveSettings: (body: SettingsInput) => client.request<Settings>('PUT', `${m}/settings`, { body }),
  keyZones: () => client.get<{ zoneIds: number[] | null }>(`${m}/key-zones`),
  setKeyZones: (zoneIds: number[]) => client.request<{ zoneIds: number[] | null }>('PUT', `${m}/key-zones`, { body: { zoneIds } }),
}
