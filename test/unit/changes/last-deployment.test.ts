import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { createGitHubClient, describeGitHubError } from '../../../src/platform/github-client.js'
import { GitHubDeploymentHistory } from '../../../src/platform/github-deployment-history.js'
import { RecordingLogger } from '../../../src/platform/logger.js'
import { FakeGitHub } from '../../helpers/fake-github/index.js'
import { detectIn, kinds } from './detect-fixture.js'
import { smallMonorepo } from './monorepo-fixture.js'

let github: FakeGitHub
beforeEach(async () => {
  github = await FakeGitHub.start()
})
afterEach(async () => {
  expect(github.violations).toEqual([])
  await github.close()
})

function history(): GitHubDeploymentHistory {
  const logger = new RecordingLogger()
  const client = createGitHubClient({ token: github.token, baseUrl: github.url, logger, msPerSecond: 1 })
  return new GitHubDeploymentHistory(client, 'octo', 'shop', logger, describeGitHubError)
}

function deploy(service: string, sha: string, state: 'success' | 'failure' | 'in_progress'): void {
  const d = github.store.create('octo/shop', { ref: sha, environment: `production/${service}` })
  github.store.addStatus('octo/shop', d.id, { state: 'in_progress' })
  if (state !== 'in_progress') github.store.addStatus('octo/shop', d.id, { state })
}

/** c1: initial; c2: catalog and orders change; c3: web changes. */
function threeCommits() {
  const repo = smallMonorepo()
  const c1 = repo.head()
  repo.write('services/catalog/src/index.js', '// c2\n')
  repo.write('services/orders/src/index.js', '// c2\n')
  const c2 = repo.commit('c2')
  repo.write('services/web/src/index.js', '// c3\n')
  const c3 = repo.commit('c3')
  return { repo, c1, c2, c3 }
}

describe('since: last-deployment', () => {
  test('each service is compared with its own last successful deployment; a failed deploy is picked again', async () => {
    const { repo, c1, c2, c3 } = threeCommits()
    deploy('catalog', c1, 'success')
    deploy('catalog', c2, 'failure')
    deploy('orders', c2, 'success')
    deploy('web', c1, 'success')
    deploy('web', c2, 'success')
    deploy('search', c3, 'in_progress')
    const d = await detectIn(repo.dir, {
      event: { name: 'schedule', payload: {}, sha: c3 },
      since: 'last-deployment',
      environment: 'Production',
      deployments: history()
    })
    expect(d.changes).toMatchObject({ head: c3, baseSource: 'last-deployment', base: '', fallback: false })
    expect(d.changes.bases).toEqual({ catalog: c1, orders: c2, web: c2 })
    expect(kinds(d)).toEqual({
      catalog: ['last-deployment', 'file'],
      search: ['last-deployment'],
      web: ['last-deployment', 'file']
    })
    expect(d.changes.reasons.search?.[0]?.detail).toBe('never deployed successfully to production')
    expect(github.calls('repos/list-deployments').map((r) => r.query.environment)).toContain(
      'production/catalog'
    )
  })

  test('a service whose deployed commit is up to date is not selected', async () => {
    const { repo, c3 } = threeCommits()
    for (const s of ['catalog', 'orders', 'search', 'web']) deploy(s, c3, 'success')
    const d = await detectIn(repo.dir, {
      event: { name: 'workflow_dispatch', payload: {}, sha: c3 },
      since: 'last-deployment',
      environment: 'production',
      deployments: history()
    })
    expect(d.changes.services).toEqual([])
  })

  test('a transient API failure is retried; a refused request fails the run instead of guessing', async () => {
    const { repo, c1, c3 } = threeCommits()
    for (const s of ['catalog', 'orders', 'search', 'web']) deploy(s, c1, 'success')
    github.inject({ operation: 'repos/list-deployments', fault: { kind: 'status', status: 502 } })
    const d = await detectIn(repo.dir, {
      event: { name: 'schedule', payload: {}, sha: c3 },
      since: 'last-deployment',
      environment: 'production',
      deployments: history()
    })
    expect(d.changes.services).toEqual(['catalog', 'orders', 'web'])
    github.inject({
      operation: 'repos/list-deployment-statuses',
      fault: { kind: 'status', status: 403, message: 'Resource not accessible by integration' },
      times: 100
    })
    await expect(
      detectIn(repo.dir, {
        event: { name: 'schedule', payload: {}, sha: c3 },
        since: 'last-deployment',
        environment: 'production',
        deployments: history()
      })
    ).rejects.toMatchObject({
      name: 'OperationError',
      message: expect.stringMatching(/reading deployments from GitHub failed.*403/)
    })
  })

  test('an unknown environment, or no environment at all, is a configuration error', async () => {
    const { repo, c3 } = threeCommits()
    const call = {
      event: { name: 'schedule', payload: {}, sha: c3 },
      since: 'last-deployment' as const,
      deployments: history()
    }
    await expect(detectIn(repo.dir, { ...call, environment: 'prod' })).rejects.toMatchObject({
      name: 'ConfigError',
      message: 'unknown environment "prod"'
    })
    await expect(detectIn(repo.dir, call)).rejects.toMatchObject({
      name: 'ConfigError',
      location: { keyPath: 'with.environment' }
    })
  })
})
