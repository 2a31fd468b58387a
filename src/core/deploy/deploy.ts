/**
 * One deploy, start to finish: check the hosts answer, take the lock on the target, read what each
 * host runs, stop at a no-op when the version (same digest, same config) is already live
 * everywhere, otherwise record the deployment, roll out, write an audit line on every host, prune
 * old releases, record the result, and release the lock - on success, on failure and on
 * cancellation alike.
 */
import { errorMessage } from '../errors.js'
import type { Logger } from '../../platform/logger.js'
import { acquireLock, describeHolder, newHolder, releaseLock } from './deploy-lock.js'
import type { DeploymentRecorder } from './deployment-recorder.js'
import { canonicalJson } from '../canonical-json.js'
import { appendAudit, readState, releasesToPrune } from './host-state.js'
import type { Deployment, DeployPlan, HostResult, HostServiceState, LockHolder } from './model.js'
import type { HostContext, ReleaseDriver } from './release-driver.js'
import { rollOut } from './rollout.js'
import { closeHosts, openHosts, probeHosts, type HostOpener } from './targets.js'

export interface DeployDependencies {
  open: HostOpener
  driver: ReleaseDriver
  recorder?: DeploymentRecorder
  logger: Logger
  now: () => Date
  signal?: AbortSignal
  /** Called as soon as the lock is held (the action saves it so its post step can release it). */
  onLockAcquired?: (holder: LockHolder, plan: DeployPlan) => void
  /** Called once the lock is released. */
  onLockReleased?: () => void
  lockPollMs?: number
}

export interface DeployRun {
  actor: string
  runUrl?: string
  /** `deploy` or `rollback` (audit lines and messages). */
  action: 'deploy' | 'rollback'
  /** Install the artifact (deploy) or only switch to a release already on the hosts (rollback). */
  install: boolean
  /** Refuses before anything changes (rollback: the release must be on every host). */
  precheck?: (contexts: HostContext[], states: HostServiceState[]) => Promise<void>
  /** The config file written next to each release (secrets resolved); default: the plan's config. */
  configText?: string
}

function what(plan: DeployPlan): string {
  return `artifact=${plan.service} in environment=${plan.environment}`
}

export async function executeDeploy(
  plan: DeployPlan,
  run: DeployRun,
  deps: DeployDependencies
): Promise<Deployment> {
  const startedAt = deps.now().toISOString()
  const contexts = openHosts(plan.hosts, deps.open)
  const base = {
    service: plan.service,
    environment: plan.environment,
    version: plan.artifact.version,
    digest: plan.artifact.digest,
    configHash: plan.configHash,
    startedAt,
    actor: run.actor,
    ...(run.runUrl ? { runUrl: run.runUrl } : {})
  }
  const finished = (
    result: Deployment['result'],
    hosts: HostResult[],
    message: string,
    extra: Partial<Deployment> = {}
  ): Deployment => ({
    ...base,
    result,
    hosts,
    message,
    finishedAt: deps.now().toISOString(),
    ...(deps.recorder?.deploymentId !== undefined ? { deploymentId: deps.recorder.deploymentId } : {}),
    ...(deps.recorder?.deploymentUrl !== undefined ? { deploymentUrl: deps.recorder.deploymentUrl } : {}),
    ...extra
  })
  try {
    try {
      await probeHosts(contexts)
    } catch (error) {
      const message = errorMessage(error)
      const hosts = contexts.map((c): HostResult => ({
        host: c.host.name,
        group: c.host.group,
        health: 'skipped',
        durationMs: 0,
        outcome: message.includes(`${c.host.name}:`) ? 'unreachable' : 'not-started'
      }))
      return finished('failure', hosts, `nothing changed: ${message}`)
    }
    const lockHost = contexts[0]!
    const holder = newHolder({
      actor: run.actor,
      version: plan.artifact.version,
      runUrl: run.runUrl,
      now: deps.now
    })
    await acquireLock(lockHost.access, lockHost.layout, holder, what(plan), {
      timeoutMs: plan.lockTimeoutMs,
      pollMs: deps.lockPollMs,
      signal: deps.signal,
      onWait: (current) => {
        deps.logger.info(
          `waiting up to ${Math.round(plan.lockTimeoutMs / 1000)} s for the lock held by ${describeHolder(current)}`
        )
        void deps.recorder?.queued(plan, describeHolder(current))
      },
      onAcquired: (h) => deps.onLockAcquired?.(h, plan)
    })
    try {
      return await lockedDeploy(plan, run, deps, contexts, finished)
    } finally {
      try {
        const released = await releaseLock(lockHost.access, lockHost.layout, holder.id)
        if (released === 'held-by-other')
          deps.logger.warning(`the deploy lock of ${what(plan)} is now held by someone else; left it alone`)
        deps.onLockReleased?.()
      } catch (error) {
        deps.logger.warning(
          `RELEASING THE DEPLOY LOCK FAILED on ${lockHost.host.name}: ${errorMessage(error)}. The deploy result stands; remove the lock with: shipline unlock ${what(plan).replace(' in ', ' ')} reason="..."`
        )
      }
    }
  } finally {
    await closeHosts(contexts)
  }
}

async function lockedDeploy(
  plan: DeployPlan,
  run: DeployRun,
  deps: DeployDependencies,
  contexts: ReturnType<typeof openHosts>,
  finished: (
    result: Deployment['result'],
    hosts: HostResult[],
    message: string,
    extra?: Partial<Deployment>
  ) => Deployment
): Promise<Deployment> {
  const states = await Promise.all(contexts.map((c) => readState(c.access, c.layout)))
  await run.precheck?.(contexts, states)
  const version = plan.artifact.version
  const alreadyLive = states.every(
    (s) => s.current === version && s.digest === plan.artifact.digest && s.configHash === plan.configHash
  )
  if (alreadyLive) {
    const hosts = contexts.map((c, i): HostResult => ({
      host: c.host.name,
      group: c.host.group,
      versionBefore: states[i]!.current,
      versionAfter: states[i]!.current,
      health: 'skipped',
      durationMs: 0,
      outcome: 'unchanged'
    }))
    const deployment = finished(
      'no-op',
      hosts,
      `${plan.service} ${version} (same digest and config) is already live on all ${hosts.length} host(s); nothing to do`
    )
    await audit(contexts, deployment, run, deps)
    return deployment
  }

  await deps.recorder?.start(plan)
  const configText = run.configText ?? `${canonicalJson(plan.config)}\n`
  const outcome = await rollOut({
    contexts,
    before: states,
    driver: deps.driver,
    version,
    digest: plan.artifact.digest,
    configHash: plan.configHash,
    ...(run.install ? { artifact: plan.artifact } : {}),
    configText,
    maxParallel: plan.strategy.maxParallel,
    rollbackOnFailure: plan.strategy.rollbackOnFailure,
    keepReleases: plan.strategy.keepReleases,
    actor: run.actor,
    now: deps.now,
    logger: deps.logger,
    signal: deps.signal
  })
  const deployment = finished(
    outcome.result,
    outcome.hosts,
    outcome.message,
    outcome.rollbackFailed ? { rollbackFailed: true } : {}
  )
  await audit(contexts, deployment, run, deps)
  if (outcome.result === 'success') await prune(contexts, deps, plan.strategy.keepReleases)
  await deps.recorder?.finish(deployment)
  return {
    ...deployment,
    ...(deps.recorder?.deploymentId !== undefined ? { deploymentId: deps.recorder.deploymentId } : {}),
    ...(deps.recorder?.deploymentUrl ? { deploymentUrl: deps.recorder.deploymentUrl } : {})
  }
}

/** One audit line per host that answers; a host that does not is named in a warning. */
async function audit(
  contexts: ReturnType<typeof openHosts>,
  deployment: Deployment,
  run: DeployRun,
  deps: DeployDependencies
): Promise<void> {
  const entry = {
    at: deployment.finishedAt,
    actor: deployment.actor,
    action: run.action,
    service: deployment.service,
    environment: deployment.environment,
    version: deployment.version,
    digest: deployment.digest,
    configHash: deployment.configHash,
    hosts: deployment.hosts.map((h) => `${h.host}=${h.versionAfter ?? 'none'}`),
    result: deployment.result,
    ...(deployment.runUrl ? { runUrl: deployment.runUrl } : {})
  }
  await Promise.all(
    contexts.map((c) =>
      appendAudit(c.access, c.layout, entry).catch((error: unknown) =>
        deps.logger.warning(`could not write the audit line on ${c.host.name}: ${errorMessage(error)}`)
      )
    )
  )
}

async function prune(
  contexts: ReturnType<typeof openHosts>,
  deps: DeployDependencies,
  keep: number
): Promise<void> {
  await Promise.all(
    contexts.map(async (c) => {
      try {
        const state = await readState(c.access, c.layout)
        for (const version of releasesToPrune(await c.access.list(c.layout.releases), state, keep))
          await deps.driver.remove(c, version)
      } catch (error) {
        deps.logger.warning(`could not prune old releases on ${c.host.name}: ${errorMessage(error)}`)
      }
    })
  )
}
