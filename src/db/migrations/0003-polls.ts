// Polls, their votes (unique per poll, voter and choice) and votes on native Discord polls.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('polls')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('guild_id', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text')
    .addColumn('author_id', 'text', (c) => c.notNull())
    .addColumn('question', 'text', (c) => c.notNull())
    .addColumn('choices', 'text', (c) => c.notNull())
    .addColumn('multiple', 'integer', (c) => c.notNull())
    .addColumn('max_choices', 'integer', (c) => c.notNull())
    .addColumn('anonymous', 'integer', (c) => c.notNull())
    .addColumn('hide_results', 'integer', (c) => c.notNull())
    .addColumn('role_id', 'text')
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('closes_at', 'integer')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('closed_at', 'integer')
    .addColumn('closed_by', 'text')
    .addColumn('final_counts', 'text')
    .addColumn('final_voters', 'integer')
    .addColumn('announced_at', 'integer')
    .addColumn('voter_key', 'blob')
    .execute();
  // The scheduler's "next due poll" and /poll list.
  await db.schema.createIndex('polls_status_due').on('polls').columns(['status', 'closes_at']).execute();
  await db.schema.createIndex('polls_guild_status').on('polls').columns(['guild_id', 'status', 'id']).execute();

  await db.schema
    .createTable('poll_votes')
    .addColumn('poll_id', 'integer', (c) => c.notNull().references('polls.id').onDelete('cascade'))
    .addColumn('voter', 'text', (c) => c.notNull())
    .addColumn('choice', 'integer', (c) => c.notNull())
    .addColumn('cast_at', 'integer')
    .addPrimaryKeyConstraint('poll_votes_pk', ['poll_id', 'voter', 'choice'])
    .modifyEnd(sql`without rowid`)
    .execute();

  await db.schema
    .createTable('native_poll_votes')
    .addColumn('guild_id', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('answer_id', 'integer', (c) => c.notNull())
    .addColumn('voted_at', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('native_poll_votes_pk', ['message_id', 'user_id', 'answer_id'])
    .execute();
  // Participation by period for digests.
  await db.schema.createIndex('native_poll_votes_guild_time').on('native_poll_votes').columns(['guild_id', 'voted_at']).execute();
}
