// Parse + compile throughput of typical Entra filters: `npm run bench:filter`. One core, no
// database; prints operations per second (target: ≥ 100 000/s for `userName eq`). Each scenario
// runs BENCH_FILTER_SECONDS (default 2) after a warm-up; never part of `npm test`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileFilter, parseFilter, type SqlFilterTarget } from '../src/scim/filter/index.js';
import { SchemaRegistry, type ExtensionDefinition } from '../src/scim/schema/index.js';

const SECONDS = Number(process.env.BENCH_FILTER_SECONDS ?? 2);

const fixture = JSON.parse(
  readFileSync(join(process.cwd(), 'test/fixtures/scim/filters/sql-targets.json'), 'utf8'),
) as {
  extensions: ExtensionDefinition[];
  targets: { User: Omit<SqlFilterTarget, 'registry' | 'resourceType'> };
};
const target: SqlFilterTarget = {
  registry: SchemaRegistry.builtIn().withExtensions(fixture.extensions),
  resourceType: 'User',
  ...fixture.targets.User,
};

const scenarios: readonly (readonly [string, string])[] = [
  ['userName eq', 'userName eq "alice@contoso.com"'],
  ['externalId eq', 'externalId eq "8d5c4f0e-2b1a-4c3d-9e8f-7a6b5c4d3e2f"'],
  ['emails[type eq "work"].value eq', 'emails[type eq "work"].value eq "alice@contoso.com"'],
  [
    'complex',
    'userName sw "a" and (title eq "Engineer" or urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department co "R&D") and not (emails[type eq "home" and value ew "@example.com"]) and meta.lastModified gt "2024-01-01T00:00:00Z"',
  ],
];

function run(text: string, seconds: number): number {
  let operations = 0;
  let sink = 0;
  const end = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  const start = process.hrtime.bigint();
  while (process.hrtime.bigint() < end) {
    for (let i = 0; i < 1000; i++) sink += compileFilter(parseFilter(text), target).sql.length;
    operations += 1000;
  }
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  if (sink === 0) throw new Error('nothing compiled');
  return operations / elapsed;
}

console.log(`filter parse + compile, ${SECONDS}s per scenario, node ${process.version}`);
for (const [name, text] of scenarios) {
  run(text, Math.min(0.5, SECONDS)); // warm-up
  const perSecond = run(text, SECONDS);
  console.log(
    `${name.padEnd(34)} ${Math.round(perSecond).toLocaleString('en-US').padStart(12)} ops/s`,
  );
}
