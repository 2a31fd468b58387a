import { describe, expect, test } from '@jest/globals'
import { symlinkSync } from 'node:fs'
import path from 'node:path'
import { changeSetOutputs } from '../../../src/core/changes/outputs.js'
import { TestRepo } from '../../helpers/git-repo.js'
import { detectIn, kinds } from './detect-fixture.js'
import { smallMonorepo } from './monorepo-fixture.js'

/** Commits one change on top of the small monorepo and detects base..head. */
async function afterChange(change: (repo: TestRepo) => void, call: Parameters<typeof detectIn>[1] = {}) {
  const repo = smallMonorepo()
  const base = repo.head()
  change(repo)
  const head = repo.commit('change')
  return { repo, base, head, ...(await detectIn(repo.dir, { base, head, ...call })) }
}

describe('the diff', () => {
  test('a file moved from one service to another marks both', async () => {
    const d = await afterChange((r) =>
      r.git('mv', 'services/orders/src/index.js', 'services/search/src/moved.js')
    )
    expect(kinds(d)).toEqual({ orders: ['file'], search: ['file'] })
    expect(d.changes.reasons.orders?.[0]?.files).toEqual(['services/orders/src/index.js'])
    expect(d.changes.reasons.search?.[0]?.files).toEqual(['services/search/src/moved.js'])
  })

  test('a deleted file marks its owner', async () => {
    const d = await afterChange((r) => r.remove('services/orders/src/index.js'))
    expect(d.changes.services).toEqual(['orders'])
  })

  test('a file turned into a symbolic link (type change) marks its owner, and the link target does not', async () => {
    const d = await afterChange((r) => {
      r.remove('services/orders/src/index.js')
      const link = path.join(r.dir, 'services/orders/src/index.js')
      // A link into another service: only the link's own path counts.
      symlinkSync('../../catalog/src/index.js', link)
    })
    expect(d.changes.services).toEqual(['orders'])
  })

  test('a submodule pointer change marks the service holding it', async () => {
    const repo = smallMonorepo()
    const first = repo.head()
    repo.git('update-index', '--add', '--cacheinfo', `160000,${first},services/orders/vendor/lib`)
    repo.git('commit', '-q', '-m', 'add submodule')
    const base = repo.head()
    repo.git('update-index', '--cacheinfo', `160000,${base},services/orders/vendor/lib`)
    repo.git('commit', '-q', '-m', 'move submodule')
    const d = await detectIn(repo.dir, { base, head: repo.head() })
    expect(d.changes.reasons.orders?.[0]).toMatchObject({
      kind: 'file',
      files: ['services/orders/vendor/lib']
    })
    expect(d.changes.services).toEqual(['orders'])
  })
})

describe('who owns a changed file', () => {
  test('shared folders propagate to every dependent, transitively, with the chain', async () => {
    const d = await afterChange((r) => r.write('libs/common/index.js', '// new\n'))
    expect(d.changes.services).toEqual(['catalog', 'orders', 'web'])
    expect(d.changes.reasons.web?.[0]).toMatchObject({
      kind: 'dependency',
      via: ['common', 'proto', 'catalog', 'web'],
      files: ['libs/common/index.js']
    })
    expect(d.changes.reasons.orders?.[0]?.via).toEqual(['common', 'orders'])
  })

  test('a service depending on a changed service is selected too', async () => {
    const d = await afterChange((r) => r.write('services/catalog/src/index.js', '// new\n'))
    expect(kinds(d)).toEqual({ catalog: ['file'], web: ['dependency'] })
  })

  test('innermost service wins, and only whole path segments match', async () => {
    const repo = smallMonorepo()
    repo.write('services/catalog/worker/service.yml', 'name: catalog-worker\n')
    repo.write('services/catalog-admin/service.yml', 'name: catalog-admin\n')
    repo.write(
      'shipline.yml',
      repo
        .git('show', 'HEAD:shipline.yml')
        .replace('  - services/*\n', '  - services/*\n  - services/catalog/worker\n')
    )
    const base = repo.commit('more services')
    repo.write('services/catalog/worker/job.js', '// w\n')
    repo.write('services/catalog-admin/ui.js', '// a\n')
    const head = repo.commit('change')
    const d = await detectIn(repo.dir, { base, head })
    expect(kinds(d)).toEqual({ 'catalog-admin': ['file'], 'catalog-worker': ['file'] })
  })

  test('extra paths globs add owners; an exclusion in a service list removes its files', async () => {
    const d = await afterChange((r) => {
      r.write('proto/search/search.proto', '// v2\n')
      r.write('services/search/docs/readme.md', 'new docs\n')
    })
    expect(kinds(d)).toEqual({ search: ['file'] })
    expect(d.changes.reasons.search?.[0]).toMatchObject({
      files: ['proto/search/search.proto'],
      detail: expect.stringMatching(/matching its paths/)
    })
    expect(d.changes.unowned).toEqual(['services/search/docs/readme.md'])
  })

  test('a global pattern selects every service; shipline.yml is reported as config', async () => {
    const d = await afterChange((r) => {
      r.write('tools/build/run.sh', 'echo 2\n')
      r.write('shipline.yml', `${r.git('show', 'HEAD:shipline.yml')}# comment\n`)
    })
    expect(kinds(d)).toEqual({
      catalog: ['config', 'global'],
      orders: ['config', 'global'],
      search: ['config', 'global'],
      web: ['config', 'global']
    })
    expect(d.changes.reasons.orders?.[1]?.files).toEqual(['tools/build/run.sh'])
  })

  test('a root lockfile is global by default', async () => {
    const d = await afterChange((r) => r.write('package-lock.json', '{}\n'))
    expect(d.changes.services).toEqual(['catalog', 'orders', 'search', 'web'])
    expect(d.changes.reasons.catalog?.[0]).toMatchObject({ kind: 'global', files: ['package-lock.json'] })
  })

  test('files nobody owns are reported; the policy decides what else happens', async () => {
    const change = (r: TestRepo) => r.write('README.md', 'changed\n')
    const warn = await afterChange(change)
    expect(warn.changes).toMatchObject({ services: [], unowned: ['README.md'] })
    expect(warn.logger.messages('warning').join('\n')).toMatch(/1 changed file belongs to no service/)
    const ignore = await afterChange(change, { unowned: 'ignore' })
    expect(ignore.logger.messages('warning')).toEqual([])
    expect(ignore.changes.unowned).toEqual(['README.md'])
    const all = await afterChange(change, { unowned: 'all' })
    expect(all.changes.services).toEqual(['catalog', 'orders', 'search', 'web'])
    await expect(afterChange(change, { unowned: 'fail' })).rejects.toMatchObject({
      name: 'ConfigError',
      message: expect.stringMatching(/README\.md/)
    })
  })

  test('a deleted service folder is reported as deleted, not built, and its files are not unowned', async () => {
    const d = await afterChange((r) => r.remove('services/orders'))
    expect(d.changes).toMatchObject({ services: [], deleted: ['orders'], unowned: [] })
  })

  test('an inline service removed from shipline.yml is reported as deleted', async () => {
    const repo = smallMonorepo()
    const manifest = repo.git('show', 'HEAD:shipline.yml')
    repo.write('shipline.yml', `${manifest}services:\n  billing:\n    path: apps/billing\n`)
    repo.write('apps/billing/main.js', '//\n')
    const base = repo.commit('billing')
    repo.write('shipline.yml', manifest)
    repo.remove('apps/billing')
    const head = repo.commit('drop billing')
    const d = await detectIn(repo.dir, { base, head })
    expect(d.changes.deleted).toEqual(['billing'])
    expect(d.changes.services).not.toContain('billing')
    expect(d.changes.unowned).toEqual([])
  })

  test('npm workspaces: a service depending on a workspace package is selected when the package changes', async () => {
    const repo = smallMonorepo()
    repo.write('package.json', JSON.stringify({ private: true, workspaces: ['packages/*'] }))
    repo.write('packages/ui/package.json', JSON.stringify({ name: '@shop/ui', version: '1.0.0' }))
    repo.write('packages/ui/button.js', '//\n')
    repo.write(
      'services/orders/package.json',
      JSON.stringify({ name: 'orders', dependencies: { '@shop/ui': '*' } })
    )
    const base = repo.commit('workspaces')
    repo.write('packages/ui/button.js', '// new\n')
    const head = repo.commit('ui')
    const d = await detectIn(repo.dir, { base, head })
    expect(kinds(d)).toEqual({ orders: ['dependency'] })
    expect(d.changes.reasons.orders?.[0]?.via).toEqual(['@shop/ui', 'orders'])
  })

  test('pnpm workspaces are read from pnpm-workspace.yaml', async () => {
    const repo = smallMonorepo()
    repo.write('pnpm-workspace.yaml', 'packages:\n  - "packages/*"\n')
    repo.write('packages/money/package.json', JSON.stringify({ name: 'money' }))
    repo.write('services/search/package.json', JSON.stringify({ devDependencies: { money: 'workspace:*' } }))
    const base = repo.commit('workspaces')
    repo.write('packages/money/index.js', '// new\n')
    const d = await detectIn(repo.dir, { base, head: repo.commit('money') })
    expect(kinds(d)).toEqual({ search: ['dependency'] })
  })

  test('a manifest in a subfolder of the repository: paths are matched relative to it, files outside ignored', async () => {
    const repo = new TestRepo()
    smallMonorepo(repo, 'deploy/shop')
    const base = repo.head()
    repo.write('deploy/shop/services/orders/src/index.js', '// new\n')
    repo.write('other-project/file.txt', 'x\n')
    const head = repo.commit('change')
    const d = await detectIn(repo.dir, { base, head, root: path.join(repo.dir, 'deploy/shop') })
    expect(d.changes).toMatchObject({ services: ['orders'], unowned: [], changedFiles: 1 })
    expect(d.changes.reasons.orders?.[0]?.files).toEqual(['services/orders/src/index.js'])
  })

  test('outputs: JSON matrix, list, count and has-changes', async () => {
    const d = await afterChange((r) => r.write('services/catalog/src/index.js', '// c\n'))
    const out = changeSetOutputs(d.changes, d.graph.servicePaths)
    expect(JSON.parse(out.matrix ?? '')).toEqual({
      include: [
        { service: 'catalog', path: 'services/catalog', reasons: ['1 changed file under services/catalog/'] },
        { service: 'web', path: 'services/web', reasons: [expect.stringMatching(/^depends on catalog/)] }
      ]
    })
    expect(out).toMatchObject({
      services: '["catalog","web"]',
      count: '2',
      'has-changes': 'true',
      deleted: '[]',
      fallback: 'false'
    })
  })
})
