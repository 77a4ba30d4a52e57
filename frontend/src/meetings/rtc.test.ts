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

  describe('a pair that does not connect', () => {
    /** Just enough of RTCPeerConnection to watch what the mesh asks of it. */
    class FakePC {
      connectionState: RTCPeerConnectionState = 'new'
      signalingState: RTCSignalingState = 'have-local-offer'
      calls: string[] = []
      onnegotiationneeded = null
      onicecandidate = null
      ontrack = null
      onconnectionstatechange = null
      addTrack() {}
      addTransceiver() {}
      close() {
        this.connectionState = 'closed'
      }
      async setLocalDescription(d?: { type: string }) {
        this.calls.push(`local:${d?.type ?? 'auto'}`)
        if (d?.type === 'rollback') this.signalingState = 'stable'
      }
      restartIce() {
        this.calls.push('restartIce')
      }
    }
    afterEach(() => {
      vi.useRealTimers()
      vi.unstubAllGlobals()
    })
    const start = async (peerId: string) => {
      vi.useFakeTimers()
      vi.stubGlobal('RTCPeerConnection', FakePC)
      const m = mesh([])
      await m.handle('rtc.hello', { from: peerId, ts: Date.now() }, 2)
      return { m, pc: m.peers.get(peerId)!.pc as unknown as FakePC }
    }

    it('is renegotiated by its impolite side, a few times, until it connects', async () => {
      const { m, pc } = await start('ffffffffffffffff') // greater than any id: this side is impolite
      expect(m.peers.get('ffffffffffffffff')!.polite).toBe(false)
      await vi.advanceTimersByTimeAsync(7_000)
      expect(pc.calls).toEqual([])
      await vi.advanceTimersByTimeAsync(1_500)
      expect(pc.calls).toEqual(['local:rollback', 'restartIce'])
      await vi.advanceTimersByTimeAsync(60_000)
      expect(pc.calls.filter((c) => c === 'restartIce')).toHaveLength(3)
    })

    it('is left to the other side by its polite side, and alone once connected', async () => {
      const polite = await start('0000000000000000')
      await vi.advanceTimersByTimeAsync(60_000)
      expect(polite.pc.calls).toEqual([])
      vi.useRealTimers()
      const { pc } = await start('ffffffffffffffff')
      pc.connectionState = 'connected'
      await vi.advanceTimersByTimeAsync(60_000)
      expect(pc.calls).toEqual([])
    })
  })
})
