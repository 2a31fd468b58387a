// Shared build step for the example services: copies the service's sources and the shared
// library into dist/, and writes the version it was built as. No third-party dependencies.
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'

const serviceDir = process.cwd()
const dist = path.join(serviceDir, 'dist')
rmSync(dist, { recursive: true, force: true })
mkdirSync(path.join(dist, 'lib'), { recursive: true })
cpSync(path.join(serviceDir, 'src'), path.join(dist, 'src'), { recursive: true })
cpSync(path.join(serviceDir, '..', '..', 'libs', 'common', 'http.mjs'), path.join(dist, 'lib', 'http.mjs'))
writeFileSync(path.join(dist, 'VERSION'), `${process.env.SHIPLINE_VERSION ?? 'dev'}\n`)
process.stdout.write(
  `built ${path.basename(serviceDir)} ${process.env.SHIPLINE_VERSION ?? 'dev'} into dist/\n`
)
