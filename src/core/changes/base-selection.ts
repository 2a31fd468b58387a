import { ConfigError, OperationError } from '../errors.js'
import type { Logger } from '../../platform/logger.js'
import type { History } from './history.js'
import type { BaseSource } from './model.js'

/** What the triggering event said, as the runner delivers it (or as a replayed payload file). */
export interface EventContext {
  /** GITHUB_EVENT_NAME: push, pull_request, merge_group, workflow_dispatch, ... ('' for none). */
  name: string
  payload: Record<string, unknown>
  /** GITHUB_SHA. */
  sha?: string
  /** GITHUB_REF. */
  ref?: string
}

export interface BaseRequest {
  event: EventContext
  /** Explicit inputs; they override whatever the event says. */
  base?: string
  head?: string
  /** `last-deployment`: each service against the commit last deployed successfully to `environment`. */
  since?: 'last-deployment'
  environment?: string
  /** Tags that mark releases of the whole repository (for tag pushes), e.g. `v*`. */
  tagPattern: string
  /** Service names, to recognise per-service release tags (`catalog/v1.2.0`). */
  services: readonly string[]
}

/** The comparison to run, or why none is needed. */
export type BasePlan =
  | { kind: 'diff'; base: string; head: string; source: BaseSource }
  | {
      kind: 'all'
      base: string
      head: string
      source: BaseSource
      reason: 'fallback' | 'initial'
      detail: string
    }
  | { kind: 'none'; base: string; head: string; source: BaseSource; detail: string }
  | { kind: 'service'; base: string; head: string; source: 'release-tag'; service: string; detail: string }
  | { kind: 'per-service'; head: string; source: 'last-deployment'; environment: string }
  /** History ran out for a pull request: its REST file list may stand in, if complete. */
  | { kind: 'pr-files'; base: string; head: string; number: number; fallback: BasePlan }

const ZERO = /^0+$/
/** GitHub stops listing pushed commits at 2048; past that the oldest one is unknown. */
const PUSH_COMMITS_LIMIT = 2048
const FETCH_DEPTH_HINT =
  'set "fetch-depth: 0" (ideally with "filter: blob:none") on actions/checkout, or raise max-fetch-depth'

/**
 * Chooses base and head from the event, following the table in docs/detect.md: an explicit base
 * wins; then `since: last-deployment`; then the event's own rule. When a base cannot be had the
 * plan selects every service and says why: an unknown diff is never reported as "no changes".
 */
export async function selectBase(request: BaseRequest, history: History, logger: Logger): Promise<BasePlan> {
  const { event } = request
  const payload = event.payload
  if (event.name === 'push' && payload.deleted === true) {
    return {
      kind: 'none',
      base: '',
      head: '',
      source: 'ref-deleted',
      detail: `${String(payload.ref ?? 'the ref')} was deleted; nothing to build`
    }
  }
  const head = await resolveHead(request, history)

  if (request.base !== undefined) return explicitBase(request.base, head, history, logger)
  if (request.since === 'last-deployment') {
    if (!request.environment) {
      throw new ConfigError(
        'since: last-deployment needs an environment',
        { keyPath: 'with.environment' },
        'set "environment:" to the environment whose deployments are the base, e.g. production'
      )
    }
    return { kind: 'per-service', head, source: 'last-deployment', environment: request.environment }
  }

  switch (event.name) {
    case 'push':
      return pushBase(request, head, history)
    case 'pull_request':
    case 'pull_request_target':
      return pullRequestBase(payload, head, history)
    case 'merge_group':
      return mergeGroupBase(payload, head, history)
    default:
      logger.warning(
        `a ${event.name || 'manual'} run carries no base commit; every service is selected. Set "base:" or "since: last-deployment" to compare`
      )
      return {
        kind: 'all',
        base: '',
        head,
        source: 'no-base',
        reason: 'fallback',
        detail: `a ${event.name || 'manual'} run has no base commit and no "base" or "since" input was given`
      }
  }
}

async function resolveHead(request: BaseRequest, history: History): Promise<string> {
  const { event } = request
  const payload = event.payload
  const pr = payload.pull_request as { head?: { sha?: string } } | undefined
  const group = payload.merge_group as { head_sha?: string } | undefined
  const fromEvent =
    event.name === 'push' && typeof payload.after === 'string' && !ZERO.test(payload.after)
      ? payload.after
      : event.name.startsWith('pull_request') && pr?.head?.sha
        ? pr.head.sha
        : event.name === 'merge_group' && group?.head_sha
          ? group.head_sha
          : undefined
  const wanted = request.head ?? fromEvent ?? event.sha ?? 'HEAD'
  const sha = await history.resolve(wanted)
  if (sha) return sha
  if (request.head !== undefined) {
    throw new ConfigError(
      `head "${wanted}" is not a commit, branch or tag in this repository or on origin`,
      { keyPath: 'with.head' },
      'give a commit SHA, branch or tag that exists (and is fetched)'
    )
  }
  throw new OperationError(
    `the head commit ${wanted} is not in the checkout and could not be fetched from origin`
  )
}

async function explicitBase(base: string, head: string, history: History, logger: Logger): Promise<BasePlan> {
  const sha = await history.resolve(base)
  if (!sha) {
    throw new ConfigError(
      `base "${base}" is not a commit, branch or tag in this repository or on origin`,
      { keyPath: 'with.base' },
      'give a commit SHA, branch or tag that exists; for a shallow checkout fetch it first or use "fetch-depth: 0"'
    )
  }
  const mergeBase = await history.mergeBase(sha, head)
  if (mergeBase.found) return { kind: 'diff', base: mergeBase.sha, head, source: 'input' }
  logger.warning(
    mergeBase.why === 'unrelated'
      ? `base ${base} and head share no history; comparing the two trees directly`
      : `no merge base of ${base} and the head within the fetch bound; comparing the two trees directly (${FETCH_DEPTH_HINT})`
  )
  return { kind: 'diff', base: sha, head, source: 'input' }
}

async function pushBase(request: BaseRequest, head: string, history: History): Promise<BasePlan> {
  const payload = request.event.payload
  const ref = String(payload.ref ?? request.event.ref ?? '')
  if (ref.startsWith('refs/tags/')) return tagBase(ref.slice('refs/tags/'.length), request, head, history)
  const before = typeof payload.before === 'string' ? payload.before : ''
  if (before && !ZERO.test(before) && payload.forced !== true) {
    const sha = await history.resolve(before)
    // A rewritten branch can leave `before` unreachable or off the new line: never diff from it then.
    if (sha && (await history.isAncestor(sha, head)) !== false)
      return { kind: 'diff', base: sha, head, source: 'push-before' }
  }
  return newOrRewrittenBranchBase(request, head, history)
}

/** New branch or force push: the parent of the oldest pushed commit, else the default branch's merge base. */
async function newOrRewrittenBranchBase(
  request: BaseRequest,
  head: string,
  history: History
): Promise<BasePlan> {
  const payload = request.event.payload
  const commits = Array.isArray(payload.commits) ? (payload.commits as { id?: unknown }[]) : []
  const oldest = commits[0]?.id
  if (commits.length > 0 && commits.length < PUSH_COMMITS_LIMIT && typeof oldest === 'string') {
    const sha = await history.resolve(oldest)
    if (sha) {
      const [parent] = await history.parentsOf(sha)
      if (parent === undefined) {
        return {
          kind: 'all',
          base: await history.emptyTree(),
          head,
          source: 'empty-tree',
          reason: 'initial',
          detail: 'the first commit of the repository: every file is new'
        }
      }
      const parentSha = await history.resolve(parent)
      if (parentSha) return { kind: 'diff', base: parentSha, head, source: 'oldest-pushed-parent' }
    }
  }
  const repository = payload.repository as { default_branch?: unknown } | undefined
  const defaultBranch = typeof repository?.default_branch === 'string' ? repository.default_branch : undefined
  if (defaultBranch) {
    const tip = await history.branchTip(defaultBranch)
    if (tip) {
      const mergeBase = await history.mergeBase(tip, head)
      if (mergeBase.found) return { kind: 'diff', base: mergeBase.sha, head, source: 'default-merge-base' }
    }
  }
  return unavailable(
    head,
    `the pushed branch's starting point (parent of its oldest commit, or its merge base with ${defaultBranch ?? 'the default branch'}) is not in the fetched history`
  )
}

async function tagBase(tag: string, request: BaseRequest, head: string, history: History): Promise<BasePlan> {
  const slash = tag.indexOf('/')
  const service = slash > 0 ? tag.slice(0, slash) : undefined
  if (service && request.services.includes(service) && tag.slice(slash + 1).startsWith('v')) {
    return { kind: 'service', base: '', head, source: 'release-tag', service, detail: `release tag ${tag}` }
  }
  const previous = await history.previousTag(head, request.tagPattern)
  if (previous) return { kind: 'diff', base: previous, head, source: 'previous-tag' }
  return {
    kind: 'all',
    base: '',
    head,
    source: 'no-base',
    reason: 'fallback',
    detail: `no earlier tag matching ${request.tagPattern} is reachable from ${tag} (tags need history: "fetch-depth: 0" and "fetch-tags: true")`
  }
}

async function pullRequestBase(
  payload: Record<string, unknown>,
  head: string,
  history: History
): Promise<BasePlan> {
  const pr = payload.pull_request as { base?: { sha?: unknown } } | undefined
  const baseSha = typeof pr?.base?.sha === 'string' ? await history.resolve(pr.base.sha) : undefined
  if (!baseSha) return unavailable(head, 'the pull request base commit could not be fetched')
  const mergeBase = await history.mergeBase(baseSha, head)
  if (mergeBase.found) return { kind: 'diff', base: mergeBase.sha, head, source: 'pr-merge-base' }
  if (mergeBase.why === 'unrelated') return { kind: 'diff', base: baseSha, head, source: 'pr-merge-base' }
  const fallback = unavailable(
    head,
    'the merge base of the pull request was not found within max-fetch-depth'
  )
  const number = (payload.pull_request as { number?: unknown } | undefined)?.number
  return typeof number === 'number' ? { kind: 'pr-files', base: baseSha, head, number, fallback } : fallback
}

async function mergeGroupBase(
  payload: Record<string, unknown>,
  head: string,
  history: History
): Promise<BasePlan> {
  const group = payload.merge_group as { base_sha?: unknown } | undefined
  const base = typeof group?.base_sha === 'string' ? await history.resolve(group.base_sha) : undefined
  if (!base) return unavailable(head, 'the merge queue base commit could not be fetched')
  return { kind: 'diff', base, head, source: 'merge-group' }
}

function unavailable(head: string, why: string): BasePlan {
  return {
    kind: 'all',
    base: '',
    head,
    source: 'history-unavailable',
    reason: 'fallback',
    detail: `${why}; every service is selected (${FETCH_DEPTH_HINT})`
  }
}
