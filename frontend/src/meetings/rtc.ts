// WebRTC between the members of a meeting room, with the browser's own RTCPeerConnection.
// Signalling goes over the room's live channel, which only members can join, as "rtc.*"
// publications. Each page has a random peer id; pages greet each other ("rtc.hello") and each
// pair negotiates with the "perfect negotiation" pattern (the page with the greater id is
// polite and yields when both offer at once). Candidates are batched so a burst of them stays
// within the live engine's message rate.

export interface Signal {
  from: string
  to?: string
  ts: number
  description?: RTCSessionDescriptionInit
  candidates?: RTCIceCandidateInit[]
}

export interface Peer {
  id: string
  userId: number
  pc: RTCPeerConnection
  stream: MediaStream | null
  polite: boolean
  makingOffer: boolean
  ignoreOffer: boolean
  restarted: boolean
  pending: RTCIceCandidateInit[]
  flush: ReturnType<typeof setTimeout> | null
  watchdog: ReturnType<typeof setTimeout> | null
}

/** How long a pair may take to connect before the impolite side negotiates again. */
const connectWithinMs = 8_000
const renegotiations = 3

export interface MeshOptions {
  iceServers: RTCIceServer[]
  local: MediaStream | null
  send(kind: string, data: Signal): void
  /** A peer's media arrived, or the peer went (stream null). */
  onStream(peerId: string, userId: number, stream: MediaStream | null): void
  /** A peer's connection state changed; "failed" after one ICE restart is final. */
  onState(peerId: string, state: RTCPeerConnectionState): void
}

/** Signals older than this are replays from before the page joined; they are ignored. */
const staleMs = 60_000

declare global {
  interface Window {
    /** The room's peer connections, for diagnostics and end-to-end tests. */
    __zfPeers?: RTCPeerConnection[]
  }
}

export function newPeerId(): string {
  const a = new Uint8Array(8)
  crypto.getRandomValues(a)
  return Array.from(a, (b) => b.toString(16).padStart(2, '0')).join('')
}

export class Mesh {
  readonly id = newPeerId()
  readonly peers = new Map<string, Peer>()
  private closed = false

  constructor(private readonly o: MeshOptions) {
    window.__zfPeers = []
  }

  /** Greets the room: every member present answers, and each pair connects. */
  hello(): void {
    this.o.send('rtc.hello', { from: this.id, ts: Date.now() })
  }

  /**
   * Handles one publication of the room's channel from user fromUser. Publications are handled
   * one after the other, in channel order: a candidate must not be added before the
   * description that precedes it has been applied.
   */
  handle(kind: string, s: Signal, fromUser: number): Promise<void> {
    this.chain = this.chain.then(() => this.handleNow(kind, s, fromUser)).catch((e) => console.warn('signalling failed', e))
    return this.chain
  }

  private chain: Promise<void> = Promise.resolve()

  private async handleNow(kind: string, s: Signal, fromUser: number): Promise<void> {
    if (this.closed || !s || typeof s.from !== 'string' || s.from === this.id) return
    if (s.to && s.to !== this.id) return
    if (typeof s.ts !== 'number' || Date.now() - s.ts > staleMs) return
    if (kind === 'rtc.bye') {
      this.drop(s.from)
      return
    }
    if (kind === 'rtc.hello') {
      // The same person greeting from a new page (a reload): their old connection is gone.
      for (const p of this.peers.values()) if (p.userId === fromUser && p.id !== s.from) this.drop(p.id)
      if (!s.to) this.o.send('rtc.hello', { from: this.id, to: s.from, ts: Date.now() })
      this.peer(s.from, fromUser)
      return
    }
    const p = this.peers.get(s.from) ?? this.peer(s.from, fromUser)
    if (kind === 'rtc.sdp' && s.description) await this.description(p, s.description)
    if (kind === 'rtc.ice' && Array.isArray(s.candidates)) {
      for (const c of s.candidates) {
        try {
          await p.pc.addIceCandidate(c)
        } catch (e) {
          if (!p.ignoreOffer) console.warn('ice candidate refused', e)
        }
      }
    }
  }

  private peer(id: string, userId: number): Peer {
    const existing = this.peers.get(id)
    if (existing) return existing
    const pc = new RTCPeerConnection({ iceServers: this.o.iceServers })
    const p: Peer = { id, userId, pc, stream: null, polite: this.id > id, makingOffer: false, ignoreOffer: false, restarted: false, pending: [], flush: null, watchdog: null }
    this.peers.set(id, p)
    window.__zfPeers = [...this.peers.values()].map((x) => x.pc)
    const local = this.o.local
    if (local && local.getTracks().length) {
      for (const t of local.getTracks()) pc.addTrack(t, local)
    }
    // Receive video and sound even without a camera of our own.
    if (!local?.getVideoTracks().length) pc.addTransceiver('video', { direction: 'recvonly' })
    if (!local?.getAudioTracks().length) pc.addTransceiver('audio', { direction: 'recvonly' })
    pc.onnegotiationneeded = async () => {
      try {
        p.makingOffer = true
        await pc.setLocalDescription()
        this.o.send('rtc.sdp', { from: this.id, to: id, ts: Date.now(), description: pc.localDescription!.toJSON() })
      } catch (e) {
        console.warn('negotiation failed', e)
      } finally {
        p.makingOffer = false
      }
    }
    pc.onicecandidate = ({ candidate }) => {
      if (!candidate) return
      p.pending.push(candidate.toJSON())
      p.flush ??= setTimeout(() => {
        p.flush = null
        const candidates = p.pending.splice(0)
        if (candidates.length) this.o.send('rtc.ice', { from: this.id, to: id, ts: Date.now(), candidates })
      }, 100)
    }
    pc.ontrack = ({ streams, track }) => {
      p.stream = streams[0] ?? p.stream ?? new MediaStream()
      if (!streams[0]) p.stream.addTrack(track)
      this.o.onStream(id, userId, p.stream)
    }
    pc.onconnectionstatechange = () => {
      const st = pc.connectionState
      if (st === 'failed' && !p.restarted) {
        p.restarted = true
        pc.restartIce()
        return
      }
      this.o.onState(id, st)
    }
    this.watch(p)
    return p
  }

  /**
   * A signal lost on the way (a dropped connection, a publish refused) would leave the pair
   * waiting forever: when they have not connected in time, the impolite side withdraws an
   * unanswered offer and negotiates again with fresh candidates, a few times.
   */
  private watch(p: Peer): void {
    let tries = 0
    const tick = () => {
      p.watchdog = null
      if (this.closed || this.peers.get(p.id) !== p) return
      const st = p.pc.connectionState
      if (st === 'connected' || st === 'closed') return
      if (!p.polite && tries < renegotiations) {
        tries++
        void this.renegotiate(p)
      }
      p.watchdog = setTimeout(tick, connectWithinMs)
    }
    p.watchdog = setTimeout(tick, connectWithinMs)
  }

  private async renegotiate(p: Peer): Promise<void> {
    try {
      if (p.pc.signalingState === 'have-local-offer') await p.pc.setLocalDescription({ type: 'rollback' })
      p.pc.restartIce()
    } catch (e) {
      console.warn('renegotiation failed', e)
    }
  }

  private async description(p: Peer, d: RTCSessionDescriptionInit): Promise<void> {
    const pc = p.pc
    const collision = d.type === 'offer' && (p.makingOffer || pc.signalingState !== 'stable')
    p.ignoreOffer = !p.polite && collision
    if (p.ignoreOffer) return
    await pc.setRemoteDescription(d)
    if (d.type === 'offer') {
      await pc.setLocalDescription()
      this.o.send('rtc.sdp', { from: this.id, to: p.id, ts: Date.now(), description: pc.localDescription!.toJSON() })
    }
  }

  private drop(id: string): void {
    const p = this.peers.get(id)
    if (!p) return
    if (p.flush) clearTimeout(p.flush)
    if (p.watchdog) clearTimeout(p.watchdog)
    p.pc.close()
    this.peers.delete(id)
    window.__zfPeers = [...this.peers.values()].map((x) => x.pc)
    this.o.onStream(id, p.userId, null)
  }

  /** Says goodbye and closes every connection. */
  close(): void {
    if (this.closed) return
    this.o.send('rtc.bye', { from: this.id, ts: Date.now() })
    this.closed = true
    for (const id of [...this.peers.keys()]) this.drop(id)
  }
}

/** Why the camera could not be used, as a message key of meetings.media. */
export function mediaProblem(e: unknown): string {
  const name = e instanceof DOMException || e instanceof Error ? e.name : ''
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'denied'
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'none'
  if (name === 'NotReadableError' || name === 'AbortError') return 'busy'
  if (typeof navigator === 'undefined' || !navigator.mediaDevices?.getUserMedia) return 'unsupported'
  return 'other'
}
