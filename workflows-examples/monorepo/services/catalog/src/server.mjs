import { readFileSync } from 'node:fs'
import { startService } from '../lib/http.mjs'

const version = readFileSync(new URL('../VERSION', import.meta.url), 'utf8').trim()
const products = [
  { sku: 'tea-001', name: 'Green tea', price: 4.5 },
  { sku: 'mug-002', name: 'Mug', price: 9 }
]
startService({
  name: 'catalog',
  version,
  port: Number(process.env.PORT ?? 8081),
  routes: { '/products': () => ({ products }) }
})
