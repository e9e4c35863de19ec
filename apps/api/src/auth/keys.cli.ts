import { parseArgs } from 'node:util';
import { IsNull } from 'typeorm';
import { loadConfig } from '#config';
import { ApiKey, createDataSource, startEmbeddedPostgres, UserRole } from '#db';
import { newApiToken } from './api-key.util';

const USAGE = `usage:
  npm run keys -- create --name NAME --role admin|operator|viewer
  npm run keys -- list
  npm run keys -- revoke ID_OR_PREFIX`;

/** Creates, lists and revokes API keys against DATABASE_URL (or the embedded database). */
async function main(argv: string[]) {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { name: { type: 'string' }, role: { type: 'string' } } });
  const [command, target] = positionals;
  if (!command) throw new Error(USAGE);
  const config = loadConfig();
  const embedded = config.database.url ? undefined : await startEmbeddedPostgres(config.database.embedded.dir, config.database.embedded.port, () => undefined);
  const ds = createDataSource({ url: config.database.url ?? embedded!.url, poolSize: 1, applicationName: 'brain-keys' });
  await ds.initialize();
  const repo = ds.getRepository(ApiKey);
  try {
    if (command === 'create') {
      const role = values.role as UserRole;
      if (!Object.values(UserRole).includes(role)) throw new Error(`--role must be one of ${Object.values(UserRole).join(', ')}`);
      if (!values.name || values.name.length < 3) throw new Error('--name must be at least 3 characters');
      const t = newApiToken();
      const key = await repo.save(repo.create({ name: values.name, role, keyPrefix: t.prefix, keyHash: t.hash }));
      console.log(JSON.stringify({ id: key.id, name: key.name, role: key.role, token: t.token }));
      console.error('the token is shown only now: store it safely');
    } else if (command === 'list') {
      for (const k of await repo.find({ order: { createdAt: 'ASC' } })) {
        console.log(`${k.id}  ${k.keyPrefix}…  ${k.role.padEnd(8)}  ${k.name}${k.revokedAt ? '  (revoked)' : ''}`);
      }
    } else if (command === 'revoke') {
      if (!target) throw new Error(USAGE);
      const isUuid = /^[0-9a-f-]{36}$/i.test(target);
      const key = await repo.findOne({ where: isUuid ? { id: target, revokedAt: IsNull() } : { keyPrefix: target, revokedAt: IsNull() } });
      if (!key) throw new Error(`no active key ${target}`);
      await repo.update(key.id, { revokedAt: new Date() });
      console.log(`revoked ${key.id} (${key.name})`);
    } else {
      throw new Error(USAGE);
    }
  } finally {
    await ds.destroy();
    await embedded?.stop();
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
