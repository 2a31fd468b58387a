import { runAction } from '../common/run-action.js'
import { post, run } from './main.js'

await runAction({ name: 'deploy', main: run, post })
