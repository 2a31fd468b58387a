import {
  PULL_REQUEST_FILES_CAP,
  type PullRequestFile,
  type PullRequestFiles
} from '../core/changes/pull-request-files.js'
import { OperationError } from '../core/errors.js'
import type { GitHubRequester } from './github-deployment-history.js'

const PER_PAGE = 100

/**
 * Reads a pull request's files page by page. The list is complete only when it ended on a short
 * page with no next page advertised and stayed under GitHub's 3,000-file cap; past the cap GitHub
 * may return short or empty pages while still advertising more, which also counts as truncated.
 */
export class GitHubPullRequestFiles implements PullRequestFiles {
  constructor(
    private readonly client: GitHubRequester,
    private readonly owner: string,
    private readonly repo: string,
    private readonly describeError: (error: unknown) => string = (e) => String(e)
  ) {}

  async list(number: number): Promise<{ files: PullRequestFile[]; complete: boolean }> {
    const files: PullRequestFile[] = []
    for (let page = 1; page <= PULL_REQUEST_FILES_CAP / PER_PAGE; page++) {
      let response: Awaited<ReturnType<GitHubRequester['request']>>
      try {
        response = await this.client.request('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', {
          owner: this.owner,
          repo: this.repo,
          pull_number: number,
          per_page: PER_PAGE,
          page
        })
      } catch (error) {
        throw new OperationError(
          `listing the files of pull request #${number} failed: ${this.describeError(error)}`
        )
      }
      const entries = Array.isArray(response.data) ? (response.data as PullRequestFile[]) : []
      for (const f of entries) {
        files.push({
          status: String(f.status),
          filename: String(f.filename),
          ...(f.previous_filename ? { previous_filename: String(f.previous_filename) } : {})
        })
      }
      const more = /\brel="next"/.test(String(response.headers?.link ?? ''))
      if (entries.length < PER_PAGE || !more) {
        return { files, complete: !more && files.length < PULL_REQUEST_FILES_CAP }
      }
    }
    return { files, complete: false }
  }
}
