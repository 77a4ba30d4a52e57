// WebRTC between the members of a meeting room, with the browser's own RTCPeerConnection.
// Signalling goes over the room's live channel, which only members can join, as "rtc.*"
// publications. Each page has a random peer id; pages greet each other ("rtc.hello") and each
// pair negotiates with the "perfect negotiation" pattern (the page with the greater id is
// polite and yields when both offer at once). Candidates are batched so a burst of them stays
// within the live engine's message rate.
//
// The impolite side of a pair always makes the first offer; the polite side answers it and only
// offers itself later, to renegotiate. Both offering at once on a new pair ("glare") would make
// the polite side roll its offer back while its ICE agent is starting to gather, and Chromium
// (seen with 156) then sometimes never gathers a candidate on that connection again, not even
// after an ICE restart: the pair stays "new" for good. So glare is avoided where it is
// predictable, and a pair that has not connected in time is rebuilt with a fresh connection on
// both sides (a new generation, "gen"), which also recovers from a lost signal.
export interface Signal {
  from: string
  to?: string
  ts: number
  /** The generation of the pair's connection this signal belongs to (0 when absent). */
  gen?: number
  description?: RTCSessionDescriptionInit
  candidates?: RTCIceCandidateInit[]
}

export interface Peer {
  id: string
  userId: number
  pc: RTCPeerConnection
  /** Counts the connections this pair has had: each rebuild makes a new one on both sides. */
  gen: number
  stream: MediaStream | null
  polite: boolean
  makingOffer: boolean
  ignoreOffer: boolean
  restarted: boolean
  /** Rebuilds (impolite side) or greetings (polite side) the watchdog has made so far. */
  tries: number
  pending: RTCIceCandidateInit[]
  flush: ReturnType<typeof setTimeout> | null
  watchdog: ReturnType<typeof setTimeout> | null
}

/** How long a pair may take to connect before the impolite side rebuilds it. */
const connectWithinMs = 8_000
const rebuilds = 3

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
    const gen = typeof s.gen === 'number' ? s.gen : 0
    let p = this.peers.get(s.from)
    if (p && gen < p.gen) return // for a connection this pair has replaced
    if (kind === 'rtc.sdp' && s.description) {
      // The other side rebuilt the pair (it is the impolite side, whose offer this is): so do we.
      if (p && gen > p.gen && s.description.type === 'offer') p = this.rebuild(p, gen)
      p ??= this.peer(s.from, fromUser, gen)
      if (gen === p.gen) await this.description(p, s.description)
    }
    if (kind === 'rtc.ice' && Array.isArray(s.candidates) && p && gen === p.gen) {
      for (const c of s.candidates) {
        try {
          await p.pc.addIceCandidate(c)
        } catch (e) {
          if (!p.ignoreOffer) console.warn('ice candidate refused', e)
        }
      }
    }
  }

  private peer(id: string, userId: number, gen = 0, tries = 0): Peer {
    const existing = this.peers.get(id)
    if (existing) return existing
    const pc = new RTCPeerConnection({ iceServers: this.o.iceServers })
    const polite = this.id > id
    const p: Peer = { id, userId, pc, gen, stream: null, polite, makingOffer: false, ignoreOffer: false, restarted: false, tries, pending: [], flush: null, watchdog: null }
    this.peers.set(id, p)
    window.__zfPeers = [...this.peers.values()].map((x) => x.pc)
    const local = this.o.local
    if (local && local.getTracks().length) {
      for (const t of local.getTracks()) pc.addTrack(t, local)
    }
    // Receive video and sound even without a camera of our own. The offer has these sections;
    // the polite side's tracks take their places in it when it answers.
    if (!polite && !local?.getVideoTracks().length) pc.addTransceiver('video', { direction: 'recvonly' })
    if (!polite && !local?.getAudioTracks().length) pc.addTransceiver('audio', { direction: 'recvonly' })
    pc.onnegotiationneeded = async () => {
      // The first offer of a pair is the impolite side's (see the top of this file).
      if (polite && !pc.remoteDescription) return
      try {
        p.makingOffer = true
        await pc.setLocalDescription()
        this.o.send('rtc.sdp', { from: this.id, to: id, ts: Date.now(), gen, description: pc.localDescription!.toJSON() })
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
        if (candidates.length && this.peers.get(id) === p) this.o.send('rtc.ice', { from: this.id, to: id, ts: Date.now(), gen, candidates })
      }, 100)
    }
    pc.ontrack = ({ streams, track }) => {
      p.stream = streams[0] ?? p.stream ?? new MediaStream()
      if (!streams[0]) p.stream.addTrack(track)
      this.o.onStream(id, userId, p.stream)
    }
    pc.onconnectionstatechange = () => {
      if (this.peers.get(id) !== p) return
      const st = pc.connectionState
      if (st === 'failed' && !p.restarted) {
        // The impolite side restarts ICE (the polite side offering as well would be glare) and
        // the watchdog rebuilds the pair if that does not help.
        p.restarted = true
        if (!polite) pc.restartIce()
        this.watch(p)
        return
      }
      if (st === 'connected') p.tries = 0 // a later outage gets its own rebuilds
      if (st === 'disconnected') this.watch(p)
      this.o.onState(id, st)
    }
    this.watch(p)
    return p
  }

  /**
   * A pair that has not connected in time (a signal lost on the way, a connection whose ICE
   * agent is stuck) is rebuilt by its impolite side, a few times: it closes the connection and
   * offers on a new one, of the next generation, and the polite side follows when that offer
   * arrives. The polite side greets the other again, in case its greeting was what got lost.
   */
  private watch(p: Peer): void {
    if (p.watchdog) return
    const tick = () => {
      p.watchdog = null
      if (this.closed || this.peers.get(p.id) !== p) return
      const st = p.pc.connectionState
      if (st === 'connected' || st === 'closed') return
      if (p.tries >= rebuilds) return
      p.tries++
      if (p.polite) {
        this.o.send('rtc.hello', { from: this.id, to: p.id, ts: Date.now() })
        p.watchdog = setTimeout(tick, connectWithinMs)
      } else {
        this.rebuild(p, p.gen + 1)
      }
    }
    p.watchdog = setTimeout(tick, connectWithinMs)
  }

  /** Replaces p's connection with a fresh one of generation gen. */
  private rebuild(p: Peer, gen: number): Peer {
    this.drop(p.id)
    return this.peer(p.id, p.userId, gen, p.tries)
  }

  private async description(p: Peer, d: RTCSessionDescriptionInit): Promise<void> {
    const pc = p.pc
    const collision = d.type === 'offer' && (p.makingOffer || pc.signalingState !== 'stable')
    p.ignoreOffer = !p.polite && collision
    if (p.ignoreOffer) return
    await pc.setRemoteDescription(d)
    if (d.type === 'offer') {
      await pc.setLocalDescription()
      this.o.send('rtc.sdp', { from: this.id, to: p.id, ts: Date.now(), gen: p.gen, description: pc.localDescription!.toJSON() })
    }
  }

  private drop(id: string): void {
    const p = this.peers.get(id)
    if (!p) return
    if (p.flush) clearTimeout(p.flush)
    if (p.watchdog) clearTimeout(p.watchdog)
    p.watchdog = null
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
