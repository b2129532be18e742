export { displayPrefix, generateApiKey, hashApiKey } from './api-key.ts'
export { DecryptionError, decryptJson, encryptJson } from './envelope.ts'
export { type Keyring, KeyringError, parseKeyring } from './keyring.ts'
