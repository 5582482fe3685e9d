import { GraphQLSchemaHost } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { readFileSync, writeFileSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { SCHEMA_FILE } from '../src/graphql/graphql.module.js';
import { useApp } from './support/app.js';

const SCHEMA_HEADER = `# ------------------------------------------------------
# THIS FILE WAS AUTOMATICALLY GENERATED (DO NOT MODIFY)
# ------------------------------------------------------
`;

describe('schemas stay in step with the code', () => {
  const t = useApp();

  it('the migrated database matches the entities (migration:generate would find nothing)', async () => {
    const pending = await t.app.get(DataSource).driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('has run every migration', async () => {
    const dataSource = t.app.get(DataSource);
    expect(await dataSource.showMigrations()).toBe(false);
  });

  it('the committed schema.gql is the schema the code serves', () => {
    const { schema } = t.app.get(GraphQLSchemaHost);
    const served = printSchema(lexicographicSortSchema(schema)).trim();
    // `UPDATE_SCHEMA=1` rewrites the file instead (then review the diff and commit it).
    if (process.env.UPDATE_SCHEMA === '1') {
      writeFileSync(
        SCHEMA_FILE,
        `${SCHEMA_HEADER}
${served}
`,
      );
    }
    const committed = readFileSync(SCHEMA_FILE, 'utf8')
      .split('\n')
      .filter((line) => !line.startsWith('#'))
      .join('\n')
      .trim();
    expect(served).toBe(committed);
  });
});
