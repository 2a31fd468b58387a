import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { exampleMonorepo } from './git-repo.js'

/** A writable copy of the example monorepo (no git), for manifest tests. */
export function copyOfExample(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'shipline-manifest-'))
  cpSync(exampleMonorepo, dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}.shipline`) })
  return dir
}

/** Rewrites one file of a fixture repository with `edit`. */
export function editFile(root: string, file: string, edit: (text: string) => string): void {
  const full = path.join(root, file)
  writeFileSync(full, edit(readFileSync(full, 'utf8')))
}

/** The 1-based line of the first line of `file` matching `pattern`. */
export function lineOf(root: string, file: string, pattern: RegExp): number {
  return (
    readFileSync(path.join(root, file), 'utf8')
      .split('\n')
      .findIndex((l) => pattern.test(l)) + 1
  )
}
