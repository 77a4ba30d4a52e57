// Time arithmetic of meetings: slots carry an IANA time zone, viewers have their own, and the
// room counts down to the end. Pure functions, so they are tested without a browser.

/** The viewer's IANA time zone. */
export function viewerZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
}

/** Every IANA zone the browser knows, for pickers. */
export function timeZones(): string[] {
  const f = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf
  return f ? f('timeZone') : ['UTC', 'Asia/Shanghai', 'Europe/Berlin', 'America/New_York']
}

/** iso shown in zone tz, with the zone's short name ("Mar 3, 2026, 10:00 GMT+8"). */
export function formatIn(iso: string, tz: string, locale: string): string {
  // dateStyle/timeStyle cannot be combined with timeZoneName, so the parts are spelled out.
  return new Intl.DateTimeFormat(locale, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone: tz,
    timeZoneName: 'short',
  }).format(new Date(iso))
}

/** Offset of tz from UTC at instant ms, in minutes (east positive). */
export function zoneOffset(ms: number, tz: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(ms))
  const n = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0)
  const wall = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'))
  return Math.round((wall - Math.floor(ms / 1000) * 1000) / 60_000)
}

/** The instant at which the clocks of zone tz show wall ("2026-03-03T10:00"), as ISO UTC. */
export function zonedToIso(wall: string, tz: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})/.exec(wall)
  if (!m) throw new Error('bad wall time: ' + wall)
  const guess = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!)
  let at = guess - zoneOffset(guess, tz) * 60_000
  // Near a DST change the offset at the first guess may differ from the one at the answer.
  at = guess - zoneOffset(at, tz) * 60_000
  return new Date(at).toISOString()
}

/** Whether two zones show the same clock time at iso (then one label is enough). */
export function sameClock(iso: string, a: string, b: string): boolean {
  const ms = new Date(iso).getTime()
  return zoneOffset(ms, a) === zoneOffset(ms, b)
}

/** Expected wait in minutes of the place at position (same rule as the server). */
export function expectedWait(position: number, active: number, parallel: number, minutes: number): number {
  if (position <= 0 || parallel <= 0) return 0
  const ahead = position - 1
  const free = parallel - active
  if (ahead < free) return 0
  return (Math.floor((ahead - free) / parallel) + 1) * minutes
}

/** Seconds left until end, and whether to warn (the last minute). */
export function countdown(endMs: number, nowMs: number): { left: number; warn: boolean; over: boolean } {
  const left = Math.max(0, Math.ceil((endMs - nowMs) / 1000))
  return { left, warn: left > 0 && left <= 60, over: left === 0 }
}

/** 754 → "12:34"; an hour or more → "1:02:03". */
export function clock(seconds: number): string {
  const h = Math.floor(seconds / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  const s = seconds % 60
  const mm = String(m).padStart(h > 0 ? 2 : 1, '0')
  return (h > 0 ? `${h}:` : '') + `${mm}:${String(s).padStart(2, '0')}`
}
