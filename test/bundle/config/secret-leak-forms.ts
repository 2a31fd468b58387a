/**
 * Every form a secret is known to leak in (workflow-security.md, log-scan test): the value and each
 * of its lines, base64 standard and URL-safe with and without padding, base64 of base64, hex in
 * both cases, URL-encoded and JSON-escaped.
 */
export function leakForms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8')
  const b64 = bytes.toString('base64')
  const forms = [
    secret,
    ...secret.split('\n').filter((l) => l.trim().length >= 4),
    b64,
    b64.replace(/=+$/, ''),
    bytes.toString('base64url'),
    Buffer.from(b64).toString('base64'),
    bytes.toString('hex'),
    bytes.toString('hex').toUpperCase(),
    encodeURIComponent(secret),
    JSON.stringify(secret).slice(1, -1)
  ]
  return [...new Set(forms)]
}

/** The log a person would see: every line except the `::add-mask::` commands the runner consumes. */
export function visibleLog(stdout: string, stderr: string): string {
  return `${stdout}\n${stderr}`
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n')
}
