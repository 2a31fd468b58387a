import { afterEach, describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import {
  describeRun,
  expectSucceeded,
  PipelineScenario,
  stepOf
} from '../helpers/workflow-harness/scenario.js'

const afterTest: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const stop of afterTest.splice(0)) await stop()
})

const fixtures = path.join(path.dirname(new URL(import.meta.url).pathname), 'fixtures')

describe('the workflow harness runs a workflow as the runner would', () => {
  it('detects, expands the matrix from fromJSON, passes needs outputs and honours if:', async () => {
    const scenario = new PipelineScenario()
    afterTest.push(() => scenario.close())
    const first = await scenario.push('detect-then-report.yml', { directory: fixtures })
    expectSucceeded(first)
    const report = first.jobs.report!
    const lines = report.legs.map((leg) => stepOf({ ...report, legs: [leg] }, 'report')?.outputs.line)
    expect(lines.sort()).toEqual([
      'catalog at services/catalog',
      'orders at services/orders',
      'web at services/web'
    ])
    expect(first.jobs.nothing?.result).toBe('skipped')

    scenario.repo.write('services/orders/src/extra.mjs', 'export const x = 1\n').commit('change orders')
    const second = await scenario.push('detect-then-report.yml', { directory: fixtures })
    expectSucceeded(second)
    expect(second.jobs.report!.legs.map((l) => l.matrix)).toEqual([
      expect.objectContaining({ service: 'orders' })
    ])
    expect(second.jobs.report!.outputs.line).toBe('orders at services/orders')

    scenario.repo.write('README.md', 'no service owns this\n').commit('docs')
    const third = await scenario.push('detect-then-report.yml', { directory: fixtures })
    expect(describeRun(third)).toMatch(/report: skipped/)
    expect(third.jobs.nothing?.result).toBe('success')
  })
})

describe('the workflow harness fails loudly on a broken workflow', () => {
  const base = readFileSync(path.join(fixtures, 'detect-then-report.yml'), 'utf8')
  const detectStep =
    '        uses: shipline-dev/shipline/actions/detect-changed-services@5f3b1c8e2a9d4f6b7c0e1a2d3b4c5d6e7f8a9b0c # v1.0.0'
  const deployStep = [
    '      - name: Deploy',
    '        uses: shipline-dev/shipline/actions/deploy@5f3b1c8e2a9d4f6b7c0e1a2d3b4c5d6e7f8a9b0c # v1.0.0',
    '        with:',
    '          artifact: catalog',
    '          environment: local',
    '          version: local'
  ].join('\n')
  const broken: Array<[string, string, RegExp]> = [
    [
      'an input the action does not have',
      base.replace(detectStep, `${detectStep}\n        with:\n          unowned-files: warn`),
      /detect-changed-services has no input unowned-files/
    ],
    [
      'a missing required input',
      base.replace(
        '      - name: Say so',
        `${deployStep.replace('          version: local\n', '').replace('\n          version: local', '')}\n      - name: Say so`
      ),
      /required input version of deploy is missing/
    ],
    [
      'an output no step sets',
      base.replace('${{ steps.detect.outputs.services }}', '${{ steps.detect.outputs.service-list }}'),
      /reads steps\.detect\.outputs\.service-list, an output that step detect never set/
    ],
    [
      '${{ }} inside run:',
      base.replace('run: echo "nothing to do"', 'run: echo "${{ needs.detect.outputs.services }}"'),
      /\$\{\{ \}\} inside run:/
    ],
    [
      'an unpinned third-party action',
      base.replace('actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683', 'actions/checkout@v4'),
      /actions\/checkout@v4 is not one of our actions nor a pinned action/
    ],
    [
      'a deploy job without an environment',
      base
        .replace('      - name: Say so', `${deployStep}\n      - name: Say so`)
        .replace("if: needs.detect.outputs.has-changes != 'true'", 'if: always()'),
      /a deploy step in a job bound to no environment/
    ]
  ]

  it.each(broken)('refuses %s', async (_what, text, message) => {
    expect(text).not.toBe(base)
    const dir = mkdtempSync(path.join(tmpdir(), 'shipline-broken-'))
    writeFileSync(path.join(dir, 'broken.yml'), text)
    const scenario = new PipelineScenario()
    afterTest.push(() => scenario.close())
    await expect(scenario.push('broken.yml', { directory: dir })).rejects.toThrow(message)
  })
})
