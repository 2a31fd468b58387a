import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { projectRoot } from './action-runner.js'

export const exampleMonorepo = path.join(projectRoot, 'workflows-examples', 'monorepo')

/** A real git repository in a temp folder, with helpers to write files and commit. */
export class TestRepo {
  readonly dir: string

  constructor(dir?: string) {
    this.dir = dir ?? mkdtempSync(path.join(tmpdir(), 'shipline-repo-'))
    if (!dir) {
      this.git('init', '-q', '-b', 'main')
      this.git('config', 'user.email', 'test@example.com')
      this.git('config', 'user.name', 'Test')
      this.git('config', 'commit.gpgsign', 'false')
    }
  }

  /** A repository holding a copy of the example monorepo, committed once. */
  static fromExample(): TestRepo {
    const repo = new TestRepo()
    cpSync(exampleMonorepo, repo.dir, {
      recursive: true,
      filter: (src) => !src.includes(`${path.sep}.shipline`) && !src.endsWith(`${path.sep}dist`)
    })
    repo.commit('initial')
    return repo
  }

  git(...args: string[]): string {
    return execFileSync('git', args, {
      cwd: this.dir,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
        GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z'
      },
      maxBuffer: 1024 * 1024 * 1024
    })
  }

  write(file: string, content: string | Buffer): this {
    const full = path.join(this.dir, file)
    mkdirSync(path.dirname(full), { recursive: true })
    writeFileSync(full, content)
    return this
  }

  remove(file: string): this {
    rmSync(path.join(this.dir, file), { recursive: true, force: true })
    return this
  }

  /** Stages everything and commits; returns the new commit SHA. */
  commit(message: string): string {
    this.git('add', '-A')
    this.git('commit', '-q', '--allow-empty', '-m', message)
    return this.head()
  }

  head(): string {
    return this.git('rev-parse', 'HEAD').trim()
  }
}
