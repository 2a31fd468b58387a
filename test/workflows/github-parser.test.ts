import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { projectRoot } from '../helpers/action-runner.js'
import { actionFileErrors, parseWithGitHubParser } from '../helpers/workflow-checks/github-tools.js'
import { exampleWorkflows } from '../helpers/workflow-checks/workflow-document.js'

const examples = exampleWorkflows()
const actions = readdirSync(path.join(projectRoot, 'actions')).sort()

describe("GitHub's workflow parser (@actions/workflow-parser)", () => {
  it('finds the example workflows', () => {
    expect(examples.map((e) => e.name)).toEqual(
      expect.arrayContaining([
        'ci-per-service.yml',
        'service-pipeline.yml',
        'deploy-manual.yml',
        'rollback.yml'
      ])
    )
  })

  it.each(examples.map((e) => [e.name, e.text]))('finds no error in %s', async (name, text) => {
    const { template, errors } = await parseWithGitHubParser(name, text)
    expect(errors).toEqual([])
    expect(template.jobs.length).toBeGreaterThan(0)
  })

  it('loads the reusable pipeline a caller uses and checks what the caller passes', async () => {
    const caller = examples.find((e) => e.name === 'ci-per-service.yml')!
    const { template } = await parseWithGitHubParser(caller.name, caller.text)
    const pipeline = template.jobs.find((j) => j.id.value === 'pipeline')
    expect(pipeline?.type).toBe('reusableWorkflowJob')
    const called = pipeline && 'jobs' in pipeline ? (pipeline.jobs ?? []).map((j) => j.id.value) : []
    expect(called).toEqual(['build', 'test', 'deploy-staging', 'promote'])

    const broken = caller.text.replace('service: ${{ matrix.service }}', 'servce: ${{ matrix.service }}')
    const { errors } = await parseWithGitHubParser(caller.name, broken)
    expect(errors.join('\n')).toMatch(/servce/)
    expect(errors.join('\n')).toMatch(/service/)
  })

  it('reports a misspelled key and a broken expression with their line', async () => {
    const { errors } = await parseWithGitHubParser(
      'bad.yml',
      'name: bad\non: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    stesp: []\n    if: ${{ github.ref == }}\n'
    )
    expect(errors.join('\n')).toMatch(/^6:\d+ .*stesp/m)
    expect(errors.join('\n')).toMatch(/^7:\d+ /m)
  })

  it.each(actions)('parses actions/%s/action.yml without error', (name) => {
    const file = path.join(projectRoot, 'actions', name, 'action.yml')
    expect(actionFileErrors('action.yml', readFileSync(file, 'utf8'))).toEqual([])
  })

  it('rejects an action.yml with a misspelled key or an unknown runtime', () => {
    const good = readFileSync(path.join(projectRoot, 'actions', 'deploy', 'action.yml'), 'utf8')
    expect(actionFileErrors('action.yml', good.replace('  main:', '  mian:')).join('\n')).toMatch(/mian/)
    expect(
      actionFileErrors('action.yml', good.replace('using: node24', 'using: node99')).length
    ).toBeGreaterThan(0)
  })
})
