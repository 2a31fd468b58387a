import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { checkWorkflowSecurity } from '../helpers/workflow-checks/security-rules.js'
import { exampleWorkflows, formatFindings } from '../helpers/workflow-checks/workflow-document.js'

const fixtures = path.join(path.dirname(new URL(import.meta.url).pathname), 'fixtures')
const insecure = readdirSync(path.join(fixtures, 'insecure'))
  .sort()
  .map((name) => {
    const text = readFileSync(path.join(fixtures, 'insecure', name), 'utf8')
    const expected = /^# expect: (.+)$/m.exec(text)?.[1]?.split(/,\s*/) ?? []
    return { name, text, expected }
  })

describe('security rules of the example workflows', () => {
  it.each(exampleWorkflows().map((e) => [e.name, e.text]))('%s keeps every rule', (name, text) => {
    expect(formatFindings(checkWorkflowSecurity(name, text))).toBe('')
  })

  it('passes a clean deploy workflow (so the bad fixtures fail for their one mistake)', () => {
    const text = readFileSync(path.join(fixtures, 'clean-deploy.yml'), 'utf8')
    expect(formatFindings(checkWorkflowSecurity('clean-deploy.yml', text))).toBe('')
  })

  it.each(insecure.map((f) => [f.name, f.expected.join(', '), f.text]))(
    'fails %s on exactly: %s',
    (name, expected, text) => {
      const findings = checkWorkflowSecurity(name, text)
      expect([...new Set(findings.map((f) => f.rule))].sort().join(', ')).toBe(expected)
      for (const f of findings) expect(f.line).toBeGreaterThan(1)
    }
  )

  it('points at the line of the offending run: script and names the fix', () => {
    const fixture = insecure.find((f) => f.name === 'run-expression.yml')!
    const [finding] = checkWorkflowSecurity(fixture.name, fixture.text)
    const line = fixture.text.split('\n').findIndex((l) => l.includes('run: echo "${{')) + 1
    expect(finding).toMatchObject({ rule: 'run-expression', line })
    expect(finding?.message).toMatch(/env:/)
  })

  it('names the unpinned action and the deploy job without an environment', () => {
    const unpinned = insecure.find((f) => f.name === 'unpinned-tag.yml')!
    expect(formatFindings(checkWorkflowSecurity(unpinned.name, unpinned.text))).toMatch(
      /actions\/checkout@v4: pin to a full 40-character commit SHA/
    )
    const noEnvironment = insecure.find((f) => f.name === 'deploy-without-environment.yml')!
    expect(formatFindings(checkWorkflowSecurity(noEnvironment.name, noEnvironment.text))).toMatch(
      /deploy job deploy is bound to no environment/
    )
  })
})
