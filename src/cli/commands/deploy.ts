import { deployService } from '../../core/deploy/entry.js'
import { UsageError } from '../args.js'
import { booleanParam, printJson, stringParam, type Command } from '../command.js'
import { artifactsDirParam, deployServices, reportDeployment, target, targetParams } from './deploy-shared.js'

function positiveInteger(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined
  if (!/^[1-9][0-9]{0,2}$/.test(value))
    throw new UsageError(`--${name} takes a whole number from 1 to 999, not "${value}"`)
  return Number(value)
}

function durationMs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const match = /^([0-9]+)(ms|s|m|h)?$/.exec(value)
  if (!match) throw new UsageError(`--lock-timeout takes a duration such as 30s or 5m, not "${value}"`)
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h']
  return Number(match[1]) * unit
}

export const deployCommand: Command = {
  name: 'deploy',
  summary: 'deploy one version of a service to an environment, host by host, health-gated',
  examples: [
    'shipline deploy artifact=catalog environment=prod version=b456',
    'shipline deploy artifact=catalog environment=staging version=latest --dry-run',
    'shipline deploy artifact=catalog environment=local version=local'
  ],
  params: [
    ...targetParams,
    {
      name: 'version',
      kind: 'string',
      description: 'a build version, a sha256: digest, latest or local',
      required: true
    },
    { name: 'dry-run', kind: 'boolean', description: 'print the plan and check it, change nothing' },
    {
      name: 'max-parallel',
      kind: 'string',
      description: "hosts switched at a time (default: the environment's)",
      placeholder: 'n'
    },
    {
      name: 'lock-timeout',
      kind: 'string',
      description: "how long to wait for another deploy (default: the environment's)",
      placeholder: 'duration'
    },
    artifactsDirParam
  ],
  async run(context) {
    const { service, environment, actor } = target(context)
    const maxParallel = positiveInteger(stringParam(context, 'max-parallel'), 'max-parallel')
    const lockTimeoutMs = durationMs(stringParam(context, 'lock-timeout'))
    const dryRun = booleanParam(context, 'dry-run')
    const outcome = await deployService(
      {
        service,
        environment,
        version: stringParam(context, 'version') as string,
        dryRun,
        actor,
        ...(maxParallel !== undefined ? { maxParallel } : {}),
        ...(lockTimeoutMs !== undefined ? { lockTimeoutMs } : {})
      },
      deployServices(context)
    )
    if (outcome.checks) {
      const failed = outcome.checks.filter((c) => !c.ok)
      if (context.json) printJson(context, { plan: outcome.plan, checks: outcome.checks })
      else {
        for (const line of outcome.planText) context.terminal.line(line)
        context.terminal.line('checks:')
        for (const c of outcome.checks)
          context.terminal.line(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.check}: ${c.detail}`)
        context.terminal.line(
          failed.length
            ? `dry run: ${failed.length} check(s) failed; nothing changed`
            : 'dry run: nothing changed'
        )
      }
      return failed.length ? 1 : 0
    }
    if (!context.json) for (const line of outcome.planText) context.logger.info(line)
    return reportDeployment(context, outcome.deployment!)
  }
}
