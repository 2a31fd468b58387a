import { runAction } from '../common/run-action.js'
import { run } from './main.js'

await runAction({ name: 'build-artifact', main: run })
