import { describe, expect, it } from 'vitest'
import type { UpstreamRequest } from '../provider-adapter.ts'
import { signAwsRequest } from './sign-aws-request.ts'

/**
 * AWS's published Signature Version 4 test suite (aws-sig-v4-test-suite): its example
 * credentials, scope and time, and the signatures AWS publishes for each request. These check
 * the signer against AWS's numbers, not against itself.
 */
const SUITE = {
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
  region: 'us-east-1',
  service: 'service',
  signingDate: new Date('2015-08-30T12:36:00Z'),
}
const SCOPE = 'Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request'
const SESSION_TOKEN =
  'AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=='

const request = (method: 'GET' | 'POST', url: string): UpstreamRequest => ({
  method,
  url,
  headers: {},
  body: undefined,
})

describe('signAwsRequest against the AWS SigV4 test suite', () => {
  it('get-vanilla', async () => {
    const signed = await signAwsRequest(request('GET', 'https://example.amazonaws.com/'), SUITE)
    expect(signed.headers).toEqual({
      host: 'example.amazonaws.com',
      'x-amz-date': '20150830T123600Z',
      authorization: `AWS4-HMAC-SHA256 ${SCOPE}, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31`,
    })
  })

  it('get-vanilla-query-order-key-case: the query is sorted before signing', async () => {
    const signed = await signAwsRequest(
      request('GET', 'https://example.amazonaws.com/?Param2=value2&Param1=value1'),
      SUITE,
    )
    expect(signed.headers.authorization).toBe(
      `AWS4-HMAC-SHA256 ${SCOPE}, SignedHeaders=host;x-amz-date, Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500`,
    )
    expect(signed.url).toBe('https://example.amazonaws.com/?Param2=value2&Param1=value1')
  })

  it('post-vanilla', async () => {
    const signed = await signAwsRequest(request('POST', 'https://example.amazonaws.com/'), SUITE)
    expect(signed.headers.authorization).toBe(
      `AWS4-HMAC-SHA256 ${SCOPE}, SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b`,
    )
  })

  it('post-sts-header-before: a session token is sent and signed as x-amz-security-token', async () => {
    const credentials = { ...SUITE.credentials, sessionToken: SESSION_TOKEN }
    const signed = await signAwsRequest(request('POST', 'https://example.amazonaws.com/'), { ...SUITE, credentials })
    expect(signed.headers['x-amz-security-token']).toBe(SESSION_TOKEN)
    expect(signed.headers.authorization).toBe(
      `AWS4-HMAC-SHA256 ${SCOPE}, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead`,
    )
  })

  it('signs the body: another payload, another signature; nothing else changes', async () => {
    const post = (body: string) => ({ ...request('POST', 'https://example.amazonaws.com/'), body })
    const a = await signAwsRequest(post('{"a":1}'), SUITE)
    const b = await signAwsRequest(post('{"a":2}'), SUITE)
    expect(a.headers.authorization).not.toBe(b.headers.authorization)
    expect(a.body).toBe('{"a":1}')
    expect(a.headers['x-amz-content-sha256']).toBeUndefined()
  })
})
