import { loadManifest } from '../../core/manifest/load-manifest.js'
import type { Command } from '../command.js'
import { printJson } from '../command.js'

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check shipline.yml and every service.yml, and list the services and environments',
  examples: ['shipline validate', 'shipline validate --repo workflows-examples/monorepo --json'],
  params: [],
  async run(context) {
    const manifest = loadManifest(context.repo)
    if (context.json) {
      printJson(context, {
        valid: true,
        services: manifest.services.map((s) => ({ name: s.name, path: s.path, dependsOn: s.dependsOn })),
        shared: manifest.shared.map((s) => ({ name: s.name, path: s.path })),
        environments: manifest.environments.map((e) => e.name)
      })
      return 0
    }
    const t = context.terminal
    t.line(
      `${t.green('ok')} ${manifest.file}: ${manifest.services.length} services, ${manifest.shared.length} shared folders`
    )
    for (const s of manifest.services) {
      t.line(
        `  ${t.bold(s.name.padEnd(16))} ${s.path}${s.dependsOn.length ? t.dim(`  depends on ${s.dependsOn.join(', ')}`) : ''}`
      )
    }
    for (const s of manifest.shared) t.line(`  ${s.name.padEnd(16)} ${s.path} ${t.dim('(shared)')}`)
    t.line(
      `environments, in promotion order: ${manifest.environments.map((e) => `${e.name} (${e.provider})`).join(' -> ')}`
    )
    return 0
  }
}
