// The logged-in user's notifications and their live channel ("user:<id>"): the bell's list and
// unread count, and the publications (e.g. application status changes) that open pages follow.
import { ref } from 'vue'
import { defineStore } from 'pinia'
import { api } from '@/api'
import type { Notification } from '@/api/types'
import type { Publication, Subscription } from '@/live/client'
import { liveClient } from '@/live/state'
import { toastError } from '@/shared/feedback'
import { turns } from '@/shared/latest'

export type UserEvent = { type: 'publication'; kind: string; data: unknown } | { type: 'reset' }

export const useNotificationsStore = defineStore('notifications', () => {
  const items = ref<Notification[]>([])
  const unread = ref(0)
  const hasMore = ref(false)
  const userId = ref(0)
  const listeners = new Set<(e: UserEvent) => void>()
  let sub: Subscription | null = null
  const pageSize = 20

  // Every publication reloads the list; a slower, older answer must not undo a newer one.
  const loadTurn = turns()

  async function load() {
    const latest = loadTurn()
    try {
      const list = await api.notifications({ limit: pageSize })
      if (!latest()) return
      items.value = list.items ?? []
      unread.value = list.unread
      hasMore.value = items.value.length === pageSize
    } catch (e) {
      toastError(e)
    }
  }

  async function more() {
    const last = items.value[items.value.length - 1]
    if (!last) return
    try {
      const list = await api.notifications({ limit: pageSize, before: last.id })
      const next = list.items ?? []
      items.value = [...items.value, ...next]
      hasMore.value = next.length === pageSize
    } catch (e) {
      toastError(e)
    }
  }

  function emit(e: UserEvent) {
    for (const fn of listeners) fn(e)
  }

  /** Follows the user's channel; called when someone logs in (and again harmlessly). */
  function start(id: number) {
    if (userId.value === id) return
    stop()
    userId.value = id
    void load()
    const client = liveClient()
    // The server identifies a connection when it opens: after a change of user, open anew.
    if (client.state !== 'idle' && client.state !== 'closed') client.close()
    sub = client.subscribe(`user:${id}`, {
      onPublication(p: Publication) {
        emit({ type: 'publication', kind: p.kind, data: p.data })
        // The stored notification is written with the change; fetch it for the bell.
        void load()
      },
      // Followed from now on: what pages loaded before the join may have missed a change.
      onJoin() {
        emit({ type: 'reset' })
      },
      // Publications were missed (a long disconnection): pages reload what they show.
      onReset() {
        emit({ type: 'reset' })
        void load()
      },
    })
    client.connect()
  }

  function stop() {
    sub?.unsubscribe()
    sub = null
    userId.value = 0
    items.value = []
    unread.value = 0
  }

  /** Calls fn for every event on the user's channel until the returned function is called. */
  function on(fn: (e: UserEvent) => void): () => void {
    listeners.add(fn)
    return () => listeners.delete(fn)
  }

  async function markAllRead() {
    try {
      await api.markRead({})
      const now = new Date().toISOString()
      items.value = items.value.map((n) => (n.readAt ? n : { ...n, readAt: now }))
      unread.value = 0
    } catch (e) {
      toastError(e)
    }
  }

  /** Marks one notification read, as opening it does. */
  async function markRead(id: number) {
    try {
      await api.markRead({ ids: [id] })
      const now = new Date().toISOString()
      items.value = items.value.map((n) => (n.id === id && !n.readAt ? { ...n, readAt: now } : n))
      unread.value = Math.max(0, unread.value - 1)
    } catch (e) {
      toastError(e)
    }
  }

  return { items, unread, hasMore, userId, load, more, start, stop, on, markAllRead, markRead }
})
