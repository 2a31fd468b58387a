import { describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { projectRoot } from '../helpers/action-runner.js'
import {
  actionNames,
  parseActionTables,
  renderActionTables,
  tablesFromActionYml
} from '../helpers/workflow-checks/action-tables.js'

/** The documents that carry the actions' inputs and outputs tables (the README). */
const candidates = ['README.md']
const documents = candidates
  .filter((file) => existsSync(path.join(projectRoot, file)))
  .map((file) => ({ file, tables: parseActionTables(readFileSync(path.join(projectRoot, file), 'utf8')) }))
  .filter((doc) => actionNames().some((name) => doc.tables.has(name)))

describe('the actions reference tables agree with actions/*/action.yml', () => {
  it('are found in at least one document', () => {
    expect(documents.map((d) => d.file)).not.toEqual([])
  })

  describe.each(documents.map((d) => [d.file, d.tables] as const))('%s', (_file, tables) => {
    it.each(actionNames())('lists every input and output of %s exactly as action.yml does', (name) => {
      const expected = tablesFromActionYml(name)
      const actual = tables.get(name)
      if (JSON.stringify(actual) !== JSON.stringify(expected)) {
        // Show the section to paste, not only the difference.
        throw new Error(
          `tables for ${name} differ from action.yml; expected:\n\n${renderActionTables(name)}\n` +
            `got: ${JSON.stringify(actual, null, 1)}`
        )
      }
    })
  })

  it('notices a renamed input, a changed default and a missing output', () => {
    const markdown = renderActionTables('deploy')
    const expected = tablesFromActionYml('deploy')
    const same = (md: string) =>
      JSON.stringify(parseActionTables(md).get('deploy')) === JSON.stringify(expected)
    expect(same(markdown)).toBe(true)
    expect(same(markdown.replace('| `artifacts-dir` |', '| `artifact-dir` |'))).toBe(false)
    expect(same(markdown.replace('| `dry-run` | no | `false` |', '| `dry-run` | no | `true` |'))).toBe(false)
    expect(
      same(
        markdown
          .split('\n')
          .filter((l) => !l.startsWith('| `digest` |'))
          .join('\n')
      )
    ).toBe(false)
  })
})
