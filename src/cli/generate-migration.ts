import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';

/**
 * Writes `migrations/<epoch-ms>-<name>.ts` with the statements that bring the database schema in
 * line with the entities (TypeORM's schema diff), and registers it in `migrations/index.ts`.
 * Nothing is written when the schema already matches.
 */
export async function generateMigration(
  dataSource: DataSource,
  name: string,
): Promise<Record<string, unknown>> {
  const kebab = name
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();
  if (!kebab) throw new Error('the migration needs a name, e.g. add-users');
  const sql = await dataSource.driver.createSchemaBuilder().log();
  if (sql.upQueries.length === 0)
    return { file: null, statements: 0, message: 'the schema matches the entities' };

  const timestamp = Date.now();
  const className = `${kebab.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase())}${timestamp}`;
  const file = `${timestamp}-${kebab}.ts`;
  const statement = (query: { query: string; parameters?: unknown[] }): string =>
    `    await db.query(${JSON.stringify(query.query)}${query.parameters?.length ? `, ${JSON.stringify(query.parameters)}` : ''});`;
  const source = `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  async up(db: QueryRunner): Promise<void> {
${sql.upQueries.map(statement).join('\n')}
  }

  async down(db: QueryRunner): Promise<void> {
${[...sql.downQueries].reverse().map(statement).join('\n')}
  }
}
`;
  const folder = join(process.cwd(), 'migrations');
  await writeFile(join(folder, file), source, { flag: 'wx' });

  const index = join(folder, 'index.ts');
  if (existsSync(index)) {
    const text = await readFile(index, 'utf8');
    const withImport = text.replace(
      /(\n\/\*\*)/,
      `import { ${className} } from './${file.replace(/\.ts$/, '.js')}';\n$1`,
    );
    await writeFile(index, withImport.replace(/\];\s*$/, `, ${className}];\n`));
  }
  return { file: `migrations/${file}`, statements: sql.upQueries.length };
}
