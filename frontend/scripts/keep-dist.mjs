// vite build empties dist/; the repository tracks dist/.gitkeep so the Go embed
// pattern matches even before the first frontend build.
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const dist = resolve(dirname(fileURLToPath(import.meta.url)), '../dist')
mkdirSync(dist, { recursive: true })
writeFileSync(resolve(dist, '.gitkeep'), '')
