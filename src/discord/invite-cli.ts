// `pulse invite`: the OAuth2 URL that adds Pulse to a server with exactly the permissions it uses.
import { UsageError, type CliCommand } from '../command-line.js';
import { t } from '../i18n/index.js';
import { inviteUrl, requiredPermissionBits, requiredPermissions } from './permissions.js';

const SNOWFLAKE = /^\d{17,20}$/;

export const inviteCommand: Pick<CliCommand, 'run'> = {
  async run(args) {
    let appId = process.env['DISCORD_APP_ID'];
    for (let i = 0; i < args.length; i++) {
      if (args[i] === '--app-id') appId = args[++i];
      else throw new UsageError(`Unknown option "${args[i]}".`);
    }
    if (!appId) throw new UsageError('Give the Application ID: --app-id ID, or DISCORD_APP_ID in .env (developer portal > General Information).');
    if (!SNOWFLAKE.test(appId)) throw new UsageError(`"${appId.slice(0, 30)}" is not an Application ID (17 to 20 digits).`);
    console.log(inviteUrl(appId));
    console.log(`\nOpen it, pick your server and keep every box ticked. Permissions (${requiredPermissionBits}):`);
    const width = Math.max(...requiredPermissions.map((p) => t('en', p.name).length));
    for (const p of requiredPermissions) console.log(`  ${t('en', p.name).padEnd(width)}  ${t('en', p.why)}`);
    return 0;
  },
};
