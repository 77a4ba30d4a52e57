// API calls and shapes of meetings: slots, bookings, rooms and booth queues. The shapes come
// from the generated schema.
import { client } from './index'
import type { components } from './schema'

type S = components['schemas']

export type Meeting = S['MeetingMeeting']
export type MeetingKind = Meeting['kind']
export type Person = S['MeetingPerson']
export type Bookable = S['MeetingBookable']
export type Invitation = S['MeetingInvitation']
export type SlotInput = Omit<S['MeetingSlotInput'], 'title' | 'bufferMinutes' | 'capacity' | 'repeat' | 'zoneId' | 'enterpriseId'> &
  Partial<Pick<S['MeetingSlotInput'], 'title' | 'bufferMinutes' | 'capacity' | 'repeat' | 'zoneId' | 'enterpriseId'>>
export type BookInput = Partial<S['MeetingBookInput']>
export type RoomState = S['MeetingRoomState']
export type ChatLine = S['MeetingMessage']
export type IceServer = NonNullable<RoomState['iceServers']>[number]
export type Outcome = S['MeetingOutcomeInput']['outcome']
export type Queue = S['MeetingQueue']
export type QueueEntry = S['MeetingEntry']
export type BoothInput = S['MeetingBoothInput']

/** Payload of "queue.changed" on a booth's queue channel. */
export interface QueueUpdate {
  waiting: number[]
  active: number
  parallel: number
  minutes: number
}

const slot = (id: number) => `/meeting-slots/${id}`
const room = (id: number) => `/meeting-rooms/${id}`
const queue = (fairId: number, zoneId: number) => `/fairs/${fairId}/booths/${zoneId}/queue`

export const meetingApi = {
  createSlots: (body: SlotInput) => client.post<Meeting[]>('/meeting-slots', body),
  slots: (q: { kind?: MeetingKind; past?: boolean } = {}) => client.get<Meeting[] | null>('/meeting-slots', { ...q }),
  bookable: () => client.get<Bookable>('/meeting-slots/bookable'),
  cancelSlot: (id: number) => client.delete(slot(id)),
  book: (id: number, body: BookInput) => client.post<Meeting>(`${slot(id)}/booking`, body),
  cancelBooking: (id: number) => client.delete(`${slot(id)}/booking`),
  move: (id: number, to: number) => client.post<Meeting>(`${slot(id)}/booking/move`, { to }),
  mine: () => client.get<Meeting[] | null>('/meeting-rooms'),
  room: (id: number) => client.get<RoomState>(room(id)),
  calendarUrl: (id: number) => `/api/v1${room(id)}/calendar.ics`,
  chat: (id: number, text: string) => client.post<ChatLine>(`${room(id)}/chat`, { text }),
  saveNotes: (id: number, notes: string) => client.request<void>('PUT', `${room(id)}/notes`, { body: { notes } }),
  outcome: (id: number, outcome: Outcome, note: string) => client.post<Meeting>(`${room(id)}/outcome`, { outcome, note }),
  end: (id: number) => client.post<Meeting>(`${room(id)}/end`),
  requestRoom: (requestId: number) => client.post<Meeting>(`/meeting-requests/${requestId}/room`),
  queue: (fairId: number, zoneId: number) => client.get<Queue>(queue(fairId, zoneId)),
  joinQueue: (fairId: number, zoneId: number) => client.post<Queue>(queue(fairId, zoneId)),
  heartbeat: (fairId: number, zoneId: number) => client.post<Queue>(`${queue(fairId, zoneId)}/heartbeat`),
  leaveQueue: (fairId: number, zoneId: number) => client.delete(queue(fairId, zoneId)),
  setBooth: (fairId: number, zoneId: number, body: BoothInput) => client.request<Queue>('PUT', `${queue(fairId, zoneId)}/settings`, { body }),
  takeNext: (fairId: number, zoneId: number) => client.post<Meeting>(`${queue(fairId, zoneId)}/next`),
}
