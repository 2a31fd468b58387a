import { describeHolder } from '../../core/deploy/deploy-lock.js'
import { unlockService } from '../../core/deploy/entry.js'
import { printJson, stringParam, type Command } from '../command.js'
import { deployServices, target, targetParams } from './deploy-shared.js'

export const unlockCommand: Command = {
  name: 'unlock',
  summary: 'remove a deploy lock left by a deploy that is gone (with a reason, kept in the audit log)',
  examples: ['shipline unlock artifact=catalog environment=prod reason="runner died during deploy 1234"'],
  params: [
    ...targetParams,
    { name: 'reason', kind: 'string', description: 'why it is safe to remove the lock', required: true }
  ],
  async run(context) {
    const t = target(context)
    const holder = await unlockService(
      { ...t, reason: stringParam(context, 'reason') ?? '' },
      deployServices(context)
    )
    if (context.json)
      printJson(context, { service: t.service, environment: t.environment, removed: holder ?? null })
    else
      context.terminal.line(
        holder
          ? `removed the lock of ${describeHolder(holder)}`
          : `no lock on ${t.service} in ${t.environment}`
      )
    return 0
  }
}
