import { diffConfigs, type ConfigDifference } from '../../core/config/diff-config.js'
import type { ConfigFormat, ConfigResolution, ValueSource } from '../../core/config/model.js'
import { configLeaves } from '../../core/config/leaves.js'
import { resolveConfig } from '../../core/config/resolve-config.js'
import { describeSource } from '../../core/config/summary.js'
import { loadManifest } from '../../core/manifest/load-manifest.js'
import { UsageError } from '../args.js'
import { booleanParam, printJson, stringParam, type Command, type CommandContext } from '../command.js'

const FORMATS: readonly ConfigFormat[] = ['dotenv', 'json', 'yaml']

export const configCommand: Command = {
  name: 'config',
  summary: "print a service's effective configuration for an environment, or diff two environments",
  examples: [
    'shipline config catalog --environment staging',
    'shipline config catalog --environment production --explain',
    'shipline config catalog environment=staging --format dotenv -- log_level=debug',
    'shipline config diff staging production --service catalog'
  ],
  params: [
    { name: 'environment', kind: 'string', description: 'environment to resolve for', placeholder: 'env' },
    { name: 'service', kind: 'string', aliases: ['artifact'], description: 'service (for diff)' },
    { name: 'explain', kind: 'boolean', description: 'show where each value comes from' },
    {
      name: 'format',
      kind: 'string',
      description: 'print the config as a file (dotenv, json or yaml), secrets as references',
      placeholder: 'format'
    },
    {
      name: 'check-secrets',
      kind: 'boolean',
      description: 'fail unless every referenced secret is set in the environment (values are never printed)'
    }
  ],
  positionals: [
    { name: 'service', description: 'the service, or "diff <env-a> <env-b>"', required: true },
    {
      name: 'overrides',
      description: 'key=value overrides after "--", which win over every file',
      variadic: true
    }
  ],
  async run(context) {
    const [first, ...rest] = context.positionals
    if (first === 'diff') return runDiff(context, rest)
    return runShow(context, first as string, rest)
  }
}

function runShow(context: CommandContext, service: string, overrides: string[]): number {
  const environment = stringParam(context, 'environment')
  if (!environment) throw new UsageError('say which environment: --environment <env>')
  const format = stringParam(context, 'format')
  if (format !== undefined && !FORMATS.includes(format as ConfigFormat))
    throw new UsageError(`--format takes ${FORMATS.join(', ')}, not "${format}"`)
  const config = resolveConfig({
    manifest: loadManifest(context.repo),
    service,
    environment,
    overrides,
    overridesOrigin: 'command line',
    env: context.env,
    logger: context.logger,
    secrets: booleanParam(context, 'check-secrets') ? 'check' : 'none'
  })
  const explain = booleanParam(context, 'explain')
  if (format) {
    context.terminal.line(config.render(format as ConfigFormat, { withSecrets: false }).replace(/\n$/, ''))
  } else if (context.json) {
    printJson(context, {
      service: config.service,
      environment: config.environment,
      values: config.values,
      ...(explain ? { sources: config.sources } : {}),
      secrets: config.secrets,
      hash: config.hash,
      hosts: config.hosts
    })
  } else printForPeople(context, config, explain)
  return 0
}

function printForPeople(context: CommandContext, config: ConfigResolution, explain: boolean): void {
  const t = context.terminal
  t.line(t.bold(`${config.service} in ${config.environment}`) + t.dim(` (${config.hash})`))
  const leaves = configLeaves(config.values)
  const width = Math.min(40, Math.max(0, ...leaves.map((l) => l.key.length)))
  for (const leaf of leaves) {
    // JSON-quoted so a newline or escape sequence in a value stays visible and inert.
    const value = JSON.stringify(leaf.value)
    const source = explain ? `  ${t.dim(describeSource(config.sources[leaf.key]))}` : ''
    t.line(`  ${leaf.key.padEnd(width)} = ${value}${source}`)
  }
  if (config.secrets.length) t.line(`secrets referenced: ${config.secrets.join(', ')}`)
  t.line(
    config.hosts.length
      ? `hosts: ${config.hosts.map((h) => `${h.host} (${h.group})`).join(', ')}`
      : 'hosts: none in this environment'
  )
}

function runDiff(context: CommandContext, words: string[]): number {
  const [left, right, ...extra] = words
  if (!left || !right || extra.length)
    throw new UsageError('write: shipline config diff <env-a> <env-b> --service <service>')
  const service = stringParam(context, 'service')
  if (!service) throw new UsageError('say which service to compare: --service <service>')
  const manifest = loadManifest(context.repo)
  const resolve = (environment: string) =>
    resolveConfig({ manifest, service, environment, logger: context.logger, secrets: 'none' })
  const a = resolve(left)
  const b = resolve(right)
  const differences = diffConfigs(a, b)
  if (context.json) {
    printJson(context, {
      service: a.service,
      left: { environment: a.environment, hash: a.hash },
      right: { environment: b.environment, hash: b.hash },
      differences
    })
    return 0
  }
  const t = context.terminal
  t.line(
    differences.length
      ? `${differences.length} difference(s) in ${a.service} between ${a.environment} and ${b.environment}:`
      : `${a.service} has the same config in ${a.environment} and ${b.environment}`
  )
  const width = Math.max(a.environment.length, b.environment.length) + 1
  for (const d of differences) {
    t.line(`  ${t.bold(d.key)}`)
    t.line(`    ${`${a.environment}:`.padEnd(width)} ${sideText(d.left)}`)
    t.line(`    ${`${b.environment}:`.padEnd(width)} ${sideText(d.right)}`)
  }
  return 0
}

function sideText(side: ConfigDifference['left']): string {
  if (!side) return '(not set)'
  return `${JSON.stringify(side.value)}  ${describeSource(side.source as ValueSource | undefined)}`
}
