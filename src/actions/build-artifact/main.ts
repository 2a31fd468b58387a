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
import { getInputs } from './inputs.js'

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
    includeCredentials: inputs.includeCredentials
  })
  for (const [name, value] of Object.entries(buildOutputs(result.record, result.recordPath, result.cacheHit)))
    core.setOutput(name, value)
  await core.summary.addRaw(renderBuildSummary(result.record, result.cacheHit)).write()
}
