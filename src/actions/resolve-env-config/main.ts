import { randomBytes } from 'node:crypto'
import { chmodSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { configOutputs, outputsCarryingSecrets } from '../../core/config/outputs.js'
import { resolveConfig } from '../../core/config/resolve-config.js'
import { renderConfigSummary } from '../../core/config/summary.js'
import { OperationError } from '../../core/errors.js'
import { ToolkitLogger } from '../common/toolkit-logger.js'
import {
  loadManifestForAction,
  relativeToWorkspace,
  resolveWorkingDirectory,
  workspacePrefix
} from '../common/workspace.js'
import { getInputs } from './inputs.js'
import { relocatedLogger } from './relocated-logger.js'

const EXTENSIONS = { dotenv: 'env', json: 'json', yaml: 'yaml' } as const

export async function run(): Promise<void> {
  const inputs = getInputs()
  const root = resolveWorkingDirectory(inputs.workingDirectory)
  const manifest = loadManifestForAction(root)
  const prefix = workspacePrefix(root)
  const logger = relocatedLogger(new ToolkitLogger(), prefix)
  let resolution
  try {
    resolution = resolveConfig({
      manifest,
      service: inputs.service,
      environment: inputs.environment,
      overrides: inputs.overrides,
      overridesOrigin: 'input "overrides"',
      env: process.env,
      logger,
      // Secrets are masked (with derived forms) inside resolveConfig the moment they are read.
      secrets: inputs.dryRun ? 'check' : 'resolve'
    })
  } catch (error) {
    throw relativeToWorkspace(error, root)
  }

  const outputs = configOutputs(resolution)
  let configFile = ''
  if (!inputs.dryRun)
    configFile = writeConfigFile(resolution.render(inputs.format), resolution, inputs.format)
  for (const { output, secret } of outputsCarryingSecrets(outputs, resolution.secretValues)) {
    logger.warning(
      `output "${output}" contains text equal to the value of secret ${secret}; the runner masks that text in every log line and drops any job output carrying it - give the secret a value that is not also an ordinary word or config value`
    )
  }
  for (const [name, value] of Object.entries({ ...outputs, 'config-file': configFile }))
    core.setOutput(name, value)
  await core.summary.addRaw(renderConfigSummary(resolution)).write()
  logger.info(
    `${resolution.service} in ${resolution.environment}: ${Object.keys(resolution.sources).length} values, ` +
      `${resolution.secrets.length} secret(s) ${inputs.dryRun ? 'present (dry run: nothing written)' : 'resolved'}, ` +
      `${resolution.hosts.length} host(s), ${resolution.hash}`
  )
}

/** The full config, secrets included, readable by the runner's user only. */
function writeConfigFile(
  text: string,
  resolution: { service: string; environment: string },
  format: keyof typeof EXTENSIONS
): string {
  const dir = process.env.RUNNER_TEMP
  if (!dir) throw new OperationError('RUNNER_TEMP is not set; the config file has nowhere private to go')
  const file = path.join(
    dir,
    `shipline-config-${resolution.service}-${resolution.environment}-${randomBytes(6).toString('hex')}.${EXTENSIONS[format]}`
  )
  writeFileSync(file, text, { mode: 0o600, flag: 'wx' })
  chmodSync(file, 0o600)
  return file
}
