/**
 * The rolling strategy: `maxParallel` hosts at a time; each host installs, switches, restarts and
 * must pass its health check before the next batch starts. The first failure (or a cancellation)
 * stops the rollout; hosts not reached are left untouched. Then, by default (and always on
 * cancellation), every host already switched goes back to the release it ran before, so no host is
 * left half-switched and the result says exactly which host runs which version.
 */
import { errorMessage } from '../errors.js'
import type { Logger } from '../../platform/logger.js'
import { promoted, readState, writeReleaseInfo, writeState } from './host-state.js'
import type { HostResult, HostServiceState, ResolvedArtifact } from './model.js'
import type { HostContext, ReleaseDriver } from './release-driver.js'

export interface RolloutInput {
  contexts: HostContext[]
  /** State of each host before the rollout (same order as contexts). */
  before: HostServiceState[]
  driver: ReleaseDriver
  version: string
  digest: string
  configHash: string
  /** The artifact to install; absent for a rollback (the release is already on the hosts). */
  artifact?: ResolvedArtifact
  /** Written next to the release. */
  configText: string
  maxParallel: number
  rollbackOnFailure: boolean
  keepReleases: number
  actor: string
  now: () => Date
  logger: Logger
  signal?: AbortSignal
}

export interface RolloutOutcome {
  result: 'success' | 'failure' | 'cancelled'
  hosts: HostResult[]
  /** True when putting a host back failed too: a person must look. */
  rollbackFailed: boolean
  message: string
}

interface Attempt {
  result: HostResult
  switched: boolean
}

async function rollOne(
  input: RolloutInput,
  context: HostContext,
  before: HostServiceState
): Promise<Attempt> {
  const started = Date.now()
  const base = { host: context.host.name, group: context.host.group, versionBefore: before.current }
  const done = (switched: boolean, partial: Omit<HostResult, 'host' | 'group' | 'durationMs'>): Attempt => ({
    switched,
    result: { ...base, ...partial, durationMs: Date.now() - started }
  })
  if (
    before.current === input.version &&
    before.digest === input.digest &&
    before.configHash === input.configHash
  ) {
    return done(false, { versionAfter: input.version, health: 'skipped', outcome: 'unchanged' })
  }
  let switched = false
  try {
    if (input.artifact) {
      await input.driver.install(context, input.artifact, input.configText)
      await writeReleaseInfo(context.access, context.layout, {
        version: input.version,
        digest: input.digest,
        configHash: input.configHash,
        artifact:
          input.artifact.source.kind === 'tarball'
            ? input.artifact.source.path
            : (input.artifact.image ?? input.artifact.digest),
        ...(input.artifact.image ? { image: input.artifact.image } : {}),
        installedAt: input.now().toISOString()
      })
    }
    if (input.signal?.aborted)
      return done(false, {
        versionAfter: before.current,
        health: 'skipped',
        outcome: 'not-started',
        message: 'cancelled'
      })
    switched = true
    await input.driver.activate(context, input.version)
    const change = {
      version: input.version,
      digest: input.digest,
      configHash: input.configHash,
      since: input.now().toISOString(),
      by: input.actor
    }
    await writeState(context.access, context.layout, promoted(before, change, input.keepReleases))
    const health = await input.driver.health(context, input.signal)
    if (!health.passed) {
      const why = input.signal?.aborted
        ? 'cancelled during the health check'
        : `health check failed after ${health.attempts} attempts (${health.detail})`
      return done(true, { versionAfter: input.version, health: 'failed', outcome: 'failed', message: why })
    }
    return done(true, {
      versionAfter: input.version,
      health: 'passed',
      outcome: 'switched',
      message: health.detail
    })
  } catch (error) {
    const message = errorMessage(error)
    const unreachable = /unreachable/.test(message)
    return done(switched, {
      versionAfter: switched ? input.version : before.current,
      health: 'skipped',
      outcome: unreachable ? 'unreachable' : 'failed',
      message
    })
  }
}

/** Puts a host back on the release it ran before (or on nothing, when it had none). */
async function putBack(
  input: RolloutInput,
  context: HostContext,
  before: HostServiceState,
  result: HostResult
): Promise<boolean> {
  try {
    if (before.current) {
      await input.driver.activate(context, before.current)
    } else {
      await input.driver.deactivate(context, true)
    }
    await writeState(context.access, context.layout, before)
    result.versionAfter = before.current
    result.outcome = 'rolled-back'
    if (before.current && !input.signal?.aborted) {
      const health = await input.driver.health(context)
      result.message = `${result.message ? result.message + '; ' : ''}back on ${before.current} (health ${health.passed ? 'passed' : 'failed: ' + health.detail})`
    } else {
      result.message = `${result.message ? result.message + '; ' : ''}${before.current ? `back on ${before.current}` : 'removed (the host ran nothing before)'}`
    }
    return true
  } catch (error) {
    const actual = await readState(context.access, context.layout).catch(() => undefined)
    result.versionAfter = actual?.current
    result.outcome = 'rollback-failed'
    result.message = `${result.message ?? ''}; putting it back failed: ${errorMessage(error)}`
    return false
  }
}

export async function rollOut(input: RolloutInput): Promise<RolloutOutcome> {
  const attempts: (Attempt | undefined)[] = input.contexts.map(() => undefined)
  let stoppedBy: string | undefined
  for (let start = 0; start < input.contexts.length; start += input.maxParallel) {
    if (input.signal?.aborted) {
      stoppedBy = 'cancelled'
      break
    }
    const batch = input.contexts.slice(start, start + input.maxParallel)
    input.logger.info(`batch ${start / input.maxParallel + 1}: ${batch.map((c) => c.host.name).join(', ')}`)
    const results = await Promise.all(
      batch.map((context, i) => rollOne(input, context, input.before[start + i]!))
    )
    results.forEach((attempt, i) => {
      attempts[start + i] = attempt
      const r = attempt.result
      input.logger.info(`  ${r.host}: ${r.outcome}${r.message ? ` - ${r.message}` : ''}`)
    })
    const failed = results.find((a) => a.result.outcome === 'failed' || a.result.outcome === 'unreachable')
    if (failed) {
      stoppedBy = `${failed.result.host} ${failed.result.outcome === 'unreachable' ? 'was unreachable' : 'failed'}: ${failed.result.message}`
      break
    }
    if (input.signal?.aborted) {
      stoppedBy = 'cancelled'
      break
    }
  }
  const cancelled = stoppedBy === 'cancelled' || input.signal?.aborted === true
  const hosts = input.contexts.map((context, i): HostResult => {
    const attempt = attempts[i]
    if (attempt) return attempt.result
    const before = input.before[i]!
    return {
      host: context.host.name,
      group: context.host.group,
      versionBefore: before.current,
      versionAfter: before.current,
      health: 'skipped',
      durationMs: 0,
      outcome: 'not-started'
    }
  })
  if (!stoppedBy)
    return {
      result: 'success',
      hosts,
      rollbackFailed: false,
      message: `${input.version} is live on ${hosts.length} host(s)`
    }

  let rollbackFailed = false
  if (input.rollbackOnFailure || cancelled) {
    const switched = input.contexts.map((c, i) => ({ c, i })).filter(({ i }) => attempts[i]?.switched)
    if (switched.length > 0)
      input.logger.info(
        `putting ${switched.map(({ c }) => c.host.name).join(', ')} back on the previous release`
      )
    for (let start = 0; start < switched.length; start += input.maxParallel) {
      const batch = switched.slice(start, start + input.maxParallel)
      const ok = await Promise.all(batch.map(({ c, i }) => putBack(input, c, input.before[i]!, hosts[i]!)))
      if (ok.includes(false)) rollbackFailed = true
    }
  }
  const live = hosts.filter((h) => h.versionAfter === input.version).map((h) => h.host)
  const tail = live.length
    ? `; ${input.version} still runs on ${live.join(', ')}`
    : `; no host runs ${input.version}`
  return {
    result: cancelled ? 'cancelled' : 'failure',
    hosts,
    rollbackFailed,
    message: `${cancelled ? 'cancelled' : `stopped: ${stoppedBy}`}${tail}${rollbackFailed ? '; ROLLBACK FAILED on some hosts' : ''}`
  }
}
