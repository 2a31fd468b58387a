import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { deployService, rollbackService, type DeployServices } from '../../../src/core/deploy/entry.js'
import { NodeExec } from '../../../src/platform/exec.js'
import { RecordingLogger } from '../../../src/platform/logger.js'
import { createDeployFixture, type DeployFixture } from '../../helpers/deploy-fixture.js'

// A stand-in platform CLI: `platform.mjs deploy <target> <version> <artifact>` records what runs
// where; `platform.mjs health <target>` fails while a `<target>.sick` file exists.
const PLATFORM = `import { appendFileSync, existsSync, writeFileSync } from 'node:fs'
const [verb, target, version, artifact] = process.argv.slice(2)
const dir = new URL('.', import.meta.url).pathname
if (verb === 'deploy') { writeFileSync(dir + target + '.live', version + ' ' + artifact); appendFileSync(dir + 'calls.log', process.argv.slice(2).join(' ') + '\\n') }
if (verb === 'health' && existsSync(dir + target + '.sick')) { console.error('pods not ready'); process.exit(1) }
`

let fixture: DeployFixture
let services: DeployServices
let platform: string

beforeAll(() => {
  fixture = createDeployFixture()
  platform = path.join(fixture.repo, 'platform.mjs')
  writeFileSync(platform, PLATFORM)
  const environment = [
    '  - name: cluster',
    '    provider: command',
    '    rollout: { max_parallel: 1 }',
    '    commands:',
    `      deploy: [node, "${platform}", deploy, "{target}", "{version}", "{artifact}"]`,
    `      health: [node, "${platform}", health, "{target}"]`,
    '    groups:',
    '      - { name: eu, services: [catalog], target: eu-west }',
    '      - { name: us, services: [catalog], target: us-east }',
    ''
  ].join('\n')
  writeFileSync(
    path.join(fixture.repo, 'shipline.yml'),
    readFileSync(path.join(fixture.repo, 'shipline.yml'), 'utf8') + environment
  )
  // Each health attempt starts the stand-in CLI: a few attempts are plenty here.
  const serviceFile = path.join(fixture.repo, 'services', 'catalog', 'service.yml')
  writeFileSync(serviceFile, readFileSync(serviceFile, 'utf8').replace('retries: 40', 'retries: 2'))
  fixture.build('catalog', 'b1')
  fixture.build('catalog', 'b2')
  services = {
    repo: fixture.repo,
    artifactsDir: fixture.artifacts,
    exec: new NodeExec(),
    logger: new RecordingLogger(),
    env: {}
  }
})
afterAll(() => fixture.cleanup())

const live = (target: string) => readFileSync(path.join(fixture.repo, `${target}.live`), 'utf8').split(' ')[0]
const request = { service: 'catalog', environment: 'cluster', dryRun: false, actor: 'ci' }

describe('command provider', () => {
  it('runs the deploy template per target, health-gated, and rolls back through the same template', async () => {
    const first = await deployService({ ...request, version: 'b1' }, services)
    expect(first.deployment?.hosts.map((h) => [h.host, h.versionAfter, h.health])).toEqual([
      ['eu', 'b1', 'passed'],
      ['us', 'b1', 'passed']
    ])
    expect([live('eu-west'), live('us-east')]).toEqual(['b1', 'b1'])
    // The archive path went in as one argument, never through a shell.
    expect(readFileSync(path.join(fixture.repo, 'calls.log'), 'utf8')).toContain(
      `deploy eu-west b1 ${fixture.artifacts}/catalog/b1/catalog_b1.tar.gz`
    )

    writeFileSync(path.join(fixture.repo, 'us-east.sick'), '')
    const second = await deployService({ ...request, version: 'b2' }, services)
    expect(second.deployment?.result).toBe('failure')
    expect(second.deployment?.hosts.map((h) => [h.host, h.versionAfter, h.outcome])).toEqual([
      ['eu', 'b1', 'rolled-back'],
      ['us', 'b1', 'rolled-back']
    ])
    expect([live('eu-west'), live('us-east')]).toEqual(['b1', 'b1'])
    expect(second.deployment?.message).toContain('pods not ready')
  })

  it('rolls back to the previous release by running the deploy template with it', async () => {
    const { rmSync } = await import('node:fs')
    rmSync(path.join(fixture.repo, 'us-east.sick'), { force: true })
    expect((await deployService({ ...request, version: 'b2' }, services)).deployment?.result).toBe('success')
    const back = await rollbackService({ service: 'catalog', environment: 'cluster', actor: 'ops' }, services)
    expect(back.deployment?.hosts.map((h) => [h.versionBefore, h.versionAfter])).toEqual([
      ['b2', 'b1'],
      ['b2', 'b1']
    ])
    expect([live('eu-west'), live('us-east')]).toEqual(['b1', 'b1'])
    expect(existsSync(path.join(fixture.hostsRoot, 'cluster', 'eu-west', 'catalog', 'audit.log'))).toBe(true)
  })
})
