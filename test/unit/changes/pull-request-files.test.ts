import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import type { PullRequestFile } from '../../../src/core/changes/pull-request-files.js'
import { createGitHubClient, describeGitHubError } from '../../../src/platform/github-client.js'
import { GitHubPullRequestFiles } from '../../../src/platform/github-pull-request-files.js'
import { RecordingLogger } from '../../../src/platform/logger.js'
import { FakeGitHub } from '../../helpers/fake-github/index.js'
import { detectIn } from './detect-fixture.js'
import { forkedOrigin, shallowClone } from './shallow-fixture.js'

let github: FakeGitHub
beforeEach(async () => {
  github = await FakeGitHub.start()
})
afterEach(async () => {
  expect(github.violations).toEqual([])
  await github.close()
})

function serveFiles(files: PullRequestFile[]): void {
  github.handle('pulls/list-files', (c) => ({
    status: 200,
    ...c.page(
      files.map((f, i) => ({
        sha: i.toString(16).padStart(40, '0'),
        filename: f.filename,
        status: f.status,
        additions: 1,
        deletions: 0,
        changes: 1,
        blob_url: 'https://github.com/octo/shop/blob/x',
        raw_url: 'https://github.com/octo/shop/raw/x',
        contents_url: 'https://api.github.com/repos/octo/shop/contents/x',
        ...(f.previous_filename ? { previous_filename: f.previous_filename } : {})
      }))
    )
  }))
}

async function prBeyondDepth() {
  const { origin, mainTip, featureTip } = forkedOrigin()
  const clone = shallowClone(origin, 'feature')
  const client = createGitHubClient({
    token: github.token,
    baseUrl: github.url,
    logger: new RecordingLogger(),
    msPerSecond: 1
  })
  return detectIn(clone.dir, {
    maxFetchDepth: 8,
    pullRequestFiles: new GitHubPullRequestFiles(client, 'octo', 'shop', describeGitHubError),
    event: {
      name: 'pull_request',
      payload: { pull_request: { number: 7, base: { sha: mainTip }, head: { sha: featureTip } } }
    }
  })
}

describe('pull request file list as a fast path when history runs out', () => {
  test('a complete list stands in for the diff, renames counting on both sides', async () => {
    serveFiles([
      { status: 'modified', filename: 'services/orders/src/index.js' },
      {
        status: 'renamed',
        filename: 'services/search/src/moved.js',
        previous_filename: 'services/catalog/src/old.js'
      }
    ])
    const d = await prBeyondDepth()
    expect(d.changes).toMatchObject({
      baseSource: 'pr-files-api',
      fallback: false,
      services: ['catalog', 'orders', 'search', 'web']
    })
    expect(d.changes.reasons.catalog?.[0]?.files).toEqual(['services/catalog/src/old.js'])
    expect(d.changes.reasons.web?.[0]?.kind).toBe('dependency')
    expect(github.calls('pulls/list-files')).toHaveLength(1)
  })

  test('a list at the 3,000-file cap counts as truncated: every service, history-unavailable', async () => {
    serveFiles(
      Array.from({ length: 3000 }, (_, i) => ({ status: 'modified', filename: `services/orders/f${i}.js` }))
    )
    const d = await prBeyondDepth()
    expect(d.changes).toMatchObject({ baseSource: 'history-unavailable', fallback: true })
    expect(d.changes.services).toEqual(['catalog', 'orders', 'search', 'web'])
    expect(d.logger.messages('warning').join('\n')).toMatch(/truncated/)
    expect(github.calls('pulls/list-files')).toHaveLength(30)
  })

  test('an API failure falls back to every service instead of guessing', async () => {
    github.inject({ operation: 'pulls/list-files', fault: { kind: 'status', status: 404 } })
    serveFiles([])
    const d = await prBeyondDepth()
    expect(d.changes).toMatchObject({ baseSource: 'history-unavailable', fallback: true })
    expect(d.logger.messages('warning').join('\n')).toMatch(/could not read the file list of pull request #7/)
  })
})
