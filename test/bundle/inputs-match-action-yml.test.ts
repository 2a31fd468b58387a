import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { actionMetadata, projectRoot } from '../helpers/action-runner.js'

const actions = readdirSync(path.join(projectRoot, 'actions'))

describe.each(actions)('actions/%s', (name) => {
  it('declares exactly the inputs its inputs.ts reads, in the same order', async () => {
    const module = (await import(`../../src/actions/${name}/inputs.js`)) as { inputNames: readonly string[] }
    expect(Object.keys(actionMetadata(name).inputs ?? {})).toEqual([...module.inputNames])
  })

  it('reads every input it names, and only through inputs.ts', () => {
    const folder = path.join(projectRoot, 'src', 'actions', name)
    const inputsSource = readFileSync(path.join(folder, 'inputs.ts'), 'utf8')
    const read = [...inputsSource.matchAll(/Input\('([^']+)'/g)].map((m) => m[1])
    expect(new Set(read)).toEqual(new Set(Object.keys(actionMetadata(name).inputs ?? {})))
    for (const file of readdirSync(folder).filter((f) => f !== 'inputs.ts' && f.endsWith('.ts'))) {
      expect(readFileSync(path.join(folder, file), 'utf8')).not.toMatch(
        /\bgetInput\(|getBooleanInput|getMultilineInput|INPUT_/
      )
    }
  })

  it('runs on node24 from its bundle', () => {
    const meta = actionMetadata(name)
    expect(meta.runs.using).toBe('node24')
    expect(meta.runs.main).toBe(`../../dist/${name}/index.js`)
  })
})
