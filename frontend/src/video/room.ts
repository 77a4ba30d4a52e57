// One video room on the video server (LiveKit) as Vue state: who is in it with which camera,
// screen and microphone, who is speaking, each connection's quality, and the local controls
// (microphone, camera, screen, devices). LiveKit's objects stay raw; `version` moves on every
// event so computed views re-read them.
import { computed, markRaw, ref, shallowRef, watch } from 'vue'
import {
  ConnectionQuality,
  type Participant,
  type RemoteParticipant,
  Room,
  RoomEvent,
  Track,
  VideoQuality,
} from 'livekit-client'
import type { VideoToken } from '@/api/video'

export type Quality = 'auto' | 'low' | 'medium' | 'high'

export interface Tile {
  id: string // participant identity
  name: string
  local: boolean
  participant: Participant
  source: 'camera' | 'screen'
  speaking: boolean
  quality: 'excellent' | 'good' | 'poor' | 'lost' | 'unknown'
  micOn: boolean
  role: string
}

function qualityOf(q: ConnectionQuality): Tile['quality'] {
  switch (q) {
    case ConnectionQuality.Excellent:
      return 'excellent'
    case ConnectionQuality.Good:
      return 'good'
    case ConnectionQuality.Poor:
      return 'poor'
    case ConnectionQuality.Lost:
      return 'lost'
  }
  return 'unknown'
}

function roleOf(p: Participant): string {
  try {
    return (JSON.parse(p.metadata || '{}') as { role?: string }).role ?? ''
  } catch {
    return ''
  }
}

export function useVideoRoom(fetchToken: () => Promise<VideoToken>) {
  const room = shallowRef<Room | null>(null)
  const version = ref(0)
  const state = ref<'idle' | 'connecting' | 'connected' | 'reconnecting' | 'failed'>('idle')
  const error = ref('')
  const canPublish = ref(false)
  const volume = ref(1)
  const quality = ref<Quality>('auto')
  const devices = ref<{ audioinput: MediaDeviceInfo[]; videoinput: MediaDeviceInfo[] }>({ audioinput: [], videoinput: [] })
  const audio = new Map<string, HTMLMediaElement>()
  const bump = () => version.value++

  function attachAudio(track: Track, key: string) {
    const el = track.attach()
    el.volume = volume.value
    el.style.display = 'none'
    document.body.appendChild(el)
    audio.set(key, el)
  }

  function detachAudio(key: string) {
    const el = audio.get(key)
    el?.remove()
    audio.delete(key)
  }

  async function connect() {
    if (room.value) return
    state.value = 'connecting'
    error.value = ''
    try {
      const tok = await fetchToken()
      canPublish.value = tok.canPublish
      const r = markRaw(new Room({ adaptiveStream: true, dynacast: true }))
      r.on(RoomEvent.TrackSubscribed, (track, pub, p) => {
        if (track.kind === Track.Kind.Audio) attachAudio(track, p.identity + ':' + pub.trackSid)
        applyQuality()
        bump()
      })
        .on(RoomEvent.TrackUnsubscribed, (track, pub, p) => {
          if (track.kind === Track.Kind.Audio) detachAudio(p.identity + ':' + pub.trackSid)
          bump()
        })
        .on(RoomEvent.Reconnecting, () => (state.value = 'reconnecting'))
        .on(RoomEvent.Reconnected, () => (state.value = 'connected'))
        .on(RoomEvent.Disconnected, () => {
          state.value = 'idle'
          room.value = null
          bump()
        })
        .on(RoomEvent.ParticipantPermissionsChanged, () => {
          canPublish.value = r.localParticipant.permissions?.canPublish ?? false
          bump()
        })
        .on(RoomEvent.MediaDevicesChanged, () => void listDevices())
      for (const ev of [
        RoomEvent.ParticipantConnected,
        RoomEvent.ParticipantDisconnected,
        RoomEvent.TrackPublished,
        RoomEvent.TrackUnpublished,
        RoomEvent.TrackMuted,
        RoomEvent.TrackUnmuted,
        RoomEvent.LocalTrackPublished,
        RoomEvent.LocalTrackUnpublished,
        RoomEvent.ActiveSpeakersChanged,
        RoomEvent.ConnectionQualityChanged,
        RoomEvent.ParticipantMetadataChanged,
      ]) {
        r.on(ev, bump)
      }
      await r.connect(tok.url, tok.token)
      room.value = r
      state.value = 'connected'
      canPublish.value = r.localParticipant.permissions?.canPublish ?? tok.canPublish
      await listDevices()
      bump()
    } catch (e) {
      state.value = 'failed'
      error.value = e instanceof Error ? e.message : String(e)
      throw e
    }
  }

  async function disconnect() {
    const r = room.value
    room.value = null
    for (const key of [...audio.keys()]) detachAudio(key)
    await r?.disconnect()
    state.value = 'idle'
    bump()
  }

  async function listDevices() {
    try {
      devices.value = {
        audioinput: await Room.getLocalDevices('audioinput', false),
        videoinput: await Room.getLocalDevices('videoinput', false),
      }
    } catch {
      devices.value = { audioinput: [], videoinput: [] }
    }
  }

  const local = computed(() => {
    void version.value
    const p = room.value?.localParticipant
    return {
      mic: p?.isMicrophoneEnabled ?? false,
      camera: p?.isCameraEnabled ?? false,
      screen: p?.isScreenShareEnabled ?? false,
    }
  })

  async function toggle(what: 'mic' | 'camera' | 'screen', on?: boolean) {
    const p = room.value?.localParticipant
    if (!p) return
    const next = on ?? !local.value[what]
    if (what === 'mic') await p.setMicrophoneEnabled(next)
    else if (what === 'camera') await p.setCameraEnabled(next)
    else await p.setScreenShareEnabled(next, { audio: true })
    bump()
  }

  async function useDevice(kind: 'audioinput' | 'videoinput', deviceId: string) {
    await room.value?.switchActiveDevice(kind, deviceId)
    bump()
  }

  function activeDevice(kind: 'audioinput' | 'videoinput') {
    void version.value
    return room.value?.getActiveDevice(kind) ?? ''
  }

  function setVolume(v: number) {
    volume.value = v
    for (const el of audio.values()) el.volume = v
  }

  function applyQuality() {
    const r = room.value
    if (!r || quality.value === 'auto') return
    const q = { low: VideoQuality.LOW, medium: VideoQuality.MEDIUM, high: VideoQuality.HIGH }[quality.value]
    for (const p of r.remoteParticipants.values()) {
      for (const pub of p.videoTrackPublications.values()) pub.setVideoQuality(q)
    }
  }

  function setQuality(q: Quality) {
    quality.value = q
    applyQuality()
  }

  function tilesOf(p: Participant, local: boolean): Tile[] {
    const base = {
      id: p.identity,
      name: p.name || p.identity,
      local,
      participant: p,
      speaking: p.isSpeaking,
      quality: qualityOf(p.connectionQuality),
      micOn: p.isMicrophoneEnabled,
      role: roleOf(p),
    }
    const out: Tile[] = []
    if (p.getTrackPublication(Track.Source.ScreenShare)?.track) out.push({ ...base, source: 'screen' })
    out.push({ ...base, source: 'camera' })
    return out
  }

  const participants = computed(() => {
    void version.value
    const r = room.value
    if (!r) return [] as Participant[]
    return [r.localParticipant as Participant, ...([...r.remoteParticipants.values()] as RemoteParticipant[])]
  })

  // Every participant's camera (and screen when shared); publishers only when `onlyPublishers`.
  function tiles(onlyPublishers: boolean) {
    void version.value
    const r = room.value
    if (!r) return [] as Tile[]
    const out: Tile[] = []
    for (const p of participants.value) {
      const isLocal = p === r.localParticipant
      if (onlyPublishers && p.trackPublications.size === 0 && !(isLocal && canPublish.value)) continue
      out.push(...tilesOf(p, isLocal))
    }
    return out
  }

  const speaking = computed(() => {
    void version.value
    return (room.value?.activeSpeakers ?? []).map((p) => p.name || p.identity)
  })

  // Resolves true once this connection may publish, false after ms without that right.
  function publishable(ms: number): Promise<boolean> {
    if (canPublish.value) return Promise.resolve(true)
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        stop()
        resolve(false)
      }, ms)
      const stop = watch(canPublish, (ok) => {
        if (!ok) return
        clearTimeout(timer)
        stop()
        resolve(true)
      })
    })
  }

  async function startAudio() {
    await room.value?.startAudio()
  }

  return {
    room,
    version,
    state,
    error,
    canPublish,
    volume,
    quality,
    devices,
    local,
    participants,
    speaking,
    connect,
    disconnect,
    toggle,
    listDevices,
    useDevice,
    activeDevice,
    setVolume,
    setQuality,
    tiles,
    startAudio,
    publishable,
  }
}

export type VideoRoom = ReturnType<typeof useVideoRoom>
