/**
 * Orders overlapping loads of one thing: each call starts a turn and returns a check that stays
 * true only while no later turn has started. A page that reloads on every live event applies a
 * response only if it is still the latest, so a slow, older response never overwrites a newer one.
 */
export function turns(): () => () => boolean {
  let last = 0
  return () => {
    const mine = ++last
    return () => mine === last
  }
}
