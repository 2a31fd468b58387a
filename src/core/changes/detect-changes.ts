import { realpathSync } from 'node:fs'
import path from 'node:path'
import { ConfigError, errorMessage, OperationError } from '../errors.js'
import { findEnvironment } from '../manifest/load-manifest.js'
import type { Manifest } from '../manifest/types.js'
import type { Git } from '../../platform/git.js'
import type { Logger } from '../../platform/logger.js'
import { selectBase, type BaseRequest, type BasePlan } from './base-selection.js'
import { analyseChanges, analyseDiff, type AnalysisContext, type DiffAnalysis } from './diff-analysis.js'
import { History } from './history.js'
import type { BaseSource, ChangeSet, SelectionReason } from './model.js'
import { buildOwnerGraph, type OwnerGraph } from './owner-graph.js'
import { byteOrder } from './propagate.js'
import {
  feedPullRequestFiles,
  PULL_REQUEST_FILES_CAP,
  type PullRequestFile,
  type PullRequestFiles
} from './pull-request-files.js'

/** What change detection needs from GitHub's deployment records (only for `since: last-deployment`). */
export interface DeploymentHistory {
  /** The commit of the newest deployment of `service` to `environment` whose latest status is success. */
  lastSuccessfulSha(service: string, environment: string): Promise<string | undefined>
}

export type UnownedPolicy = 'ignore' | 'warn' | 'all' | 'fail'

export interface DetectOptions {
  manifest: Manifest
  /** A Git whose working directory is inside the repository (normally the manifest root). */
  git: Git
  logger: Logger
  request: Omit<BaseRequest, 'services'>
  maxFetchDepth: number
  unowned: UnownedPolicy
  deployments?: DeploymentHistory
  /** Optional fast path for pull requests whose merge base is out of reach. */
  pullRequestFiles?: PullRequestFiles
}

/** The listed unowned files are capped; `unownedMore` counts the rest. */
export const UNOWNED_LISTED = 100

export interface Detection {
  changes: ChangeSet
  graph: OwnerGraph
}

/**
 * The change-detection stage: event -> base and head -> diff -> owners -> dependents -> ChangeSet.
 * Fails (OperationError) when git fails; falls back to "every service" with the reason stated when
 * history is missing; never reports "no changes" for a diff it could not compute.
 */
export async function detectChanges(options: DetectOptions): Promise<Detection> {
  const { manifest, git, logger } = options
  const history = new History(git, logger, options.maxFetchDepth)
  const prefix = manifestPrefix(await history.topLevel(), manifest.root)
  const graph = buildOwnerGraph(manifest, logger)
  const request: BaseRequest = { ...options.request, services: manifest.services.map((s) => s.name) }
  const plan = await selectBase(request, history, logger)
  const ctx: AnalysisContext = { git, manifest, graph, prefix, logger }
  const changes = await changesFor(plan, ctx, history, options)
  applyUnownedPolicy(changes, graph, options.unowned, logger)
  return { changes, graph }
}

async function changesFor(
  plan: BasePlan,
  ctx: AnalysisContext,
  history: History,
  options: DetectOptions
): Promise<ChangeSet> {
  const all = [...ctx.graph.services].sort(byteOrder)
  switch (plan.kind) {
    case 'none':
      ctx.logger.notice(plan.detail)
      return emptySet(plan.base, plan.head, plan.source, plan.detail)
    case 'all': {
      const reason: SelectionReason = { kind: plan.reason, files: [], more: 0, detail: plan.detail }
      if (plan.reason === 'fallback') ctx.logger.warning(`every service is selected: ${plan.detail}`)
      return {
        ...emptySet(plan.base, plan.head, plan.source, plan.detail),
        fallback: plan.reason === 'fallback',
        services: all,
        reasons: Object.fromEntries(all.map((s) => [s, [reason]]))
      }
    }
    case 'service':
      return {
        ...emptySet(plan.base, plan.head, plan.source, plan.detail),
        services: [plan.service],
        reasons: { [plan.service]: [{ kind: 'tag', files: [], more: 0, detail: plan.detail }] }
      }
    case 'diff': {
      if (plan.base === plan.head) {
        const note = `base and head are the same commit (${plan.head.slice(0, 12)}): nothing changed`
        ctx.logger.notice(note)
        return emptySet(plan.base, plan.head, plan.source, note)
      }
      return fromAnalysis(plan.base, plan.head, plan.source, await analyseDiff(ctx, plan.base, plan.head))
    }
    case 'pr-files': {
      const listed = await listPullRequestFiles(plan.number, options.pullRequestFiles, ctx.logger)
      if (!listed) return changesFor(plan.fallback, ctx, history, options)
      ctx.logger.notice(
        `the merge base of pull request #${plan.number} is beyond max-fetch-depth; using its file list from the API (${listed.length} files)`
      )
      const analysis = await analyseChanges(ctx, plan.base, async (sink) =>
        feedPullRequestFiles(listed, ctx.prefix, sink)
      )
      return fromAnalysis(plan.base, plan.head, 'pr-files-api', analysis)
    }
    case 'per-service':
      // Environment names are compared without case, as everywhere in the manifest.
      return sinceLastDeployment(
        plan.head,
        findEnvironment(ctx.manifest, plan.environment).name,
        ctx,
        history,
        options.deployments
      )
  }
}

function fromAnalysis(base: string, head: string, source: BaseSource, analysis: DiffAnalysis): ChangeSet {
  const services = [...analysis.reasons.keys()].sort(byteOrder)
  return {
    base,
    head,
    baseSource: source,
    fallback: false,
    services,
    reasons: Object.fromEntries(services.map((s) => [s, analysis.reasons.get(s) ?? []])),
    deleted: analysis.deleted,
    unowned: analysis.unowned,
    unownedMore: 0,
    changedFiles: analysis.changedFiles
  }
}

/** The API file list if it can be trusted (complete, readable); undefined sends the caller to its fallback. */
async function listPullRequestFiles(
  number: number,
  api: PullRequestFiles | undefined,
  logger: Logger
): Promise<PullRequestFile[] | undefined> {
  if (!api) return undefined
  try {
    const { files, complete } = await api.list(number)
    if (complete) return files
    logger.warning(
      `the file list of pull request #${number} is truncated (GitHub lists at most ${PULL_REQUEST_FILES_CAP} files); not used`
    )
  } catch (error) {
    logger.warning(`could not read the file list of pull request #${number}: ${errorMessage(error)}`)
  }
  return undefined
}

/**
 * Each service against the commit last deployed successfully to the environment, so a service
 * whose last deploy failed is picked again even though a later run deployed the others.
 * Services sharing a base share one diff.
 */
async function sinceLastDeployment(
  head: string,
  environment: string,
  ctx: AnalysisContext,
  history: History,
  deployments: DeploymentHistory | undefined
): Promise<ChangeSet> {
  if (!deployments) {
    throw new ConfigError(
      'since: last-deployment reads GitHub deployments, but no GitHub access is configured',
      { keyPath: 'with.token' },
      'pass a token with "deployments: read" permission'
    )
  }
  const result = emptySet('', head, 'last-deployment')
  const reasons = new Map<string, SelectionReason[]>()
  const groups = new Map<string, string[]>()
  const bases: Record<string, string> = {}
  for (const service of [...ctx.graph.services].sort(byteOrder)) {
    const deployed = await deployments.lastSuccessfulSha(service, environment)
    if (!deployed) {
      reasons.set(service, [
        {
          kind: 'last-deployment',
          files: [],
          more: 0,
          detail: `never deployed successfully to ${environment}`
        }
      ])
      continue
    }
    const base = await history.resolve(deployed)
    if (!base) {
      result.fallback = true
      reasons.set(service, [
        {
          kind: 'fallback',
          files: [],
          more: 0,
          detail: `its last successful deployment to ${environment} (${deployed.slice(0, 12)}) is not in the fetched history`
        }
      ])
      continue
    }
    bases[service] = base
    const group = groups.get(base)
    if (group) group.push(service)
    else groups.set(base, [service])
  }
  const deleted = new Set<string>()
  const unowned = new Set<string>()
  for (const [base, services] of [...groups].sort(([a], [b]) => byteOrder(a, b))) {
    if (base === head) continue
    const analysis = await analyseDiff(ctx, base, head)
    result.changedFiles += analysis.changedFiles
    analysis.deleted.forEach((d) => deleted.add(d))
    analysis.unowned.forEach((f) => unowned.add(f))
    for (const service of services) {
      const own = analysis.reasons.get(service)
      if (!own) continue
      reasons.set(service, [
        {
          kind: 'last-deployment',
          files: [],
          more: 0,
          detail: `changed since its last successful deployment to ${environment} (${base.slice(0, 12)})`
        },
        ...own
      ])
    }
  }
  const distinct = new Set(Object.values(bases))
  result.base = distinct.size === 1 ? ([...distinct][0] as string) : ''
  result.bases = bases
  result.services = [...reasons.keys()].sort(byteOrder)
  result.reasons = Object.fromEntries(result.services.map((s) => [s, reasons.get(s) ?? []]))
  result.deleted = [...deleted].sort(byteOrder)
  result.unowned = [...unowned].sort(byteOrder)
  return result
}

function applyUnownedPolicy(
  changes: ChangeSet,
  graph: OwnerGraph,
  policy: UnownedPolicy,
  logger: Logger
): void {
  const files = changes.unowned
  if (files.length > 0) {
    const sample = files
      .slice(0, 5)
      .map((f) => JSON.stringify(f))
      .join(', ')
    const summary = `${files.length} changed file${files.length === 1 ? '' : 's'} belong${files.length === 1 ? 's' : ''} to no service, shared folder or global pattern: ${sample}${files.length > 5 ? ', ...' : ''}`
    if (policy === 'fail') {
      throw new ConfigError(
        summary,
        { keyPath: 'with.unowned' },
        'add the files to a service\'s "paths", a shared folder or "global" in shipline.yml, or set unowned: warn'
      )
    }
    if (policy === 'warn') logger.warning(summary)
    if (policy === 'all') {
      const reason: SelectionReason = {
        kind: 'global',
        files: files.slice(0, 20),
        more: Math.max(0, files.length - 20),
        detail: `${files.length} changed file${files.length === 1 ? '' : 's'} no service owns, and unowned is "all"`
      }
      for (const service of graph.services) {
        if (changes.deleted.includes(service)) continue
        ;(changes.reasons[service] ??= []).push(reason)
      }
      changes.services = Object.keys(changes.reasons).sort(byteOrder)
      changes.reasons = Object.fromEntries(changes.services.map((s) => [s, changes.reasons[s] ?? []]))
    }
  }
  changes.unownedMore = Math.max(0, files.length - UNOWNED_LISTED)
  changes.unowned = files.slice(0, UNOWNED_LISTED)
}

function emptySet(base: string, head: string, source: BaseSource, note?: string): ChangeSet {
  return {
    base,
    head,
    baseSource: source,
    fallback: false,
    services: [],
    reasons: {},
    deleted: [],
    unowned: [],
    unownedMore: 0,
    changedFiles: 0,
    ...(note ? { note } : {})
  }
}

/** The manifest root relative to the git top level, as a path prefix ('' or 'sub/dir/'). */
function manifestPrefix(topLevel: string, root: string): string {
  const top = realpathSync(topLevel)
  const relative = path.relative(top, realpathSync(root)).split(path.sep).join('/')
  if (relative.startsWith('..'))
    throw new OperationError(`${root} is not inside the git repository at ${top}`)
  return relative ? `${relative}/` : ''
}
