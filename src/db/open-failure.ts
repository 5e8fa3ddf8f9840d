// Why a database file cannot be opened, in words for whoever runs Pulse: shared by the bot's
// connection (open.ts) and the read-only ones (read-only.ts), which must not load the migrations.
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/** The database file cannot be opened as Pulse needs it; the message says why, naming the file. */
export class DatabaseOpenError extends Error {}

/** What a failure to open `path` means to whoever runs Pulse (the folder, the file, the setting). */
export function openFailure(path: string, err: unknown): DatabaseOpenError {
  const code = (err as { code?: string }).code;
  const dir = dirname(path);
  let why: string;
  if (existsSync(path) && statSync(path).isDirectory()) why = `${path} is a folder: give the path of the database file in it, like sqlite:${path.replace(/\/+$/, '')}/pulse.db`;
  else if (code === 'SQLITE_NOTADB') why = 'the file is not a SQLite database';
  else if (code === 'SQLITE_READONLY' || (code === 'SQLITE_CANTOPEN' && existsSync(path) && !writable(path))) why = 'this user cannot write the file';
  else if (code === 'EACCES' || code === 'EROFS' || (code === 'SQLITE_CANTOPEN' && existsSync(dir) && !writable(dir))) why = `this user cannot write in the folder ${dir}`;
  else if (code === 'ENOTDIR' || (existsSync(dir) && !statSync(dir).isDirectory())) why = `${dir} is not a folder`;
  else why = err instanceof Error ? err.message : String(err);
  return new DatabaseOpenError(`Cannot open the database ${path} (DATABASE_URL): ${why}`, { cause: err });
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
