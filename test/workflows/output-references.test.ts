import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { checkOutputReferences } from '../helpers/workflow-checks/output-references.js'
import {
  examplesDir,
  exampleWorkflows,
  formatFindings
} from '../helpers/workflow-checks/workflow-document.js'

const examples = exampleWorkflows()
const resolveCalled = (uses: string) => {
  const name = path.posix.basename(uses.replace(/@.*$/, ''))
  try {
    return { file: name, text: readFileSync(path.join(examplesDir, name), 'utf8') }
  } catch {
    return undefined
  }
}
const check = (name: string, text: string) => formatFindings(checkOutputReferences(name, text, resolveCalled))
const pipeline = examples.find((e) => e.name === 'service-pipeline.yml')!

describe('needs, steps, jobs and inputs references in the example workflows', () => {
  it.each(examples.map((e) => [e.name, e.text]))(
    'every reference in %s names something that exists',
    (name, text) => {
      expect(check(name, text)).toBe('')
    }
  )

  it('fails on an output that no step sets, naming the line', () => {
    const text = pipeline.text.replace(
      'digest: ${{ steps.deploy.outputs.digest }}',
      'digest: ${{ steps.deploy.outputs.sha }}'
    )
    const line = text.split('\n').findIndex((l) => l.includes('steps.deploy.outputs.sha')) + 1
    expect(check(pipeline.name, text)).toBe(
      `service-pipeline.yml:${line}: [references] step deploy sets no output sha`
    )
  })

  it('fails on a job output that does not exist and on a job not listed in needs', () => {
    const missing = pipeline.text.replace(
      '${{ needs.build.outputs.version }}',
      '${{ needs.build.outputs.versoin }}'
    )
    expect(check(pipeline.name, missing)).toMatch(/job build has no output versoin/)
    const notNeeded = pipeline.text.replace('needs: [build, deploy-staging]', 'needs: [deploy-staging]')
    expect(check(pipeline.name, notNeeded)).toMatch(
      /job promote reads needs\.build but does not list build in needs:/
    )
  })

  it('fails on a workflow input that does not exist', () => {
    const text = pipeline.text.replace('service: ${{ inputs.service }}', 'service: ${{ inputs.servcie }}')
    expect(check(pipeline.name, text)).toMatch(/inputs\.servcie is not an input of this workflow/)
  })

  it('fails on an output of the called reusable workflow that it does not declare', () => {
    const text = [
      'name: caller',
      'on: push',
      'permissions: {}',
      'jobs:',
      '  pipeline:',
      '    uses: ./.github/workflows/service-pipeline.yml',
      '    with:',
      '      service: catalog',
      '  after:',
      '    needs: pipeline',
      '    runs-on: ubuntu-24.04',
      '    steps:',
      '      - shell: bash',
      '        env:',
      '          D: ${{ needs.pipeline.outputs.digest }}',
      '          H: ${{ needs.pipeline.outputs.hash }}',
      '        run: echo "$D $H"'
    ].join('\n')
    expect(check('caller.yml', text)).toBe('caller.yml:16: [references] job pipeline has no output hash')
  })

  it('reads the outputs a run: step writes to GITHUB_OUTPUT', () => {
    const text = [
      'name: steps',
      'on: push',
      'permissions: {}',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-24.04',
      '    outputs:',
      '      when: ${{ steps.clock.outputs.when }}',
      '      what: ${{ steps.clock.outputs.what }}',
      '    steps:',
      '      - id: clock',
      '        shell: bash',
      '        run: echo "when=$(date +%s)" >> "$GITHUB_OUTPUT"'
    ].join('\n')
    expect(check('steps.yml', text)).toBe('steps.yml:9: [references] step clock sets no output what')
  })
})
