import { globalParams, type ParamSpec } from './args.js'
import type { Command } from './command.js'

function paramLine(p: ParamSpec): string {
  const value = p.kind === 'boolean' ? '' : ` <${p.placeholder ?? 'value'}>`
  const aliases = p.aliases?.length ? ` (also ${p.aliases.join(', ')})` : ''
  const extra = [
    p.required ? 'required' : '',
    p.default !== undefined && p.default !== '' ? `default ${String(p.default)}` : ''
  ]
    .filter(Boolean)
    .join(', ')
  return `  --${p.name}${value}`.padEnd(30) + ` ${p.description}${aliases}${extra ? ` [${extra}]` : ''}`
}

export function commandHelp(command: Command): string {
  const positionals = (command.positionals ?? [])
    .map((p) => (p.required ? ` <${p.name}>` : ` [${p.name}]`))
    .join('')
  return [
    `shipline ${command.name}${positionals} [parameters]`,
    '',
    command.summary,
    '',
    ...(command.positionals?.length
      ? ['Arguments:', ...command.positionals.map((p) => `  ${p.name}`.padEnd(30) + ` ${p.description}`), '']
      : []),
    'Parameters (write --name value, --name=value or name=value):',
    ...command.params.map(paramLine),
    ...globalParams.map(paramLine),
    '',
    'Examples:',
    ...command.examples.map((e) => `  ${e}`),
    ''
  ].join('\n')
}

export function mainHelp(commands: readonly Command[]): string {
  return [
    'shipline - per-service CI/CD for monorepos',
    '',
    'Usage: shipline <command> [parameters]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`),
    '',
    'Every parameter can be written --name value or name=value, e.g.',
    '  shipline deploy artifact=catalog environment=prod version=b456',
    '',
    'Run "shipline <command> --help" for the parameters of one command.',
    'Exit codes: 0 success, 1 failure, 2 usage or configuration error.',
    ''
  ].join('\n')
}
