/** Edit distance (insertions, deletions, substitutions, adjacent swaps) between two short strings. */
export function editDistance(a: string, b: string): number {
  // Rolling rows: `twoBack` and `previous` are rows i-2 and i-1 of the classic table.
  let twoBack: number[] = []
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let best = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, (twoBack[j - 2] ?? 0) + 1)
      current.push(best)
    }
    twoBack = previous
    previous = current
  }
  return previous[b.length] ?? 0
}

/** The candidate a typo most likely meant, if one is close enough to suggest; case is ignored. */
export function closestName(input: string, candidates: readonly string[]): string | undefined {
  const allowed = Math.max(1, Math.min(3, Math.floor(input.length / 3)))
  let best: { name: string; distance: number } | undefined
  for (const name of candidates) {
    const distance = editDistance(input.toLowerCase(), name.toLowerCase())
    if (distance <= allowed && (best === undefined || distance < best.distance)) best = { name, distance }
  }
  return best?.name
}
