/** The deploy result for people: a markdown job summary and a plain text table. */
import type { Deployment } from './model.js'

const ICON: Record<string, string> = { passed: 'passed', failed: 'FAILED', skipped: '-' }

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`
}

function headline(d: Deployment): string {
  const verb =
    d.result === 'success'
      ? 'deployed'
      : d.result === 'no-op'
        ? 'already live'
        : d.result === 'cancelled'
          ? 'cancelled'
          : 'FAILED'
  return `${d.service} ${d.version} to ${d.environment}: ${verb}`
}

/** Markdown for GITHUB_STEP_SUMMARY. Values come from the manifest and build records, escaped for tables. */
export function deploymentMarkdown(d: Deployment): string {
  const cell = (s: string | undefined) => (s ?? '-').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ')
  const lines = [
    `### ${cell(headline(d))}`,
    '',
    `${cell(d.message)}`,
    '',
    `artifact \`${d.digest}\`, config \`${d.configHash}\`, by ${cell(d.actor)}`,
    '',
    '| host | group | before | after | health | outcome | time |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...d.hosts.map(
      (h) =>
        `| ${cell(h.host)} | ${cell(h.group)} | ${cell(h.versionBefore)} | ${cell(h.versionAfter)} | ${ICON[h.health]} | ${cell(h.outcome)} | ${seconds(h.durationMs)} |`
    )
  ]
  const links: string[] = []
  if (d.deploymentUrl)
    links.push(
      `[deployment record](${d.deploymentUrl})${d.deploymentId !== undefined ? ` (#${d.deploymentId})` : ''}`
    )
  if (d.runUrl) links.push(`[run log](${d.runUrl})`)
  if (links.length) lines.push('', links.join(' - '))
  return `${lines.join('\n')}\n`
}

/** Aligned text table for the terminal. */
export function deploymentTable(d: Deployment): string[] {
  const rows = [
    ['host', 'before', 'after', 'health', 'outcome', 'time'],
    ...d.hosts.map((h) => [
      h.host,
      h.versionBefore ?? '-',
      h.versionAfter ?? '-',
      ICON[h.health] ?? h.health,
      h.outcome,
      seconds(h.durationMs)
    ])
  ]
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
  return [
    headline(d),
    ...rows.map((r) => `  ${r.map((c, i) => c.padEnd(widths[i]!)).join('  ')}`.trimEnd()),
    ...(d.message ? [d.message] : [])
  ]
}
