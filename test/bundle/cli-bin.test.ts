import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { projectRoot } from '../helpers/action-runner.js'
import { copyOfExample, editFile } from '../helpers/manifest-fixture.js'

function shipline(args: string[]) {
  return spawnSync(process.execPath, [path.join(projectRoot, 'bin', 'shipline.js'), ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '' }
  })
}

describe('bin/shipline.js (the bundled CLI, as a user runs it)', () => {
  it('validates the example monorepo with plain output when piped', () => {
    const result = shipline(['validate', `repo=${copyOfExample()}`])
    expect(result.status).toBe(0)
    expect(result.stdout).toMatch(/^ok shipline\.yml: 3 services/)
    expect(result.stdout).not.toContain('\u001b[')
  })

  it('exits 2 with file:line:col for a manifest mistake, and no stack trace', () => {
    const root = copyOfExample()
    editFile(root, 'shipline.yml', (t) => t.replace('version: 1', 'version: one'))
    const result = shipline(['validate', '--repo', root])
    expect(result.status).toBe(2)
    expect(result.stderr).toMatch(
      /^shipline\.yml:\d+:10: expected 1, got the string "one" \(at version\)\n {2}fix: set version: 1\n$/
    )
  })

  it('prints general help and exits 2 when no command is given', () => {
    const result = shipline([])
    expect(result.status).toBe(2)
    expect(result.stdout).toContain('shipline deploy artifact=catalog environment=prod version=b456')
  })
})
