import { anchorOf, PatternList } from './pattern-list.js'

/**
 * Files whose change selects every service even when the manifest does not list them: root
 * lockfiles and toolchain pins. A lockfile change can alter what any service installs, and
 * per-package lockfile diffing is not done (yet), so the honest answer is "everything".
 */
export const DEFAULT_GLOBAL_FILES = [
  'package-lock.json',
  'npm-shrinkwrap.json',
  'pnpm-lock.yaml',
  'yarn.lock',
  '.node-version',
  '.nvmrc',
  '.tool-versions'
] as const

/**
 * Decides whether a changed path is global. Plain file names are a set lookup; only globs pay for
 * pattern matching, and an ordered list with exclusions is evaluated whole.
 */
export class GlobalFiles {
  private readonly list: PatternList
  private readonly literals: Set<string>
  private readonly needsList: boolean

  constructor(
    patterns: readonly string[],
    private readonly manifestFile: string
  ) {
    const all = [...patterns, ...DEFAULT_GLOBAL_FILES.filter((f) => !patterns.includes(f))]
    this.list = new PatternList(all)
    this.literals = new Set(all.filter((p) => !p.startsWith('!') && anchorOf(p).literal))
    this.needsList = this.list.hasNegation || all.some((p) => !p.startsWith('!') && !anchorOf(p).literal)
  }

  /** 'config' for the manifest itself, 'global' for any other global file, else undefined. */
  classify(path: string): 'config' | 'global' | undefined {
    const hit = this.needsList ? this.list.matches(path) : this.literals.has(path)
    if (!hit) return undefined
    return path === this.manifestFile ? 'config' : 'global'
  }
}
