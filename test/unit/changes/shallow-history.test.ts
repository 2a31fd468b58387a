import { describe, expect, test } from '@jest/globals'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { TestRepo } from '../../helpers/git-repo.js'
import { detectIn } from './detect-fixture.js'
import { smallMonorepo } from './monorepo-fixture.js'

/**
 * An origin whose feature branch forked 40 commits back, and a depth-1 clone of the feature tip,
 * as actions/checkout leaves it.
 */
function forkedOrigin(): { origin: TestRepo; forkPoint: string; mainTip: string; featureTip: string } {
  const origin = smallMonorepo()
  const forkPoint = origin.head()
  origin.git('checkout', '-q', '-b', 'feature')
  origin.write('services/orders/src/index.js', '// feature\n')
  const featureTip = origin.commit('orders on feature')
  origin.git('checkout', '-q', 'main')
  origin.write('services/search/src/index.js', '// main moved on\n')
  origin.commit('search on main')
  for (let i = 0; i < 40; i++) origin.git('commit', '-q', '--allow-empty', '-m', `main ${i}`)
  return { origin, forkPoint, mainTip: origin.head(), featureTip }
}

function shallowClone(origin: TestRepo, branch: string): TestRepo {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'shipline-clone-')), 'clone')
  new TestRepo(origin.dir).git('clone', '-q', '--depth', '1', '--branch', branch, `file://${origin.dir}`, dir)
  return new TestRepo(dir)
}

describe('shallow clones', () => {
  test('a pull request on a depth-1 clone deepens step by step until the merge base appears', async () => {
    const { origin, forkPoint, mainTip, featureTip } = forkedOrigin()
    const clone = shallowClone(origin, 'feature')
    const d = await detectIn(clone.dir, {
      event: {
        name: 'pull_request',
        payload: { pull_request: { base: { sha: mainTip }, head: { sha: featureTip } } }
      }
    })
    expect(d.changes).toMatchObject({
      base: forkPoint,
      baseSource: 'pr-merge-base',
      fallback: false,
      services: ['orders']
    })
    // The fork point is 42 commits behind main's tip: 32 is not enough, 64 is; never a full fetch.
    const deepening = d.logger.messages('info').filter((m) => m.startsWith('history is shallow'))
    expect(deepening.map((m) => /fetching (\d+) commits/.exec(m)?.[1])).toEqual(['32', '64'])
  })

  test('when the bound is used up, every service is selected and the run says why and how to fix it', async () => {
    const { origin, mainTip, featureTip } = forkedOrigin()
    const clone = shallowClone(origin, 'feature')
    const d = await detectIn(clone.dir, {
      maxFetchDepth: 8,
      event: {
        name: 'pull_request',
        payload: { pull_request: { base: { sha: mainTip }, head: { sha: featureTip } } }
      }
    })
    expect(d.changes).toMatchObject({
      baseSource: 'history-unavailable',
      fallback: true,
      services: ['catalog', 'orders', 'search', 'web']
    })
    expect(d.changes.reasons.orders?.[0]).toMatchObject({
      kind: 'fallback',
      detail: expect.stringMatching(/fetch-depth: 0/)
    })
    expect(d.logger.messages('warning').join('\n')).toMatch(/every service is selected/)
  })

  test('a push only needs its two endpoints: a missing before commit is fetched at depth 1', async () => {
    const { origin } = forkedOrigin()
    const before = origin.git('rev-parse', 'main~41').trim()
    const after = origin.head()
    const clone = shallowClone(origin, 'main')
    expect(() => clone.git('cat-file', '-e', `${before}^{commit}`)).toThrow()
    const d = await detectIn(clone.dir, { event: { name: 'push', payload: { before, after } } })
    expect(d.changes).toMatchObject({ base: before, baseSource: 'push-before', services: ['search'] })
  })

  test('a shallow clone without a remote cannot deepen and falls back instead of guessing', async () => {
    const { origin, mainTip, featureTip } = forkedOrigin()
    const clone = shallowClone(origin, 'feature')
    clone.git('fetch', '-q', '--depth', '1', 'origin', mainTip)
    clone.git('remote', 'remove', 'origin')
    const d = await detectIn(clone.dir, {
      event: {
        name: 'pull_request',
        payload: { pull_request: { base: { sha: mainTip }, head: { sha: featureTip } } }
      }
    })
    expect(d.changes).toMatchObject({ baseSource: 'history-unavailable', fallback: true })
  })
})
