/**
 * The inputs and outputs tables of the actions reference in README.md: rendered from actions/<name>/action.yml, and read back from markdown so a test can
 * prove the two agree.
 */
import { readdirSync } from 'node:fs'
import path from 'node:path'
import { actionMetadata, projectRoot } from '../action-runner.js'

export interface ActionTables {
  inputs: Array<{ name: string; required: string; default: string; description: string }>
  outputs: Array<{ name: string; description: string }>
}

export function actionNames(): string[] {
  return readdirSync(path.join(projectRoot, 'actions')).sort()
}

/** What the tables must say, straight from action.yml. */
export function tablesFromActionYml(name: string): ActionTables {
  const meta = actionMetadata(name)
  return {
    inputs: Object.entries(meta.inputs ?? {}).map(([input, spec]) => ({
      name: input,
      required: spec.required ? 'yes' : 'no',
      default: spec.default ?? '',
      description: oneLine(spec.description)
    })),
    outputs: Object.entries(meta.outputs ?? {}).map(([output, spec]) => ({
      name: output,
      description: oneLine(spec.description)
    }))
  }
}

/** Markdown for one action: a heading, its inputs table and its outputs table. */
export function renderActionTables(name: string): string {
  const t = tablesFromActionYml(name)
  const code = (s: string) => (s === '' ? '' : `\`${s}\``)
  return [
    `### \`${name}\``,
    '',
    '| Input | Required | Default | Description |',
    '| --- | --- | --- | --- |',
    ...t.inputs.map(
      (i) => `| ${code(i.name)} | ${i.required} | ${code(i.default)} | ${cell(i.description)} |`
    ),
    '',
    '| Output | Description |',
    '| --- | --- |',
    ...t.outputs.map((o) => `| ${code(o.name)} | ${cell(o.description)} |`),
    ''
  ].join('\n')
}

/** Reads the tables of every `### \`<action>\`` section of a markdown document. */
export function parseActionTables(markdown: string): Map<string, ActionTables> {
  const result = new Map<string, ActionTables>()
  let current: ActionTables | undefined
  let table: 'inputs' | 'outputs' | undefined
  for (const line of markdown.split('\n')) {
    const heading = /^#{1,6}\s+`?([a-z0-9-]+)`?\s*$/.exec(line)
    if (heading) {
      current = { inputs: [], outputs: [] }
      result.set(heading[1] as string, current)
      table = undefined
      continue
    }
    if (/^#/.test(line)) current = undefined
    if (!current || !line.startsWith('|')) continue
    const cells = splitRow(line)
    if (cells.every((c) => /^:?-+:?$/.test(c))) continue
    if (cells[0] === 'Input') table = 'inputs'
    else if (cells[0] === 'Output') table = 'outputs'
    else if (table === 'inputs')
      current.inputs.push({
        name: uncode(cells[0]),
        required: cells[1] ?? '',
        default: uncode(cells[2]),
        description: cells[3] ?? ''
      })
    else if (table === 'outputs')
      current.outputs.push({ name: uncode(cells[0]), description: cells[1] ?? '' })
  }
  return result
}

function oneLine(s: string | undefined): string {
  return (s ?? '').replace(/\s+/g, ' ').trim()
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|')
}

function splitRow(line: string): string[] {
  return line
    .slice(1, line.endsWith('|') ? -1 : undefined)
    .split(/(?<!\\)\|/)
    .map((c) => c.trim().replace(/\\\|/g, '|'))
}

function uncode(s: string | undefined): string {
  return (s ?? '').replace(/^`(.*)`$/, '$1')
}

// `npx tsx test/helpers/workflow-checks/action-tables.ts` prints the tables for every action.
if (process.argv[1] && path.resolve(process.argv[1]) === new URL(import.meta.url).pathname) {
  process.stdout.write(actionNames().map(renderActionTables).join('\n'))
}
