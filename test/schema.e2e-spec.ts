import { GraphQLSchemaHost } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { readFileSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { SCHEMA_FILE } from '../src/graphql/graphql.module.js';
import { useApp } from './support/app.js';

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
    const committed = readFileSync(SCHEMA_FILE, 'utf8')
      .split('\n')
      .filter((line) => !line.startsWith('#'))
      .join('\n')
      .trim();
    expect(printSchema(lexicographicSortSchema(schema)).trim()).toBe(committed);
  });
});
