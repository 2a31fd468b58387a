/**
 * The deploy interface every entry point shares (CLI, action, dispatch form): same parameters,
 * same validation, same plan. Adapters turn their inputs into a DeployRequest and call these.
 *
 *   deployService(request, services)    plan, then dry run or deploy (version `previous`: rollback)
 *   rollbackService(target, services)   back to the previous release (or target.version)
 *   serviceStatus(target, services)     which version runs where, since when, by whom; the lock
 *   stopService(target, services)       stops what the provider started
 *   unlockService(target, services)     break-glass lock removal with a reason
 */
import { existsSync } from 'node:fs'
import { resolveConfig } from '../config/resolve-config.js'
import { errorMessage, OperationError } from '../errors.js'
import { findEnvironment, findService, loadManifest } from '../manifest/load-manifest.js'
import type { EnvironmentSpec, Manifest, Service } from '../manifest/types.js'
import type { Exec } from '../../platform/exec.js'
import type { Logger } from '../../platform/logger.js'
import { providerFor, type Provider } from '../../platform/deploy-providers.js'
import { describeHolder, readHolder, releaseLock } from './deploy-lock.js'
import type { DeploymentRecorder } from './deployment-recorder.js'
import { executeDeploy, type DeployDependencies } from './deploy.js'
import { appendAudit, readState } from './host-state.js'
import { forceUnlock, readStatus, stopService as stopHosts, type HostStatus } from './host-status.js'
import type { Deployment, DeployPlan, DeployRequest, LockHolder } from './model.js'
import { buildPlan, describePlan, type DeployConfig } from './plan.js'
import { resolveVersion } from './resolve-version.js'
import { requireReleaseEverywhere, rollbackTarget } from './rollback.js'
import type { HostContext } from './release-driver.js'
import { closeHosts, openHosts } from './targets.js'

export interface DeployServices {
  /** Folder holding shipline.yml. */
  repo: string
  artifactsDir: string
  exec: Exec
  logger: Logger
  /** Where secrets are read from (the step's or the shell's environment). */
  env: Readonly<Record<string, string | undefined>>
  now?: () => Date
  signal?: AbortSignal
  /** The GitHub record, when there is a token and a repository. */
  recorder?: (plan: DeployPlan) => DeploymentRecorder | undefined
  onLockAcquired?: (holder: LockHolder, plan: DeployPlan) => void
  onLockReleased?: () => void
  lockPollMs?: number
}

export interface Target {
  service: string
  environment: string
  actor: string
  runUrl?: string
}

export interface DryRunCheck {
  check: string
  ok: boolean
  detail: string
}

export interface DeployOutcome {
  plan: DeployPlan
  planText: string[]
  /** Set for --dry-run. */
  checks?: DryRunCheck[]
  /** Set for a real deploy. */
  deployment?: Deployment
}

interface Prepared {
  manifest: Manifest
  service: Service
  environment: EnvironmentSpec
  provider: Provider
}

function prepare(target: { service: string; environment: string }, services: DeployServices): Prepared {
  const manifest = loadManifest(services.repo)
  const service = findService(manifest, target.service)
  const environment = findEnvironment(manifest, target.environment)
  const provider = providerFor({
    manifest,
    environment,
    service,
    exec: services.exec,
    logger: services.logger,
    secret: (name) => services.env[name]
  })
  return { manifest, service, environment, provider }
}

function configFor(prepared: Prepared, services: DeployServices, mode: 'check' | 'resolve') {
  const resolution = resolveConfig({
    manifest: prepared.manifest,
    service: prepared.service.name,
    environment: prepared.environment.name,
    env: services.env,
    logger: services.logger,
    secrets: mode
  })
  const config: DeployConfig = {
    values: resolution.values,
    hash: resolution.hash,
    secrets: resolution.secrets
  }
  return { config, render: () => resolution.render('json') }
}

const now = (services: DeployServices) => services.now ?? (() => new Date())

/** What executeDeploy needs, the same for a deploy and a rollback. */
function dependencies(prepared: Prepared, services: DeployServices, plan: DeployPlan): DeployDependencies {
  return {
    open: prepared.provider.open,
    driver: prepared.provider.driver,
    recorder: services.recorder?.(plan),
    logger: services.logger,
    now: now(services),
    signal: services.signal,
    onLockAcquired: services.onLockAcquired,
    onLockReleased: services.onLockReleased,
    lockPollMs: services.lockPollMs
  }
}

/** The version word that means "the release before the live one": a rollback through the deploy line. */
export const PREVIOUS_VERSION = 'previous'

export async function deployService(
  request: DeployRequest,
  services: DeployServices
): Promise<DeployOutcome> {
  if (request.version === PREVIOUS_VERSION && !request.dryRun) {
    return rollbackService(
      {
        service: request.service,
        environment: request.environment,
        actor: request.actor,
        ...(request.runUrl ? { runUrl: request.runUrl } : {})
      },
      services
    )
  }
  const prepared = prepare({ service: request.service, environment: request.environment }, services)
  try {
    const artifact = await resolveVersion(
      {
        service: prepared.service,
        repo: prepared.manifest.root,
        artifactsDir: services.artifactsDir,
        needsArchive: prepared.environment.provider !== 'command'
      },
      request.version
    )
    const { config, render } = configFor(prepared, services, request.dryRun ? 'check' : 'resolve')
    const plan = buildPlan(
      {
        manifest: prepared.manifest,
        service: prepared.service,
        environment: prepared.environment,
        artifact,
        config,
        ...(request.maxParallel !== undefined ? { maxParallel: request.maxParallel } : {}),
        ...(request.lockTimeoutMs !== undefined ? { lockTimeoutMs: request.lockTimeoutMs } : {})
      },
      existsSync
    )
    const planText = describePlan(plan)
    if (request.dryRun) return { plan, planText, checks: await dryRun(plan, prepared, services) }
    const deployment = await executeDeploy(
      plan,
      {
        actor: request.actor,
        ...(request.runUrl ? { runUrl: request.runUrl } : {}),
        action: 'deploy',
        install: true,
        configText: render()
      },
      dependencies(prepared, services, plan)
    )
    return { plan, planText, deployment }
  } finally {
    prepared.provider.dispose()
  }
}

/** Checks a plan without changing anything: the artifact (already verified), secrets, hosts, lock. */
async function dryRun(
  plan: DeployPlan,
  prepared: Prepared,
  services: DeployServices
): Promise<DryRunCheck[]> {
  const checks: DryRunCheck[] = [
    { check: 'artifact', ok: true, detail: `${plan.artifact.version} ${plan.artifact.digest}` }
  ]
  for (const name of plan.secrets) {
    const present = Boolean(services.env[name])
    checks.push({ check: `secret ${name}`, ok: present, detail: present ? 'present' : 'not set' })
  }
  const opened: HostContext[] = []
  try {
    await Promise.all(
      plan.hosts.map(async (host, index) => {
        try {
          const [context] = openHosts([host], prepared.provider.open)
          opened.push(context!)
          await context!.access.probe()
          const state = await readState(context!.access, context!.layout)
          checks.push({
            check: `host ${host.name}`,
            ok: true,
            detail: `answers; runs ${state.current ?? 'nothing'}`
          })
          if (index === 0) {
            const holder = await readHolder(context!.access, context!.layout)
            checks.push({
              check: 'lock',
              ok: true,
              detail: holder ? `held by ${describeHolder(holder)}` : 'free'
            })
          }
        } catch (error) {
          checks.push({ check: `host ${host.name}`, ok: false, detail: errorMessage(error) })
        }
      })
    )
  } finally {
    await closeHosts(opened)
  }
  return checks.sort((a, b) => a.check.localeCompare(b.check))
}

export async function rollbackService(
  target: Target & { version?: string },
  services: DeployServices
): Promise<DeployOutcome> {
  const prepared = prepare(target, services)
  try {
    const { config } = configFor(prepared, services, 'check')
    const hostsOnly = hostsOnlyPlan(prepared, config)
    const contexts = openHosts(hostsOnly.hosts, prepared.provider.open)
    let chosen
    try {
      await contexts[0]!.access.probe()
      chosen = await rollbackTarget(contexts, prepared.service.name, target.version)
    } finally {
      await closeHosts(contexts)
    }
    const plan: DeployPlan = { ...hostsOnly, artifact: chosen.artifact, configHash: chosen.configHash }
    const deployment = await executeDeploy(
      plan,
      {
        actor: target.actor,
        ...(target.runUrl ? { runUrl: target.runUrl } : {}),
        action: 'rollback',
        install: false,
        precheck: requireReleaseEverywhere(chosen.artifact.version, (c) =>
          prepared.provider.driver.hasRelease(c, chosen.artifact.version)
        )
      },
      dependencies(prepared, services, plan)
    )
    return { plan, planText: describePlan(plan), deployment }
  } finally {
    prepared.provider.dispose()
  }
}

/** A plan that only names the hosts (rollback, status, stop and unlock pick no artifact of their own). */
function hostsOnlyPlan(prepared: Prepared, config: DeployConfig): DeployPlan {
  const placeholder = {
    service: prepared.service.name,
    version: '',
    digest: '',
    source: { kind: 'folder' as const, path: '' }
  }
  return buildPlan(
    {
      manifest: prepared.manifest,
      service: prepared.service,
      environment: prepared.environment,
      artifact: placeholder,
      config
    },
    existsSync
  )
}

async function withHosts<T>(
  target: { service: string; environment: string },
  services: DeployServices,
  work: (prepared: Prepared, contexts: ReturnType<typeof openHosts>) => Promise<T>
): Promise<T> {
  const prepared = prepare(target, services)
  try {
    const plan = hostsOnlyPlan(prepared, { values: {}, hash: '', secrets: [] })
    const contexts = openHosts(plan.hosts, prepared.provider.open)
    try {
      return await work(prepared, contexts)
    } finally {
      await closeHosts(contexts)
    }
  } finally {
    prepared.provider.dispose()
  }
}

export async function serviceStatus(
  target: { service: string; environment: string },
  services: DeployServices
): Promise<{ hosts: HostStatus[]; lock?: LockHolder }> {
  return withHosts(target, services, (_prepared, contexts) => readStatus(contexts))
}

export async function stopService(target: Target, services: DeployServices): Promise<string[]> {
  return withHosts(target, services, (prepared, contexts) =>
    stopHosts(contexts, prepared.provider.driver, {
      actor: target.actor,
      service: prepared.service.name,
      environment: prepared.environment.name,
      at: now(services)().toISOString()
    })
  )
}

export async function unlockService(
  target: Target & { reason: string },
  services: DeployServices
): Promise<LockHolder | undefined> {
  if (!target.reason.trim())
    throw new OperationError(
      'unlock needs a reason: shipline unlock artifact=... environment=... reason="why it is safe"'
    )
  return withHosts(target, services, (prepared, contexts) =>
    forceUnlock(contexts, target.reason, {
      actor: target.actor,
      service: prepared.service.name,
      environment: prepared.environment.name,
      at: now(services)().toISOString()
    })
  )
}

/**
 * After a deploy was interrupted before it could clean up (the action's post step): releases the
 * lock when it is still the one that run took, and writes a `cancelled` audit line on every host
 * that answers. Returns what it did, for the log.
 */
export async function recoverInterruptedDeploy(
  target: Target & { holderId: string; version: string },
  services: DeployServices
): Promise<string> {
  return withHosts(target, services, async (prepared, contexts) => {
    const first = contexts[0]!
    const released = await releaseLock(first.access, first.layout, target.holderId)
    const states = await Promise.all(
      contexts.map((c) => readState(c.access, c.layout).catch(() => undefined))
    )
    const entry = {
      at: now(services)().toISOString(),
      actor: target.actor,
      action: 'deploy' as const,
      service: prepared.service.name,
      environment: prepared.environment.name,
      version: target.version,
      digest: '',
      configHash: '',
      hosts: contexts.map((c, i) => `${c.host.name}=${states[i]?.current ?? 'none'}`),
      result: 'cancelled',
      ...(target.runUrl ? { runUrl: target.runUrl } : {}),
      reason: 'the deploy was interrupted before it finished; lock released by the post step'
    }
    await Promise.all(contexts.map((c) => appendAudit(c.access, c.layout, entry).catch(() => undefined)))
    return `lock ${released}; hosts now run: ${entry.hosts.join(', ')}`
  })
}
