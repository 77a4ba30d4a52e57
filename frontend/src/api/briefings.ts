// API calls and shapes of briefings, investment projects, leads and meetings. Kept apart from
// index.ts so each area edits its own file; the shapes come from the generated schema.
import { client } from './index'
import type { components, paths } from './schema'

type S = components['schemas']
type Opt<T, K extends keyof T> = Omit<T, K> & Partial<Pick<T, K>>
type QueryOf<P extends keyof paths> = paths[P] extends { get: { parameters: { query?: infer Q } } } ? NonNullable<Q> : never

export type Briefing = S['BriefingBriefing']
export type BriefingPhase = Briefing['phase']
export type BriefingVisibility = Briefing['visibility']
export type BriefingDetail = S['BriefingDetail']
export type BriefingList = S['BriefingList']
export type BriefingQuery = Omit<QueryOf<'/api/v1/briefings'>, 'phase'> & { phase?: BriefingPhase }
export type BriefingInput = Opt<S['BriefingInput'], 'agendaZh' | 'agendaEn' | 'capacity' | 'streamUrl' | 'recordingUrl' | 'presenters' | 'registrationQuestions' | 'zoneIds' | 'projectIds'> & {
  visibility: BriefingVisibility
}
export type Presenter = S['BriefingPresenter']
export type RegQuestion = S['BriefingRegQuestion']
export type RegisterInput = Opt<S['BriefingRegisterInput'], 'organization' | 'country' | 'industry'>
export type Registration = S['BriefingRegistration']
export type Room = S['BriefingRoom']
export type Question = S['BriefingQuestion']
export type Poll = S['BriefingPoll']
export type PollStatus = Poll['status']
export type PollInput = S['BriefingPollInput']
export type PollOption = S['BriefingPollOption']
export type RoomChatMessage = S['BriefingChatMessage']
export type SlideEvent = S['BriefingSlideEvent']
export type SlideTurn = S['BriefingSlideTurn']
export type Replay = S['BriefingReplay']
export type BriefingAnalytics = S['BriefingAnalytics']
export type Bucket = S['BriefingBucket']
export type ModerateInput = Partial<S['BriefingModerateInput']>
export type ModerationInput = Opt<S['BriefingModerationInput'], 'muted' | 'removed'>
export type Moderation = S['BriefingModeration']
export type VoteResult = S['BriefingVoteResult']

export type Project = S['ProjectProject']
export type ProjectStatus = Project['status']
export type Currency = Project['currency']
export type ProjectPage = S['ProjectPage']
export type ProjectQuery = QueryOf<'/api/v1/projects'>
export type ProjectInput = Opt<S['ProjectInput'], 'zoneId' | 'descriptionZh' | 'descriptionEn' | 'amount' | 'landArea' | 'locationZh' | 'locationEn' | 'incentivesZh' | 'incentivesEn' | 'status'> & {
  currency: Currency
  status?: ProjectStatus
}
export type Lead = S['ProjectLead']
export type LeadStatus = Lead['status']
export type LeadQuery = Omit<QueryOf<'/api/v1/leads'>, 'status'> & { status?: LeadStatus }
export type LeadUpdate = { status?: LeadStatus; note?: string }
export type Note = S['ProjectNote']
export type MeetingRequest = S['ProjectMeetingRequest']
export type MeetingRequestStatus = MeetingRequest['status']
export type MeetingRequestInput = Opt<S['ProjectMeetingRequestInput'], 'projectId' | 'briefingId' | 'zoneId' | 'message' | 'minutes'>
export type MeetingRequestQuery = QueryOf<'/api/v1/meetings'>
export type AcceptInput = Opt<S['ProjectAcceptInput'], 'meetingUrl'>

const b = (id: number) => `/briefings/${id}`

export const briefingApi = {
  list: (q: BriefingQuery = {}) => client.get<BriefingList>('/briefings', { ...q }),
  get: (id: number) => client.get<BriefingDetail>(b(id)),
  create: (body: BriefingInput) => client.post<Briefing>('/briefings', body),
  update: (id: number, body: BriefingInput) => client.request<Briefing>('PUT', b(id), { body }),
  start: (id: number) => client.post<Briefing>(`${b(id)}/start`),
  end: (id: number) => client.post<Briefing>(`${b(id)}/end`),
  /** Sets (or, with '', clears) the recording link; hosts may do this after the end too. */
  setRecording: (id: number, url: string) => client.request<Briefing>('PUT', `${b(id)}/recording`, { body: { url } }),
  register: (id: number, body: RegisterInput) => client.post<Registration>(`${b(id)}/registration`, body),
  unregister: (id: number) => client.delete(`${b(id)}/registration`),
  calendarUrl: (id: number) => `/api/v1${b(id)}/calendar.ics`,
  uploadSlides: (id: number, file: File) => {
    const fd = new FormData()
    fd.append('file', file)
    return client.post<Briefing>(`${b(id)}/slides`, fd)
  },
  turn: (id: number, page: number) => client.post<SlideEvent>(`${b(id)}/page`, { page }),
  room: (id: number) => client.get<Room>(`${b(id)}/room`),
  attend: (id: number) => client.post<void>(`${b(id)}/attend`),
  chat: (id: number, body: string) => client.post<RoomChatMessage>(`${b(id)}/chat`, { body }),
  hideChat: (id: number, msgId: number) => client.delete(`${b(id)}/chat/${msgId}`),
  ask: (id: number, body: string) => client.post<Question>(`${b(id)}/questions`, { body }),
  upvote: (id: number, qid: number) => client.post<VoteResult>(`${b(id)}/questions/${qid}/vote`),
  moderate: (id: number, qid: number, body: ModerateInput) => client.patch<Question>(`${b(id)}/questions/${qid}`, body),
  createPoll: (id: number, body: PollInput) => client.post<Poll>(`${b(id)}/polls`, body),
  openPoll: (id: number, pollId: number) => client.post<Poll>(`${b(id)}/polls/${pollId}/open`),
  closePoll: (id: number, pollId: number) => client.post<Poll>(`${b(id)}/polls/${pollId}/close`),
  votePoll: (id: number, pollId: number, option: number) => client.post<void>(`${b(id)}/polls/${pollId}/vote`, { option }),
  moderateUser: (id: number, body: ModerationInput) => client.post<Moderation>(`${b(id)}/moderation`, body),
  replay: (id: number) => client.get<Replay>(`${b(id)}/replay`),
  analytics: (id: number) => client.get<BriefingAnalytics>(`${b(id)}/analytics`),
  leadsCsvUrl: (id: number) => `/api/v1${b(id)}/leads.csv`,
}

export const projectApi = {
  list: (q: ProjectQuery = {}, signal?: AbortSignal) => client.get<ProjectPage>('/projects', { ...q }, signal),
  get: (id: number) => client.get<Project>(`/projects/${id}`),
  create: (body: ProjectInput) => client.post<Project>('/projects', body),
  update: (id: number, body: ProjectInput) => client.request<Project>('PUT', `/projects/${id}`, { body }),
  follow: (id: number) => client.request<void>('PUT', `/projects/${id}/follow`),
  unfollow: (id: number) => client.delete(`/projects/${id}/follow`),
  interest: (id: number, message: string) => client.post<Lead>(`/projects/${id}/interest`, { message }),
  leads: (q: LeadQuery = {}) => client.get<Lead[] | null>('/leads', { ...q }),
  lead: (id: number) => client.get<Lead>(`/leads/${id}`),
  updateLead: (id: number, body: LeadUpdate) => client.patch<Lead>(`/leads/${id}`, body),
  requestMeeting: (body: MeetingRequestInput) => client.post<MeetingRequest>('/meetings', body),
  meetings: (q: MeetingRequestQuery = {}) => client.get<MeetingRequest[] | null>('/meetings', { ...q }),
  accept: (id: number, body: AcceptInput) => client.post<MeetingRequest>(`/meetings/${id}/accept`, body),
  decline: (id: number) => client.post<MeetingRequest>(`/meetings/${id}/decline`),
  cancel: (id: number) => client.post<MeetingRequest>(`/meetings/${id}/cancel`),
  meetingCalendarUrl: (id: number) => `/api/v1/meetings/${id}/calendar.ics`,
}
