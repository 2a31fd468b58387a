/** Parses `500ms`, `30s`, `5m`, `1h` or a bare number of seconds into milliseconds. */
export function parseDuration(value: string | number): number {
  if (typeof value === 'number') return value * 1000
  const match = /^([0-9]+)(ms|s|m|h)?$/.exec(value.trim())
  if (!match) throw new Error(`invalid duration "${value}": use a number followed by ms, s, m or h, e.g. 30s`)
  const n = Number(match[1])
  switch (match[2]) {
    case 'ms':
      return n
    case 'm':
      return n * 60_000
    case 'h':
      return n * 3_600_000
    default:
      return n * 1000
  }
}
