import path from 'node:path'
import type { ArtifactCache } from '../../platform/cache.js'
import type { Exec } from '../../platform/exec.js'
import { Git } from '../../platform/git.js'
import type { Logger } from '../../platform/logger.js'
import { buildService, type BuildServiceResult } from '../artifacts/build-service.js'
import { detectChanges } from '../changes/detect-changes.js'
import type { ChangeSet } from '../changes/model.js'
import { resolveConfig } from '../config/resolve-config.js'
import { deployService, stopService, type DeployServices } from '../deploy/entry.js'
import type { Deployment } from '../deploy/model.js'
import { errorMessage } from '../errors.js'
import { findEnvironment, loadManifest } from '../manifest/load-manifest.js'
import { TargetDeploymentHistory } from './local-deployment-history.js'
import { dependencyOrder } from './service-order.js'

export interface PipelineOptions {
  /** Folder holding shipline.yml. */
  repo: string
  environment: string
  /** Where builds land (`<artifactsDir>/<service>/<version>/`). */
  artifactsDir: string
  cache?: ArtifactCache
  /** Select every service instead of those changed since their last deployment. */
  all: boolean
  /** Leave the services the local provider started running. */
  keepRunning: boolean
  exec: Exec
  logger: Logger
  env: Readonly<Record<string, string | undefined>>
  actor: string
  signal?: AbortSignal
  /** Told when a service enters a stage, so a terminal can show progress. */
  onStage?: (service: string, stage: PipelineStage) => void
}

export type PipelineStage = 'build' | 'config' | 'deploy' | 'skipped' | 'done' | 'failed'

export interface ServiceRun {
  service: string
  /** Why detection selected it. */
  reasons: string[]
  build?: BuildServiceResult
  configHash?: string
  deployment?: Deployment
  /** Set when a stage failed or a dependency failed first. */
  error?: string
}

export interface PipelineReport {
  environment: string
  /** What detection found; absent with --all. */
  changes?: ChangeSet
  runs: ServiceRun[]
  /** Services stopped at the end (the local provider's processes). */
  stopped: string[]
  ok: boolean
}

/**
 * The whole pipeline on one repository: detect what changed since each service's last deployment
 * to the environment, then per service, in dependency order: build and package once, resolve the
 * environment's configuration, deploy health-gated. A service whose stage fails stops there, and
 * every service depending on it is skipped; the others go on.
 */
export async function runPipeline(options: PipelineOptions): Promise<PipelineReport> {
  const manifest = loadManifest(options.repo)
  const environment = findEnvironment(manifest, options.environment)
  const git = new Git(options.exec, manifest.root)
  const deployServices: DeployServices = {
    repo: manifest.root,
    artifactsDir: options.artifactsDir,
    exec: options.exec,
    logger: options.logger,
    env: options.env,
    ...(options.signal ? { signal: options.signal } : {})
  }
  const { changes } = await options.logger.group('detect changed services', () =>
    detectChanges({
      manifest,
      git,
      logger: options.logger,
      request: options.all
        ? { event: { name: '', payload: {} }, base: 'HEAD', head: 'HEAD', tagPattern: 'v*' }
        : {
            event: { name: '', payload: {} },
            since: 'last-deployment',
            environment: environment.name,
            tagPattern: 'v*'
          },
      maxFetchDepth: 0,
      unowned: 'ignore',
      deployments: new TargetDeploymentHistory(deployServices)
    })
  )
  const selected = options.all ? manifest.services.map((s) => s.name) : changes.services
  const runs: ServiceRun[] = []
  const failed = new Set<string>()
  for (const name of dependencyOrder(manifest, selected)) {
    const service = manifest.services.find((s) => s.name === name)!
    const reasons = changes
      ? (changes.reasons[name] ?? []).map((r) => r.detail)
      : ['every service was asked for (--all)']
    const run: ServiceRun = { service: name, reasons }
    runs.push(run)
    const blocker = service.dependsOn.find((d) => failed.has(d))
    if (blocker) {
      run.error = `skipped: it depends on ${blocker}, which failed`
      failed.add(name)
      options.onStage?.(name, 'skipped')
      continue
    }
    try {
      options.onStage?.(name, 'build')
      run.build = await options.logger.group(`build ${name}`, () =>
        buildService({
          manifest,
          service,
          outDir: options.artifactsDir,
          git,
          exec: options.exec,
          logger: options.logger,
          ...(options.cache ? { cache: options.cache } : {}),
          ...(options.signal ? { signal: options.signal } : {})
        })
      )
      options.onStage?.(name, 'config')
      run.configHash = resolveConfig({
        manifest,
        service: name,
        environment: environment.name,
        env: options.env,
        logger: options.logger,
        secrets: 'check'
      }).hash
      options.onStage?.(name, 'deploy')
      const outcome = await options.logger.group(`deploy ${name} to ${environment.name}`, () =>
        deployService(
          {
            service: name,
            environment: environment.name,
            version: run.build!.record.version,
            dryRun: false,
            actor: options.actor
          },
          deployServices
        )
      )
      run.deployment = outcome.deployment
      if (
        !outcome.deployment ||
        outcome.deployment.result === 'failure' ||
        outcome.deployment.result === 'cancelled'
      ) {
        throw new Error(outcome.deployment?.message ?? 'the deploy did not finish')
      }
      options.onStage?.(name, 'done')
    } catch (error) {
      run.error = errorMessage(error)
      failed.add(name)
      options.onStage?.(name, 'failed')
      if (options.signal?.aborted) break
    }
  }
  const stopped: string[] = []
  if (!options.keepRunning && environment.provider === 'local') {
    for (const run of runs.filter((r) => r.deployment && !r.error)) {
      try {
        await stopService(
          { service: run.service, environment: environment.name, actor: options.actor },
          deployServices
        )
        stopped.push(run.service)
      } catch (error) {
        options.logger.warning(`could not stop ${run.service}: ${errorMessage(error)}`)
      }
    }
  }
  return { environment: environment.name, changes, runs, stopped, ok: failed.size === 0 }
}

/** The default artifacts folder of a repository. */
export function defaultArtifactsDir(repo: string): string {
  return path.join(repo, '.shipline', 'artifacts')
}
