import { readFileSync } from 'node:fs'
import { startService } from '../lib/http.mjs'

const version = readFileSync(new URL('../VERSION', import.meta.url), 'utf8').trim()
const orders = []
startService({
  name: 'orders',
  version,
  port: Number(process.env.PORT ?? 8082),
  routes: { '/orders': () => ({ orders, currency: process.env.CURRENCY ?? 'EUR' }) }
})
