import { configLeaves } from './leaves.js'
import type { ResolvedConfig, ValueSource } from './model.js'
import { secretReference } from './secret-reference.js'

/**
 * The job summary: every effective value with the file and line it came from. Secrets appear as
 * `***` with the name of the secret; values are HTML-escaped so a value cannot add markup.
 */
export function renderConfigSummary(config: ResolvedConfig): string {
  const rows = configLeaves(config.values).map((leaf) => {
    const reference = secretReference(leaf.value, () => ({}))
    const shown = reference ? `\\*\\*\\* (secret ${reference})` : `<code>${cell(display(leaf.value))}</code>`
    return `| <code>${cell(leaf.key)}</code> | ${shown} | ${cell(describeSource(config.sources[leaf.key]))} |`
  })
  const hosts = config.hosts.length
    ? config.hosts.map((h) => `${h.host} (${h.group})`).join(', ')
    : 'none in this environment'
  return [
    `### Configuration of ${config.service} for ${config.environment}`,
    '',
    `${rows.length} values, ${config.secrets.length} secrets, hash \`${config.hash}\`; hosts: ${cell(hosts)}`,
    '',
    '| key | value | source |',
    '| --- | --- | --- |',
    ...rows,
    ''
  ].join('\n')
}

export function display(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value)
}

/** `services/catalog/config/production.yml:2 (service-env)` */
export function describeSource(source: ValueSource | undefined): string {
  if (!source) return 'unknown'
  return `${source.file}${source.line ? `:${source.line}` : ''} (${source.layer})`
}

function cell(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '&#124;')
    .replace(/\r?\n/g, '<br>')
}
