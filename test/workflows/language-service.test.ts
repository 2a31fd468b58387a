import { describe, expect, it } from '@jest/globals'
import { languageServiceDiagnostics } from '../helpers/workflow-checks/github-tools.js'
import { exampleWorkflows } from '../helpers/workflow-checks/workflow-document.js'

const examples = exampleWorkflows()
const pipeline = examples.find((e) => e.name === 'service-pipeline.yml')!

describe("GitHub's language service (@actions/languageservice) with our action.yml files", () => {
  it.each(examples.map((e) => [e.name, e.text]))(
    'finds no unknown input, missing input or other problem in %s',
    async (name, text) => {
      expect(await languageServiceDiagnostics(name, text)).toEqual([])
    }
  )

  it('reports an input our action does not have, on its line', async () => {
    const text = pipeline.text.replace(
      '          artifacts-dir: ${{ runner.temp }}',
      '          artifact-dir: ${{ runner.temp }}'
    )
    const line = text.split('\n').findIndex((l) => l.includes('artifact-dir:')) + 1
    const diagnostics = await languageServiceDiagnostics(pipeline.name, text)
    expect(diagnostics).toEqual([
      expect.stringMatching(new RegExp(`^${line}:\\d+ Invalid action input 'artifact-dir'`))
    ])
  })

  it('reports a missing required input', async () => {
    const text = pipeline.text.replace(
      /\n {10}version: \$\{\{ needs\.build\.outputs\.version \}\}\n {10}artifacts-dir: \$\{\{ runner\.temp \}\}\/shipline\/artifacts\n\n {2}promote:/,
      '\n\n  promote:'
    )
    expect(text).not.toBe(pipeline.text)
    const diagnostics = await languageServiceDiagnostics(pipeline.name, text)
    expect(diagnostics).toEqual([expect.stringMatching(/Missing required input `version`/)])
  })

  it('checks the inputs of the third-party actions against their pinned action.yml', async () => {
    const text = pipeline.text.replace('if-no-files-found: error', 'if-no-file-found: error')
    expect((await languageServiceDiagnostics(pipeline.name, text)).join('\n')).toMatch(
      /Invalid action input 'if-no-file-found'/
    )
  })
})
