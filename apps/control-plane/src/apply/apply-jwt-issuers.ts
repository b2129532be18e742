import type { ConfigJwtIssuer } from '@switchyard/contracts'
import { type Database, jwtIssuers } from '@switchyard/db'
import type { TenancyIds } from './apply-tenancy.ts'
import type { ChangeLog } from './change-log.ts'
import { idOf, newEntityId } from './row-change.ts'
import { changedKeys, type FieldsOf, writeEntry } from './write-entry.ts'

const fieldsOf: FieldsOf = (column, before, after) => {
  if (column === 'keySource') {
    const kind = (after as { kind?: string } | null)?.kind
    return [kind === 'static' ? 'keys' : 'jwksUrl']
  }
  if (column === 'claims') return changedKeys(before, after).map((claim) => `claims.${claim}`)
  return [column]
}

/** Upserts JWT issuers by (org, name). */
export async function applyJwtIssuers(
  tx: Database,
  log: ChangeLog,
  entries: readonly ConfigJwtIssuer[],
  tenancy: TenancyIds,
): Promise<Set<string>> {
  const ids = new Set<string>()
  const current = new Map(
    (await tx.select().from(jwtIssuers)).map((row) => [JSON.stringify([row.orgId, row.name]), row]),
  )
  for (const issuer of entries) {
    const orgId = idOf(tenancy.orgIds, issuer.org, `JWT issuer ${issuer.name} names org`)
    const row = current.get(JSON.stringify([orgId, issuer.name]))
    const id = row?.id ?? newEntityId('jwt')
    await writeEntry(tx, log, {
      table: jwtIssuers,
      target: {
        section: 'jwtIssuers',
        name: `${issuer.org}/${issuer.name}`,
        resourceType: 'jwt_issuer',
        resourceId: id,
        orgId,
        teamId: null,
      },
      current: row,
      values: {
        orgId,
        name: issuer.name,
        issuer: issuer.issuer,
        audiences: issuer.audiences,
        keySource: issuer.keySource,
        algorithms: issuer.algorithms,
        claims: issuer.claims,
        clockToleranceSec: issuer.clockToleranceSec,
      },
      fieldsOf,
    })
    ids.add(id)
  }
  return ids
}
