import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { stopService } from '../../../src/core/deploy/entry.js'
import { NodeExec } from '../../../src/platform/exec.js'
import { RecordingLogger } from '../../../src/platform/logger.js'
import { runActionBundle } from '../../helpers/action-runner.js'
import { createDeployFixture, type DeployFixture } from '../../helpers/deploy-fixture.js'
import { FakeGitHub } from '../../helpers/fake-github/index.js'

let fixture: DeployFixture
let github: FakeGitHub

beforeAll(() => {
  fixture = createDeployFixture({ localHosts: 2 })
  fixture.build('catalog', 'b1')
  fixture.build('catalog', 'b2', { broken: true })
})
afterAll(async () => {
  await stopService(
    { service: 'catalog', environment: 'local', actor: 't' },
    {
      repo: fixture.repo,
      artifactsDir: fixture.artifacts,
      exec: new NodeExec(),
      logger: new RecordingLogger(),
      env: {}
    }
  ).catch(() => undefined)
  fixture.cleanup()
})
beforeEach(async () => {
  github = await FakeGitHub.start()
})
afterEach(async () => {
  expect(github.violations).toEqual([])
  await github.close()
})

function run(inputs: Record<string, string>, extra: Parameters<typeof runActionBundle>[1] = {}) {
  return runActionBundle('deploy', {
    workspace: fixture.repo,
    inputs: { 'artifacts-dir': '.shipline/artifacts', environment: 'local', ...inputs },
    ...extra,
    env: { GITHUB_API_URL: github.url, GITHUB_TOKEN: github.token, ...extra.env }
  })
}

function hostFile(host: string, file: string): string {
  return path.join(fixture.hostsRoot, 'local', host, 'catalog', file)
}

describe('deploy action bundle', () => {
  it('deploys, sets outputs, writes the job summary and records the GitHub deployment', async () => {
    const result = await run({ artifact: 'catalog', version: 'b1' })
    expect(result.errors).toEqual([])
    expect(result.exitCode).toBe(0)
    expect(result.outputs).toMatchObject({ result: 'success', version: 'b1' })
    expect(result.outputs['digest']).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(JSON.parse(result.outputs['hosts']!)).toEqual([
      { host: 'shop-1', version: 'b1', outcome: 'switched' },
      { host: 'shop-2', version: 'b1', outcome: 'switched' }
    ])
    const [record] = github.store.list('octo/shop', { environment: 'local/catalog' })
    expect(result.outputs['deployment-id']).toBe(String(record!.id))
    expect(record!.statuses.map((s) => s.state)).toEqual(['in_progress', 'success'])
    expect(result.summary).toContain('| shop-1 | shop | - | b1 | passed | switched |')
    expect(result.summary).toContain(
      '[deployment record](https://github.com/octo/shop/deployments/local%2Fcatalog)'
    )
    // The lock state saved for the post step is cleared once main released the lock.
    expect(result.state['deploy-lock']).toBe('')
  })

  it('accepts service as the name of the artifact input, and refuses an unknown environment', async () => {
    const result = await run({ service: 'catalog', version: 'b1', environment: 'prodution' })
    expect(result.exitCode).toBe(1)
    expect(result.errors.join('\n')).toContain('deploy: unknown environment "prodution"')
  })

  it('refuses to run from pull_request_target', async () => {
    const result = await run({ artifact: 'catalog', version: 'b1' }, { eventName: 'pull_request_target' })
    expect(result.exitCode).toBe(1)
    expect(result.errors.join('\n')).toContain('refusing to deploy from a pull_request_target event')
  })

  it('on SIGTERM mid-rollout puts hosts back, records cancelled and releases the lock', async () => {
    let child: import('node:child_process').ChildProcess | undefined
    const pending = run({ artifact: 'catalog', version: 'b2' }, { onSpawn: (c) => (child = c) })
    // b2 never becomes healthy: signal while the first host waits for its health check.
    for (let i = 0; i < 200 && !existsSync(hostFile('shop-1', 'releases/b2')); i++)
      await new Promise((resolve) => setTimeout(resolve, 25))
    await new Promise((resolve) => setTimeout(resolve, 300))
    child!.kill('SIGTERM')
    const result = await pending
    expect(result.exitCode).toBe(1)
    expect(result.outputs['result']).toBe('cancelled')
    expect(existsSync(hostFile('shop-1', 'lock'))).toBe(false)
    for (const host of ['shop-1', 'shop-2'])
      expect(JSON.parse(readFileSync(hostFile(host, 'state.json'), 'utf8')).current).toBe('b1')
    const audit = readFileSync(hostFile('shop-1', 'audit.log'), 'utf8').trim().split('\n').pop()!
    expect(JSON.parse(audit)).toMatchObject({ result: 'cancelled', version: 'b2' })
    const [record] = github.store.list('octo/shop', { environment: 'local/catalog' })
    expect(record!.statuses.map((s) => s.state)).toEqual(['in_progress', 'error'])
  })

  it('post step releases a lock main could not release, and records the run as cancelled', async () => {
    const lock = hostFile('shop-1', 'lock')
    mkdirSync(lock, { recursive: true })
    writeFileSync(
      path.join(lock, 'holder.json'),
      JSON.stringify({ id: 'run-1', actor: 'octocat', version: 'b2', since: 'x', pid: 1, machine: 'm' })
    )
    const saved = {
      holderId: 'run-1',
      service: 'catalog',
      environment: 'local',
      version: 'b2',
      root: fixture.repo,
      artifactsDir: fixture.artifacts
    }
    const result = await run(
      { artifact: 'catalog', version: 'b2' },
      { state: { isPost: 'true', 'deploy-lock': JSON.stringify(saved) } }
    )
    expect(result.exitCode).toBe(0)
    expect(existsSync(lock)).toBe(false)
    const audit = readFileSync(hostFile('shop-1', 'audit.log'), 'utf8').trim().split('\n').pop()!
    expect(JSON.parse(audit)).toMatchObject({
      result: 'cancelled',
      reason: expect.stringContaining('post step')
    })
    expect(result.stdout).toContain('was interrupted: lock released')
  })
})
