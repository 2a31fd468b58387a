import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml'
import type { Document, Node, YAMLMap } from 'yaml'
import { projectRoot } from '../action-runner.js'

export const examplesDir = path.join(projectRoot, 'workflows-examples')

/** One problem found in a workflow file, with the line a reader should look at. */
export interface Finding {
  file: string
  line: number
  rule: string
  message: string
}

export function formatFindings(findings: Finding[]): string {
  return findings.map((f) => `${f.file}:${f.line}: [${f.rule}] ${f.message}`).join('\n')
}

export interface WorkflowFile {
  /** File name, e.g. `service-pipeline.yml`. */
  name: string
  text: string
}

/** The example workflows people copy (`workflows-examples/*.yml`), sorted by name. */
export function exampleWorkflows(dir = examplesDir): WorkflowFile[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((name) => ({ name, text: readFileSync(path.join(dir, name), 'utf8') }))
}

/** A parsed workflow with line numbers for its nodes. */
export class WorkflowDocument {
  readonly doc: Document
  private readonly lines = new LineCounter()

  constructor(
    readonly file: string,
    text: string
  ) {
    this.doc = parseDocument(text, { lineCounter: this.lines, uniqueKeys: true })
    if (this.doc.errors.length > 0) throw new Error(`${file}: ${this.doc.errors[0]?.message}`)
  }

  lineOf(node: unknown): number {
    const range = (node as Node | undefined)?.range
    return range ? this.lines.linePos(range[0]).line : 1
  }

  map(node: unknown): YAMLMap | undefined {
    return isMap(node) ? node : undefined
  }

  /** The jobs, as [id, job map]. */
  jobs(): Array<[string, YAMLMap]> {
    const jobs = this.map(this.doc.get('jobs', true))
    if (!jobs) return []
    return jobs.items.flatMap((pair) => {
      const job = this.map(pair.value)
      return job && isScalar(pair.key) ? [[String(pair.key.value), job] as [string, YAMLMap]] : []
    })
  }

  /** The steps of a job, as maps (empty for a reusable-workflow call). */
  steps(job: YAMLMap): YAMLMap[] {
    const steps = job.get('steps', true)
    return isSeq(steps) ? steps.items.flatMap((s) => (isMap(s) ? [s] : [])) : []
  }
}

/** A scalar's text, or undefined when the node is missing or not a scalar. */
export function text(node: unknown): string | undefined {
  return isScalar(node) && node.value !== null ? String(node.value) : undefined
}

/** Every scalar string under a node, with the node itself (for line numbers). */
export function scalars(node: unknown, out: Array<{ value: string; node: Node }> = []) {
  if (isScalar(node)) {
    if (typeof node.value === 'string') out.push({ value: node.value, node })
  } else if (isMap(node)) {
    for (const pair of node.items) {
      scalars(pair.key, out)
      scalars(pair.value, out)
    }
  } else if (isSeq(node)) {
    for (const item of node.items) scalars(item, out)
  }
  return out
}

/** The expression texts in a value: the `${{ }}` spans, or the whole value for `if:`. */
export function expressionsIn(value: string, isCondition = false): string[] {
  const spans = [...value.matchAll(/\$\{\{([\s\S]*?)\}\}/g)].map((m) => m[1] ?? '')
  return spans.length === 0 && isCondition ? [value] : spans
}
