import { rm } from 'node:fs/promises'
import path from 'node:path'
import { findEnvironment, loadManifest } from '../../core/manifest/load-manifest.js'
import {
  defaultArtifactsDir,
  runPipeline,
  type PipelineReport,
  type ServiceRun
} from '../../core/pipeline/run-pipeline.js'
import { LocalFolderCache } from '../../platform/cache.js'
import type { Command } from '../command.js'
import { booleanParam, printJson, stringParam } from '../command.js'
import type { Terminal } from '../terminal.js'

/** `shipline pipeline`: the main job, the whole pipeline on one repository. */
export const pipelineCommand: Command = {
  name: 'pipeline',
  summary: 'run the whole pipeline: detect, build and package, resolve config, deploy health-gated',
  examples: [
    'shipline pipeline --repo workflows-examples/monorepo',
    'shipline pipeline environment=local --keep-running',
    'shipline pipeline --all --json'
  ],
  params: [
    {
      name: 'environment',
      kind: 'string',
      description: 'environment to deploy to',
      default: 'local',
      placeholder: 'env'
    },
    { name: 'all', kind: 'boolean', description: 'build and deploy every service, changed or not' },
    {
      name: 'fresh',
      kind: 'boolean',
      description: 'forget earlier local deploys first (local environments only)'
    },
    {
      name: 'keep-running',
      kind: 'boolean',
      description: 'leave the services started by the local provider running'
    },
    {
      name: 'artifacts',
      kind: 'string',
      description: 'artifacts folder (default <repo>/.shipline/artifacts)',
      placeholder: 'dir'
    }
  ],
  async run(context) {
    const manifest = loadManifest(context.repo)
    const environment = findEnvironment(manifest, stringParam(context, 'environment') ?? 'local')
    if (booleanParam(context, 'fresh')) {
      if (environment.provider !== 'local') {
        context.logger.error(
          `--fresh only forgets local deploys; ${environment.name} uses ${environment.provider}`
        )
        return 2
      }
      await rm(path.resolve(manifest.root, environment.root ?? '.shipline/hosts'), {
        recursive: true,
        force: true
      })
    }
    const started = Date.now()
    const t = context.terminal
    const report = await runPipeline({
      repo: manifest.root,
      environment: environment.name,
      artifactsDir: path.resolve(
        context.repo,
        stringParam(context, 'artifacts') ?? defaultArtifactsDir(manifest.root)
      ),
      cache: new LocalFolderCache(path.join(manifest.root, '.shipline', 'cache', 'artifacts')),
      all: booleanParam(context, 'all'),
      keepRunning: booleanParam(context, 'keep-running'),
      exec: context.exec,
      logger: context.logger,
      env: context.env,
      actor: context.env.USER ?? context.env.LOGNAME ?? 'shipline',
      signal: context.signal,
      onStage: context.json ? undefined : (service, stage) => t.line(`${t.dim('..')} ${service}: ${stage}`)
    })
    if (context.json) printJson(context, jsonReport(report))
    else printReport(t, report, Date.now() - started)
    return report.ok ? 0 : 1
  }
}

function jsonReport(report: PipelineReport) {
  return {
    ok: report.ok,
    environment: report.environment,
    base: report.changes?.base,
    head: report.changes?.head,
    services: report.runs.map((run) => ({
      service: run.service,
      reasons: run.reasons,
      version: run.build?.record.version,
      cacheHit: run.build?.cacheHit,
      artifacts: run.build?.record.files.map((f) => ({
        format: f.format,
        path: f.path,
        sha256: f.sha256,
        size: f.size
      })),
      image: run.build?.record.image,
      configHash: run.configHash,
      result: run.deployment?.result,
      hosts: run.deployment?.hosts,
      error: run.error
    })),
    stopped: report.stopped
  }
}

function printReport(t: Terminal, report: PipelineReport, elapsedMs: number): void {
  t.line()
  if (report.runs.length === 0) {
    t.line(
      `${t.green('nothing to do')}: no service changed since its last deployment to ${report.environment}`
    )
    t.line(t.dim('  run with --all to build and deploy every service, or --fresh to forget local deploys'))
    return
  }
  t.line(
    t.bold(
      `pipeline to ${report.environment}: ${report.runs.length} service(s) in ${(elapsedMs / 1000).toFixed(1)}s`
    )
  )
  for (const run of report.runs) printRun(t, run)
  if (report.stopped.length)
    t.line(
      t.dim(
        `stopped the local processes of ${report.stopped.join(', ')} (use --keep-running to leave them up)`
      )
    )
  t.line(report.ok ? t.green('pipeline succeeded') : t.red('pipeline failed'))
}

function printRun(t: Terminal, run: ServiceRun): void {
  const mark = run.error ? t.red('x') : t.green('ok')
  const version = run.build ? ` ${run.build.record.version}` : ''
  t.line(
    `${mark} ${t.bold(run.service)}${version}${run.build?.cacheHit ? t.dim(' (cache hit: not rebuilt)') : ''}`
  )
  for (const reason of run.reasons) t.line(`   why:      ${reason}`)
  for (const file of (run.build?.record.files ?? []).filter((f) => f.format !== 'oci')) {
    t.line(
      `   ${file.format.padEnd(9)} ${path.basename(file.path)}  sha256:${file.sha256.slice(0, 16)}...  ${file.size} bytes`
    )
  }
  const image = run.build?.record.image
  if (image) t.line(`   image     ${image.digest}  ${t.dim(image.reference)}`)
  if (run.configHash) t.line(`   config    sha256:${run.configHash.replace(/^sha256:/, '').slice(0, 16)}...`)
  for (const host of run.deployment?.hosts ?? []) {
    const health =
      host.health === 'passed'
        ? t.green('healthy')
        : host.health === 'failed'
          ? t.red('unhealthy')
          : host.health
    t.line(
      `   host      ${host.host}: ${host.versionBefore ?? '-'} -> ${host.versionAfter ?? '-'} (${host.outcome}, ${health})`
    )
  }
  if (run.error) t.line(`   ${t.red('error')}     ${run.error}`)
}
