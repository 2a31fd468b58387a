import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import {
  deployService,
  serviceStatus,
  stopService,
  type DeployServices
} from '../../../src/core/deploy/entry.js'
import { NodeExec } from '../../../src/platform/exec.js'
import { RecordingLogger } from '../../../src/platform/logger.js'
import { createDeployFixture, type DeployFixture } from '../../helpers/deploy-fixture.js'
import { freePort, startSshFleet, type SshFleet } from '../../helpers/sshd.js'

let fleet: SshFleet
let fixture: DeployFixture
let deadPort: number

function environment(name: string, hosts: string[], extra = ''): string {
  return [
    `  - name: ${name}`,
    '    provider: ssh',
    '    credentials: TEST_SSH_KEY',
    '    known_hosts: TEST_KNOWN_HOSTS',
    `    deploy_root: ${fleet.remoteRoot}/{host}`,
    '    lock_timeout: 2s',
    '    rollout: { max_parallel: 2 }',
    '    groups:',
    `      - { name: backend, services: [catalog], hosts: [${hosts.map((h) => `"${h}"`).join(', ')}] }`,
    extra
  ].join('\n')
}

beforeAll(async () => {
  fleet = await startSshFleet(3)
  deadPort = await freePort()
  fixture = createDeployFixture()
  const hosts = [0, 1, 2].map((i) => fleet.hostSpec(i))
  writeFileSync(
    path.join(fixture.repo, 'shipline.yml'),
    readFileSync(path.join(fixture.repo, 'shipline.yml'), 'utf8') +
      [
        environment('staging', hosts),
        environment('broken', [hosts[0]!, `shipline-ssh-test@127.0.0.1:${deadPort}`]),
        ''
      ].join('\n')
  )
  fixture.build('catalog', 'b1')
  fixture.build('catalog', 'b2')
})

afterAll(async () => {
  await stopService({ service: 'catalog', environment: 'staging', actor: 't' }, services()).catch(
    () => undefined
  )
  await fleet.stop()
  fixture.cleanup()
})

function services(env: Record<string, string> = {}, logger = new RecordingLogger()): DeployServices {
  return {
    repo: fixture.repo,
    artifactsDir: fixture.artifacts,
    exec: new NodeExec(),
    logger,
    env: { TEST_SSH_KEY: fleet.clientKey, TEST_KNOWN_HOSTS: fleet.knownHosts, ...env },
    lockPollMs: 50
  }
}

const request = { service: 'catalog', dryRun: false, actor: 'ci' }

describe('deploy over ssh to several OpenSSH servers', () => {
  it('installs, switches and starts on every host, health-gated, and reports each host', async () => {
    const logger = new RecordingLogger()
    const outcome = await deployService(
      { ...request, environment: 'staging', version: 'b1' },
      services({}, logger)
    )
    expect(outcome.deployment?.result).toBe('success')
    expect(outcome.deployment?.hosts.map((h) => [h.versionAfter, h.health])).toEqual([
      ['b1', 'passed'],
      ['b1', 'passed'],
      ['b1', 'passed']
    ])
    const port = fixture.ports['catalog']!
    const versions = await Promise.all(
      [0, 1, 2].map(
        async (i) =>
          ((await (await fetch(`http://127.0.0.1:${port + i}/health`)).json()) as { version: string }).version
      )
    )
    expect(versions).toEqual(['b1', 'b1', 'b1'])
    // Each host keeps its own tree under deploy_root; `current` is a relative link to the release.
    const hostRoot = path.join(
      fleet.remoteRoot,
      `shipline-ssh-test_127.0.0.1_${fleet.servers[1]!.port}`,
      'catalog'
    )
    expect(readFileSync(path.join(hostRoot, 'current', 'VERSION'), 'utf8')).toBe('b1\n')
    expect(JSON.parse(readFileSync(path.join(hostRoot, 'state.json'), 'utf8'))).toMatchObject({
      current: 'b1',
      by: 'ci'
    })
    // The private key never reaches the log.
    expect(logger.masked).toContain(fleet.clientKey)

    const next = await deployService({ ...request, environment: 'staging', version: 'b2' }, services())
    expect(next.deployment?.hosts.map((h) => [h.versionBefore, h.versionAfter])).toEqual([
      ['b1', 'b2'],
      ['b1', 'b2'],
      ['b1', 'b2']
    ])
    const status = await serviceStatus({ service: 'catalog', environment: 'staging' }, services())
    expect(status.hosts.map((h) => [h.version, h.previous])).toEqual([
      ['b2', ['b1']],
      ['b2', ['b1']],
      ['b2', ['b1']]
    ])
  })

  it('fails before changing anything when a host is unreachable, naming it', async () => {
    const outcome = await deployService({ ...request, environment: 'broken', version: 'b1' }, services())
    const d = outcome.deployment!
    expect(d.result).toBe('failure')
    expect(d.hosts.map((h) => h.outcome)).toEqual(['not-started', 'unreachable'])
    expect(d.message).toContain(`127.0.0.1:${deadPort}`)
    expect(d.message).toContain('unreachable over ssh')
    expect(
      existsSync(
        path.join(
          fleet.remoteRoot,
          `shipline-ssh-test_127.0.0.1_${fleet.servers[0]!.port}`,
          'catalog',
          'lock'
        )
      )
    ).toBe(false)
  })

  it('refuses a host whose key is not in known_hosts (no trust on first use)', async () => {
    const otherKeys = fleet.knownHosts
      .split('\n')
      .filter((l) => !l.includes(`:${fleet.servers[2]!.port} `))
      .join('\n')
    const outcome = await deployService(
      { ...request, environment: 'staging', version: 'b1' },
      services({ TEST_KNOWN_HOSTS: otherKeys })
    )
    expect(outcome.deployment?.result).toBe('failure')
    expect(outcome.deployment?.message).toMatch(/Host key verification failed|No .* host key is known/)
  })

  it('dry run lists a missing key secret without touching a host', async () => {
    const outcome = await deployService(
      { ...request, environment: 'staging', version: 'b1', dryRun: true },
      { ...services(), env: { TEST_KNOWN_HOSTS: fleet.knownHosts } }
    )
    const failed = outcome.checks!.filter((c) => !c.ok).map((c) => c.check)
    expect(failed).toEqual([
      expect.stringMatching(/^host /),
      expect.stringMatching(/^host /),
      expect.stringMatching(/^host /),
      'secret TEST_SSH_KEY'
    ])
  })
})
