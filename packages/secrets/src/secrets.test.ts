import { randomBytes } from 'node:crypto'
import { EncryptedEnvelope } from '@switchyard/contracts'
import { describe, expect, it } from 'vitest'
import { displayPrefix, generateApiKey, hashApiKey } from './api-key.ts'
import { DecryptionError, decryptJson, encryptJson } from './envelope.ts'
import { KeyringError, parseKeyring } from './keyring.ts'

const keyA = randomBytes(32).toString('base64')
const keyB = randomBytes(32).toString('base64')

describe('envelope encryption', () => {
  const credentials = { type: 'openai', apiKey: 'sk-live-secret' }

  it('round-trips JSON and produces a valid envelope without the plaintext in it', () => {
    const keyring = parseKeyring(`k1:${keyA}`)
    const envelope = encryptJson(keyring, credentials, 'prov_1')
    expect(EncryptedEnvelope.parse(envelope)).toEqual(envelope)
    expect(JSON.stringify(envelope)).not.toContain('sk-live-secret')
    expect(decryptJson(keyring, envelope, 'prov_1')).toEqual(credentials)
  })

  it('uses a fresh nonce each time', () => {
    const keyring = parseKeyring(`k1:${keyA}`)
    expect(encryptJson(keyring, credentials, 'p').iv).not.toBe(encryptJson(keyring, credentials, 'p').iv)
  })

  it('refuses another context, a tampered ciphertext and an unknown key', () => {
    const keyring = parseKeyring(`k1:${keyA}`)
    const envelope = encryptJson(keyring, credentials, 'prov_1')
    expect(() => decryptJson(keyring, envelope, 'prov_2')).toThrow(DecryptionError)
    const flipped = Buffer.from(envelope.ciphertext, 'base64')
    flipped[0] = (flipped[0] ?? 0) ^ 1
    expect(() => decryptJson(keyring, { ...envelope, ciphertext: flipped.toString('base64') }, 'prov_1')).toThrow(
      DecryptionError,
    )
    expect(() => decryptJson(parseKeyring(`k2:${keyB}`), envelope, 'prov_1')).toThrow('no key "k1"')
  })

  it('rotates: the first key encrypts, every key decrypts', () => {
    const old = parseKeyring(`k1:${keyA}`)
    const rotated = parseKeyring(`k2:${keyB},k1:${keyA}`)
    expect(decryptJson(rotated, encryptJson(old, credentials, 'p'), 'p')).toEqual(credentials)
    expect(encryptJson(rotated, credentials, 'p').keyId).toBe('k2')
  })

  it('rejects malformed keyrings without echoing key material', () => {
    expect(() => parseKeyring('')).toThrow(KeyringError)
    expect(() => parseKeyring('k1:c2hvcnQ=')).toThrow('key "k1" must be 32 bytes of base64')
    expect(() => parseKeyring(`k1:${keyA},k1:${keyB}`)).toThrow('given twice')
    expect(() => parseKeyring(keyA)).toThrow('id:base64key')
  })
})

describe('API keys', () => {
  it('generates distinct prefixed keys and hashes them with the pepper', () => {
    const key = generateApiKey()
    expect(key).toMatch(/^sk-sy-[A-Za-z0-9_-]{43}$/)
    expect(generateApiKey()).not.toBe(key)
    expect(displayPrefix(key)).toBe(key.slice(0, 12))
    const pepper = Buffer.from('pepper-one')
    expect(hashApiKey(pepper, key)).toMatch(/^[0-9a-f]{64}$/)
    expect(hashApiKey(pepper, key)).toBe(hashApiKey(pepper, key))
    expect(hashApiKey(Buffer.from('pepper-two'), key)).not.toBe(hashApiKey(pepper, key))
  })
})
