import { describe, expect, it } from '@jest/globals'
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { errorProperties, runActionBundle } from '../helpers/action-runner.js'
import { exampleMonorepo } from '../helpers/git-repo.js'

const requiredInputs: Record<string, Record<string, string>> = {
  'detect-changed-services': {},
  'build-artifact': { service: 'catalog' },
  'resolve-env-config': { service: 'catalog', environment: 'staging' },
  deploy: { artifact: 'catalog', environment: 'staging', version: '1.0.0' }
}

function workspaceWithTypo(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'shipline-ws-'))
  cpSync(exampleMonorepo, dir, { recursive: true })
  const manifest = path.join(dir, 'shipline.yml')
  writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('discover:', 'discovr:'))
  return dir
}

describe.each(Object.keys(requiredInputs))('bundle dist/%s/index.js', (name) => {
  it('loads, reads its inputs and reports a manifest mistake as an annotation on the right line', async () => {
    const workspace = workspaceWithTypo()
    const result = await runActionBundle(name, { workspace, inputs: requiredInputs[name] })
    expect(result.stderr).not.toMatch(/MODULE_NOT_FOUND|is not a function|SyntaxError/)
    expect(result.exitCode).toBe(1)
    expect(result.errors[0]).toMatch(new RegExp(`^${name}: unknown key "discovr"`))
    expect(result.errors[0]).toContain('did you mean "discover"?')
    const props = errorProperties(result.stdout)
    expect(props.file).toBe('shipline.yml')
    const line =
      readFileSync(path.join(workspace, 'shipline.yml'), 'utf8')
        .split('\n')
        .findIndex((l) => l.startsWith('discovr:')) + 1
    expect(props.line).toBe(String(line))
  })
})

const withRequired = Object.keys(requiredInputs).filter(
  (name) => Object.keys(requiredInputs[name] ?? {}).length > 0
)

describe.each(withRequired)('bundle dist/%s/index.js without its inputs', (name) => {
  it('fails with a message naming the action and the missing input', async () => {
    const result = await runActionBundle(name, { workspace: workspaceWithTypo(), inputs: {} })
    expect(result.exitCode).toBe(1)
    expect(result.errors.join('\n')).toMatch(new RegExp(`^${name}: input "\\w+" is required`, 'm'))
  })
})
