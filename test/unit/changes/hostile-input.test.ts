import { describe, expect, test } from '@jest/globals'
import { existsSync, rmSync, readdirSync, symlinkSync } from 'node:fs'
import path from 'node:path'
import { changeSetOutputs } from '../../../src/core/changes/outputs.js'
import { NodeExec, type Exec } from '../../../src/platform/exec.js'
import { detectIn } from './detect-fixture.js'
import { smallMonorepo } from './monorepo-fixture.js'

const longPath = (() => {
  const segment = 'd'.repeat(199)
  const dirs = Array.from({ length: 19 }, () => segment).join('/')
  return `services/orders/${dirs}/${'f'.repeat(4000 - 17 - dirs.length)}`
})()

const hostileNames = [
  'services/orders/with space.js',
  'services/orders/"double" and \'single\'.js',
  'services/orders/$(touch PWNED).js',
  'services/orders/`touch PWNED2`.js',
  'services/orders/new\nline.js',
  'services/orders/tab\there.js',
  'services/orders/-leading-dash.js',
  'services/orders/ünïcødé-日本.js',
  'services/orders/::error::injected.js',
  longPath
]

describe('hostile file names', () => {
  test('every name round-trips exactly through the outputs as JSON and nothing executes', async () => {
    expect(Buffer.byteLength(longPath)).toBe(4000)
    const repo = smallMonorepo()
    const base = repo.head()
    for (const name of hostileNames) repo.write(name, 'x\n')
    repo.write('$(touch PWNED3)\nEOF\n', 'unowned\n')
    const head = repo.commit('hostile names')
    const d = await detectIn(repo.dir, { base, head })
    const outputs = changeSetOutputs(d.changes, d.graph.servicePaths)
    const reasons = JSON.parse(outputs.reasons ?? '') as Record<string, { files: string[] }[]>
    expect([...(reasons.orders?.[0]?.files ?? [])].sort()).toEqual([...hostileNames].sort())
    expect(JSON.parse(outputs.unowned ?? '')).toEqual(['$(touch PWNED3)\nEOF\n'])
    expect(JSON.parse(outputs.services ?? '')).toEqual(['orders'])
    const everywhere = [repo.dir, path.join(repo.dir, 'services/orders'), process.cwd()]
    for (const dir of everywhere) expect(readdirSync(dir).filter((f) => /^PWNED/.test(f))).toEqual([])
  })
})

describe('failures are failures, never an empty change set', () => {
  test('git missing fails with a message that says so', async () => {
    const repo = smallMonorepo()
    const missingGit: Exec = {
      run: (argv, options) => new NodeExec().run(['shipline-test-no-such-git', ...argv.slice(1)], options)
    }
    await expect(detectIn(repo.dir, { base: 'HEAD', exec: missingGit })).rejects.toMatchObject({
      name: 'OperationError',
      message: expect.stringMatching(/git is not installed/)
    })
  })

  test('git diff failing (a tree object missing from the repository) fails the run', async () => {
    const repo = smallMonorepo()
    const base = repo.head()
    repo.write('services/orders/src/new.js', 'x\n')
    const head = repo.commit('orders')
    const tree = repo.git('rev-parse', `${head}:services/orders/src`).trim()
    rmSync(path.join(repo.dir, '.git', 'objects', tree.slice(0, 2), tree.slice(2)))
    await expect(detectIn(repo.dir, { base, head })).rejects.toMatchObject({
      name: 'OperationError',
      message: expect.stringMatching(/git failed while comparing/)
    })
  })

  test('a directory that is not a git repository fails clearly', async () => {
    const repo = smallMonorepo()
    rmSync(path.join(repo.dir, '.git'), { recursive: true })
    await expect(detectIn(repo.dir, { base: 'HEAD' })).rejects.toMatchObject({
      name: 'OperationError',
      message: expect.stringMatching(/not inside a git repository/)
    })
  })
})

describe('bad manifests and odd trees', () => {
  test.each([['../**'], ['/etc/**'], ['services/../../x/**']])(
    'a paths pattern escaping the repository (%s) is a configuration error at its line',
    async (pattern) => {
      const repo = smallMonorepo()
      repo.write('services/orders/service.yml', `name: orders\npaths: [services/orders/**, "${pattern}"]\n`)
      await expect(detectIn(repo.dir, { base: 'HEAD' })).rejects.toMatchObject({
        name: 'ConfigError',
        location: { file: 'services/orders/service.yml', line: 2 }
      })
    }
  )

  test('a symbolic link loop in a service folder (and in a workspace) is harmless', async () => {
    const repo = smallMonorepo()
    repo.write('package.json', JSON.stringify({ workspaces: ['services/**'] }))
    const base = repo.commit('workspaces')
    symlinkSync('.', path.join(repo.dir, 'services/orders/loop'))
    symlinkSync('../orders', path.join(repo.dir, 'services/orders/src/up'))
    const head = repo.commit('loops')
    const d = await detectIn(repo.dir, { base, head })
    expect(d.changes.services).toEqual(['orders'])
    expect(d.changes.reasons.orders?.[0]?.files).toEqual(['services/orders/loop', 'services/orders/src/up'])
    expect(existsSync(path.join(repo.dir, 'services/orders/loop/loop/loop'))).toBe(true)
  })
})
