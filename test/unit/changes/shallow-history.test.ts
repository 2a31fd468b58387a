import { describe, expect, test } from '@jest/globals'
import { detectIn } from './detect-fixture.js'
import { forkedOrigin, shallowClone } from './shallow-fixture.js'

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
