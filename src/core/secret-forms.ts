/**
 * The forms a secret commonly takes on its way into a log: itself, each of its lines, base64
 * (standard and URL-safe, padded or not), URL-encoded and JSON-escaped. All of them are masked.
 */
export function derivedSecretForms(secret: string): string[] {
  if (secret.trim() === '') return []
  const forms = new Set<string>([secret])
  for (const line of secret.split(/\r?\n/)) if (line.trim().length >= 4) forms.add(line.trim())
  const b64 = Buffer.from(secret, 'utf8').toString('base64')
  forms.add(b64)
  forms.add(b64.replace(/=+$/, ''))
  forms.add(Buffer.from(secret, 'utf8').toString('base64url'))
  forms.add(encodeURIComponent(secret))
  forms.add(JSON.stringify(secret).slice(1, -1))
  return [...forms].filter((f) => f.length > 0)
}
