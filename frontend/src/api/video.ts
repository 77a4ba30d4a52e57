// API calls and shapes of video on the video server (LiveKit): tokens, a briefing's stage and
// who was in each room. The shapes come from the generated schema.
import { client } from './index'
import type { components } from './schema'
import type { Meeting } from './meetings'

type S = components['schemas']

export type VideoStatus = S['VideoStatus']
export type VideoToken = S['VideoToken']
export type VideoStage = S['VideoStage']
export type VideoPerson = S['VideoPerson']
export type VideoStay = S['VideoStay']

const v = '/video'

export const videoApi = {
  status: () => client.get<VideoStatus>(v),
  briefingToken: (id: number) => client.post<VideoToken>(`${v}/briefings/${id}/token`),
  stage: (id: number) => client.get<VideoStage>(`${v}/briefings/${id}/stage`),
  hand: (id: number, raised: boolean) => client.post<VideoStage>(`${v}/briefings/${id}/hand`, { raised }),
  setStage: (id: number, userId: number, on: boolean) => client.post<VideoStage>(`${v}/briefings/${id}/stage`, { userId, on }),
  briefingPresence: (id: number) => client.get<VideoStay[]>(`${v}/briefings/${id}/presence`),
  meetingToken: (id: number) => client.post<VideoToken>(`${v}/meetings/${id}/token`),
  // Group meetings are the video server's: the invitation route belongs to the meeting rooms.
  invite: (id: number, emails: string[]) => client.post<Meeting>(`/meeting-rooms/${id}/members`, { emails }),
  meetingPresence: (id: number) => client.get<VideoStay[]>(`${v}/meetings/${id}/presence`),
}
