import type { Git } from '../../platform/git.js'
import { GitError } from '../../platform/git.js'
import { ExecNotFoundError } from '../../platform/exec.js'
import { OperationError } from '../errors.js'
import type { Logger } from '../../platform/logger.js'
import { describeGitFailure } from './git-failure.js'

const FIRST_DEEPEN = 32

export type MergeBaseResult =
  | { found: true; sha: string }
  /** `unrelated`: full history and no common ancestor; `history-unavailable`: gave up deepening. */
  | { found: false; why: 'unrelated' | 'history-unavailable' }

/**
 * Gets the commits a comparison needs out of a possibly shallow clone, within a bound.
 * A two-dot diff needs only its two endpoints (fetched by SHA at depth 1); only a merge base
 * needs history, and that is deepened step by step (doubling) up to `maxFetchDepth`.
 */
export class History {
  private remote: string | undefined | null = null
  private shallow: boolean | undefined
  readonly fetches: string[][] = []

  constructor(
    private readonly git: Git,
    private readonly logger: Logger,
    private readonly maxFetchDepth: number
  ) {}

  /**
   * Checks that git runs and the folder is in a repository (so "git missing" is one clear failure,
   * not a wrong answer) and returns the repository's top level.
   */
  async topLevel(): Promise<string> {
    try {
      return await this.git.topLevel()
    } catch (error) {
      if (error instanceof ExecNotFoundError)
        throw new OperationError(describeGitFailure(error, 'change detection'))
      throw new OperationError(
        `${this.git.cwd} is not inside a git repository (${error instanceof GitError ? error.stderr.trim() : String(error)}); check out the repository first (actions/checkout)`
      )
    }
  }

  async hasCommit(sha: string): Promise<boolean> {
    return this.git.succeeds(['cat-file', '-e', '--end-of-options', `${sha}^{commit}`])
  }

  /** The commit `rev` names, fetching it from origin at depth 1 if it is not here; undefined if it cannot be had. */
  async resolve(rev: string): Promise<string | undefined> {
    // A leading dash would make git read the name as an option.
    if (!rev || rev.startsWith('-')) return undefined
    const local = await this.tryRevParse(rev)
    if (local) return local
    if (!(await this.fetch(['--depth=1'], [rev]))) return undefined
    return (await this.tryRevParse(rev)) ?? (await this.tryRevParse('FETCH_HEAD'))
  }

  /** The parents recorded in a commit object (shallow grafts hide them from rev-list, not from cat-file). */
  async parentsOf(sha: string): Promise<string[]> {
    const text = await this.git.run(['cat-file', 'commit', sha])
    const parents: string[] = []
    for (const line of text.split('\n')) {
      if (line === '') break
      if (line.startsWith('parent ')) parents.push(line.slice('parent '.length).trim())
    }
    return parents
  }

  /** The empty tree of this repository's hash algorithm (never hard-coded: SHA-256 repos differ). */
  async emptyTree(): Promise<string> {
    return (await this.git.run(['hash-object', '-t', 'tree', '/dev/null'])).trim()
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean | undefined> {
    if (await this.isShallow()) return undefined
    return this.git.succeeds(['merge-base', '--is-ancestor', ancestor, descendant])
  }

  /** Tip of a branch: the remote-tracking ref, a local branch, or fetched from origin. */
  async branchTip(branch: string): Promise<string | undefined> {
    for (const ref of [`refs/remotes/origin/${branch}`, `refs/heads/${branch}`]) {
      const sha = await this.tryRevParse(ref)
      if (sha) return sha
    }
    if (await this.fetch(['--depth=1'], [`+refs/heads/${branch}:refs/remotes/origin/${branch}`]))
      return this.tryRevParse(`refs/remotes/origin/${branch}`)
    return undefined
  }

  /**
   * The merge base of two commits present locally. On a shallow clone, deepens both tips step by
   * step (32, 64, 128, ... commits) up to the bound, stopping early when the history stops growing.
   */
  async mergeBase(a: string, b: string): Promise<MergeBaseResult> {
    const first = await this.tryMergeBase(a, b)
    if (first) return { found: true, sha: first }
    if (!(await this.isShallow())) return { found: false, why: 'unrelated' }
    let count = await this.commitCount()
    for (let depth = FIRST_DEEPEN; ; depth *= 2) {
      const bounded = Math.min(depth, this.maxFetchDepth)
      if (bounded <= 0) break
      this.logger.info(`history is shallow; fetching ${bounded} commits behind ${short(a)} and ${short(b)}`)
      if (!(await this.fetch([`--depth=${bounded}`], [a, b]))) break
      const found = await this.tryMergeBase(a, b)
      if (found) return { found: true, sha: found }
      const grown = await this.commitCount()
      if (!(await this.isShallow())) return { found: false, why: 'unrelated' }
      if (grown === count || bounded >= this.maxFetchDepth) break
      count = grown
    }
    return { found: false, why: 'history-unavailable' }
  }

  /** The newest tag matching `pattern` reachable from `rev`'s parent, if any. */
  async previousTag(rev: string, pattern: string): Promise<string | undefined> {
    try {
      const tag = (
        await this.git.run([
          'describe',
          '--tags',
          '--abbrev=0',
          '--match',
          pattern,
          '--end-of-options',
          `${rev}^`
        ])
      ).trim()
      return tag ? this.tryRevParse(`refs/tags/${tag}`) : undefined
    } catch {
      return undefined
    }
  }

  private async tryMergeBase(a: string, b: string): Promise<string | undefined> {
    try {
      return (await this.git.run(['merge-base', '--end-of-options', a, b])).trim() || undefined
    } catch {
      return undefined
    }
  }

  private async tryRevParse(rev: string): Promise<string | undefined> {
    try {
      return await this.git.revParse(rev)
    } catch {
      return undefined
    }
  }

  private async isShallow(): Promise<boolean> {
    this.shallow ??= (await this.git.run(['rev-parse', '--is-shallow-repository'])).trim() === 'true'
    return this.shallow
  }

  private async commitCount(): Promise<number> {
    return Number((await this.git.run(['rev-list', '--count', '--all'])).trim())
  }

  /** `git fetch --no-tags origin <refs>`, one at a time; false when there is no origin or the fetch fails. */
  private async fetch(options: string[], refs: string[]): Promise<boolean> {
    if (this.remote === null) {
      const remotes = (await this.git.run(['remote'])).split('\n').map((r) => r.trim())
      this.remote = remotes.includes('origin') ? 'origin' : undefined
    }
    if (!this.remote) return false
    const argv = ['fetch', '--no-tags', '--quiet', ...options, '--end-of-options', this.remote, ...refs]
    this.fetches.push(argv)
    try {
      await this.git.run(argv)
      this.shallow = undefined
      return true
    } catch (error) {
      this.logger.debug(`git ${argv.join(' ')} failed: ${String(error)}`)
      return false
    }
  }
}

function short(sha: string): string {
  return sha.slice(0, 12)
}
