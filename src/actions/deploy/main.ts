import path from 'node:path'
import * as core from '@actions/core'
import { deployService, recoverInterruptedDeploy, type DeployServices } from '../../core/deploy/entry.js'
import type { Deployment } from '../../core/deploy/model.js'
import { deploymentMarkdown } from '../../core/deploy/summary.js'
import { OperationError } from '../../core/errors.js'
import { NodeExec } from '../../platform/exec.js'
import { createGitHubClient } from '../../platform/github-client.js'
import { GitHubDeploymentRecorder, recorderFromEnvironment } from '../../platform/github-deployments.js'
import { ToolkitLogger } from '../common/toolkit-logger.js'
import {
  loadManifestForAction,
  relativeToWorkspace,
  resolveWorkingDirectory,
  workspaceRoot
} from '../common/workspace.js'
import { getInputs } from './inputs.js'

/** Saved by main as soon as the deploy lock is held; cleared when main released it. */
const LOCK_STATE = 'deploy-lock'

/** Events that run with a fork's code or a commenter's words: never a deploy (workflow-security §5.5). */
const REFUSED_EVENTS = ['pull_request_target', 'issue_comment', 'pull_request_review_comment']

interface SavedLock {
  holderId: string
  service: string
  environment: string
  version: string
  root: string
  artifactsDir: string
  deploymentId?: number
}

function refuseUntrustedEvents(): void {
  const event = process.env['GITHUB_EVENT_NAME'] ?? ''
  if (REFUSED_EVENTS.includes(event)) {
    throw new OperationError(
      `refusing to deploy from a ${event} event: it can run code or words from outside the repository`
    )
  }
}

function runUrl(): string | undefined {
  const {
    GITHUB_SERVER_URL: server = 'https://github.com',
    GITHUB_REPOSITORY: repo,
    GITHUB_RUN_ID: id
  } = process.env
  return repo && id ? `${server}/${repo}/actions/runs/${id}` : undefined
}

export async function run(): Promise<void> {
  refuseUntrustedEvents()
  const inputs = getInputs()
  const root = resolveWorkingDirectory(inputs.workingDirectory)
  loadManifestForAction(root)
  const logger = new ToolkitLogger()
  if (inputs.token) core.setSecret(inputs.token)
  const artifactsDir = inputs.artifactsDir
    ? path.resolve(workspaceRoot(), inputs.artifactsDir)
    : path.join(process.env['RUNNER_TEMP'] ?? root, 'shipline', 'artifacts')

  // The runner sends SIGINT, then SIGTERM 7.5 s later: stop between steps, put switched hosts back,
  // record the run as cancelled and release the lock within that window.
  const cancel = new AbortController()
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      logger.warning(
        `received ${signal}: stopping the rollout, putting switched hosts back, releasing the lock`
      )
      cancel.abort()
    })
  }
  // Not tied to the cancel signal: after a SIGTERM the final status must still reach GitHub.
  const recorder = recorderFromEnvironment(process.env, inputs.token, logger)
  let saved: SavedLock | undefined
  const services: DeployServices = {
    repo: root,
    artifactsDir,
    exec: new NodeExec(),
    logger,
    env: process.env,
    signal: cancel.signal,
    ...(recorder ? { recorder } : {}),
    onLockAcquired: (holder, plan) => {
      saved = {
        holderId: holder.id,
        service: plan.service,
        environment: plan.environment,
        version: plan.artifact.version,
        root,
        artifactsDir
      }
      core.saveState(LOCK_STATE, JSON.stringify(saved))
    },
    onLockReleased: () => core.saveState(LOCK_STATE, '')
  }
  let outcome
  try {
    outcome = await deployService(
      {
        service: inputs.artifact,
        environment: inputs.environment,
        version: inputs.version,
        dryRun: inputs.dryRun,
        actor: process.env['GITHUB_ACTOR'] ?? 'unknown',
        ...(runUrl() ? { runUrl: runUrl() } : {}),
        ...(inputs.maxParallel !== undefined ? { maxParallel: inputs.maxParallel } : {}),
        ...(inputs.lockTimeoutMs !== undefined ? { lockTimeoutMs: inputs.lockTimeoutMs } : {})
      },
      services
    )
  } catch (error) {
    throw relativeToWorkspace(error, root)
  }
  for (const line of outcome.planText) logger.info(line)
  if (outcome.checks) {
    for (const c of outcome.checks) logger.info(`${c.ok ? 'ok  ' : 'FAIL'} ${c.check}: ${c.detail}`)
    core.setOutput('result', 'dry-run')
    core.setOutput('version', outcome.plan.artifact.version)
    core.setOutput('digest', outcome.plan.artifact.digest)
    core.setOutput('hosts', JSON.stringify(outcome.plan.hosts.map((h) => ({ host: h.name }))))
    core.setOutput('deployment-id', '')
    const failed = outcome.checks.filter((c) => !c.ok)
    if (failed.length)
      throw new OperationError(`dry run: ${failed.map((c) => `${c.check} (${c.detail})`).join('; ')}`)
    return
  }
  const deployment = outcome.deployment!
  writeOutputs(deployment)
  await core.summary.addRaw(deploymentMarkdown(deployment)).write()
  if (deployment.result === 'success' || deployment.result === 'no-op') {
    logger.info(deployment.message ?? deployment.result)
    return
  }
  throw new OperationError(
    `${deployment.rollbackFailed ? 'ROLLBACK FAILED: ' : ''}${deployment.service} ${deployment.version} to ${deployment.environment}: ${deployment.message ?? deployment.result}`
  )
}

function writeOutputs(d: Deployment): void {
  core.setOutput('result', d.result)
  core.setOutput('version', d.version)
  core.setOutput('digest', d.digest)
  core.setOutput(
    'hosts',
    JSON.stringify(
      d.hosts.map((h) => ({ host: h.host, version: h.versionAfter ?? null, outcome: h.outcome }))
    )
  )
  core.setOutput('deployment-id', d.deploymentId !== undefined ? String(d.deploymentId) : '')
}

/**
 * The post step: when main ended without releasing the lock (killed after the runner's grace
 * period), release it, write a `cancelled` audit line and mark the GitHub deployment as errored.
 * Errors here are warnings (runAction), never a failed job.
 */
export async function post(): Promise<void> {
  const text = core.getState(LOCK_STATE)
  if (!text) return
  const saved = JSON.parse(text) as SavedLock
  const logger = new ToolkitLogger()
  const summary = await recoverInterruptedDeploy(
    {
      service: saved.service,
      environment: saved.environment,
      version: saved.version,
      holderId: saved.holderId,
      actor: process.env['GITHUB_ACTOR'] ?? 'unknown',
      ...(runUrl() ? { runUrl: runUrl() } : {})
    },
    { repo: saved.root, artifactsDir: saved.artifactsDir, exec: new NodeExec(), logger, env: process.env }
  )
  logger.warning(`deploy of ${saved.service} to ${saved.environment} was interrupted: ${summary}`)
  await markDeploymentCancelled(saved, logger)
}

async function markDeploymentCancelled(saved: SavedLock, logger: ToolkitLogger): Promise<void> {
  const token = getInputs().token
  const repository = process.env['GITHUB_REPOSITORY']
  if (!token || !repository || !process.env['GITHUB_SHA']) return
  const [owner, repo] = repository.split('/') as [string, string]
  const client = createGitHubClient({
    token,
    logger,
    ...(process.env['GITHUB_API_URL'] ? { baseUrl: process.env['GITHUB_API_URL'] } : {})
  })
  const recorder = new GitHubDeploymentRecorder({
    client,
    owner,
    repo,
    sha: process.env['GITHUB_SHA'],
    actor: process.env['GITHUB_ACTOR'] ?? 'unknown',
    production: false,
    logger,
    ...(process.env['GITHUB_RUN_ID'] ? { runId: process.env['GITHUB_RUN_ID'] } : {}),
    ...(process.env['GITHUB_RUN_ATTEMPT'] ? { runAttempt: process.env['GITHUB_RUN_ATTEMPT'] } : {})
  })
  await recorder.markCancelled(saved.environment, saved.service, saved.version)
}
