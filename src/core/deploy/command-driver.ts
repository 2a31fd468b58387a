/**
 * The command provider: for platforms that are not hosts (kubectl, helm, a PaaS CLI). The
 * environment's `commands` are argv templates with named placeholders, filled per target and run
 * without a shell:
 *
 *   deploy   (required) makes a version live:  [kubectl, set, image, deploy/{service}, "app={image}"]
 *   health   (optional) exit 0 when healthy;   retried like an HTTP health check
 *   stop     (optional) stops the service
 *
 * Placeholders: {service} {environment} {version} {digest} {image} {artifact} {target} {host} {config}.
 * State, release records, audit lines and the lock live in a local folder per target
 * (`<root>/<environment>/<target>/<service>`), since the platform keeps no such files for us.
 */
import { ConfigError, OperationError } from '../errors.js'
import type { Exec } from '../../platform/exec.js'
import type { HealthSpec } from '../manifest/types.js'
import { sleep, type HealthResult } from './health-check.js'
import { readReleaseInfo, readState } from './host-state.js'
import type { HostContext, ReleaseDriver } from './release-driver.js'
import type { ResolvedArtifact } from './model.js'

export const COMMAND_PLACEHOLDERS = [
  'service',
  'environment',
  'version',
  'digest',
  'image',
  'artifact',
  'target',
  'host',
  'config'
] as const

const KNOWN_TEMPLATES = ['deploy', 'health', 'stop']

/** Refuses unknown template names and placeholders before anything runs. */
export function checkCommandTemplates(commands: Record<string, string[]> | undefined, file: string): void {
  if (!commands?.['deploy']) {
    throw new ConfigError(
      'the command provider needs a "deploy" command',
      { file, keyPath: 'environments.commands' },
      'add commands: { deploy: [your-cli, ..., "{version}"] }'
    )
  }
  for (const [name, argv] of Object.entries(commands)) {
    if (!KNOWN_TEMPLATES.includes(name))
      throw new ConfigError(
        `unknown command "${name}"`,
        { file, keyPath: `commands.${name}` },
        `use ${KNOWN_TEMPLATES.join(', ')}`
      )
    for (const word of argv) {
      for (const match of word.matchAll(/\{([^{}]*)\}/g)) {
        if (!(COMMAND_PLACEHOLDERS as readonly string[]).includes(match[1]!)) {
          throw new ConfigError(
            `unknown placeholder {${match[1]}} in commands.${name}`,
            { file, keyPath: `commands.${name}` },
            `use ${COMMAND_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}`
          )
        }
      }
    }
  }
}

/** Fills one argv template; every placeholder stays inside its own argument. */
export function fillTemplate(argv: readonly string[], values: Record<string, string>): string[] {
  return argv.map((word) => word.replace(/\{([a-z]+)\}/g, (whole, name: string) => values[name] ?? whole))
}

export class CommandDriver implements ReleaseDriver {
  constructor(
    private readonly commands: Record<string, string[]>,
    private readonly names: { service: string; environment: string },
    private readonly exec: Exec,
    private readonly health_: HealthSpec | undefined
  ) {}

  private async values(context: HostContext, version: string): Promise<Record<string, string>> {
    const info = await readReleaseInfo(context.access, context.layout, version)
    return {
      service: this.names.service,
      environment: this.names.environment,
      version,
      digest: info?.digest ?? '',
      image: info?.image ?? '',
      artifact: info?.artifact ?? '',
      target: context.host.target ?? context.host.name,
      host: context.host.name,
      config: context.layout.releaseConfig(version)
    }
  }

  private async runTemplate(
    name: string,
    context: HostContext,
    version: string
  ): Promise<{ ok: boolean; output: string }> {
    const template = this.commands[name]
    if (!template) return { ok: true, output: '' }
    const argv = fillTemplate(template, await this.values(context, version))
    const result = await this.exec.run(argv)
    const output = `${result.stdout}${result.stderr}`.trim().split('\n').slice(-3).join(' | ')
    return {
      ok: result.exitCode === 0,
      output: result.exitCode === 0 ? output : `exit ${result.exitCode}: ${output}`
    }
  }

  async install(context: HostContext, _artifact: ResolvedArtifact, configText: string): Promise<void> {
    await context.access.writeFileAtomic(context.layout.releaseConfig(_artifact.version), configText)
  }

  async hasRelease(context: HostContext, version: string): Promise<boolean> {
    return (await readReleaseInfo(context.access, context.layout, version)) !== undefined
  }

  async activate(context: HostContext, version: string): Promise<void> {
    const { ok, output } = await this.runTemplate('deploy', context, version)
    if (!ok) throw new OperationError(`${context.host.name}: the deploy command failed (${output})`)
  }

  async deactivate(context: HostContext): Promise<void> {
    const { current } = await readState(context.access, context.layout)
    const { ok, output } = await this.runTemplate('stop', context, current ?? '')
    if (!ok) throw new OperationError(`${context.host.name}: the stop command failed (${output})`)
  }

  async health(context: HostContext, signal?: AbortSignal): Promise<HealthResult> {
    const started = Date.now()
    if (!this.commands['health'])
      return { passed: true, attempts: 0, detail: 'no health command', durationMs: 0 }
    const retries = this.health_?.retries ?? 3
    let detail = ''
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (signal?.aborted)
        return { passed: false, attempts: attempt, detail: 'cancelled', durationMs: Date.now() - started }
      if (attempt > 0) await sleep(this.health_?.intervalMs ?? 1000, signal)
      const { current } = await readState(context.access, context.layout)
      const result = await this.runTemplate('health', context, current ?? '')
      detail = result.output || 'exit 0'
      if (result.ok) return { passed: true, attempts: attempt + 1, detail, durationMs: Date.now() - started }
    }
    return { passed: false, attempts: retries + 1, detail, durationMs: Date.now() - started }
  }

  async remove(context: HostContext, version: string): Promise<void> {
    await context.access.removeTree(context.layout.releaseInfo(version))
    await context.access.removeTree(context.layout.releaseConfig(version))
  }
}
