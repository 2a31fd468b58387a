import { readFileSync } from 'node:fs'
import { startService } from '../lib/http.mjs'

const version = readFileSync(new URL('../VERSION', import.meta.url), 'utf8').trim()
startService({
  name: 'web',
  version,
  port: Number(process.env.PORT ?? 8080),
  routes: { '/': () => ({ page: 'home', catalog: process.env.CATALOG_URL ?? null }) }
})
