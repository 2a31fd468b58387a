/** Edit distance between two short strings (names and keys). */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let diagonal = prev[0] ?? 0
    prev[0] = i
    for (let j = 1; j <= b.length; j++) {
      const above = prev[j] ?? 0
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      prev[j] = Math.min(above + 1, (prev[j - 1] ?? 0) + 1, diagonal + cost)
      diagonal = above
    }
  }
  return prev[b.length] ?? 0
}

/** The known name closest to `input`, if it is close enough to be a likely typo. */
export function nearest(input: string, known: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Infinity
  for (const candidate of known) {
    const d = editDistance(input.toLowerCase(), candidate.toLowerCase())
    if (d < bestDistance) {
      best = candidate
      bestDistance = d
    }
  }
  const limit = Math.max(2, Math.floor(input.length / 3))
  return bestDistance <= limit ? best : undefined
}
