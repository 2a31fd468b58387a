// Shared helpers for the example services: a tiny JSON HTTP server with a health check.
import { createServer } from 'node:http'

export function startService({ name, version, port, routes = {} }) {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname === '/health') return reply(res, 200, { status: 'ok', service: name, version })
    const handler = routes[url.pathname]
    if (handler) return reply(res, 200, handler(url))
    return reply(res, 404, { error: 'not found', path: url.pathname })
  })
  server.listen(port, '127.0.0.1', () => {
    process.stdout.write(`${name} ${version} listening on 127.0.0.1:${server.address().port}\n`)
  })
  const stop = () => server.close(() => process.exit(0))
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
  return server
}

function reply(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}
