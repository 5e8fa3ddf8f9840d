import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanSource, type Finding } from '../support/visible-strings.js';

const root = join(import.meta.dirname, '../..');

/**
 * Not converted yet: their user-visible strings are still English literals. Phase two of the
 * i18n issue moves them into src/i18n/ and empties this list. An entry whose files are clean
 * fails the test below, so the list only shrinks.
 */
const NOT_YET_CONVERTED: string[] = [];
/**
 * Not text Pulse shows: the catalogues, the fake Discord (Discord's own side), the playground's
 * made-up members, and the survey definition's JSON Schema (a file for editors, never sent to Discord).
 */
const NOT_PULSE_TEXT = ['src/i18n/', 'src/fake-discord/', 'src/playground/', 'src/surveys/json-schema.ts'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function scanAll(): Finding[] {
  return sourceFiles(join(root, 'src')).flatMap((path) => scanSource(relative(root, path).replaceAll('\\', '/'), readFileSync(path, 'utf8')));
}

describe('no English string outside the catalogue', () => {
  const findings = scanAll();
  const under = (prefixes: string[]) => (f: Finding) => prefixes.some((p) => f.file.startsWith(p));

  it('in replies, embeds, components and user errors of the converted slices', () => {
    const offending = findings.filter((f) => !under(NOT_YET_CONVERTED)(f) && !under(NOT_PULSE_TEXT)(f));
    expect(offending.map((f) => `${f.file}:${f.line} ${f.text}`)).toEqual([]);
  });

  it('the not-yet-converted list names only places that still need converting', () => {
    const present = NOT_YET_CONVERTED.filter((p) => {
      try {
        return statSync(join(root, p)).isDirectory();
      } catch {
        return false;
      }
    });
    for (const prefix of present) expect(findings.some(under([prefix])), `${prefix} is clean: remove it from NOT_YET_CONVERTED`).toBe(true);
  });
});

describe('the scanner', () => {
  it.each([
    ["await interaction.reply({ content: 'Poll closed.', flags: 64 });", 1],
    ['await interaction.editReply(`Closed ${n} polls`);', 1],
    ["throw new UserError('You cannot vote twice.');", 1],
    ["new EmbedBuilder().setTitle('Results').addFields({ name: 'Votes', value: String(n) });", 2],
    ["const embed = { title: ok ? 'Open' : 'Closed', fields: [] };", 2],
    ["await interaction.reply({ content: ['Line one here', ''].join('\\n') });", 1],
    ["new ButtonBuilder().setLabel('Vote now');", 1],
    // Catalogue lookups, mentions, code spans, numbers and member text pass.
    ["await interaction.reply({ content: t(lang, 'poll.closed', { n }) });", 0],
    ['await interaction.reply({ content: `<#${id}> · <@${user}> · ${count}` });', 0],
    ["throw new UserError(msg('settings.error.range', { name, min, max }));", 0],
    ['embed.setTitle(poll.question);', 0],
    ["logger.info({ guild }, 'poll.closed');", 0],
  ])('%s -> %i finding(s)', (source, count) => {
    expect(scanSource('x.ts', source)).toHaveLength(count);
  });
});
