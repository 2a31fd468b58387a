import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import path from 'node:path'
import { actionMetadata, runActionBundle } from '../../helpers/action-runner.js'
import { FakeGitHub } from '../../helpers/fake-github/index.js'
import { TestRepo } from '../../helpers/git-repo.js'
import { smallMonorepo } from '../../unit/changes/monorepo-fixture.js'

const OUTPUTS = Object.keys(actionMetadata('detect-changed-services').outputs).sort()

function pushEvent(before: string, after: string) {
  return { eventName: 'push', event: { ref: 'refs/heads/main', before, after }, env: { GITHUB_SHA: after } }
}

describe('dist/detect-changed-services', () => {
  test('a push: JSON outputs, the matrix, and a job summary with a table and a mermaid diagram', async () => {
    const repo = smallMonorepo()
    const before = repo.head()
    repo.write('libs/proto/catalog.proto', '// v2\n')
    const after = repo.commit('proto')
    const result = await runActionBundle('detect-changed-services', {
      workspace: repo.dir,
      ...pushEvent(before, after)
    })
    expect(result.errors).toEqual([])
    expect(result.exitCode).toBe(0)
    expect(Object.keys(result.outputs).sort()).toEqual(OUTPUTS)
    expect(result.outputs).toMatchObject({
      services: '["catalog","web"]',
      count: '2',
      'has-changes': 'true',
      base: before,
      head: after,
      'base-source': 'push-before',
      fallback: 'false',
      deleted: '[]',
      unowned: '[]'
    })
    expect(JSON.parse(result.outputs.matrix ?? '')).toEqual({
      include: [
        {
          service: 'catalog',
          path: 'services/catalog',
          reasons: [expect.stringMatching(/^depends on proto/)]
        },
        { service: 'web', path: 'services/web', reasons: [expect.stringMatching(/proto -> catalog -> web$/)] }
      ]
    })
    expect(JSON.parse(result.outputs.reasons ?? '').web[0]).toMatchObject({
      kind: 'dependency',
      via: ['proto', 'catalog', 'web']
    })
    expect(result.summary).toContain('| service | path | why |')
    expect(result.summary).toMatch(/\| catalog \| services\/catalog \| dependency: depends on proto/)
    expect(result.summary).toMatch(/```mermaid\ngraph LR\n/)
    expect(result.summary).toMatch(/n\d+ --> n\d+/)
  })

  test('nothing changed: has-changes is false and the matrix is empty, so the workflow can skip it', async () => {
    const repo = smallMonorepo()
    const head = repo.head()
    const result = await runActionBundle('detect-changed-services', {
      workspace: repo.dir,
      ...pushEvent(head, head)
    })
    expect(result.exitCode).toBe(0)
    expect(result.outputs).toMatchObject({
      'has-changes': 'false',
      count: '0',
      services: '[]',
      matrix: '{"include":[]}'
    })
  })

  test('hostile file names cannot add outputs or speak workflow commands; values round-trip', async () => {
    const repo = smallMonorepo()
    const before = repo.head()
    const names = [
      'services/orders/x\nfallback=true\n.js',
      'services/orders/::error::owned.js',
      'services/orders/$(touch PWNED) `id`.js',
      'services/orders/EOF\nghadelimiter_1\n.js'
    ]
    for (const n of names) repo.write(n, 'x\n')
    repo.write('::warning::top level\n::set-output name=count::99', 'x\n')
    const after = repo.commit('hostile')
    const result = await runActionBundle('detect-changed-services', {
      workspace: repo.dir,
      ...pushEvent(before, after)
    })
    expect(result.exitCode).toBe(0)
    expect(Object.keys(result.outputs).sort()).toEqual(OUTPUTS)
    expect(result.outputs).toMatchObject({ fallback: 'false', count: '1' })
    expect([...JSON.parse(result.outputs.reasons ?? '').orders[0].files].sort()).toEqual([...names].sort())
    expect(JSON.parse(result.outputs.unowned ?? '')).toEqual([
      '::warning::top level\n::set-output name=count::99'
    ])
    // Only the runner's own commands reach stdout: no line starts a command that came from a file name.
    const commands = result.stdout.split('\n').filter((l) => l.startsWith('::'))
    expect(commands.filter((l) => /owned|top level|set-output/.test(l) && !l.startsWith('::debug'))).toEqual([
      expect.stringMatching(/^::warning::1 changed file belongs to no service/)
    ])
  })

  test('working-directory: the manifest lives in a subfolder of the repository', async () => {
    const repo = new TestRepo()
    smallMonorepo(repo, 'deploy/shop')
    const before = repo.head()
    repo.write('deploy/shop/services/search/src/index.js', '// new\n')
    const after = repo.commit('search')
    const result = await runActionBundle('detect-changed-services', {
      workspace: repo.dir,
      inputs: { 'working-directory': 'deploy/shop' },
      ...pushEvent(before, after)
    })
    expect(result.errors).toEqual([])
    expect(JSON.parse(result.outputs.matrix ?? '')).toEqual({
      include: [
        { service: 'search', path: 'services/search', reasons: ['1 changed file under services/search/'] }
      ]
    })
  })

  test('an unknown base fails the step with an annotation and writes no outputs', async () => {
    const repo = smallMonorepo()
    const result = await runActionBundle('detect-changed-services', {
      workspace: repo.dir,
      inputs: { base: 'no-such-ref' },
      ...pushEvent(repo.head(), repo.head())
    })
    expect(result.exitCode).toBe(1)
    expect(result.errors[0]).toMatch(
      /^detect-changed-services: base "no-such-ref" is not a commit, branch or tag/
    )
    expect(result.outputs).toEqual({})
  })

  test('more services than a matrix may hold (256) fails with a message instead of a matrix GitHub rejects', async () => {
    const repo = new TestRepo()
    const names = Array.from({ length: 257 }, (_, i) => `svc-${i}`)
    repo.write(
      'shipline.yml',
      `version: 1\nservices:\n${names.map((n) => `  ${n}:\n    path: apps/${n}\n`).join('')}`
    )
    for (const n of names) repo.write(`apps/${n}/main.js`, '//\n')
    const before = repo.commit('many services')
    repo.write('.node-version', '24\n')
    const after = repo.commit('toolchain pin: every service')
    const result = await runActionBundle('detect-changed-services', {
      workspace: repo.dir,
      ...pushEvent(before, after)
    })
    expect(result.exitCode).toBe(1)
    expect(result.errors[0]).toMatch(
      /^detect-changed-services: 257 services are selected, more than the 256 jobs/
    )
    expect(result.outputs.matrix).toBeUndefined()
  })

  test('git diff failing fails the step: never an empty change set', async () => {
    const repo = smallMonorepo()
    const before = repo.head()
    repo.write('services/orders/src/new.js', 'x\n')
    const after = repo.commit('orders')
    const tree = repo.git('rev-parse', `${after}:services/orders/src`).trim()
    repo.remove(path.join('.git', 'objects', tree.slice(0, 2), tree.slice(2)))
    const result = await runActionBundle('detect-changed-services', {
      workspace: repo.dir,
      ...pushEvent(before, after)
    })
    expect(result.exitCode).toBe(1)
    expect(result.errors[0]).toMatch(/^detect-changed-services: git failed while comparing/)
    expect(result.outputs['has-changes']).toBeUndefined()
  })
})

describe('dist/detect-changed-services with since: last-deployment', () => {
  let github: FakeGitHub
  beforeAll(async () => {
    github = await FakeGitHub.start()
  })
  afterAll(async () => {
    await github.close()
  })

  test('reads deployments from the GitHub API and selects what changed since each service was deployed', async () => {
    const repo = smallMonorepo()
    const c1 = repo.head()
    repo.write('services/orders/src/index.js', '// c2\n')
    const c2 = repo.commit('orders')
    for (const service of ['catalog', 'orders', 'search', 'web']) {
      const d = github.store.create('octo/shop', { ref: c1, environment: `staging/${service}` })
      github.store.addStatus('octo/shop', d.id, { state: 'success' })
    }
    const result = await runActionBundle('detect-changed-services', {
      workspace: repo.dir,
      eventName: 'workflow_dispatch',
      event: {},
      inputs: { since: 'last-deployment', environment: 'staging', token: github.token },
      env: { GITHUB_SHA: c2, GITHUB_API_URL: github.url }
    })
    expect(result.errors).toEqual([])
    expect(result.outputs).toMatchObject({
      services: '["orders"]',
      base: c1,
      head: c2,
      'base-source': 'last-deployment'
    })
    expect(github.violations).toEqual([])
    // The token is registered as a secret (add-mask) and appears nowhere else.
    const mentions = result.stdout.split('\n').filter((l) => l.includes(github.token))
    expect(mentions).toEqual([`::add-mask::${github.token}`])
  })
})
