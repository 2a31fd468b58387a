import { runAction } from '../common/run-action.js'
import { run } from './main.js'

await runAction({ name: 'detect-changed-services', main: run })
