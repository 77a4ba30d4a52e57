// The camera the video specs' Chromium sees: a small looping clip (320×180, 15 frames a second:
// a bar sweeping across a gradient whose shade changes each frame) instead of Chromium's
// built-in 1280×720 test pattern. The pages still capture, encode, send through the video
// server and play real moving video, but each publisher encodes a twentieth of the pixels, so
// a four-person call does not take the test machine's processors from the other specs.
import { existsSync, renameSync, writeFileSync } from 'node:fs'
import path from 'node:path'

const width = 320
const height = 180
const fps = 15
const frames = 30

/**
 * Chromium's switches for a camera and microphone that need no person: the fake devices, granted
 * without asking, the camera playing the clip (written into dir once).
 */
export function fakeMediaArgs(dir: string): string[] {
  return ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${fakeCameraClip(dir)}`]
}

/**
 * Writes the clip (YUV4MPEG2, which Chromium's fake capture device plays in a loop) into dir
 * once and returns its path. Workers may ask at the same time: each writes its own copy and
 * renames it into place, so none reads a half-written clip.
 */
function fakeCameraClip(dir: string): string {
  const file = path.join(dir, `camera-${width}x${height}.y4m`)
  if (existsSync(file)) return file
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`)
  const luma = width * height
  const chroma = (width / 2) * (height / 2)
  const parts: Buffer[] = [header]
  for (let f = 0; f < frames; f++) {
    const frame = Buffer.alloc(luma + 2 * chroma)
    const bar = Math.floor((f / frames) * width)
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        frame[y * width + x] = Math.abs(x - bar) < 12 ? 235 : 16 + ((x + y + f * 4) % 200)
      }
    }
    frame.fill(128 + ((f * 3) % 40), luma, luma + chroma)
    frame.fill(160 - ((f * 2) % 40), luma + chroma)
    parts.push(Buffer.from('FRAME\n'), frame)
  }
  const tmp = `${file}.${process.pid}`
  writeFileSync(tmp, Buffer.concat(parts))
  renameSync(tmp, file)
  return file
}
