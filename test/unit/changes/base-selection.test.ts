import { describe, expect, test } from '@jest/globals'
import { detectIn, kinds } from './detect-fixture.js'
import { smallMonorepo, ZERO_SHA } from './monorepo-fixture.js'

/** Each row of the base-selection table, on a real repository built by the test. */
describe('choosing base and head from the event', () => {
  test('push to an existing branch compares before..after', async () => {
    const repo = smallMonorepo()
    const before = repo.head()
    repo.write('services/catalog/src/index.js', '// 1\n')
    repo.commit('catalog')
    repo.write('services/orders/src/index.js', '// 2\n')
    const after = repo.commit('orders')
    const d = await detectIn(repo.dir, {
      event: { name: 'push', payload: { before, after, ref: 'refs/heads/main' } }
    })
    expect(d.changes).toMatchObject({ base: before, head: after, baseSource: 'push-before', fallback: false })
    expect(d.changes.services).toEqual(['catalog', 'orders', 'web'])
  })

  test('the first push of a new branch compares with the parent of its oldest pushed commit', async () => {
    const repo = smallMonorepo()
    const start = repo.head()
    repo.git('checkout', '-q', '-b', 'feature')
    repo.write('services/orders/src/index.js', '// a\n')
    const first = repo.commit('orders')
    repo.write('services/search/src/index.js', '// b\n')
    const after = repo.commit('search')
    const d = await detectIn(repo.dir, {
      event: {
        name: 'push',
        payload: {
          before: ZERO_SHA,
          after,
          created: true,
          ref: 'refs/heads/feature',
          commits: [{ id: first }, { id: after }]
        }
      }
    })
    expect(d.changes).toMatchObject({ base: start, baseSource: 'oldest-pushed-parent' })
    expect(d.changes.services).toEqual(['orders', 'search'])
  })

  test('a new branch created at an existing commit compares with its merge base with the default branch', async () => {
    const repo = smallMonorepo()
    const forkPoint = repo.head()
    repo.git('checkout', '-q', '-b', 'feature')
    repo.write('services/orders/src/index.js', '// feature\n')
    const after = repo.commit('orders on feature')
    repo.git('checkout', '-q', 'main')
    repo.write('services/search/src/index.js', '// main moved on\n')
    repo.commit('search on main')
    const d = await detectIn(repo.dir, {
      event: {
        name: 'push',
        payload: {
          before: ZERO_SHA,
          after,
          created: true,
          commits: [],
          repository: { default_branch: 'main' }
        }
      }
    })
    expect(d.changes).toMatchObject({ base: forkPoint, head: after, baseSource: 'default-merge-base' })
    expect(d.changes.services).toEqual(['orders'])
  })

  test('a force push never diffs from the old tip', async () => {
    const repo = smallMonorepo()
    const start = repo.head()
    repo.write('services/web/src/index.js', '// old line of history\n')
    const oldTip = repo.commit('web (to be rewritten)')
    repo.git('reset', '-q', '--hard', start)
    repo.write('services/orders/src/index.js', '// rewritten\n')
    const after = repo.commit('orders')
    for (const forced of [true, false]) {
      const d = await detectIn(repo.dir, {
        event: { name: 'push', payload: { before: oldTip, after, forced, commits: [{ id: after }] } }
      })
      // old tip -> new tip would wrongly include web; the rewritten branch only touched orders.
      expect(d.changes).toMatchObject({ base: start, baseSource: 'oldest-pushed-parent' })
      expect(d.changes.services).toEqual(['orders'])
    }
  })

  test('a push whose before commit no longer exists is treated as a rewrite', async () => {
    const repo = smallMonorepo()
    const start = repo.head()
    repo.write('services/orders/src/index.js', '// x\n')
    const after = repo.commit('orders')
    const d = await detectIn(repo.dir, {
      event: { name: 'push', payload: { before: 'f'.repeat(40), after, commits: [{ id: after }] } }
    })
    expect(d.changes).toMatchObject({ base: start, baseSource: 'oldest-pushed-parent', services: ['orders'] })
  })

  test('the first commit of a repository selects every service as initial, from the empty tree', async () => {
    const repo = smallMonorepo()
    const root = repo.head()
    const emptyTree = repo.git('hash-object', '-t', 'tree', '/dev/null').trim()
    const d = await detectIn(repo.dir, {
      event: {
        name: 'push',
        payload: { before: ZERO_SHA, after: root, created: true, commits: [{ id: root }] }
      }
    })
    expect(d.changes).toMatchObject({ base: emptyTree, baseSource: 'empty-tree', fallback: false })
    expect(kinds(d)).toEqual({
      catalog: ['initial'],
      orders: ['initial'],
      search: ['initial'],
      web: ['initial']
    })
  })

  test('a pull request compares from the merge base (three-dot): changes on the base branch do not count', async () => {
    const repo = smallMonorepo()
    const forkPoint = repo.head()
    repo.git('checkout', '-q', '-b', 'feature')
    repo.write('services/orders/src/index.js', '// feature\n')
    const headSha = repo.commit('orders')
    repo.git('checkout', '-q', 'main')
    repo.write('services/search/src/index.js', '// main\n')
    const baseSha = repo.commit('search')
    const d = await detectIn(repo.dir, {
      event: {
        name: 'pull_request',
        payload: { pull_request: { base: { sha: baseSha }, head: { sha: headSha } } }
      }
    })
    expect(d.changes).toMatchObject({
      base: forkPoint,
      head: headSha,
      baseSource: 'pr-merge-base',
      services: ['orders']
    })
  })

  test('a merge group compares base_sha..head_sha', async () => {
    const repo = smallMonorepo()
    const baseSha = repo.head()
    repo.write('libs/common/index.js', '// queue\n')
    const headSha = repo.commit('common')
    const d = await detectIn(repo.dir, {
      event: { name: 'merge_group', payload: { merge_group: { base_sha: baseSha, head_sha: headSha } } }
    })
    expect(d.changes).toMatchObject({ base: baseSha, head: headSha, baseSource: 'merge-group' })
    expect(d.changes.services).toEqual(['catalog', 'orders', 'web'])
  })

  test('a release tag push compares with the previous matching tag', async () => {
    const repo = smallMonorepo()
    const v1 = repo.head()
    repo.git('tag', 'v1.0.0')
    repo.write('services/search/src/index.js', '// 1.1\n')
    repo.commit('search')
    repo.git('tag', 'not-a-release')
    repo.write('services/orders/src/index.js', '// 1.1\n')
    const v11 = repo.commit('orders')
    repo.git('tag', 'v1.1.0')
    const d = await detectIn(repo.dir, {
      event: {
        name: 'push',
        payload: { ref: 'refs/tags/v1.1.0', before: ZERO_SHA, after: v11, created: true }
      }
    })
    expect(d.changes).toMatchObject({
      base: v1,
      head: v11,
      baseSource: 'previous-tag',
      services: ['orders', 'search']
    })
  })

  test('the first release tag, with no earlier one, selects every service and says why', async () => {
    const repo = smallMonorepo()
    const head = repo.head()
    repo.git('tag', 'v0.1.0')
    const d = await detectIn(repo.dir, {
      event: {
        name: 'push',
        payload: { ref: 'refs/tags/v0.1.0', before: ZERO_SHA, after: head, created: true }
      }
    })
    expect(d.changes).toMatchObject({
      baseSource: 'no-base',
      fallback: true,
      services: ['catalog', 'orders', 'search', 'web']
    })
    expect(d.changes.reasons.web?.[0]?.detail).toMatch(/no earlier tag matching v\*/)
  })

  test('a per-service release tag selects that service only', async () => {
    const repo = smallMonorepo()
    const head = repo.head()
    const d = await detectIn(repo.dir, {
      event: {
        name: 'push',
        payload: { ref: 'refs/tags/orders/v2.0.0', before: ZERO_SHA, after: head, created: true }
      }
    })
    expect(d.changes).toMatchObject({ baseSource: 'release-tag', services: ['orders'] })
    expect(kinds(d)).toEqual({ orders: ['tag'] })
  })

  test('a deleted branch builds nothing', async () => {
    const repo = smallMonorepo()
    const d = await detectIn(repo.dir, {
      event: {
        name: 'push',
        payload: { ref: 'refs/heads/gone', before: repo.head(), after: ZERO_SHA, deleted: true }
      }
    })
    expect(d.changes).toMatchObject({ baseSource: 'ref-deleted', services: [], fallback: false })
  })

  test.each(['workflow_dispatch', 'schedule', 'repository_dispatch'])(
    '%s without a base selects every service with a warning',
    async (name) => {
      const repo = smallMonorepo()
      const d = await detectIn(repo.dir, { event: { name, payload: {}, sha: repo.head() } })
      expect(d.changes).toMatchObject({ baseSource: 'no-base', fallback: true })
      expect(d.changes.services).toEqual(['catalog', 'orders', 'search', 'web'])
      expect(d.logger.messages('warning').join('\n')).toMatch(/carries no base commit/)
    }
  )

  test('workflow_dispatch with a base input compares from it', async () => {
    const repo = smallMonorepo()
    const base = repo.head()
    repo.write('proto/search/search.proto', '// v2\n')
    const head = repo.commit('proto')
    const d = await detectIn(repo.dir, { event: { name: 'workflow_dispatch', payload: {}, sha: head }, base })
    expect(d.changes).toMatchObject({ base, head, baseSource: 'input', services: ['search'] })
  })

  test('explicit base and head override the event', async () => {
    const repo = smallMonorepo()
    const base = repo.head()
    repo.write('services/web/src/index.js', '// w\n')
    const head = repo.commit('web')
    repo.write('services/orders/src/index.js', '// o\n')
    const later = repo.commit('orders')
    const d = await detectIn(repo.dir, {
      event: { name: 'push', payload: { before: head, after: later } },
      base: 'main~2',
      head: 'main~1'
    })
    expect(d.changes).toMatchObject({ base, head, baseSource: 'input', services: ['web'] })
  })

  test('base equal to head is an empty result, not an error', async () => {
    const repo = smallMonorepo()
    const head = repo.head()
    const d = await detectIn(repo.dir, { event: { name: 'push', payload: { before: head, after: head } } })
    expect(d.changes).toMatchObject({ services: [], fallback: false })
    expect(d.logger.messages('notice').join('\n')).toMatch(/same commit/)
  })

  test('an explicit base with no shared history is compared tree to tree, with a warning', async () => {
    const repo = smallMonorepo()
    const head = repo.head()
    repo.git('checkout', '-q', '--orphan', 'other')
    repo.write('services/web/src/index.js', '// another history\n')
    const other = repo.commit('unrelated')
    repo.git('checkout', '-q', '-f', 'main')
    const d = await detectIn(repo.dir, { base: other, head })
    expect(d.changes).toMatchObject({ base: other, baseSource: 'input', services: ['web'] })
    expect(d.logger.messages('warning').join('\n')).toMatch(/share no history/)
  })

  test('an unknown base is a configuration error naming the input', async () => {
    const repo = smallMonorepo()
    for (const base of ['no-such-branch', 'a'.repeat(40), '--upload-pack=touch /tmp/x']) {
      await expect(detectIn(repo.dir, { base })).rejects.toMatchObject({
        name: 'ConfigError',
        location: { keyPath: 'with.base' }
      })
    }
  })
})
