import { stopService } from '../../core/deploy/entry.js'
import { printJson, type Command } from '../command.js'
import { deployServices, target, targetParams } from './deploy-shared.js'

export const stopCommand: Command = {
  name: 'stop',
  summary: 'stop a service on every host of an environment (what deploy started)',
  examples: ['shipline stop artifact=catalog environment=local'],
  params: targetParams,
  async run(context) {
    const t = target(context)
    const hosts = await stopService(t, deployServices(context))
    if (context.json) printJson(context, { service: t.service, environment: t.environment, stopped: hosts })
    else context.terminal.line(`stopped ${t.service} on ${hosts.join(', ')}`)
    return 0
  }
}
