import path from 'node:path'
import * as core from '@actions/core'
import * as github from '@actions/github'
import { buildOutputs, renderBuildSummary } from '../../core/artifacts/build-outputs.js'
import { buildService } from '../../core/artifacts/build-service.js'
import { sourceDateEpochFrom } from '../../core/artifacts/source-date-epoch.js'
import { findService } from '../../core/manifest/load-manifest.js'
import { ActionsArtifactCache } from '../../platform/cache.js'
import { NodeExec } from '../../platform/exec.js'
import { Git } from '../../platform/git.js'
import { ToolkitLogger } from '../common/toolkit-logger.js'
import { loadManifestForAction, resolveWorkingDirectory, workspaceRoot } from '../common/workspace.js'
import { getInputs, type Inputs } from './inputs.js'
import { InputError } from '../common/inputs.js'
import { imageSummaryLine } from '../../core/artifacts/registry/push-service-image.js'
import { registryCredentialsFromEnv } from '../../core/artifacts/registry/registry-credentials.js'

export async function run(): Promise<void> {
  const inputs = getInputs()
  const root = resolveWorkingDirectory(inputs.workingDirectory)
  const manifest = loadManifestForAction(root)
  const service = findService(manifest, inputs.service)
  const logger = new ToolkitLogger()
  const exec = new NodeExec()
  const outDir = inputs.outputDir
    ? path.resolve(workspaceRoot(), inputs.outputDir)
    : path.join(process.env.RUNNER_TEMP ?? path.join(workspaceRoot(), '.shipline'), 'shipline', 'artifacts')
  const sourceDateEpoch = sourceDateEpochFrom(process.env.SOURCE_DATE_EPOCH)
  const result = await buildService({
    manifest,
    service,
    outDir,
    git: new Git(exec, root),
    exec,
    logger,
    ...(inputs.version !== undefined ? { version: inputs.version } : {}),
    ...(inputs.formats.length ? { formats: inputs.formats } : {}),
    ...(inputs.cache ? { cache: new ActionsArtifactCache() } : {}),
    ...(sourceDateEpoch !== undefined ? { sourceDateEpoch } : {}),
    ...(github.context.runNumber ? { runNumber: github.context.runNumber } : {}),
    includeCredentials: inputs.includeCredentials,
    ...(inputs.registry ? { registry: inputs.registry } : {}),
    ...(inputs.push ? { push: pushConnection(inputs, manifest.images.registry, logger) } : {})
  })
  for (const [name, value] of Object.entries(buildOutputs(result.record, result.recordPath, result.cacheHit)))
    core.setOutput(name, value)
  const summary = core.summary.addRaw(renderBuildSummary(result.record, result.cacheHit))
  if (inputs.push && result.record.image)
    summary.addRaw(`\n${imageSummaryLine(service.name, result.record.image)}\n`)
  await summary.write()
}

/** Registry credentials: the inputs, else SHIPLINE_REGISTRY_* or the workflow token for ghcr.io. */
function pushConnection(inputs: Inputs, manifestRegistry: string | undefined, logger: ToolkitLogger) {
  const registry = inputs.registry ?? manifestRegistry
  if (!registry) {
    throw new InputError(
      'push',
      'is true but no registry is known',
      'set the registry input or images.registry in shipline.yml'
    )
  }
  if (inputs.registryPassword) logger.mask(inputs.registryPassword)
  const credentials =
    inputs.registryUsername && inputs.registryPassword
      ? { username: inputs.registryUsername, password: inputs.registryPassword }
      : registryCredentialsFromEnv(registry, process.env)
  return { logger, ...(credentials ? { credentials } : {}) }
}
