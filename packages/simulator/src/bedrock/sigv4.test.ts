import { describe, expect, it } from 'vitest'
import {
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  credentialScope,
  sha256Hex,
  signature,
  signingKey,
  stringToSign,
} from './sigv4.ts'

describe('SigV4', () => {
  it('reproduces the get-vanilla case of AWS’s signature test suite', () => {
    const canonical = canonicalRequest({
      method: 'GET',
      rawPath: '/',
      query: '',
      headers: { host: 'example.amazonaws.com', 'x-amz-date': '20150830T123600Z' },
      signedHeaders: ['host', 'x-amz-date'],
      payloadHash: sha256Hex(''),
    })
    expect(canonical).toBe(
      'GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    )
    const scope = credentialScope('20150830', 'us-east-1', 'service')
    const key = signingKey('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', '20150830', 'us-east-1', 'service')
    expect(signature(key, stringToSign('20150830T123600Z', scope, canonical))).toBe(
      '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    )
  })

  it('encodes the path a second time and sorts the query', () => {
    expect(canonicalUri('/bedrock/model/anthropic.claude-v2%3A1/converse')).toBe(
      '/bedrock/model/anthropic.claude-v2%253A1/converse',
    )
    expect(canonicalUri('/a/./b/../c/')).toBe('/a/c/')
    expect(canonicalQuery('b=2&a=x%20y&a=1')).toBe('a=1&a=x%20y&b=2')
  })
})
