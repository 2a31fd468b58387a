/**
 * The GitHub deployment record of a deploy: one deployment per service and environment, named
 * `<environment>/<service>` so that deploying one service never marks another service's deployment
 * inactive (GitHub scopes auto-inactive by environment name; see the platform sheet §1.3).
 *
 *   start   looks for a deployment this run already created (payload marker: run id, attempt,
 *           service, environment) and reuses it; otherwise creates one with no automatic retry, and
 *           when the answer is lost (5xx, timeout) looks again before creating again - so a
 *           "created but answered 502" never makes a duplicate. Then `in_progress`.
 *   finish  success / failure / error (cancelled), with log and environment URLs, auto_inactive
 *           off; on success the previous successful deployment of the same service and
 *           environment is marked inactive by one call.
 * Every failure here is a warning: the record never fails or rolls back a deploy.
 */
import type { DeploymentRecorder } from '../core/deploy/deployment-recorder.js'
import type { Deployment, DeployPlan } from '../core/deploy/model.js'
import { createGitHubClient, describeGitHubError, type GitHubClient } from './github-client.js'
import type { Logger } from './logger.js'

export interface GitHubRecordOptions {
  client: GitHubClient
  owner: string
  repo: string
  /** The commit deployed (GITHUB_SHA). */
  sha: string
  actor: string
  runId?: string
  runAttempt?: string
  /** The run's page (log_url). */
  runUrl?: string
  /** The service's URL (environment_url). */
  environmentUrl?: string
  /** Environments whose deployments are production ones. */
  production: boolean
  logger: Logger
  /** Creation attempts when the answer is lost (default 3). */
  createAttempts?: number
}

/** The GitHub environment name of a service in an environment. */
export function githubEnvironment(environment: string, service: string): string {
  return `${environment}/${service}`
}

const MAX_DESCRIPTION = 140

function shorten(text: string): string {
  return text.length <= MAX_DESCRIPTION ? text : `${text.slice(0, MAX_DESCRIPTION - 3)}...`
}

export class GitHubDeploymentRecorder implements DeploymentRecorder {
  deploymentId: number | undefined
  deploymentUrl: string | undefined
  private environment = ''

  constructor(private readonly options: GitHubRecordOptions) {}

  private get repoParams() {
    return { owner: this.options.owner, repo: this.options.repo }
  }

  private marker(plan: Pick<DeployPlan, 'environment' | 'service'> & { version: string }): string {
    const o = this.options
    return `${o.runId ?? 'local'}.${o.runAttempt ?? '1'}.${plan.environment}.${plan.service}.${plan.version}`
  }

  /** The post step's record of a deploy killed before it could say so itself. */
  async markCancelled(environment: string, service: string, version: string): Promise<void> {
    this.environment = githubEnvironment(environment, service)
    await this.warnOnFailure('marking the deployment cancelled', async () => {
      this.deploymentId = await this.findOwn(this.marker({ environment, service, version }))
      await this.status(
        'error',
        'cancelled: the deploy was interrupted; the lock was released by the post step'
      )
    })
  }

  private async warnOnFailure(what: string, work: () => Promise<void>): Promise<void> {
    try {
      await work()
    } catch (error) {
      this.options.logger.warning(
        `GitHub deployment record: ${what} failed (${describeGitHubError(error)}); the deploy itself is not affected`
      )
    }
  }

  /** A deployment this run already created for the same service, environment and version. */
  private async findOwn(marker: string): Promise<number | undefined> {
    const { client } = this.options
    const list = await client.paginate(client.rest.repos.listDeployments, {
      ...this.repoParams,
      environment: this.environment,
      sha: this.options.sha,
      per_page: 100
    })
    const own = list.find(
      (d) =>
        typeof d.payload === 'object' &&
        d.payload !== null &&
        (d.payload as Record<string, unknown>)['shipline_marker'] === marker
    )
    return own?.id
  }

  async queued(plan: DeployPlan, holder: string): Promise<void> {
    // Recorded on the deployment once it exists; the wait itself is in the log.
    void plan
    void holder
  }

  async start(plan: DeployPlan): Promise<void> {
    const { client } = this.options
    this.environment = githubEnvironment(plan.environment, plan.service)
    const marker = this.marker({ ...plan, version: plan.artifact.version })
    await this.warnOnFailure('creating the deployment', async () => {
      let id = await this.findOwn(marker)
      const attempts = this.options.createAttempts ?? 3
      for (let attempt = 1; id === undefined && attempt <= attempts; attempt++) {
        try {
          const { data } = await client.rest.repos.createDeployment({
            ...this.repoParams,
            ref: this.options.sha,
            task: 'deploy',
            auto_merge: false,
            required_contexts: [],
            environment: this.environment,
            transient_environment: false,
            production_environment: this.options.production,
            description: shorten(`${plan.service} ${plan.artifact.version} to ${plan.environment}`),
            payload: {
              service: plan.service,
              version: plan.artifact.version,
              digest: plan.artifact.digest,
              config_sha: plan.configHash,
              hosts: plan.hosts.map((h) => h.name),
              actor: this.options.actor,
              ...(this.options.runUrl ? { run_url: this.options.runUrl } : {}),
              shipline_marker: marker
            },
            request: { retries: 0 }
          })
          if (!('id' in data))
            throw new Error(`GitHub did not create the deployment: ${data.message ?? 'no reason given'}`)
          id = data.id
        } catch (error) {
          const status = (error as { status?: number }).status ?? 0
          if (status > 0 && status < 500 && status !== 429) throw error
          this.options.logger.info(
            `creating the deployment: ${describeGitHubError(error)}; checking whether GitHub created it anyway`
          )
          id = await this.findOwn(marker)
          if (id === undefined && attempt === attempts) throw error
        }
      }
      this.deploymentId = id
      this.deploymentUrl = `https://github.com/${this.options.owner}/${this.options.repo}/deployments/${encodeURIComponent(this.environment)}`
      await this.status('in_progress', `deploying ${plan.service} ${plan.artifact.version}`)
    })
  }

  private async status(
    state: 'in_progress' | 'success' | 'failure' | 'error' | 'inactive',
    description: string,
    id = this.deploymentId
  ): Promise<void> {
    if (id === undefined) return
    await this.options.client.rest.repos.createDeploymentStatus({
      ...this.repoParams,
      deployment_id: id,
      state,
      description: shorten(description),
      ...(this.options.runUrl ? { log_url: this.options.runUrl } : {}),
      ...(this.options.environmentUrl ? { environment_url: this.options.environmentUrl } : {}),
      auto_inactive: false
    })
  }

  async finish(deployment: Deployment): Promise<void> {
    if (this.deploymentId === undefined || deployment.result === 'no-op') return
    const state =
      deployment.result === 'success' ? 'success' : deployment.result === 'cancelled' ? 'error' : 'failure'
    const description =
      deployment.result === 'cancelled'
        ? `cancelled: ${deployment.message ?? ''}`
        : (deployment.message ?? deployment.result)
    await this.warnOnFailure(`setting the ${state} status`, () => this.status(state, description))
    if (state === 'success')
      await this.warnOnFailure('marking the previous deployment inactive', () => this.retirePrevious())
  }

  /** The newest earlier deployment of the same service and environment still at success becomes inactive. */
  private async retirePrevious(): Promise<void> {
    const { client } = this.options
    const { data: deployments } = await client.rest.repos.listDeployments({
      ...this.repoParams,
      environment: this.environment,
      per_page: 30
    })
    for (const d of deployments) {
      if (d.id === this.deploymentId) continue
      const { data: statuses } = await client.rest.repos.listDeploymentStatuses({
        ...this.repoParams,
        deployment_id: d.id,
        per_page: 1
      })
      const latest = statuses[0]?.state
      if (latest === 'success') {
        await this.status('inactive', `replaced by deployment ${this.deploymentId}`, d.id)
        return
      }
      if (latest === 'inactive') return
    }
  }
}

/**
 * The recorder for a deploy started in GitHub Actions (or by anyone with GITHUB_TOKEN,
 * GITHUB_REPOSITORY and GITHUB_SHA set); undefined when any is missing, so a local deploy keeps its
 * record on the hosts only.
 */
export function recorderFromEnvironment(
  env: Readonly<Record<string, string | undefined>>,
  token: string | undefined,
  logger: Logger,
  clientOptions: {
    baseUrl?: string
    msPerSecond?: number
    minWriteIntervalMs?: number
    signal?: AbortSignal
  } = {}
): ((plan: DeployPlan) => DeploymentRecorder | undefined) | undefined {
  const repository = env['GITHUB_REPOSITORY']
  const sha = env['GITHUB_SHA']
  if (!token || !repository || !sha || !repository.includes('/')) return undefined
  const [owner, repo] = repository.split('/') as [string, string]
  const server = env['GITHUB_SERVER_URL'] ?? 'https://github.com'
  const runUrl = env['GITHUB_RUN_ID']
    ? `${server}/${repository}/actions/runs/${env['GITHUB_RUN_ID']}`
    : undefined
  return (plan) =>
    new GitHubDeploymentRecorder({
      client: createGitHubClient({
        token,
        logger,
        ...(env['GITHUB_API_URL'] ? { baseUrl: env['GITHUB_API_URL'] } : {}),
        ...clientOptions
      }),
      owner,
      repo,
      sha,
      actor: env['GITHUB_ACTOR'] ?? 'unknown',
      ...(env['GITHUB_RUN_ID'] ? { runId: env['GITHUB_RUN_ID'] } : {}),
      ...(env['GITHUB_RUN_ATTEMPT'] ? { runAttempt: env['GITHUB_RUN_ATTEMPT'] } : {}),
      ...(runUrl ? { runUrl } : {}),
      production: plan.environment === 'production' || plan.environment === 'prod',
      logger
    })
}
