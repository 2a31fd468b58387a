import type { Git } from '../../platform/git.js'
import type { Logger } from '../../platform/logger.js'
import { SERVICE_FILE } from '../manifest/load-manifest.js'
import type { Manifest } from '../manifest/types.js'
import { findDeletedServices } from './deleted-services.js'
import type { ChangeStatus, SelectionReason } from './model.js'
import type { OwnerGraph } from './owner-graph.js'
import { propagateToDependents } from './propagate.js'
import { streamTreeDiff } from './tree-diff.js'

/** How many file names a reason keeps; `more` counts the rest (job outputs are limited to 1 MB). */
export const FILES_PER_REASON = 20

export interface AnalysisContext {
  git: Git
  manifest: Manifest
  graph: OwnerGraph
  /** Manifest root relative to the git top level, with a trailing `/` ('' at the top level). */
  prefix: string
  logger: Logger
}

export interface DiffAnalysis {
  /** Services the diff selects, with their reasons (deleted services excluded). */
  reasons: Map<string, SelectionReason[]>
  deleted: string[]
  /** Every unowned path, in git's (byte) order. */
  unowned: string[]
  changedFiles: number
}

interface Bucket {
  files: string[]
  count: number
  root: boolean
  glob: boolean
}

/** Collects one diff's paths as they stream: per owner, global files, unowned files, deletion clues. */
class ChangeCollector {
  readonly buckets = new Map<number, Bucket>()
  readonly config: Bucket = bucket()
  readonly global: Bucket = bucket()
  readonly unowned: string[] = []
  readonly removedServiceFiles: string[] = []

  constructor(private readonly graph: OwnerGraph) {}

  add = (status: ChangeStatus, path: string): void => {
    if (status === 'D' && (path === SERVICE_FILE || path.endsWith(`/${SERVICE_FILE}`))) {
      this.removedServiceFiles.push(path.slice(0, Math.max(0, path.length - SERVICE_FILE.length - 1)))
    }
    const kind = this.graph.globals.classify(path)
    if (kind) record(kind === 'config' ? this.config : this.global, path)
    const owned = this.graph.index.owners(path, (node, how) => {
      let b = this.buckets.get(node)
      if (!b) this.buckets.set(node, (b = bucket()))
      record(b, path)
      if (how === 'root') b.root = true
      else b.glob = true
    })
    if (!owned && !kind) this.unowned.push(path)
  }
}

function bucket(): Bucket {
  return { files: [], count: 0, root: false, glob: false }
}

function record(b: Bucket, path: string): void {
  if (b.files.length < FILES_PER_REASON) b.files.push(path)
  b.count++
}

/** Feeds changed paths (manifest-relative) into a sink and returns how many paths there were. */
export type ChangeFeed = (sink: (status: ChangeStatus, path: string) => void) => Promise<number>

/** Diffs base..head and turns the changed paths into per-service reasons. */
export function analyseDiff(ctx: AnalysisContext, base: string, head: string): Promise<DiffAnalysis> {
  return analyseChanges(ctx, base, (sink) => streamTreeDiff(ctx.git, base, head, ctx.prefix, sink))
}

/**
 * Turns changed paths into per-service reasons. `base` is where removed service definitions are
 * read from (to name deleted services).
 */
export async function analyseChanges(
  ctx: AnalysisContext,
  base: string,
  feed: ChangeFeed
): Promise<DiffAnalysis> {
  const { graph } = ctx
  const collector = new ChangeCollector(graph)
  const changedFiles = await feed(collector.add)

  const deleted = await findDeletedServices(
    ctx.git,
    ctx.manifest,
    base,
    ctx.prefix,
    { removedServiceFiles: collector.removedServiceFiles, manifestChanged: collector.config.count > 0 },
    ctx.logger
  )
  const deletedNames = new Set(deleted.map((d) => d.name))
  const deletedRoots = deleted.map((d) => `${d.path}/`)
  const unowned = deletedRoots.length
    ? collector.unowned.filter((f) => !deletedRoots.some((root) => f.startsWith(root)))
    : collector.unowned

  const reasons = new Map<string, SelectionReason[]>()
  const add = (service: string, reason: SelectionReason) => {
    if (!graph.services.has(service) || deletedNames.has(service)) return
    const list = reasons.get(service)
    if (list) list.push(reason)
    else reasons.set(service, [reason])
  }

  for (const [kind, b] of [
    ['config', collector.config],
    ['global', collector.global]
  ] as const) {
    if (b.count === 0) continue
    const reason: SelectionReason = {
      kind,
      files: b.files,
      more: b.count - b.files.length,
      detail:
        kind === 'config'
          ? `${ctx.manifest.file} changed: service definitions may have moved, so every service is selected`
          : `global file${b.count > 1 ? 's' : ''} changed (${b.files.slice(0, 3).join(', ')}${b.count > 3 ? ', ...' : ''}): every service is selected`
    }
    for (const service of graph.services) add(service, reason)
  }

  const seeds: string[] = []
  const byName = new Map<string, Bucket>()
  for (const [index, b] of [...collector.buckets].sort(([a], [c]) => a - c)) {
    const node = graph.index.node(index)
    seeds.push(node.name)
    byName.set(node.name, b)
    if (node.kind !== 'service') continue
    const where =
      b.root && b.glob
        ? `under ${node.path}/ or matching its paths`
        : b.root
          ? `under ${node.path}/`
          : 'matching its paths patterns'
    add(node.name, {
      kind: 'file',
      files: b.files,
      more: b.count - b.files.length,
      detail: `${b.count} changed file${b.count === 1 ? '' : 's'} ${where}`
    })
  }

  const reached = propagateToDependents(graph.dependsOn, seeds)
  for (const [name, chain] of [...reached].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const seed = chain[0] as string
    const b = byName.get(seed) as Bucket
    add(name, {
      kind: 'dependency',
      files: b.files,
      more: b.count - b.files.length,
      via: chain,
      detail: `depends on ${seed}, which changed (${b.count} file${b.count === 1 ? '' : 's'}): ${chain.join(' -> ')}`
    })
  }
  return { reasons, deleted: [...deletedNames], unowned, changedFiles }
}
