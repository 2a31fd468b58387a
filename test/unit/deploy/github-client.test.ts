import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import {
  createGitHubClient,
  describeGitHubError,
  type GitHubClientOptions
} from '../../../src/platform/github-client.js'
import { RecordingLogger } from '../../../src/platform/logger.js'
import { FakeGitHub } from '../../helpers/fake-github/index.js'

// One "second" of waiting lasts 5 ms here, so the waits GitHub asks for stay measurable but quick.
const MS_PER_SECOND = 5

let github: FakeGitHub
let logger: RecordingLogger

beforeEach(async () => {
  github = await FakeGitHub.start()
  logger = new RecordingLogger()
})
afterEach(async () => {
  await github.close()
})

function client(extra: Partial<GitHubClientOptions> = {}) {
  return createGitHubClient({
    token: github.token,
    baseUrl: github.url,
    logger,
    msPerSecond: MS_PER_SECOND,
    minWriteIntervalMs: 0,
    requestTimeoutMs: 2000,
    ...extra
  })
}

const repo = { owner: 'acme', repo: 'shop' }
const create = {
  ...repo,
  ref: 'a'.repeat(40),
  environment: 'staging/catalog',
  auto_merge: false,
  required_contexts: []
}

describe('fake GitHub checks requests against the OpenAPI description', () => {
  it('accepts a conforming deployment lifecycle and answers in GitHub shapes', async () => {
    const octokit = client()
    const { data: created, status } = await octokit.rest.repos.createDeployment({
      ...create,
      payload: { service: 'catalog' }
    })
    expect(status).toBe(201)
    expect('id' in created).toBe(true)
    const id = (created as { id: number }).id
    await octokit.rest.repos.createDeploymentStatus({
      ...repo,
      deployment_id: id,
      state: 'success',
      log_url: 'https://x/run'
    })
    const { data: statuses } = await octokit.rest.repos.listDeploymentStatuses({ ...repo, deployment_id: id })
    expect(statuses.map((s) => [s.state, s.target_url])).toEqual([['success', 'https://x/run']])
    const { data: listed } = await octokit.rest.repos.listDeployments({
      ...repo,
      environment: 'staging/catalog'
    })
    expect(listed.map((d) => d.payload)).toEqual([{ service: 'catalog' }])
    expect(github.violations).toEqual([])
  })

  it('refuses a body property the operation does not have, and the client does not retry a 422', async () => {
    const octokit = client()
    const bad = { ...create, autoMerge: false } as unknown as typeof create
    await expect(octokit.rest.repos.createDeployment(bad)).rejects.toMatchObject({ status: 422 })
    expect(github.violations.join('\n')).toContain('body property autoMerge is not part of the operation')
    expect(github.calls('repos/create-deployment')).toHaveLength(1)
    expect(github.store.deployments).toHaveLength(0)
  })

  it('refuses a wrongly typed field and a wrongly typed path parameter', async () => {
    const octokit = client()
    await expect(
      octokit.request('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
        ...repo,
        deployment_id: 'abc' as unknown as number,
        state: 'done' as 'success'
      })
    ).rejects.toMatchObject({ status: 422 })
    const problems = github.violations.join('\n')
    expect(problems).toContain('path parameter deployment_id must be a integer')
    expect(problems).toContain('body/state must be equal to one of the allowed values')
  })

  it('answers 401 without the token, and the error says what to check', async () => {
    const octokit = createGitHubClient({ token: 'wrong', baseUrl: github.url, logger, msPerSecond: 1 })
    const failure = await octokit.rest.repos.listDeployments(repo).catch((e: unknown) => e)
    expect(describeGitHubError(failure)).toBe('401 Bad credentials: the token is missing, expired or revoked')
    expect(github.requests).toHaveLength(1)
  })
})

describe('GitHub client: retries and throttling', () => {
  it('honours Retry-After on a 429', async () => {
    github.inject({
      operation: 'repos/list-deployments',
      fault: { kind: 'too-many-requests', retryAfter: 3 }
    })
    await client().rest.repos.listDeployments(repo)
    const [first, second] = github.calls('repos/list-deployments')
    expect([first?.status, second?.status]).toEqual([429, 200])
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(3 * MS_PER_SECOND)
    expect(logger.messages('info').join('\n')).toContain('retry 1/3 in 3 s (Retry-After)')
  })

  it('waits 60 s on a secondary rate limit without Retry-After, and Retry-After when given', async () => {
    github.inject({ operation: 'repos/list-deployments', fault: { kind: 'secondary-rate-limit' } })
    github.inject({
      operation: 'repos/list-deployments',
      fault: { kind: 'secondary-rate-limit', status: 429, retryAfter: 7 }
    })
    await client().rest.repos.listDeployments(repo)
    expect(github.calls('repos/list-deployments').map((r) => r.status)).toEqual([403, 429, 200])
    const info = logger.messages('info').join('\n')
    expect(info).toContain('secondary rate limit on GET')
    expect(info).toContain('retry 1/3 in 60 s')
    expect(info).toContain('retry 2/3 in 7 s')
  })

  it('waits until the reset on a primary rate limit, and gives up at once on a reset beyond the bound', async () => {
    github.inject({
      operation: 'repos/list-deployments',
      fault: { kind: 'primary-rate-limit', resetInSeconds: 20 }
    })
    await client().rest.repos.listDeployments(repo)
    expect(logger.messages('info').join('\n')).toMatch(/rate limit on GET .*retry 1\/3 in (20|21) s/)

    github.inject({
      operation: 'repos/list-deployments',
      fault: { kind: 'primary-rate-limit', resetInSeconds: 3600 }
    })
    await expect(client({ maxWaitSeconds: 120 }).rest.repos.listDeployments(repo)).rejects.toMatchObject({
      status: 403
    })
    expect(logger.messages('warning').join('\n')).toMatch(/asked to wait 36\d\d s, more than the 120 s/)
  })

  it('retries 5xx with bounded attempts and never retries 400, 404 or 422', async () => {
    github.inject({ operation: 'repos/list-deployments', fault: { kind: 'status', status: 502 }, times: 2 })
    await client().rest.repos.listDeployments(repo)
    expect(github.calls('repos/list-deployments').map((r) => r.status)).toEqual([502, 502, 200])

    github.inject({ operation: 'repos/get-deployment', fault: { kind: 'status', status: 503 }, times: 10 })
    await expect(
      client({ retries: 2 }).rest.repos.getDeployment({ ...repo, deployment_id: 1 })
    ).rejects.toMatchObject({ status: 503 })
    expect(github.calls('repos/get-deployment')).toHaveLength(3)

    for (const status of [400, 404, 422]) {
      github.inject({ operation: 'repos/list-deployment-statuses', fault: { kind: 'status', status } })
    }
    for (const status of [400, 404, 422]) {
      await expect(
        client().rest.repos.listDeploymentStatuses({ ...repo, deployment_id: 1 })
      ).rejects.toMatchObject({ status })
    }
    expect(github.calls('repos/list-deployment-statuses')).toHaveLength(3)
  })

  it('gives up on a server that never answers and retries', async () => {
    github.inject({ operation: 'repos/list-deployments', fault: { kind: 'hang' } })
    const { status } = await client({ requestTimeoutMs: 150 }).rest.repos.listDeployments(repo)
    expect(status).toBe(200)
    expect(github.calls('repos/list-deployments').map((r) => r.status)).toEqual(['hang', 200])
  })

  it('does not retry a request cancelled by the caller', async () => {
    github.inject({ operation: 'repos/list-deployments', fault: { kind: 'hang' } })
    const cancel = new AbortController()
    const pending = client({ signal: cancel.signal }).rest.repos.listDeployments(repo)
    while (github.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10))
    cancel.abort()
    await expect(pending).rejects.toThrow()
    await new Promise((resolve) => setTimeout(resolve, 20 * MS_PER_SECOND))
    expect(github.calls('repos/list-deployments')).toHaveLength(1)
  })

  it('repeats a POST whose answer was lost, which is why creating a deployment must look first', async () => {
    github.inject({ operation: 'repos/create-deployment', fault: { kind: 'after-success', status: 502 } })
    await client().rest.repos.createDeployment(create)
    expect(github.calls('repos/create-deployment').map((r) => r.status)).toEqual([502, 201])
    expect(github.store.deployments).toHaveLength(2)
  })

  it('paginates every page, and a failing page fails the whole listing', async () => {
    for (let i = 0; i < 205; i++) github.store.create('acme/shop', { ref: 'main', environment: 'prod/web' })
    const first = client()
    const all = await first.paginate(first.rest.repos.listDeployments, { ...repo, per_page: 100 })
    expect(all).toHaveLength(205)

    github.inject({
      operation: 'repos/list-deployments',
      fault: { kind: 'status', status: 500 },
      skip: 1,
      times: 9
    })
    const second = client({ retries: 1 })
    await expect(
      second.paginate(second.rest.repos.listDeployments, { ...repo, per_page: 100 })
    ).rejects.toMatchObject({ status: 500 })
    expect(
      github
        .calls('repos/list-deployments')
        .slice(-3)
        .map((r) => r.status)
    ).toEqual([200, 500, 500])
  })
})
