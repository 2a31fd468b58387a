/**
 * Every `needs.<job>.outputs.<name>`, `steps.<id>.outputs.<name>`, `jobs.<job>.outputs.<name>` and
 * `inputs.<name>` in a workflow must name something that exists: GitHub evaluates a missing one to an
 * empty string and the run goes on with it, so a typo only shows up as a wrong deploy.
 */
import { isMap, isSeq } from 'yaml'
import type { YAMLMap } from 'yaml'
import { resolveAction } from './action-metadata.js'
import { expressionsIn, scalars, text, WorkflowDocument } from './workflow-document.js'
import type { Finding } from './workflow-document.js'

/** Finds the text of a workflow called with `uses:` (a local or remote reusable workflow). */
export type CalledWorkflowResolver = (uses: string) => { file: string; text: string } | undefined

export function checkOutputReferences(
  file: string,
  source: string,
  resolveCalled: CalledWorkflowResolver
): Finding[] {
  const wf = new WorkflowDocument(file, source)
  const findings: Finding[] = []
  const report = (node: unknown, message: string) =>
    findings.push({ file, line: wf.lineOf(node), rule: 'references', message })

  const inputs = declaredInputs(wf)
  const jobOutputs = new Map<string, Set<string>>()
  for (const [id, job] of wf.jobs()) {
    const called = text(job.get('uses', true))
    if (called !== undefined) {
      const target = resolveCalled(called)
      if (!target) report(job.get('uses', true), `cannot read the called workflow ${called}`)
      else jobOutputs.set(id, new Set(callOutputs(new WorkflowDocument(target.file, target.text))))
    } else jobOutputs.set(id, new Set(keys(job.get('outputs', true))))
  }

  const checkInputs = (value: string, node: unknown, isCondition: boolean) => {
    for (const expr of expressionsIn(value, isCondition))
      for (const m of expr.matchAll(/(?<![\w.-])inputs\.([\w-]+)/g))
        if (!inputs.has(m[1] as string)) report(node, `inputs.${m[1]} is not an input of this workflow`)
  }

  // Workflow outputs of a reusable workflow point at jobs.
  const onCall = wf.map(wf.map(wf.doc.get('on', true))?.get('workflow_call', true))
  for (const { value, node } of scalars(onCall?.get('outputs', true))) {
    for (const expr of expressionsIn(value))
      for (const m of expr.matchAll(/\bjobs\.([\w-]+)\.outputs\.([\w-]+)/g)) {
        const outputs = jobOutputs.get(m[1] as string)
        if (!outputs) report(node, `jobs.${m[1]} is not a job of this workflow`)
        else if (!outputs.has(m[2] as string)) report(node, `job ${m[1]} has no output ${m[2]}`)
      }
  }

  for (const [id, job] of wf.jobs()) {
    const needs = needsOf(job)
    const steps = wf.steps(job)
    const stepOutputs = new Map<string, { index: number; outputs: Set<string> | undefined }>()
    steps.forEach((step, index) => {
      const stepId = text(step.get('id', true))
      if (stepId !== undefined) stepOutputs.set(stepId, { index, outputs: outputsOfStep(step) })
    })

    const checkValue = (value: string, node: unknown, isCondition: boolean, stepIndex: number) => {
      checkInputs(value, node, isCondition)
      for (const expr of expressionsIn(value, isCondition)) {
        for (const m of expr.matchAll(/\bneeds\.([\w-]+)\.outputs\.([\w-]+)/g)) {
          const [, other, name] = m as unknown as [string, string, string]
          if (!needs.includes(other))
            report(node, `job ${id} reads needs.${other} but does not list ${other} in needs:`)
          else if (!jobOutputs.get(other)?.has(name)) report(node, `job ${other} has no output ${name}`)
        }
        for (const m of expr.matchAll(/\bsteps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
          const [, stepId, name] = m as unknown as [string, string, string]
          const step = stepOutputs.get(stepId)
          if (!step) report(node, `job ${id} has no step with id ${stepId}`)
          else if (step.index >= stepIndex)
            report(node, `step ${stepId} runs after the step that reads its outputs`)
          else if (step.outputs === undefined)
            report(node, `cannot tell the outputs of step ${stepId} (unknown action)`)
          else if (!step.outputs.has(name)) report(node, `step ${stepId} sets no output ${name}`)
        }
      }
    }

    // Job-level values run before any step (index -1 would hide later-step reads), except outputs:
    // they are evaluated when every step is done.
    for (const pair of job.items) {
      const key = text(pair.key)
      if (key === 'steps') continue
      const stepIndex = key === 'outputs' ? steps.length : 0
      for (const { value, node } of scalars(pair.value)) checkValue(value, node, key === 'if', stepIndex)
    }
    steps.forEach((step, index) => {
      for (const pair of step.items) {
        const key = text(pair.key)
        for (const { value, node } of scalars(pair.value)) checkValue(value, node, key === 'if', index)
      }
    })
  }
  return findings
}

function keys(node: unknown): string[] {
  return isMap(node) ? node.items.map((p) => text(p.key) ?? '') : []
}

function needsOf(job: YAMLMap): string[] {
  const needs = job.get('needs', true)
  if (isSeq(needs)) return needs.items.map((n) => text(n) ?? '')
  const single = text(needs)
  return single === undefined ? [] : [single]
}

/** Inputs of workflow_call and workflow_dispatch together. */
function declaredInputs(wf: WorkflowDocument): Set<string> {
  const on = wf.map(wf.doc.get('on', true))
  const names = new Set<string>()
  for (const trigger of ['workflow_call', 'workflow_dispatch'])
    for (const name of keys(wf.map(on?.get(trigger, true))?.get('inputs', true))) names.add(name)
  return names
}

function callOutputs(wf: WorkflowDocument): string[] {
  return keys(wf.map(wf.map(wf.doc.get('on', true))?.get('workflow_call', true))?.get('outputs', true))
}

/** Outputs a step can set: its action's declared outputs, or what its script writes to GITHUB_OUTPUT. */
function outputsOfStep(step: YAMLMap): Set<string> | undefined {
  const uses = text(step.get('uses', true))
  if (uses !== undefined) {
    const action = resolveAction(uses)
    return action ? new Set(Object.keys(action.spec.outputs)) : undefined
  }
  const script = text(step.get('run', true)) ?? ''
  const names = new Set<string>()
  for (const line of script.split('\n')) {
    if (!/>>\s*"?\$\{?GITHUB_OUTPUT\}?"?/.test(line)) continue
    const m = /(?:^|[\s"'])([A-Za-z_][\w-]*)(=|<<)/.exec(
      line.replace(/^\s*(echo|printf)\s+(-\w+\s+)?['"]?/, ' ')
    )
    if (m) names.add(m[1] as string)
  }
  return names
}
