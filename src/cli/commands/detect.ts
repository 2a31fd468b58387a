import { readFileSync } from 'node:fs'
import path from 'node:path'
import { detectChanges, type UnownedPolicy } from '../../core/changes/detect-changes.js'
import { explainService } from '../../core/changes/explain.js'
import type { ChangeSet } from '../../core/changes/model.js'
import { matrixOf } from '../../core/changes/outputs.js'
import type { OwnerGraph } from '../../core/changes/owner-graph.js'
import { loadManifest } from '../../core/manifest/load-manifest.js'
import { Git } from '../../platform/git.js'
import { UsageError } from '../args.js'
import { printJson, stringParam, type Command, type CommandContext } from '../command.js'

const UNOWNED: readonly UnownedPolicy[] = ['ignore', 'warn', 'all', 'fail']

export const detectCommand: Command = {
  name: 'detect',
  summary: 'list the services a change touches (dependencies included) and why',
  examples: [
    'shipline detect --base main',
    'shipline detect base=HEAD~3 --json',
    'shipline detect --base main --explain catalog',
    'shipline detect --event payload.json --event-name pull_request'
  ],
  params: [
    {
      name: 'base',
      kind: 'string',
      description: 'commit, branch or tag to compare from (three-dot)',
      placeholder: 'rev'
    },
    {
      name: 'head',
      kind: 'string',
      description: "commit to compare to (default: the event's head, else HEAD)",
      placeholder: 'rev'
    },
    {
      name: 'explain',
      kind: 'string',
      description: 'say why one service was or was not selected',
      placeholder: 'service'
    },
    {
      name: 'event',
      kind: 'string',
      description:
        'replay a GitHub event payload (JSON file, relative to the current folder) as the action would',
      placeholder: 'file'
    },
    {
      name: 'event-name',
      kind: 'string',
      description:
        'the event the payload belongs to: push, pull_request, merge_group, workflow_dispatch, ...',
      placeholder: 'name'
    },
    {
      name: 'unowned',
      kind: 'string',
      description: 'changed files no service owns: ignore, warn, all (select every service) or fail',
      default: 'warn',
      placeholder: 'policy'
    },
    {
      name: 'max-fetch-depth',
      kind: 'string',
      description: 'how deep a shallow clone may be deepened to find a merge base',
      default: '1000',
      placeholder: 'n'
    },
    {
      name: 'tag-pattern',
      kind: 'string',
      description: 'glob of release tags (tag pushes compare with the previous one)',
      default: 'v*',
      placeholder: 'glob'
    }
  ],
  async run(context) {
    const base = stringParam(context, 'base')
    const head = stringParam(context, 'head')
    const eventFile = stringParam(context, 'event')
    const eventName = stringParam(context, 'event-name') ?? (eventFile ? undefined : '')
    if (eventFile && eventName === undefined)
      throw new UsageError('--event needs --event-name (push, pull_request, ...)')
    if (base === undefined && !eventFile) {
      throw new UsageError(
        'say what to compare: --base <rev> (and optionally --head <rev>), or --event <payload.json> --event-name <name>'
      )
    }
    const unowned = stringParam(context, 'unowned') as UnownedPolicy
    if (!UNOWNED.includes(unowned))
      throw new UsageError(`--unowned takes ${UNOWNED.join(', ')}, not "${unowned}"`)
    const depthText = stringParam(context, 'max-fetch-depth') ?? '1000'
    if (!/^\d{1,7}$/.test(depthText))
      throw new UsageError(`--max-fetch-depth takes a whole number, not "${depthText}"`)

    const manifest = loadManifest(context.repo)
    const { changes, graph } = await detectChanges({
      manifest,
      git: new Git(context.exec, context.repo),
      logger: context.logger,
      request: {
        event: {
          name: eventName ?? '',
          payload: eventFile ? readPayload(path.resolve(eventFile)) : {},
          ...(context.env.GITHUB_SHA ? { sha: context.env.GITHUB_SHA } : {})
        },
        ...(base !== undefined ? { base } : {}),
        ...(head !== undefined ? { head } : {}),
        tagPattern: stringParam(context, 'tag-pattern') ?? 'v*'
      },
      maxFetchDepth: Number(depthText),
      unowned
    })

    const explain = stringParam(context, 'explain')
    if (explain !== undefined) {
      const lines = explainService(changes, graph, explain)
      if (context.json) {
        printJson(context, {
          service: explain,
          selected: changes.services.includes(explain),
          reasons: changes.reasons[explain] ?? [],
          explanation: lines
        })
      } else lines.forEach((l) => context.terminal.line(l))
      return 0
    }
    if (context.json) printJson(context, { ...changes, matrix: matrixOf(changes, graph.servicePaths) })
    else printForPeople(context, changes, graph)
    return 0
  }
}

function readPayload(file: string): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw new UsageError(
      `--event ${file}: cannot read a JSON payload (${error instanceof Error ? error.message : String(error)})`
    )
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new UsageError(`--event ${file}: the payload must be a JSON object`)
  return value as Record<string, unknown>
}

/** File names are printed as JSON strings: a newline or escape sequence in a name stays visible and inert. */
function printForPeople(context: CommandContext, changes: ChangeSet, graph: OwnerGraph): void {
  const t = context.terminal
  const range = changes.base
    ? `${changes.base.slice(0, 12)}..${changes.head.slice(0, 12)}`
    : changes.head.slice(0, 12)
  t.line(
    `${t.bold('compared')} ${range} ${t.dim(`(base: ${changes.baseSource}; ${changes.changedFiles} changed paths)`)}`
  )
  if (changes.note) t.line(t.dim(changes.note))
  if (changes.fallback)
    t.line(t.yellow('fallback: every service is selected because the comparison could not be made'))
  if (changes.services.length === 0) t.line('no service needs to be built')
  else t.line(`${t.green(String(changes.services.length))} selected:`)
  for (const service of changes.services) {
    t.line(`  ${t.bold(service.padEnd(16))} ${graph.servicePaths.get(service) ?? ''}`)
    for (const reason of changes.reasons[service] ?? []) {
      t.line(`      ${reason.kind}: ${reason.detail}`)
      if (reason.files.length)
        t.line(
          t.dim(
            `        ${reason.files
              .slice(0, 3)
              .map((f) => JSON.stringify(f))
              .join(', ')}${reason.files.length + reason.more > 3 ? ', ...' : ''}`
          )
        )
    }
  }
  if (changes.deleted.length) t.line(`deleted (not built): ${changes.deleted.join(', ')}`)
  if (changes.unowned.length) {
    const total = changes.unowned.length + changes.unownedMore
    t.line(
      `${t.yellow(`${total} unowned`)}: ${changes.unowned
        .slice(0, 5)
        .map((f) => JSON.stringify(f))
        .join(', ')}${total > 5 ? ', ...' : ''}`
    )
  }
}
