/**
 * The fake server's memory of deployments and their statuses, per repository, with GitHub's
 * documented behaviour: newest first, `auto_inactive` (default true) on `success` marks earlier
 * non-transient, non-production deployments of the same environment NAME that had reached success,
 * `log_url` also sets `target_url`, descriptions over 140 characters are refused.
 */
import { createHash } from 'node:crypto'

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message)
  }
}

export interface StatusRecord {
  id: number
  state: string
  description: string
  environment: string
  log_url: string
  environment_url: string
  created_at: string
}

export interface DeploymentRecord {
  id: number
  repo: string
  sha: string
  ref: string
  task: string
  payload: unknown
  environment: string
  description: string | null
  transient_environment: boolean
  production_environment: boolean
  auto_merge: boolean
  required_contexts: string[] | undefined
  created_at: string
  statuses: StatusRecord[]
}

const API = 'https://api.github.com'

function user(login: string) {
  const url = `${API}/users/${login}`
  return {
    login,
    id: 41898282,
    node_id: 'MDM6Qm90NDE4OTgyODI=',
    avatar_url: 'https://avatars.githubusercontent.com/in/15368?v=4',
    gravatar_id: '',
    url,
    html_url: `https://github.com/apps/github-actions`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: 'Bot',
    site_admin: false
  }
}

export class DeploymentsStore {
  readonly deployments: DeploymentRecord[] = []
  private nextId = 1000
  private tick = 0

  /** Deterministic, increasing timestamps (one second apart), so "newest" is well defined. */
  private now(): string {
    this.tick++
    return new Date(Date.UTC(2026, 0, 1) + this.tick * 1000).toISOString().replace('.000Z', 'Z')
  }

  private find(repo: string, id: number): DeploymentRecord {
    const found = this.deployments.find((d) => d.repo === repo && d.id === id)
    if (!found) throw new ApiError(404, 'Not Found')
    return found
  }

  /** The latest state of a deployment (undefined when it has no status yet). */
  latestState(deployment: DeploymentRecord): string | undefined {
    return deployment.statuses.at(-1)?.state
  }

  create(repo: string, body: Record<string, unknown>): DeploymentRecord {
    const ref = String(body['ref'])
    const environment = typeof body['environment'] === 'string' ? body['environment'] : 'production'
    const record: DeploymentRecord = {
      id: this.nextId++,
      repo,
      ref,
      sha: /^[0-9a-f]{40}$/.test(ref) ? ref : createHash('sha1').update(ref).digest('hex'),
      task: typeof body['task'] === 'string' ? body['task'] : 'deploy',
      payload: body['payload'] ?? {},
      environment,
      description: typeof body['description'] === 'string' ? body['description'] : null,
      transient_environment: body['transient_environment'] === true,
      production_environment:
        typeof body['production_environment'] === 'boolean'
          ? body['production_environment']
          : environment === 'production',
      auto_merge: body['auto_merge'] !== false,
      required_contexts: body['required_contexts'] as string[] | undefined,
      created_at: this.now(),
      statuses: []
    }
    this.deployments.push(record)
    return record
  }

  list(
    repo: string,
    filter: { sha?: string; ref?: string; task?: string; environment?: string }
  ): DeploymentRecord[] {
    return this.deployments
      .filter((d) => d.repo === repo)
      .filter((d) => !filter.sha || d.sha === filter.sha)
      .filter((d) => !filter.ref || d.ref === filter.ref)
      .filter((d) => !filter.task || d.task === filter.task)
      .filter((d) => !filter.environment || d.environment === filter.environment)
      .sort((a, b) => b.id - a.id)
  }

  get(repo: string, id: number): DeploymentRecord {
    return this.find(repo, id)
  }

  addStatus(repo: string, id: number, body: Record<string, unknown>): StatusRecord {
    const deployment = this.find(repo, id)
    const description = typeof body['description'] === 'string' ? body['description'] : ''
    if (description.length > 140)
      throw new ApiError(422, 'Validation Failed: description is too long (maximum is 140 characters)')
    const logUrl =
      typeof body['log_url'] === 'string'
        ? body['log_url']
        : typeof body['target_url'] === 'string'
          ? body['target_url']
          : ''
    const status: StatusRecord = {
      id: this.nextId++,
      state: String(body['state']),
      description,
      environment: typeof body['environment'] === 'string' ? body['environment'] : deployment.environment,
      log_url: logUrl,
      environment_url: typeof body['environment_url'] === 'string' ? body['environment_url'] : '',
      created_at: this.now()
    }
    deployment.statuses.push(status)
    if (status.state === 'success' && body['auto_inactive'] !== false) this.autoInactivate(deployment)
    return status
  }

  private autoInactivate(current: DeploymentRecord): void {
    for (const other of this.deployments) {
      if (other === current || other.repo !== current.repo || other.environment !== current.environment)
        continue
      if (other.transient_environment || other.production_environment) continue
      if (!other.statuses.some((s) => s.state === 'success') || this.latestState(other) === 'inactive')
        continue
      other.statuses.push({
        id: this.nextId++,
        state: 'inactive',
        description: '',
        environment: other.environment,
        log_url: '',
        environment_url: '',
        created_at: this.now()
      })
    }
  }

  /** The JSON GitHub answers for a deployment. */
  deploymentJson(d: DeploymentRecord, owner: string, name: string): Record<string, unknown> {
    const url = `${API}/repos/${owner}/${name}/deployments/${d.id}`
    return {
      url,
      id: d.id,
      node_id: Buffer.from(`Deployment${d.id}`).toString('base64'),
      sha: d.sha,
      ref: d.ref,
      task: d.task,
      payload: d.payload,
      original_environment: d.environment,
      environment: d.environment,
      description: d.description,
      creator: user('github-actions[bot]'),
      created_at: d.created_at,
      updated_at: d.statuses.at(-1)?.created_at ?? d.created_at,
      statuses_url: `${url}/statuses`,
      repository_url: `${API}/repos/${owner}/${name}`,
      transient_environment: d.transient_environment,
      production_environment: d.production_environment
    }
  }

  /** The JSON GitHub answers for a deployment status. */
  statusJson(d: DeploymentRecord, s: StatusRecord, owner: string, name: string): Record<string, unknown> {
    const deploymentUrl = `${API}/repos/${owner}/${name}/deployments/${d.id}`
    return {
      url: `${deploymentUrl}/statuses/${s.id}`,
      id: s.id,
      node_id: Buffer.from(`DeploymentStatus${s.id}`).toString('base64'),
      state: s.state,
      creator: user('github-actions[bot]'),
      description: s.description,
      environment: s.environment,
      target_url: s.log_url,
      log_url: s.log_url,
      environment_url: s.environment_url,
      created_at: s.created_at,
      updated_at: s.created_at,
      deployment_url: deploymentUrl,
      repository_url: `${API}/repos/${owner}/${name}`
    }
  }
}
