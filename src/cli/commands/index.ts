import type { Command } from '../command.js'
import { buildCommand } from './build.js'
import { configCommand } from './config.js'
import { deployCommand } from './deploy.js'
import { detectCommand } from './detect.js'
import { imageCommand } from './image.js'
import { pipelineCommand } from './pipeline.js'
import { rollbackCommand } from './rollback.js'
import { statusCommand } from './status.js'
import { stopCommand } from './stop.js'
import { unlockCommand } from './unlock.js'
import { validateCommand } from './validate.js'

/** Every subcommand, in the order help lists them. */
export const commands: Command[] = [
  validateCommand,
  detectCommand,
  buildCommand,
  imageCommand,
  configCommand,
  deployCommand,
  rollbackCommand,
  statusCommand,
  stopCommand,
  unlockCommand,
  pipelineCommand
]
