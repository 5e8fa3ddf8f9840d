// `pulse invite`: the OAuth2 URL that adds Pulse to a server with exactly the permissions it uses.
import { parseArgs } from 'node:util';
import { UsageError, type CliCommand } from '../command-line.js';
import { t } from '../i18n/index.js';
import { inviteUrl, requiredPermissionBits, requiredPermissions } from './permissions.js';

const SNOWFLAKE = /^\d{17,20}$/;

export const inviteCommand: Pick<CliCommand, 'run'> = {
  async run(args) {
    let values;
    try {
      // (--app-id ID and --app-id=ID, as every pulse command takes its options.)
      ({ values } = parseArgs({ args, options: { 'app-id': { type: 'string' } }, strict: true }));
    } catch (err) {
      throw new UsageError(err instanceof Error ? err.message : String(err));
    }
    const appId = values['app-id'] ?? process.env['DISCORD_APP_ID'];
    if (!appId) throw new UsageError('Give the Application ID: --app-id ID, or DISCORD_APP_ID in .env (developer portal > General Information).');
    if (!SNOWFLAKE.test(appId)) throw new UsageError(`"${appId.slice(0, 30)}" is not an Application ID (17 to 20 digits).`);
    console.log(inviteUrl(appId));
    console.log(`\nOpen it, pick your server and keep every box ticked. Permissions (${requiredPermissionBits}):`);
    const width = Math.max(...requiredPermissions.map((p) => t('en', p.name).length));
    for (const p of requiredPermissions) console.log(`  ${t('en', p.name).padEnd(width)}  ${t('en', p.why)}`);
    return 0;
  },
};
