import { serviceStatus } from '../../core/deploy/entry.js'
import { printJson, type Command } from '../command.js'
import { deployServices, target, targetParams } from './deploy-shared.js'

export const statusCommand: Command = {
  name: 'status',
  summary: 'show which version of a service runs on each host of an environment, since when, by whom',
  examples: ['shipline status artifact=catalog environment=prod'],
  params: targetParams,
  async run(context) {
    const t = target(context)
    const status = await serviceStatus(t, deployServices(context))
    if (context.json) {
      printJson(context, status)
      return 0
    }
    context.terminal.line(`${t.service} in ${t.environment}:`)
    for (const h of status.hosts) {
      const what = h.error
        ? `unreachable (${h.error})`
        : h.version
          ? `${h.version} since ${h.since ?? '?'} by ${h.by ?? '?'}`
          : 'nothing deployed'
      context.terminal.line(
        `  ${h.host}: ${what}${h.previous.length ? `; before: ${h.previous.slice(0, 3).join(', ')}` : ''}`
      )
    }
    context.terminal.line(
      status.lock
        ? `lock: held by ${status.lock.actor} since ${status.lock.since} (${status.lock.version})`
        : 'lock: free'
    )
    return status.hosts.some((h) => h.error) ? 1 : 0
  }
}
