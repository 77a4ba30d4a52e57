// The live room's state: loaded once from GET /briefings/:id/room, then kept current by the
// publications of the room's channel. A reset (missed history) reloads it from the API.
import { computed, onBeforeUnmount, ref, shallowRef } from 'vue'
import { briefingApi, type Briefing, type Moderation, type Poll, type Question, type Room, type RoomChatMessage } from '@/api/briefings'
import { liveClient } from '@/live/state'
import type { Publication, Subscription } from '@/live/client'
import type { VideoStage } from '@/api/video'

/** A chat message, with the channel offset it arrived at when it came live. */
export interface ChatLine extends RoomChatMessage {
  offset?: number
}

export interface Ceremony {
  title: string
  parties: string[]
}

/** Pinned first, then most votes, then oldest: the order attendees see. */
export function sortQuestions(qs: Question[]): Question[] {
  return [...qs].sort((a, b) => Number(b.pinned) - Number(a.pinned) || b.votes - a.votes || a.id - b.id)
}

/** Merges updated questions by id; hidden ones leave the list unless the viewer hosts. */
export function mergeQuestions(list: Question[], updates: Question[], host: boolean): Question[] {
  const byId = new Map(list.map((q) => [q.id, q]))
  for (const u of updates) {
    const old = byId.get(u.id)
    if (u.hidden && !host) byId.delete(u.id)
    else if (u.hidden && old) byId.set(u.id, { ...old, hidden: true })
    else byId.set(u.id, u)
  }
  return sortQuestions([...byId.values()])
}

export function useRoom(id: number, myId: () => number | null) {
  const client = liveClient()
  const room = shallowRef<Room | null>(null)
  const briefing = ref<Briefing | null>(null)
  const page = ref(1)
  const pages = ref(0)
  const slidesUrl = ref('')
  const chat = ref<ChatLine[]>([])
  const questions = ref<Question[]>([])
  const myVotes = ref(new Set<number>())
  const polls = ref<Poll[]>([])
  const myPolls = ref<Record<number, number>>({})
  const muted = ref(false)
  const removed = ref(false)
  const canAct = ref(false)
  const isHost = ref(false)
  const count = ref(0)
  const ceremony = ref<Ceremony | null>(null)
  const moderation = ref<Moderation[]>([])
  // The video stage's raised hands and presenters, as the last "video.stage" carried them.
  const videoStage = ref<VideoStage | null>(null)
  const loadError = ref<unknown>(null)
  const ended = computed(() => briefing.value?.phase === 'ended')
  let sub: Subscription | null = null
  let beat: ReturnType<typeof setInterval> | null = null
  let poll: ReturnType<typeof setInterval> | null = null

  // A snapshot read while publications arrive could be older than some of them: publications
  // that arrive while a load is in flight wait and are applied after its snapshot (they are
  // ordered updates, so the last one wins), and a slower, older load never replaces a newer one.
  let loads = 0
  let latest = 0
  let inFlight = 0
  let held: Publication<any>[] | null = null

  async function load() {
    const mine = ++loads
    inFlight++
    held ??= []
    try {
      const r = await briefingApi.room(id)
      if (mine > latest) {
        latest = mine
        room.value = r
        briefing.value = r.briefing
        page.value = r.briefing.page || 1
        pages.value = r.briefing.slidesPages
        slidesUrl.value = r.briefing.slidesUrl
        chat.value = (r.chat ?? []).map((m) => ({ ...m }))
        isHost.value = r.isHost
        questions.value = sortQuestions(r.questions ?? [])
        myVotes.value = new Set(r.myVotes ?? [])
        polls.value = r.polls ?? []
        myPolls.value = Object.fromEntries(Object.entries(r.myPolls ?? {}).map(([k, v]) => [Number(k), v]))
        muted.value = r.muted
        canAct.value = r.canAct
        moderation.value = r.moderation ?? []
        loadError.value = null
      }
      return r
    } catch (e) {
      loadError.value = e
      throw e
    } finally {
      if (--inFlight === 0) {
        const later = held ?? []
        held = null
        later.forEach(apply)
      }
    }
  }

  function upsertPoll(p: Poll) {
    const i = polls.value.findIndex((x) => x.id === p.id)
    if (i >= 0) polls.value[i] = p
    else polls.value.unshift(p)
  }

  function onPublication(p: Publication<any>) {
    if (held) held.push(p)
    else apply(p)
  }

  function apply(p: Publication<any>) {
    const d = p.data
    switch (p.kind) {
      case 'slide.page':
        page.value = d.page
        if (d.pages) pages.value = d.pages
        return
      case 'slide.deck':
        slidesUrl.value = d.slidesUrl
        pages.value = d.pages
        page.value = d.page || 1
        return
      case 'chat':
        if (!chat.value.some((m) => m.id === d.id)) chat.value.push({ ...(d as RoomChatMessage), offset: p.offset })
        if (chat.value.length > 500) chat.value.splice(0, chat.value.length - 500)
        return
      case 'chat.hidden':
        chat.value = chat.value.filter((m) => m.id !== d.id)
        return
      case 'qa.update':
        questions.value = mergeQuestions(questions.value, d.questions ?? [], isHost.value)
        return
      case 'qa.votes': {
        const votes = d.votes as Record<string, number>
        questions.value = sortQuestions(questions.value.map((q) => (String(q.id) in votes ? { ...q, votes: votes[q.id]! } : q)))
        return
      }
      case 'poll.opened':
      case 'poll.closed':
        upsertPoll(d as Poll)
        return
      case 'poll.tally': {
        const i = polls.value.findIndex((x) => x.id === d.pollId)
        if (i >= 0) polls.value[i] = { ...polls.value[i]!, counts: d.counts, total: d.total }
        return
      }
      case 'briefing.state':
        if (briefing.value) briefing.value = { ...briefing.value, phase: d.phase, startedAt: d.startedAt, endedAt: d.endedAt }
        if (d.phase === 'ended') {
          canAct.value = false
          if (beat) clearInterval(beat)
          beat = null
        }
        if (d.phase === 'live') heartbeat()
        return
      case 'briefing.updated':
        briefing.value = { ...(briefing.value ?? {}), ...(d as Briefing) }
        return
      case 'mod.user': {
        const m = d as Moderation
        moderation.value = [...moderation.value.filter((x) => x.userId !== m.userId), m]
        if (m.userId === myId()) {
          muted.value = m.muted
          if (m.removed) removed.value = true
        }
        return
      }
      case 'mod.kick':
        if (d.user === myId()) {
          removed.value = true
          stop()
        }
        return
      case 'video.stage':
        videoStage.value = d as VideoStage
        return
      case 'signing.ceremony':
        ceremony.value = { title: String(d.title ?? ''), parties: Array.isArray(d.parties) ? d.parties.map(String) : [] }
    }
  }

  async function refreshCount() {
    if (client.state !== 'open' || !sub) return
    try {
      count.value = (await client.presence(sub.channel)).count
    } catch {
      // Not joined yet or refused: the next round tries again.
    }
  }

  async function start() {
    const r = await load()
    sub = client.subscribe(r.channel, {
      onPublication,
      // The snapshot above was read before the join: what was published while the join was on
      // its way (a page turn, an opened poll) is in a snapshot read now.
      onJoin: () => void load().catch(() => {}),
      onReset: () => void load().catch(() => {}),
      onPresence(e) {
        if (e.type === 'count') count.value = e.count
        else if (e.type === 'join') count.value++
        else count.value = Math.max(0, count.value - 1)
      },
    })
    client.connect()
    const offState = client.onStateChange((s) => s === 'open' && setTimeout(refreshCount, 300))
    stops.push(offState)
    setTimeout(refreshCount, 300)
    poll = setInterval(refreshCount, 10_000)
    if (r.briefing.phase === 'live') heartbeat()
  }

  // Attendance counts the minutes an attendee's page is in a live room (hosts are not counted).
  function heartbeat() {
    if (beat || isHost.value || !myId()) return
    void briefingApi.attend(id).catch(() => {})
    beat = setInterval(() => void briefingApi.attend(id).catch(() => {}), 30_000)
  }

  const stops: (() => void)[] = []
  function stop() {
    sub?.unsubscribe()
    sub = null
    if (beat) clearInterval(beat)
    if (poll) clearInterval(poll)
    beat = poll = null
    stops.splice(0).forEach((f) => f())
  }
  onBeforeUnmount(stop)

  return {
    client,
    room,
    briefing,
    page,
    pages,
    slidesUrl,
    chat,
    questions,
    myVotes,
    polls,
    myPolls,
    muted,
    removed,
    canAct,
    isHost,
    count,
    ceremony,
    moderation,
    videoStage,
    ended,
    loadError,
    load,
    start,
    stop,
  }
}
