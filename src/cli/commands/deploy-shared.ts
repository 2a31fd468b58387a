/** What deploy, rollback, status, stop and unlock share on the command line. */
import { userInfo } from 'node:os'
import path from 'node:path'
import type { DeployServices } from '../../core/deploy/entry.js'
import type { Deployment } from '../../core/deploy/model.js'
import { deploymentTable } from '../../core/deploy/summary.js'
import { recorderFromEnvironment } from '../../platform/github-deployments.js'
import type { ParamSpec } from '../args.js'
import { printJson, stringParam, type CommandContext } from '../command.js'

export const targetParams: ParamSpec[] = [
  {
    name: 'artifact',
    kind: 'string',
    aliases: ['service'],
    description: 'the service',
    required: true,
    placeholder: 'service'
  },
  {
    name: 'environment',
    kind: 'string',
    description: 'target environment',
    required: true,
    placeholder: 'env'
  }
]

export const artifactsDirParam: ParamSpec = {
  name: 'artifacts-dir',
  kind: 'string',
  description: 'folder holding builds (<service>/<version>/artifact.json)',
  default: '.shipline/artifacts',
  placeholder: 'dir'
}

export function actorOf(env: NodeJS.ProcessEnv): string {
  if (env['GITHUB_ACTOR']) return env['GITHUB_ACTOR']
  try {
    return env['USER'] ?? userInfo().username
  } catch {
    return 'unknown'
  }
}

export function target(context: CommandContext): { service: string; environment: string; actor: string } {
  return {
    service: stringParam(context, 'artifact') as string,
    environment: stringParam(context, 'environment') as string,
    actor: actorOf(context.env)
  }
}

export function deployServices(context: CommandContext): DeployServices {
  const artifactsDir = path.resolve(
    context.repo,
    stringParam(context, 'artifacts-dir') ?? '.shipline/artifacts'
  )
  // Not tied to the cancel signal: after Ctrl-C the final status must still reach GitHub.
  const recorder = recorderFromEnvironment(context.env, context.env['GITHUB_TOKEN'], context.logger)
  return {
    repo: context.repo,
    artifactsDir,
    exec: context.exec,
    logger: context.logger,
    env: context.env,
    signal: context.signal,
    ...(recorder ? { recorder } : {})
  }
}

/** Prints a deployment and returns the exit code: 0 success or no-op, 3 when a rollback failed, 1 otherwise. */
export function reportDeployment(context: CommandContext, deployment: Deployment): number {
  if (context.json) printJson(context, deployment)
  else for (const line of deploymentTable(deployment)) context.terminal.line(line)
  if (deployment.result === 'success' || deployment.result === 'no-op') return 0
  if (deployment.rollbackFailed) {
    context.logger.error(
      'putting hosts back failed too: look at the hosts named above before deploying again'
    )
    return 3
  }
  context.logger.error(
    `${deployment.service} ${deployment.version} to ${deployment.environment}: ${deployment.result}`
  )
  return 1
}
