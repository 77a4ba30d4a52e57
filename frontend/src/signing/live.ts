// Following agreements live: each agreement has the channel "agreement:<id>" on which the server
// publishes "signing.status" ({agreementId, status, event}) after every change.
import { onScopeDispose } from 'vue'
import { liveClient } from '@/live/state'
import type { Subscription } from '@/live/client'
import type { AgreementStatus } from '@/api/signing'

export interface StatusChange {
  agreementId: number
  status: AgreementStatus
  event: string
}

/**
 * Keeps one subscription per followed agreement until the calling scope ends. onChange runs on
 * each status change; onReload when the page should reload what it shows (first join, lost history).
 */
export function useAgreementChannels(onChange: (c: StatusChange) => void, onReload: () => void) {
  const client = liveClient()
  const subs = new Map<number, Subscription<StatusChange>>()

  function follow(ids: number[]) {
    const want = new Set(ids)
    for (const [id, s] of subs) {
      if (!want.has(id)) {
        s.unsubscribe()
        subs.delete(id)
      }
    }
    for (const id of want) {
      if (subs.has(id)) continue
      subs.set(
        id,
        client.subscribe<StatusChange>(`agreement:${id}`, {
          onPublication: (p) => p.kind === 'signing.status' && onChange(p.data),
          onJoin: onReload,
          onReset: onReload,
        }),
      )
    }
    if (want.size) client.connect()
  }

  onScopeDispose(() => {
    for (const s of subs.values()) s.unsubscribe()
    subs.clear()
  })
  return { follow }
}
