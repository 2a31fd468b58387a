import { TestRepo } from '../../helpers/git-repo.js'

/**
 * A small monorepo, committed once on main:
 *   common (shared) <- proto (shared) <- catalog <- web      orders <- common      search (+ proto/search/**)
 * and `tools/build/**` as a global pattern.
 */
export function smallMonorepo(repo = new TestRepo(), under = ''): TestRepo {
  const at = (p: string) => (under ? `${under}/${p}` : p)
  repo.write(
    at('shipline.yml'),
    [
      'version: 1',
      'discover:',
      '  - services/*',
      'shared:',
      '  common:',
      '    path: libs/common',
      '  proto:',
      '    path: libs/proto',
      '    depends_on: [common]',
      'global:',
      '  - tools/build/**',
      'environments:',
      '  - name: staging',
      '  - name: production',
      ''
    ].join('\n')
  )
  const service = (name: string, extra = '') => {
    repo.write(at(`services/${name}/service.yml`), `name: ${name}\n${extra}`)
    repo.write(at(`services/${name}/src/index.js`), `export const name = '${name}'\n`)
  }
  service('catalog', 'depends_on: [proto]\n')
  service('orders', 'depends_on: [common]\n')
  service('web', 'depends_on: [catalog]\n')
  service('search', 'paths: [services/search/**, proto/search/**, "!services/search/docs/**"]\n')
  repo.write(at('services/search/docs/readme.md'), 'docs\n')
  repo.write(at('libs/common/index.js'), 'export {}\n')
  repo.write(at('libs/proto/catalog.proto'), 'syntax = "proto3";\n')
  repo.write(at('proto/search/search.proto'), 'syntax = "proto3";\n')
  repo.write(at('tools/build/run.sh'), 'echo build\n')
  repo.write(at('README.md'), 'shop\n')
  repo.commit('initial')
  return repo
}

export const ZERO_SHA = '0000000000000000000000000000000000000000'
