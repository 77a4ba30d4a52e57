// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest'
import { Mesh, mediaProblem, newPeerId, type Signal } from './rtc'

function mesh(sent: { kind: string; data: Signal }[]) {
  return new Mesh({ iceServers: [], local: null, send: (kind, data) => sent.push({ kind, data }), onStream: () => {}, onState: () => {} })
}

describe('meeting signalling', () => {
  it('names camera problems', () => {
    expect(mediaProblem(new DOMException('x', 'NotAllowedError'))).toBe('denied')
    expect(mediaProblem(new DOMException('x', 'NotFoundError'))).toBe('none')
    expect(mediaProblem(new DOMException('x', 'NotReadableError'))).toBe('busy')
  })
  it('makes distinct peer ids', () => {
    expect(newPeerId()).toMatch(/^[0-9a-f]{16}$/)
    expect(newPeerId()).not.toBe(newPeerId())
  })
  it('greets, and ignores its own, stale and misaddressed signals', async () => {
    const sent: { kind: string; data: Signal }[] = []
    const m = mesh(sent)
    m.hello()
    expect(sent).toEqual([{ kind: 'rtc.hello', data: { from: m.id, ts: expect.any(Number) } }])
    await m.handle('rtc.hello', { from: m.id, ts: Date.now() }, 1)
    await m.handle('rtc.hello', { from: 'old', ts: Date.now() - 120_000 }, 2)
    await m.handle('rtc.sdp', { from: 'other', to: 'not-me', ts: Date.now() }, 2)
    expect(m.peers.size).toBe(0)
    expect(sent).toHaveLength(1)
  })

  describe('a pair of peers', () => {
    /** Just enough of RTCPeerConnection to watch what the mesh asks of it. */
    class FakePC {
      static made: FakePC[] = []
      connectionState: RTCPeerConnectionState = 'new'
      signalingState: RTCSignalingState = 'stable'
      remoteDescription: RTCSessionDescriptionInit | null = null
      localDescription: { toJSON(): RTCSessionDescriptionInit } | null = null
      calls: string[] = []
      onnegotiationneeded: (() => Promise<void>) | null = null
      onicecandidate = null
      ontrack = null
      onconnectionstatechange = null
      constructor() {
        FakePC.made.push(this)
      }
      addTrack() {}
      addTransceiver(kind: string) {
        this.calls.push(`recv:${kind}`)
      }
      close() {
        this.calls.push('close')
        this.connectionState = 'closed'
      }
      async setLocalDescription() {
        const type = this.signalingState === 'have-remote-offer' ? 'answer' : 'offer'
        this.calls.push(`local:${type}`)
        this.signalingState = type === 'offer' ? 'have-local-offer' : 'stable'
        this.localDescription = { toJSON: () => ({ type, sdp: type }) }
      }
      async setRemoteDescription(d: RTCSessionDescriptionInit) {
        this.calls.push(`remote:${d.type}`)
        this.remoteDescription = d
        this.signalingState = d.type === 'offer' ? 'have-remote-offer' : 'stable'
      }
      restartIce() {
        this.calls.push('restartIce')
      }
    }
    afterEach(() => {
      vi.useRealTimers()
      vi.unstubAllGlobals()
      FakePC.made = []
    })
    // Peer ids: with the greatest, the page under test is the impolite side; with the least, polite.
    const maxId = 'ffffffffffffffff'
    const minId = '0000000000000000'
    const start = async (peerId: string) => {
      vi.useFakeTimers()
      vi.stubGlobal('RTCPeerConnection', FakePC)
      const sent: { kind: string; data: Signal }[] = []
      const m = mesh(sent)
      await m.handle('rtc.hello', { from: peerId, ts: Date.now() }, 2)
      const pc = () => m.peers.get(peerId)!.pc as unknown as FakePC
      await pc().onnegotiationneeded?.()
      return { m, sent, pc }
    }
    const sdp = (sent: { kind: string; data: Signal }[]) => sent.filter((s) => s.kind === 'rtc.sdp').map((s) => `${s.data.description?.type}@${s.data.gen}`)

    it('is offered by its impolite side only, so the two never offer at once', async () => {
      const a = await start(minId) // this side is polite
      expect(a.m.peers.get(minId)!.polite).toBe(true)
      expect(a.pc().calls).toEqual([]) // no offer, and no receive-only sections of its own
      expect(sdp(a.sent)).toEqual([])
      await a.m.handle('rtc.sdp', { from: minId, to: a.m.id, ts: Date.now(), gen: 0, description: { type: 'offer', sdp: 'o' } }, 2)
      expect(a.pc().calls).toEqual(['remote:offer', 'local:answer'])
      expect(sdp(a.sent)).toEqual(['answer@0'])
      vi.useRealTimers()
      const b = await start(maxId) // this side is impolite, without a camera
      expect(b.pc().calls).toEqual(['recv:video', 'recv:audio', 'local:offer'])
      expect(sdp(b.sent)).toEqual(['offer@0'])
    })

    it('is rebuilt by its impolite side when it does not connect, a few times, and followed by the polite side', async () => {
      const { m, sent, pc } = await start(maxId)
      const first = pc()
      await vi.advanceTimersByTimeAsync(7_000)
      expect(first.calls).not.toContain('close')
      await vi.advanceTimersByTimeAsync(1_500)
      // A fresh connection of the next generation, which offers.
      expect(first.calls).toContain('close')
      expect(pc()).not.toBe(first)
      expect(window.__zfPeers).toEqual([pc()])
      await pc().onnegotiationneeded?.()
      expect(sdp(sent)).toEqual(['offer@0', 'offer@1'])
      // The old connection's late answer is not applied to the new one.
      await m.handle('rtc.sdp', { from: maxId, to: m.id, ts: Date.now(), gen: 0, description: { type: 'answer', sdp: 'a' } }, 2)
      expect(pc().calls).not.toContain('remote:answer')
      await vi.advanceTimersByTimeAsync(60_000)
      expect(FakePC.made).toHaveLength(4) // the first and three rebuilds
      expect(pc().connectionState).toBe('new')

      // The polite side replaces its connection when an offer of a newer generation arrives.
      vi.useRealTimers()
      const other = await start(minId)
      const old = other.pc()
      await other.m.handle('rtc.sdp', { from: minId, to: other.m.id, ts: Date.now(), gen: 1, description: { type: 'offer', sdp: 'o' } }, 2)
      expect(old.calls).toEqual(['close'])
      expect(other.pc().calls).toEqual(['remote:offer', 'local:answer'])
      expect(sdp(other.sent)).toEqual(['answer@1'])
      expect(other.m.peers.get(minId)!.gen).toBe(1)
    })

    it('is left alone once connected', async () => {
      const { pc } = await start(maxId)
      pc().connectionState = 'connected'
      await vi.advanceTimersByTimeAsync(60_000)
      expect(FakePC.made).toHaveLength(1)
      expect(pc().calls).not.toContain('close')
    })
  })
})
