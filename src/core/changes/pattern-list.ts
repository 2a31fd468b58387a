import picomatch from 'picomatch'

/**
 * shipline's glob dialect: whole repository-relative paths, `*` within a segment, `**` across,
 * dotfiles included, extglob off (so a leading `!` is always an exclusion), case-sensitive.
 */
const OPTIONS: picomatch.PicomatchOptions = { dot: true, noextglob: true, nocase: false }

interface CompiledPattern {
  negated: boolean
  test: (path: string) => boolean
}

/** A glob split into the folder it is anchored at and whether anything after that is a glob. */
export interface PatternAnchor {
  /** The literal leading folders ('' when the pattern starts with a glob). */
  base: string
  /** True when the pattern is a plain path with no glob characters. */
  literal: boolean
}

export function anchorOf(pattern: string): PatternAnchor {
  const scan = picomatch.scan(pattern)
  return scan.isGlob ? { base: scan.base, literal: false } : { base: pattern, literal: true }
}

/**
 * An ordered pattern list with "last match wins" semantics, as GitHub's `paths` filters use:
 * `!pat` after a positive pattern excludes, a positive pattern after it includes again.
 */
export class PatternList {
  private readonly compiled: CompiledPattern[]
  readonly hasNegation: boolean

  constructor(readonly patterns: readonly string[]) {
    this.compiled = patterns.map((p) => {
      const negated = p.startsWith('!')
      const body = negated ? p.slice(1) : p
      return { negated, test: picomatch(body, OPTIONS) }
    })
    this.hasNegation = this.compiled.some((c) => c.negated)
  }

  /** The positive patterns (without their order), for indexing. */
  positives(): string[] {
    return this.patterns.filter((p) => !p.startsWith('!'))
  }

  matches(path: string): boolean {
    for (let i = this.compiled.length - 1; i >= 0; i--) {
      const c = this.compiled[i] as CompiledPattern
      if (c.test(path)) return !c.negated
    }
    return false
  }
}
