// The live engine's keep-alive in the browser tests: pings every 2 s and a write deadline of 1 s,
// so a run of a few seconds spans several ping cycles, each with quiet spells longer than a write
// may take. playwright.config.ts starts the servers with these; specs wait in their terms.
export const livePingMs = 2_000
export const liveWriteTimeoutMs = 1_000
export const livePongTimeoutMs = 5_000
