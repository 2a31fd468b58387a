import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { TestRepo } from '../../helpers/git-repo.js'
import { smallMonorepo } from './monorepo-fixture.js'

/**
 * An origin whose feature branch forked 40 commits back, and a depth-1 clone of the feature tip,
 * as actions/checkout leaves it.
 */
export function forkedOrigin(): { origin: TestRepo; forkPoint: string; mainTip: string; featureTip: string } {
  const origin = smallMonorepo()
  const forkPoint = origin.head()
  origin.git('checkout', '-q', '-b', 'feature')
  origin.write('services/orders/src/index.js', '// feature\n')
  const featureTip = origin.commit('orders on feature')
  origin.git('checkout', '-q', 'main')
  origin.write('services/search/src/index.js', '// main moved on\n')
  origin.commit('search on main')
  for (let i = 0; i < 40; i++) origin.git('commit', '-q', '--allow-empty', '-m', `main ${i}`)
  return { origin, forkPoint, mainTip: origin.head(), featureTip }
}

export function shallowClone(origin: TestRepo, branch: string): TestRepo {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'shipline-clone-')), 'clone')
  new TestRepo(origin.dir).git('clone', '-q', '--depth', '1', '--branch', branch, `file://${origin.dir}`, dir)
  return new TestRepo(dir)
}
