import { describe, expect, it } from 'vitest'
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
})
