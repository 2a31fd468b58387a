import { afterEach, describe, expect, it } from '@jest/globals'
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import {
  deployService,
  rollbackService,
  serviceStatus,
  stopService,
  unlockService,
  type DeployServices
} from '../../../src/core/deploy/entry.js'
import { ConfigError } from '../../../src/core/errors.js'
import { NodeExec } from '../../../src/platform/exec.js'
import { RecordingLogger } from '../../../src/platform/logger.js'
import { createDeployFixture, type DeployFixture } from '../../helpers/deploy-fixture.js'

let fixture: DeployFixture | undefined
let services: DeployServices
let logger: RecordingLogger

function setUp(options: Parameters<typeof createDeployFixture>[0]): DeployFixture {
  fixture = createDeployFixture(options)
  logger = new RecordingLogger()
  services = {
    repo: fixture.repo,
    artifactsDir: fixture.artifacts,
    exec: new NodeExec(),
    logger,
    env: {},
    lockPollMs: 20
  }
  return fixture
}

afterEach(async () => {
  if (fixture) {
    await stopService({ service: 'catalog', environment: 'local', actor: 'test' }, services).catch(
      () => undefined
    )
    fixture.cleanup()
    fixture = undefined
  }
})

const request = { service: 'catalog', environment: 'local', dryRun: false, actor: 'alice' }

/** The version a host's service reports; waits a little for a service that is (re)starting. */
async function health(port: number): Promise<{ version: string }> {
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health`)
      return (await response.json()) as { version: string }
    } catch (error) {
      if (attempt >= 50) throw error
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
}

function hostFile(f: DeployFixture, host: string, file: string): string {
  return path.join(f.hostsRoot, 'local', host, 'catalog', file)
}

describe('deploy to local hosts', () => {
  it('rolls out host by host, serves the new version everywhere, records state and audit, then is a no-op', async () => {
    const f = setUp({ localHosts: 3, maxParallel: 2 })
    f.build('catalog', 'b1')
    const first = await deployService({ ...request, version: 'b1' }, services)
    expect(first.deployment?.result).toBe('success')
    expect(first.deployment?.hosts.map((h) => [h.host, h.versionBefore, h.versionAfter, h.health])).toEqual([
      ['shop-1', undefined, 'b1', 'passed'],
      ['shop-2', undefined, 'b1', 'passed'],
      ['shop-3', undefined, 'b1', 'passed']
    ])
    const port = f.ports['catalog']!
    for (const offset of [0, 1, 2]) expect((await health(port + offset)).version).toBe('b1')
    expect(logger.messages('info')).toEqual(
      expect.arrayContaining(['batch 1: shop-1, shop-2', 'batch 2: shop-3'])
    )

    const audit = readFileSync(hostFile(f, 'shop-2', 'audit.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(audit).toEqual([
      expect.objectContaining({
        actor: 'alice',
        action: 'deploy',
        version: 'b1',
        result: 'success',
        digest: first.plan.artifact.digest,
        configHash: first.plan.configHash
      })
    ])
    expect(readFileSync(hostFile(f, 'shop-1', 'releases/b1.config.json'), 'utf8')).toBe('{}\n')

    const again = await deployService({ ...request, version: 'b1' }, services)
    expect(again.deployment?.result).toBe('no-op')
    expect(again.deployment?.message).toContain('already live on all 3 host(s)')
  })

  it('stops at the host that fails its health check and puts the switched hosts back', async () => {
    const f = setUp({ localHosts: 3, maxParallel: 1 })
    f.build('catalog', 'b1')
    f.build('catalog', 'b2')
    expect((await deployService({ ...request, version: 'b1' }, services)).deployment?.result).toBe('success')
    writeFileSync(hostFile(f, 'shop-2', 'fail-health'), '')
    const failed = await deployService({ ...request, version: 'b2' }, services)
    const d = failed.deployment!
    expect(d.result).toBe('failure')
    expect(d.hosts.map((h) => [h.host, h.versionAfter, h.outcome])).toEqual([
      ['shop-1', 'b1', 'rolled-back'],
      ['shop-2', 'b1', 'rolled-back'],
      ['shop-3', 'b1', 'not-started']
    ])
    expect(d.message).toContain('shop-2 failed: health check failed')
    expect(d.message).toContain('no host runs b2')
    const port = f.ports['catalog']!
    expect((await health(port)).version).toBe('b1')
    const status = await serviceStatus({ service: 'catalog', environment: 'local' }, services)
    expect(status.hosts.map((h) => h.version)).toEqual(['b1', 'b1', 'b1'])
    expect(status.lock).toBeUndefined()
  })

  it('keeps the failed state when rollback_on_failure is off, and says which host runs what', async () => {
    const f = setUp({ localHosts: 2, maxParallel: 1 })
    const manifest = path.join(f.repo, 'shipline.yml')
    writeFileSync(
      manifest,
      readFileSync(manifest, 'utf8').replace(
        'keep_releases: 3',
        'keep_releases: 3\n      rollback_on_failure: false'
      )
    )
    f.build('catalog', 'b1')
    f.build('catalog', 'b2')
    await deployService({ ...request, version: 'b1' }, services)
    writeFileSync(hostFile(f, 'shop-2', 'fail-health'), '')
    const d = (await deployService({ ...request, version: 'b2' }, services)).deployment!
    expect(d.result).toBe('failure')
    expect(d.hosts.map((h) => [h.host, h.versionAfter, h.outcome])).toEqual([
      ['shop-1', 'b2', 'switched'],
      ['shop-2', 'b2', 'failed']
    ])
    expect(d.message).toContain('b2 still runs on shop-1, shop-2')
  })

  it('the deploy line with version=previous is a rollback to the release before the live one', async () => {
    const f = setUp({ localHosts: 1 })
    f.build('catalog', 'b1')
    f.build('catalog', 'b2')
    await deployService({ ...request, version: 'b1' }, services)
    await deployService({ ...request, version: 'b2' }, services)
    const back = await deployService({ ...request, version: 'previous' }, services)
    expect(back.deployment?.result).toBe('success')
    expect(back.deployment?.hosts.map((h) => [h.versionBefore, h.versionAfter])).toEqual([['b2', 'b1']])
    expect((await health(f.ports['catalog']!)).version).toBe('b1')
  })

  it('rolls back to the previous release, and refuses when there is none', async () => {
    const f = setUp({ localHosts: 2, maxParallel: 2 })
    f.build('catalog', 'b1')
    f.build('catalog', 'b2')
    await expect(
      rollbackService({ service: 'catalog', environment: 'local', actor: 'bob' }, services)
    ).rejects.toThrow('nothing to roll back to: catalog was never deployed to shop-1')
    await deployService({ ...request, version: 'b1' }, services)
    await expect(
      rollbackService({ service: 'catalog', environment: 'local', actor: 'bob' }, services)
    ).rejects.toThrow('nothing to roll back to: shop-1 has run only catalog b1')
    await deployService({ ...request, version: 'b2' }, services)
    const back = await rollbackService({ service: 'catalog', environment: 'local', actor: 'bob' }, services)
    expect(back.deployment?.result).toBe('success')
    expect(back.deployment?.hosts.map((h) => [h.versionBefore, h.versionAfter])).toEqual([
      ['b2', 'b1'],
      ['b2', 'b1']
    ])
    expect((await health(f.ports['catalog']!)).version).toBe('b1')
    const audit = readFileSync(hostFile(f, 'shop-1', 'audit.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(audit.map((a) => [a.action, a.version, a.actor])).toEqual([
      ['deploy', 'b1', 'alice'],
      ['deploy', 'b2', 'alice'],
      ['rollback', 'b1', 'bob']
    ])
  })

  it('unpacks the archive once per deploy and gives every host its own copy of the release', async () => {
    const f = setUp({ localHosts: 3, maxParallel: 2 })
    const runs: string[][] = []
    const exec = new NodeExec()
    services.exec = { run: (argv, options) => (runs.push([...argv]), exec.run(argv, options)) }
    f.build('catalog', 'b1')
    expect((await deployService({ ...request, version: 'b1' }, services)).deployment?.result).toBe('success')
    expect(runs.filter(([program]) => program === 'tar')).toHaveLength(1)
    for (const host of ['shop-1', 'shop-2', 'shop-3']) {
      expect(readFileSync(hostFile(f, host, 'releases/b1/VERSION'), 'utf8')).toBe('b1\n')
      // File times are the archive's (built with --mtime=@0), as if this host had unpacked it itself.
      expect(statSync(hostFile(f, host, 'releases/b1/server.mjs')).mtimeMs).toBe(0)
    }
    // A copy, not a shared file: changing one host's release leaves the others alone.
    writeFileSync(hostFile(f, 'shop-1', 'releases/b1/VERSION'), 'edited\n')
    expect(readFileSync(hostFile(f, 'shop-2', 'releases/b1/VERSION'), 'utf8')).toBe('b1\n')
  })

  it('keeps only keep_releases releases on each host', async () => {
    const f = setUp({ localHosts: 1, keepReleases: 2 })
    for (const v of ['b1', 'b2', 'b3']) {
      f.build('catalog', v)
      await deployService({ ...request, version: v }, services)
    }
    expect(existsSync(hostFile(f, 'shop', 'releases/b1'))).toBe(false)
    expect(existsSync(hostFile(f, 'shop', 'releases/b2'))).toBe(true)
    expect(existsSync(hostFile(f, 'shop', 'releases/b3'))).toBe(true)
    await expect(
      rollbackService({ service: 'catalog', environment: 'local', actor: 'x', version: 'b1' }, services)
    ).rejects.toThrow(ConfigError)
  })

  it('lets exactly one of two simultaneous deploys proceed; the other names the holder', async () => {
    const f = setUp({ localHosts: 2, lockTimeout: '300ms' })
    f.build('catalog', 'b1')
    // Whichever deploy takes the lock keeps it (its deployment record is slow to start) until the
    // other has given up, so the lock alone decides the race, however fast the deploy itself is.
    let letGo!: () => void
    const otherIsDone = new Promise<void>((resolve) => (letGo = resolve))
    let started = 0
    services.recorder = () => ({
      deploymentId: undefined,
      deploymentUrl: undefined,
      queued: async () => undefined,
      start: () => {
        if (++started > 1) letGo()
        return otherIsDone
      },
      finish: async () => undefined
    })
    const deploy = (actor: string) =>
      deployService({ ...request, version: 'b1', actor }, services).catch((error: unknown) => {
        letGo()
        throw error
      })
    const results = await Promise.allSettled([deploy('first'), deploy('second')])
    const ok = results.filter((r) => r.status === 'fulfilled')
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    expect(ok).toHaveLength(1)
    expect(refused).toHaveLength(1)
    expect(String(refused[0]!.reason)).toMatch(
      /another deploy of artifact=catalog in environment=local holds the lock: (first|second) since/
    )
  })

  it('never steals a stale lock; unlock with a reason removes it and leaves an audit line', async () => {
    const f = setUp({ localHosts: 1, lockTimeout: '200ms' })
    f.build('catalog', 'b1')
    const lock = hostFile(f, 'shop', 'lock')
    mkdirSync(lock, { recursive: true })
    const holder = {
      id: 'dead',
      actor: 'carol',
      version: 'b0',
      since: '2026-01-01T00:00:00.000Z',
      pid: 999999,
      machine: 'gone'
    }
    writeFileSync(path.join(lock, 'holder.json'), JSON.stringify(holder))
    await expect(deployService({ ...request, version: 'b1' }, services)).rejects.toThrow(
      /holds the lock: carol since 2026-01-01T00:00:00.000Z .*shipline unlock artifact=catalog environment=local reason=/
    )
    await expect(
      unlockService({ service: 'catalog', environment: 'local', actor: 'dave', reason: ' ' }, services)
    ).rejects.toThrow('needs a reason')
    expect(existsSync(lock)).toBe(true)
    const removed = await unlockService(
      { service: 'catalog', environment: 'local', actor: 'dave', reason: 'runner died' },
      services
    )
    expect(removed?.actor).toBe('carol')
    const audit = JSON.parse(readFileSync(hostFile(f, 'shop', 'audit.log'), 'utf8').trim())
    expect(audit).toMatchObject({ action: 'unlock', actor: 'dave', reason: 'runner died' })
    expect((await deployService({ ...request, version: 'b1' }, services)).deployment?.result).toBe('success')
  })

  it('on cancellation mid-rollout releases the lock, puts switched hosts back and records it', async () => {
    const f = setUp({ localHosts: 3, maxParallel: 1 })
    f.build('catalog', 'b1')
    f.build('catalog', 'b2', { broken: true })
    await deployService({ ...request, version: 'b1' }, services)
    const cancel = new AbortController()
    // b2 never becomes healthy: cancel while the first host waits for its health check.
    setTimeout(() => cancel.abort(), 600)
    const d = (await deployService({ ...request, version: 'b2' }, { ...services, signal: cancel.signal }))
      .deployment!
    expect(d.result).toBe('cancelled')
    expect(d.hosts.map((h) => h.versionAfter)).toEqual(['b1', 'b1', 'b1'])
    expect(existsSync(hostFile(f, 'shop-1', 'lock'))).toBe(false)
    const last = readFileSync(hostFile(f, 'shop-1', 'audit.log'), 'utf8')
      .trim()
      .split('\n')
      .pop()!
    expect(JSON.parse(last)).toMatchObject({ result: 'cancelled', version: 'b2' })
    expect((await health(f.ports['catalog']!)).version).toBe('b1')
  })

  it('stops what it started', async () => {
    const f = setUp({ localHosts: 2 })
    f.build('catalog', 'b1')
    await deployService({ ...request, version: 'b1' }, services)
    const pids = [1, 2].map((i) => Number(readFileSync(hostFile(f, `shop-${i}`, 'run/service.pid'), 'utf8')))
    expect(await stopService({ service: 'catalog', environment: 'local', actor: 'x' }, services)).toEqual([
      'shop-1',
      'shop-2'
    ])
    // Gone, or exited and waiting to be reaped (a zombie runs nothing).
    const running = (pid: number) =>
      existsSync(`/proc/${pid}/stat`) && !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
    for (const pid of pids) expect(running(pid)).toBe(false)
    await expect(fetch(`http://127.0.0.1:${f.ports['catalog']}/health`)).rejects.toThrow()
  })

  it('dry run prints the plan, checks hosts and lock, and changes nothing', async () => {
    const f = setUp({ localHosts: 2 })
    f.build('catalog', 'b1')
    const outcome = await deployService({ ...request, version: 'b1', dryRun: true }, services)
    expect(outcome.deployment).toBeUndefined()
    expect(outcome.planText[0]).toBe('deploy catalog b1 to local (local)')
    expect(outcome.checks?.map((c) => [c.check, c.ok])).toEqual([
      ['artifact', true],
      ['host shop-1', true],
      ['host shop-2', true],
      ['lock', true]
    ])
    expect(existsSync(hostFile(f, 'shop-1', 'releases'))).toBe(false)
  })
})
