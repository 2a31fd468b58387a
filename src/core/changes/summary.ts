import type { ChangeSet, SelectionReason } from './model.js'
import type { OwnerGraph } from './owner-graph.js'

/** Text from file names and config, made inert inside a Markdown table cell or HTML. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '&#124;')
    .replace(/`/g, '&#96;')
    .replace(/\[/g, '&#91;')
    .replace(/\]/g, '&#93;')
    .replace(/\r?\n|\r/g, '&#10;')
    .replace(/\t/g, ' ')
}

function reasonText(reason: SelectionReason): string {
  const files = reason.files.length
    ? ` (${reason.files
        .slice(0, 3)
        .map((f) => `<code>${escapeMarkdown(f)}</code>`)
        .join(
          ', '
        )}${reason.files.length + reason.more > 3 ? `, +${reason.files.length + reason.more - 3} more` : ''})`
    : ''
  return `${reason.kind}: ${escapeMarkdown(reason.detail)}${files}`
}

/** The job summary: what was compared, a table of selected services with reasons, and a dependency diagram. */
export function renderSummary(changes: ChangeSet, graph: OwnerGraph): string {
  const lines: string[] = ['## Changed services', '']
  const range = changes.base
    ? `\`${changes.base.slice(0, 12)}\`..\`${changes.head.slice(0, 12)}\``
    : `\`${changes.head.slice(0, 12)}\``
  lines.push(
    `Compared ${range} (base chosen by **${changes.baseSource}**${changes.fallback ? ', fallback: every service selected' : ''}); ${changes.changedFiles} changed path${changes.changedFiles === 1 ? '' : 's'}.`,
    ''
  )
  if (changes.note) lines.push(`> ${escapeMarkdown(changes.note)}`, '')
  if (changes.services.length === 0) {
    lines.push('No service needs to be built or deployed.', '')
  } else {
    lines.push('| service | path | why |', '| --- | --- | --- |')
    for (const service of changes.services) {
      const why = (changes.reasons[service] ?? []).map(reasonText).join('<br>')
      lines.push(
        `| ${escapeMarkdown(service)} | ${escapeMarkdown(graph.servicePaths.get(service) ?? '')} | ${why} |`
      )
    }
    lines.push('')
  }
  if (changes.deleted.length)
    lines.push(`Deleted (not built): ${changes.deleted.map(escapeMarkdown).join(', ')}`, '')
  if (changes.unowned.length) {
    lines.push(
      `Files no service owns: ${changes.unowned
        .slice(0, 10)
        .map((f) => `<code>${escapeMarkdown(f)}</code>`)
        .join(
          ', '
        )}${changes.unowned.length + changes.unownedMore > 10 ? `, +${changes.unowned.length + changes.unownedMore - 10} more` : ''}`,
      ''
    )
  }
  const diagram = mermaidOf(changes, graph)
  if (diagram) lines.push('```mermaid', diagram, '```', '')
  return lines.join('\n')
}

/**
 * The affected part of the dependency graph: every node on a chain that selected a service, with
 * arrows from a dependency to its dependent. Node ids are generated (n0, n1, ...) and labels are
 * quoted with quotes escaped, so no name can break the diagram.
 */
export function mermaidOf(changes: ChangeSet, graph: OwnerGraph): string | undefined {
  const nodes = new Set<string>()
  const edges = new Set<string>()
  for (const service of changes.services) {
    nodes.add(service)
    for (const reason of changes.reasons[service] ?? []) {
      if (!reason.via) continue
      reason.via.forEach((n) => nodes.add(n))
      for (let i = 1; i < reason.via.length; i++) edges.add(`${reason.via[i - 1]}\u0000${reason.via[i]}`)
    }
  }
  if (nodes.size === 0 || nodes.size > 200) return undefined
  const ids = new Map([...nodes].sort().map((n, i) => [n, `n${i}`]))
  const out = ['graph LR']
  for (const [name, id] of ids) {
    const label = name.replace(/"/g, '#quot;').replace(/[\r\n]/g, ' ')
    const shape = graph.services.has(name) ? `["${label}"]` : `(["${label}"])`
    out.push(`  ${id}${shape}`)
  }
  for (const edge of [...edges].sort()) {
    const [from, to] = edge.split('\u0000') as [string, string]
    out.push(`  ${ids.get(from)} --> ${ids.get(to)}`)
  }
  for (const service of changes.services) out.push(`  class ${ids.get(service)} selected`)
  out.push('  classDef selected fill:#d4f7d4,stroke:#2a7a2a')
  return out.join('\n')
}
