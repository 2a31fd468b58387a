/** JSON Schema pieces shared by the manifest sections. `x-hint` is shown to the user on failure. */
export const serviceNamePattern = '^(?=.{1,63}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?$'

export const serviceName = {
  type: 'string',
  pattern: serviceNamePattern,
  'x-hint':
    'use a DNS label: 1 to 63 characters of lower-case letters, digits and "-", starting and ending with a letter or digit'
} as const

export const relativePath = {
  type: 'string',
  minLength: 1,
  maxLength: 1024,
  'x-hint': 'give a path relative to the repository root, without ".." and not absolute'
} as const

export const argv = {
  type: 'array',
  minItems: 1,
  items: { type: 'string', minLength: 1 },
  'x-hint':
    'write the command as a list of arguments, e.g. [node, build.mjs]; it is never run through a shell'
} as const

export const duration = {
  anyOf: [
    { type: 'integer', minimum: 0 },
    { type: 'string', pattern: '^[0-9]+(ms|s|m|h)$' }
  ],
  'x-hint': 'give a duration such as 500ms, 30s, 5m or 1h (a bare number means seconds)'
} as const

export const stringMap = {
  type: 'object',
  additionalProperties: { type: 'string' },
  'x-hint': 'give a map of names to string values (quote numbers and booleans)'
} as const
