import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { deployService, stopService, type DeployServices } from '../../../src/core/deploy/entry.js'
import { NodeExec } from '../../../src/platform/exec.js'
import { recorderFromEnvironment } from '../../../src/platform/github-deployments.js'
import { RecordingLogger } from '../../../src/platform/logger.js'
import { createDeployFixture, type DeployFixture } from '../../helpers/deploy-fixture.js'
import { FakeGitHub } from '../../helpers/fake-github/index.js'

let fixture: DeployFixture
let github: FakeGitHub
let logger: RecordingLogger

const SHA = 'c'.repeat(40)

beforeAll(() => {
  fixture = createDeployFixture({ services: ['catalog', 'orders'] })
  for (const service of ['catalog', 'orders']) {
    fixture.build(service, 'b1')
    fixture.build(service, 'b2')
  }
})
afterAll(async () => {
  for (const service of ['catalog', 'orders'])
    await stopService({ service, environment: 'local', actor: 't' }, services()).catch(() => undefined)
  fixture.cleanup()
})
beforeEach(async () => {
  github = await FakeGitHub.start()
  logger = new RecordingLogger()
})
afterEach(async () => {
  expect(github.violations).toEqual([])
  await github.close()
})

function services(runId = '77'): DeployServices {
  const env = {
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_SHA: SHA,
    GITHUB_RUN_ID: runId,
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_ACTOR: 'octo',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: github?.url
  }
  const recorder = recorderFromEnvironment(env, github?.token, logger, {
    msPerSecond: 2,
    minWriteIntervalMs: 0
  })
  return {
    repo: fixture.repo,
    artifactsDir: fixture.artifacts,
    exec: new NodeExec(),
    logger,
    env: {},
    ...(recorder ? { recorder } : {})
  }
}

function deploy(service: string, version: string, runId?: string) {
  return deployService(
    { service, environment: 'local', version, dryRun: false, actor: 'octo' },
    services(runId)
  )
}

function states(environment: string): string[][] {
  return github.store
    .list('acme/shop', { environment })
    .reverse()
    .map((d) => d.statuses.map((s) => s.state))
}

describe('GitHub deployment record', () => {
  it('creates one deployment per service and environment with in_progress then success and a full payload', async () => {
    const outcome = await deploy('catalog', 'b1', '100')
    expect(outcome.deployment?.result).toBe('success')
    const [record] = github.store.list('acme/shop', { environment: 'local/catalog' })
    expect(record).toMatchObject({
      ref: SHA,
      task: 'deploy',
      auto_merge: false,
      required_contexts: [],
      transient_environment: false,
      production_environment: false
    })
    expect(record!.payload).toMatchObject({
      service: 'catalog',
      version: 'b1',
      digest: outcome.plan.artifact.digest,
      config_sha: outcome.plan.configHash,
      hosts: ['shop'],
      actor: 'octo',
      run_url: 'https://github.com/acme/shop/actions/runs/100'
    })
    expect(record!.statuses.map((s) => [s.state, s.log_url])).toEqual([
      ['in_progress', 'https://github.com/acme/shop/actions/runs/100'],
      ['success', 'https://github.com/acme/shop/actions/runs/100']
    ])
    expect(outcome.deployment?.deploymentId).toBe(record!.id)
  })

  it('marks only the same service inactive when a newer deploy succeeds', async () => {
    await deploy('orders', 'b1', '101')
    await deploy('catalog', 'b2', '102')
    await deploy('catalog', 'b1', '103')
    expect(states('local/catalog')).toEqual([
      ['in_progress', 'success', 'inactive'],
      ['in_progress', 'success']
    ])
    expect(states('local/orders')).toEqual([['in_progress', 'success']])
  })

  it('does not duplicate the deployment when the create call answers 502 after creating it', async () => {
    github.inject({ operation: 'repos/create-deployment', fault: { kind: 'after-success', status: 502 } })
    const outcome = await deploy('catalog', 'b2', '104')
    expect(outcome.deployment?.result).toBe('success')
    expect(github.calls('repos/create-deployment').map((r) => r.status)).toEqual([502])
    expect(github.store.deployments).toHaveLength(1)
    expect(states('local/catalog')).toEqual([['in_progress', 'success']])
  })

  it('keeps a successful deploy successful when status updates fail, with a warning', async () => {
    github.inject({
      operation: 'repos/create-deployment-status',
      fault: { kind: 'status', status: 500 },
      times: 20
    })
    const outcome = await deploy('catalog', 'b1', '105')
    expect(outcome.deployment?.result).toBe('success')
    expect(outcome.deployment?.hosts.map((h) => h.versionAfter)).toEqual(['b1'])
    expect(logger.messages('warning').join('\n')).toMatch(
      /GitHub deployment record: .* failed \(500 .*\); the deploy itself is not affected/
    )
  })

  it('records a failed deploy as failure, and a no-op creates nothing', async () => {
    fixture.build('catalog', 'b3', { broken: true })
    const failed = await deploy('catalog', 'b3', '106')
    expect(failed.deployment?.result).toBe('failure')
    const noop = await deploy('catalog', failed.deployment!.hosts[0]!.versionAfter!, '107')
    expect(noop.deployment?.result).toBe('no-op')
    expect(states('local/catalog')).toEqual([['in_progress', 'failure']])
  })
})
