import * as core from '@actions/core'
import * as github from '@actions/github'
import { detectChanges, type DeploymentHistory } from '../../core/changes/detect-changes.js'
import { changeSetOutputs, MATRIX_JOB_LIMIT } from '../../core/changes/outputs.js'
import type { PullRequestFiles } from '../../core/changes/pull-request-files.js'
import { renderSummary } from '../../core/changes/summary.js'
import { OperationError } from '../../core/errors.js'
import { NodeExec } from '../../platform/exec.js'
import { Git } from '../../platform/git.js'
import { createGitHubClient, describeGitHubError } from '../../platform/github-client.js'
import { GitHubDeploymentHistory } from '../../platform/github-deployment-history.js'
import { GitHubPullRequestFiles } from '../../platform/github-pull-request-files.js'
import type { Logger } from '../../platform/logger.js'
import { ToolkitLogger } from '../common/toolkit-logger.js'
import { loadManifestForAction, resolveWorkingDirectory } from '../common/workspace.js'
import { gitAuthEnvironment } from './git-auth.js'
import { getInputs, type Inputs } from './inputs.js'

export async function run(): Promise<void> {
  const inputs = getInputs()
  const root = resolveWorkingDirectory(inputs.workingDirectory)
  const manifest = loadManifestForAction(root)
  const logger = new ToolkitLogger()
  const exec = new NodeExec()
  const git = new Git(exec, root, await fetchAuth(new Git(exec, root), inputs, logger))
  const { context } = github

  const { changes, graph } = await detectChanges({
    manifest,
    git,
    logger,
    request: {
      event: {
        name: context.eventName ?? '',
        payload: context.payload ?? {},
        sha: context.sha,
        ref: context.ref
      },
      ...(inputs.base !== undefined ? { base: inputs.base } : {}),
      ...(inputs.head !== undefined ? { head: inputs.head } : {}),
      ...(inputs.since ? { since: inputs.since } : {}),
      ...(inputs.environment ? { environment: inputs.environment } : {}),
      tagPattern: inputs.tagPattern
    },
    maxFetchDepth: inputs.maxFetchDepth,
    unowned: inputs.unowned,
    ...githubReaders(inputs, context.eventName ?? '', logger)
  })

  if (changes.services.length > MATRIX_JOB_LIMIT) {
    throw new OperationError(
      `${changes.services.length} services are selected, more than the ${MATRIX_JOB_LIMIT} jobs a GitHub matrix allows; split the services over several matrix jobs (e.g. by folder with working-directory)`
    )
  }
  // Outputs go through the toolkit's output file only: a value can hold any character and still
  // cannot start another output or a workflow command.
  for (const [name, value] of Object.entries(changeSetOutputs(changes, graph.servicePaths)))
    core.setOutput(name, value)
  await core.summary.addRaw(renderSummary(changes, graph)).write()
  logger.info(
    changes.services.length
      ? `selected ${changes.services.length} service(s): ${changes.services.join(', ')} (base ${changes.base || 'none'} via ${changes.baseSource})`
      : `no service selected (base ${changes.base || 'none'} via ${changes.baseSource})`
  )
}

/** Token-based auth for fetches, unless checkout already left credentials in the repository's config. */
async function fetchAuth(git: Git, inputs: Inputs, logger: Logger): Promise<Record<string, string>> {
  const server = process.env.GITHUB_SERVER_URL ?? 'https://github.com'
  if (!inputs.token) return {}
  const configured = await git.succeeds(['config', '--get-regexp', '^http\\..*\\.extraheader$'])
  return configured ? {} : gitAuthEnvironment(inputs.token, server, logger)
}

/** GitHub-backed readers: deployments for `since: last-deployment`, the file list for pull requests. */
function githubReaders(
  inputs: Inputs,
  eventName: string,
  logger: Logger
): { deployments?: DeploymentHistory; pullRequestFiles?: PullRequestFiles } {
  const wantsFiles = eventName === 'pull_request' || eventName === 'pull_request_target'
  if (!inputs.token || (!inputs.since && !wantsFiles)) return {}
  const { owner, repo } = github.context.repo
  const client = createGitHubClient({ token: inputs.token, logger })
  return {
    ...(inputs.since
      ? { deployments: new GitHubDeploymentHistory(client, owner, repo, logger, describeGitHubError) }
      : {}),
    ...(wantsFiles
      ? { pullRequestFiles: new GitHubPullRequestFiles(client, owner, repo, describeGitHubError) }
      : {})
  }
}
