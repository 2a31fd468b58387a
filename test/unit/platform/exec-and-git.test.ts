import { describe, expect, it } from '@jest/globals'
import { ExecNotFoundError, NodeExec } from '../../../src/platform/exec.js'
import { Git, GitError } from '../../../src/platform/git.js'
import { TestRepo } from '../../helpers/git-repo.js'

describe('NodeExec', () => {
  const exec = new NodeExec()

  it('passes arguments as data: shell syntax is never interpreted', async () => {
    const result = await exec.run(['printf', '%s|', '$(id)', '`id`', 'a;b', '*'])
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toBe('$(id)|`id`|a;b|*|')
  })

  it('reports a missing program as ExecNotFoundError', async () => {
    await expect(exec.run(['shipline-no-such-program'])).rejects.toBeInstanceOf(ExecNotFoundError)
  })

  it('returns non-zero exit codes and stderr instead of throwing', async () => {
    const result = await exec.run(['sh', '-c', 'echo oops >&2; exit 3'])
    expect(result).toMatchObject({ exitCode: 3, stderr: 'oops\n' })
  })

  it('streams standard output when asked', async () => {
    const chunks: string[] = []
    const result = await exec.run(['printf', 'a\\0b\\0'], {
      onStdout: (c) => chunks.push(c.toString('latin1'))
    })
    expect(chunks.join('')).toBe('a\u0000b\u0000')
    expect(result.stdout).toBe('')
  })
})

describe('Git', () => {
  it('resolves revisions and commit times in a real repository', async () => {
    const repo = new TestRepo()
    repo.write('a.txt', 'a')
    const sha = repo.commit('first')
    const git = new Git(new NodeExec(), repo.dir)
    expect(await git.revParse('HEAD')).toBe(sha)
    expect(await git.commitTime('HEAD')).toBe(Date.parse('2026-01-01T00:00:00Z') / 1000)
  })

  it('throws GitError naming the command for an unknown revision, and never treats it as an option', async () => {
    const repo = new TestRepo()
    repo.commit('first')
    const git = new Git(new NodeExec(), repo.dir)
    await expect(git.revParse('--output=/tmp/x')).rejects.toBeInstanceOf(GitError)
    await expect(git.revParse('no-such-branch')).rejects.toThrow(
      /git rev-parse .*no-such-branch.* failed \(exit 128\)/
    )
  })
})
