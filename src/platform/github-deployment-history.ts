import type { DeploymentHistory } from '../core/changes/detect-changes.js'
import { OperationError } from '../core/errors.js'
import { githubEnvironment } from './github-deployments.js'
import type { Logger } from './logger.js'

/** The slice of an Octokit this reader uses (the client from github-client.ts satisfies it). */
export interface GitHubRequester {
  request(
    route: string,
    parameters: Record<string, unknown>
  ): Promise<{ data: unknown; headers?: Record<string, string | number | undefined> }>
}

interface DeploymentRecord {
  id: number
  sha: string
}

interface StatusRecord {
  state: string
}

const PER_PAGE = 100
/** How far back to look for a success: 10 pages of 100 deployments per service and environment. */
const MAX_PAGES = 10

/**
 * Reads "which commit of this service was last deployed successfully to this environment" from the
 * Deployments API: deployments of `<environment>/<service>` (the name the deploy action records), newest first, and for each its newest
 * status; the first whose newest status is `success` wins. A deployment whose newest status is
 * failure, error or still in progress does not count, so a service whose last deploy failed is
 * compared with its last good one and selected again.
 */
export class GitHubDeploymentHistory implements DeploymentHistory {
  constructor(
    private readonly client: GitHubRequester,
    private readonly owner: string,
    private readonly repo: string,
    private readonly logger: Logger,
    private readonly describeError: (error: unknown) => string = (e) => String(e)
  ) {}

  async lastSuccessfulSha(service: string, environment: string): Promise<string | undefined> {
    const name = githubEnvironment(environment, service)
    for (let page = 1; page <= MAX_PAGES; page++) {
      const deployments = (await this.call('GET /repos/{owner}/{repo}/deployments', {
        environment: name,
        per_page: PER_PAGE,
        page
      })) as DeploymentRecord[]
      for (const deployment of deployments) {
        const statuses = (await this.call('GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
          deployment_id: deployment.id,
          per_page: 1
        })) as StatusRecord[]
        if (statuses[0]?.state === 'success') {
          this.logger.debug(`${name}: last successful deployment ${deployment.id} at ${deployment.sha}`)
          return deployment.sha
        }
      }
      if (deployments.length < PER_PAGE) break
    }
    return undefined
  }

  private async call(route: string, parameters: Record<string, unknown>): Promise<unknown> {
    try {
      const response = await this.client.request(route, { owner: this.owner, repo: this.repo, ...parameters })
      if (!Array.isArray(response.data)) throw new Error(`unexpected answer to ${route}: not a list`)
      return response.data
    } catch (error) {
      throw new OperationError(
        `reading deployments from GitHub failed (${route}): ${this.describeError(error)}`
      )
    }
  }
}
