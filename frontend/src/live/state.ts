// Vue glue for the live client: one shared client per page load and its state as a ref.
import { onScopeDispose, ref, type Ref } from 'vue'
import { LiveClient, type ConnectionState, type LiveOptions } from './client'

let shared: LiveClient | null = null

/** The page's one live connection, created (not yet connected) on first use. */
export function liveClient(opts?: LiveOptions): LiveClient {
  shared ??= new LiveClient(opts)
  return shared
}

/** The client's connection state as a ref that follows it until the calling scope ends. */
export function useConnectionState(client: LiveClient = liveClient()): Ref<ConnectionState> {
  const state = ref(client.state)
  const stop = client.onStateChange((s) => (state.value = s))
  onScopeDispose(stop)
  return state
}
