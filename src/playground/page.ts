// The playground's page: server-rendered shell, a little CSS, and a script that renders the
// stand-in server like a chat client from the JSON API and refreshes on server-sent events.
import type { Persona } from './world.js';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function page(personas: Persona[]): string {
  const options = personas.map((p) => `<option value="${esc(p.id)}">${esc(p.name)} (${p.role})</option>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pulse playground</title>
<style>${css}</style></head>
<body>
<aside>
  <h1 id="guild">Pulse playground</h1>
  <label class="who">You are <select id="persona">${options}</select></label>
  <nav id="channels" aria-label="Channels"></nav>
  <button id="digest" type="button">📊 Preview the digest</button>
  <p class="note">Everything here runs on this machine: the real Pulse bot talks to a stand-in for Discord. <span id="stats"></span></p>
</aside>
<main>
  <header><h2 id="channel-name">#</h2><span id="topic"></span></header>
  <section id="messages" aria-live="polite"></section>
  <div id="error" role="alert" hidden></div>
  <form id="command" autocomplete="off">
    <div class="row">
      <select id="cmd" aria-label="command"></select>
      <select id="sub" aria-label="subcommand" hidden></select>
      <button type="submit">Run</button>
    </div>
    <div id="opts"></div>
  </form>
  <form id="composer" autocomplete="off"><input id="text" aria-label="Message" placeholder="Message as you…" maxlength="2000"><button type="submit">Send</button></form>
</main>
<dialog id="modal"><form method="dialog" id="modal-form"></form></dialog>
<dialog id="digest-dialog"><div id="digest-body"></div><form method="dialog"><button>Close</button></form></dialog>
<script>${script}</script>
</body></html>`;
}

const css = `
*{box-sizing:border-box}[hidden]{display:none!important}body{margin:0;display:flex;height:100vh;font:15px/1.4 system-ui,sans-serif;background:#313338;color:#dbdee1}
aside{width:250px;background:#2b2d31;padding:12px;display:flex;flex-direction:column;gap:10px;overflow:auto}
aside h1{font-size:16px;margin:0 0 4px;color:#fff}.who select{width:100%;margin-top:4px}
nav a{display:block;padding:4px 8px;border-radius:4px;color:#949ba4;text-decoration:none;cursor:pointer}nav a.thread{padding-left:20px}nav a.on,nav a:hover,nav a:focus-visible{background:#404249;color:#fff}
a{color:#00a8fc}:focus-visible{outline:2px solid #00a8fc;outline-offset:1px}
nav span{display:block;padding:4px 8px;color:#6d6f78}.note{font-size:12px;color:#949ba4;margin-top:auto}
main{flex:1;display:flex;flex-direction:column;min-width:0}header{padding:10px 16px;border-bottom:1px solid #1f2023;display:flex;gap:12px;align-items:baseline}
header h2{margin:0;font-size:16px;color:#fff}#topic{color:#949ba4;font-size:13px}
#messages{flex:1;overflow-y:auto;padding:8px 16px}.msg{display:flex;gap:10px;padding:6px 0;position:relative}.msg:hover,.msg:focus-within{background:#2e3035}
.avatar{width:36px;height:36px;border-radius:50%;background:#5865f2;color:#fff;display:flex;align-items:center;justify-content:center;flex:none;font-weight:600}
.body{min-width:0;flex:1}.meta b{color:#fff;margin-right:6px}.meta small{color:#949ba4}.tag{background:#5865f2;color:#fff;font-size:10px;padding:1px 4px;border-radius:3px;margin-right:6px}
.eph{background:#2b2f3a;border-left:3px solid #5865f2;padding-left:8px}.eph-note{font-size:12px;color:#949ba4}
.content{white-space:pre-wrap;word-wrap:break-word}.mention{background:#3c4270;color:#c9cdfb;border-radius:3px;padding:0 2px}code{background:#1e1f22;padding:0 3px;border-radius:3px}pre{background:#1e1f22;padding:6px;border-radius:4px;overflow-x:auto;margin:4px 0}pre code{padding:0}
blockquote{margin:2px 0;padding:0 0 0 10px;border-left:4px solid #4e5058}
.embed{border-left:4px solid #1e1f22;background:#2b2d31;border-radius:4px;padding:8px 12px;margin:4px 0;max-width:560px}
.embed .title{font-weight:600;color:#fff}.embed .author{font-size:13px;font-weight:600}.fields{display:flex;flex-wrap:wrap;gap:8px}.field{min-width:30%}.field.block{flex-basis:100%}.field>b{display:block;font-size:13px}
.embed img,.attach img{max-width:100%;border-radius:4px;margin-top:6px;display:block}.footer{font-size:12px;color:#949ba4;margin-top:4px}
.components{display:flex;flex-direction:column;gap:4px;margin-top:4px}.arow{display:flex;flex-wrap:wrap;gap:6px}
.btn{border:0;border-radius:3px;padding:5px 12px;color:#fff;background:#4e5058;cursor:pointer}.btn.s1{background:#5865f2}.btn.s3{background:#248046}.btn.s4{background:#da373c}.btn:disabled{opacity:.5;cursor:default}
.container{border-left:4px solid #4e5058;background:#2b2d31;padding:8px;border-radius:4px}.unknown{border:1px dashed #6d6f78;padding:4px;font-size:12px}
.poll{background:#2b2d31;padding:8px;border-radius:6px;max-width:420px}.poll button{display:block;width:100%;text-align:left;margin:3px 0}
.tools{position:absolute;right:8px;top:2px;display:none;gap:4px}.msg:hover .tools,.msg:focus-within .tools{display:flex}.tools button{font-size:12px}
form#command,form#composer{padding:8px 16px;border-top:1px solid #1f2023}.row{display:flex;gap:6px;flex-wrap:wrap}
#opts{display:flex;flex-wrap:wrap;gap:8px;margin-top:6px}#opts label{display:flex;flex-direction:column;font-size:12px;color:#b5bac1}
input,select,textarea,button{font:inherit;background:#1e1f22;color:#dbdee1;border:1px solid #1e1f22;border-radius:4px;padding:4px 6px}button{background:#4e5058;cursor:pointer}
#composer{display:flex;gap:6px}#composer input{flex:1}#digest{background:#5865f2;color:#fff}
#error{background:#da373c;color:#fff;padding:6px 16px}dialog{background:#313338;color:#dbdee1;border:0;border-radius:8px;max-width:640px;width:90%}
dialog label{display:block;margin:8px 0;font-weight:600}dialog label small,dialog legend small{display:block;font-weight:400;color:#949ba4}dialog fieldset{border:0;margin:8px 0;padding:0}dialog legend{font-weight:600;padding:0;margin-bottom:2px}dialog fieldset .choice{display:block}dialog input[type=text],dialog textarea,dialog select{width:100%}
.choice{font-weight:400!important;margin:2px 0!important}
.posts{list-style:none;padding:0;margin:8px 0}.posts li{margin:4px 0}.hint{color:#949ba4}.loading{color:#949ba4;font-style:italic}
`;

// Plain browser JavaScript (no build step). Renders Discord message objects as the API gives them.
const script = String.raw`
const $ = (id) => document.getElementById(id);
let world = null, channel = null, persona = localStorage.getItem('persona') || $('persona').value, pending = false, again = false;
if ([...$('persona').options].some((o) => o.value === persona)) $('persona').value = persona; else persona = $('persona').value;
const escapeHtml = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => '&#' + c.charCodeAt(0) + ';');
const nameOf = (id) => (world && world.users[id]) || ('user ' + String(id).slice(-4));
function time(sec, style) {
  const d = new Date(Number(sec) * 1000);
  if (style === 'R') { const m = Math.round((d - Date.now()) / 60000); const a = Math.abs(m); if (a < 1) return 'just now'; const t = a < 60 ? a + ' min' : a < 2880 ? Math.round(a / 60) + ' h' : Math.round(a / 1440) + ' days'; return m >= 0 ? 'in ' + t : t + ' ago'; }
  return style === 'd' || style === 'D' ? d.toLocaleDateString() : d.toLocaleString();
}
function md(text) {
  const parts = String(text ?? '').split(/\x60\x60\x60(?:[a-z]*\n)?/);
  if (parts.length > 2) return parts.map((p, i) => (i % 2 ? '<pre><code>' + escapeHtml(p) + '</code></pre>' : inline(p))).join('');
  return inline(text);
}
function inline(text) {
  let s = escapeHtml(text);
  s = s.replace(/&#60;@!?(\d+)&#62;/g, (_, id) => '<span class="mention">@' + escapeHtml(nameOf(id)) + '</span>');
  s = s.replace(/&#60;@&amp;(\d+)&#62;/g, (_, id) => '<span class="mention">@' + escapeHtml((world.roles.find((r) => r.id === id) || {}).name || 'role') + '</span>');
  s = s.replace(/&#60;#(\d+)&#62;/g, (_, id) => { const c = world.channels.find((x) => x.id === id); return c ? '<a href="#" class="mention" data-jump="' + id + '">#' + escapeHtml(c.name) + '</a>' : '<span class="mention">#channel</span>'; });
  s = s.replace(/&#60;t:(-?\d+)(?::([tTdDfFR]))?&#62;/g, (_, t, st) => '<span class="mention">' + escapeHtml(time(t, st)) + '</span>');
  s = s.replace(/\*\*(.+?)\*\*/g, '<b>$1</b>').replace(/(^|[^*])\*([^*\n]+)\*/g, '$1<i>$2</i>').replace(/\x60([^\x60]+)\x60/g, '<code>$1</code>');
  // Links into the server stay on the page (nothing leaves the machine); others open in a new tab.
  s = s.replace(/\[([^\]]+)\]\(https:\/\/discord\.com\/channels\/\d+\/(\d+)(?:\/\d+)?\)/g, '<a href="#" data-jump="$2">$1</a>');
  s = s.replace(/\[([^\]]+)\]\((https?:[^)\s]+)\)/g, '<a href="$2" target="_blank" rel="noreferrer">$1</a>');
  s = s.replace(/^-# (.*)$/gm, '<small>$1</small>').replace(/^#{1,3} (.*)$/gm, '<b>$1</b>');
  return quotes(s);
}
// Block quotes as Discord draws them, a bar and no marker: "> " quotes its line, ">>> " the rest of the text.
function quotes(s) {
  let rest = '';
  const all = /(^|\n)&#62;&#62;&#62; /.exec(s);
  if (all) { rest = '<blockquote>' + s.slice(all.index + all[0].length) + '</blockquote>'; s = s.slice(0, all.index); }
  s = s.replace(/(?:^|\n)((?:&#62; [^\n]*(?:\n|$))+)/g, (_, block) => '<blockquote>' + block.replace(/(^|\n)&#62; /g, '$1').replace(/\n$/, '') + '</blockquote>');
  return s + rest;
}
function attachmentUrl(msg, url) {
  if (url && url.startsWith('attachment://')) { const a = (msg.attachments || []).find((x) => x.filename === url.slice(13)); return a ? a.url : ''; }
  return url || '';
}
function embedHtml(e, msg) {
  const color = e.color != null ? '#' + e.color.toString(16).padStart(6, '0') : '#1e1f22';
  let h = '<div class="embed" style="border-left-color:' + color + '">';
  if (e.author) h += '<div class="author">' + escapeHtml(e.author.name) + '</div>';
  if (e.title) h += '<div class="title">' + md(e.title) + '</div>';
  if (e.description) h += '<div class="content">' + md(e.description) + '</div>';
  if (e.fields && e.fields.length) h += '<div class="fields">' + e.fields.map((f) => '<div class="field' + (f.inline ? '' : ' block') + '"><b>' + md(f.name) + '</b><div class="content">' + md(f.value) + '</div></div>').join('') + '</div>';
  const img = e.image && attachmentUrl(msg, e.image.url);
  if (img) h += '<img alt="' + escapeHtml(e.title || 'embed image') + '" src="' + escapeHtml(img) + '">';
  if (e.footer) h += '<div class="footer">' + escapeHtml(e.footer.text) + (e.timestamp ? ' • ' + new Date(e.timestamp).toLocaleString() : '') + '</div>';
  return h + '</div>';
}
// The generic component tree: known types get a control, unknown ones show their type and children.
function componentHtml(c, msg) {
  const kids = (list) => (list || []).map((x) => componentHtml(x, msg)).join('');
  const data = ' data-msg="' + msg.id + '" data-channel="' + msg.channel_id + '"';
  switch (c.type) {
    case 1: return '<div class="arow">' + kids(c.components) + '</div>';
    case 2:
      if (c.style === 5) return '<a class="btn" href="' + escapeHtml(c.url) + '" target="_blank" rel="noreferrer">' + escapeHtml(c.label || 'link') + '</a>';
      return '<button type="button" class="btn s' + (c.style || 2) + '"' + data + ' data-click="' + escapeHtml(c.custom_id) + '"' + (c.disabled ? ' disabled' : '') + '>' + escapeHtml((c.emoji && c.emoji.name ? c.emoji.name + ' ' : '') + (c.label || '')) + '</button>';
    case 3: case 5: case 6: case 7: case 8: {
      const opts = c.type === 3 ? (c.options || []).map((o) => [o.value, o.label]) : c.type === 6 ? world.roles.map((r) => [r.id, '@' + r.name]) : c.type === 8 ? world.channels.map((x) => [x.id, '#' + x.name]) : world.personas.map((p) => [p.id, '@' + p.name]);
      const multi = (c.max_values || 1) > 1;
      return '<span class="arow"><select' + data + ' data-select="' + escapeHtml(c.custom_id) + '"' + (multi ? ' multiple' : '') + (c.disabled ? ' disabled' : '') + '>' + (multi ? '' : '<option value="">' + escapeHtml(c.placeholder || 'Choose…') + '</option>') + opts.map(([v, l]) => '<option value="' + escapeHtml(v) + '">' + escapeHtml(l) + '</option>').join('') + '</select>' + (multi ? '<button type="button" class="btn"' + data + ' data-select-send="' + escapeHtml(c.custom_id) + '">Choose</button>' : '') + '</span>';
    }
    case 9: return '<div class="arow"><div>' + kids(c.components) + '</div>' + (c.accessory ? componentHtml(c.accessory, msg) : '') + '</div>';
    case 10: return '<div class="content">' + md(c.content) + '</div>';
    case 11: return '<img alt="" style="max-width:80px" src="' + escapeHtml(attachmentUrl(msg, c.media && c.media.url)) + '">';
    case 12: return (c.items || []).map((i) => '<img alt="" src="' + escapeHtml(attachmentUrl(msg, i.media && i.media.url)) + '">').join('');
    case 14: return '<hr>';
    case 17: return '<div class="container"' + (c.accent_color != null ? ' style="border-left-color:#' + c.accent_color.toString(16).padStart(6, '0') + '"' : '') + '>' + kids(c.components) + '</div>';
    default: return '<div class="unknown">component type ' + escapeHtml(c.type) + (c.label ? ': ' + escapeHtml(c.label) : '') + kids(c.components) + (c.component ? componentHtml(c.component, msg) : '') + '</div>';
  }
}
function pollHtml(msg) {
  const p = msg.poll, counts = {};
  for (const r of (p.results && p.results.answer_counts) || []) counts[r.id] = r.count;
  return '<div class="poll"><b>' + escapeHtml(p.question.text) + '</b>' + p.answers.map((a) => '<button type="button" class="btn" data-msg="' + msg.id + '" data-vote="' + a.answer_id + '">' + escapeHtml((a.poll_media.emoji ? a.poll_media.emoji.name + ' ' : '') + a.poll_media.text) + ' · ' + (counts[a.answer_id] || 0) + '</button>').join('') + '</div>';
}
function messageHtml(msg, ephemeral) {
  const author = msg.author || {};
  const name = author.id === world.bot ? 'Pulse' : nameOf(author.id) || author.username;
  let h = '<article class="msg' + (ephemeral ? ' eph' : '') + '" data-id="' + msg.id + '" tabindex="0"><div class="avatar">' + escapeHtml(name[0].toUpperCase()) + '</div><div class="body">';
  h += '<div class="meta"><b>' + escapeHtml(name) + '</b>' + (author.bot ? '<span class="tag">APP</span>' : '') + '<small>' + new Date(msg.timestamp).toLocaleString() + '</small></div>';
  if (ephemeral) h += '<div class="eph-note">Only you can see this</div>';
  if ((msg.flags || 0) & 128) h += '<div class="loading">Pulse is thinking…</div>';
  if (msg.content) h += '<div class="content">' + md(msg.content) + '</div>';
  for (const e of msg.embeds || []) h += embedHtml(e, msg);
  const shown = new Set((msg.embeds || []).map((e) => e.image && e.image.url).filter(Boolean).map((u) => u.replace('attachment://', '')));
  for (const a of msg.attachments || []) {
    if (shown.has(a.filename)) continue;
    h += '<div class="attach">' + ((a.content_type || '').startsWith('image/') ? '<img alt="' + escapeHtml(a.filename) + '" src="' + escapeHtml(a.url) + '">' : '📎 <a href="' + escapeHtml(a.url) + '" target="_blank">' + escapeHtml(a.filename) + '</a>') + '</div>';
  }
  if (msg.poll) h += pollHtml(msg);
  if (msg.components && msg.components.length) h += '<div class="components">' + msg.components.map((c) => componentHtml(c, msg)).join('') + '</div>';
  if (msg.reactions && msg.reactions.length) h += '<div class="arow">' + msg.reactions.map((r) => '<span class="btn">' + escapeHtml(r.emoji.name) + ' ' + r.count + '</span>').join('') + '</div>';
  h += '</div>';
  if (!ephemeral && author.id !== persona) h += '<div class="tools"><button type="button" data-msg="' + msg.id + '" data-react="👍">👍</button><button type="button" data-msg="' + msg.id + '" data-react="🚩">🚩</button><button type="button" data-msg="' + msg.id + '" data-flag="1" title="Apps › Flag for moderators">Flag…</button></div>';
  return h + '</article>';
}
async function call(body) {
  $('error').hidden = true;
  const res = await fetch('/api/action', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ as: persona, channel, ...body }) });
  const out = await res.json();
  if (!res.ok) { $('error').textContent = out.error; $('error').hidden = false; return null; }
  if (out.modal) openModal(out.modal, out.interactionId);
  refresh();
  return out;
}
const isThread = (c) => c.type === 10 || c.type === 11 || c.type === 12;
function channelButton(c) {
  if (c.type === 2) return '<span>🔊 ' + escapeHtml(c.name) + '</span>';
  return '<a href="#" data-channel-id="' + c.id + '"' + (isThread(c) ? ' class="thread"' : '') + '>' + (isThread(c) ? '↳ ' : c.type === 15 ? '💬 ' : '# ') + escapeHtml(c.name) + '</a>';
}
// Threads and forum posts under their channel, as Discord lists them.
function renderChannels() {
  const top = world.channels.filter((c) => !isThread(c) || !world.channels.some((p) => p.id === c.parentId));
  $('channels').innerHTML = top.map((c) => channelButton(c) + world.channels.filter((t) => isThread(t) && t.parentId === c.id).map(channelButton).join('')).join('');
  markChannel();
}
function markChannel() {
  document.querySelectorAll('nav a').forEach((x) => { const on = x.dataset.channelId === channel; x.classList.toggle('on', on); if (on) x.setAttribute('aria-current', 'page'); else x.removeAttribute('aria-current'); });
}
// A refresh redraws the messages: the keyboard focus stays on the same message and control.
const focusables = 'button,select,a[href],input';
function focusKey() {
  const el = document.activeElement, art = el && $('messages').contains(el) && el.closest('article[data-id]');
  return art ? { id: art.dataset.id, eph: art.classList.contains('eph'), at: el === art ? -1 : [...art.querySelectorAll(focusables)].indexOf(el) } : null;
}
function restoreFocus(k) {
  const art = k && [...$('messages').querySelectorAll('article[data-id="' + k.id + '"]')].find((a) => a.classList.contains('eph') === k.eph);
  if (art) (k.at < 0 ? art : art.querySelectorAll(focusables)[k.at] || art).focus({ preventScroll: true });
}
let drawn = '';
async function loadWorld() {
  world = await (await fetch('/api/world?as=' + persona)).json();
  $('guild').textContent = world.guild.name;
  $('stats').textContent = world.events.toLocaleString() + ' events of history were replayed.';
  const text = world.channels.filter((c) => c.type === 0 || c.type === 5 || c.type === 15 || isThread(c));
  if (!text.some((c) => c.id === channel)) channel = text[0] && text[0].id;
  renderChannels();
  const cmd = $('cmd').value;
  $('cmd').innerHTML = '<option value="">/ command…</option>' + world.commands.map((c) => '<option value="' + c.name + '" title="' + escapeHtml(c.description) + '">/' + c.name + '</option>').join('');
  if (world.commands.some((c) => c.name === cmd)) $('cmd').value = cmd;
  renderOptions();
}
async function refresh() {
  if (!world) return;
  if (pending) { again = true; return; }
  pending = true;
  try {
    const view = await (await fetch('/api/channel?as=' + persona + '&channel=' + channel)).json();
    // New threads and forum posts appear in the list as they are made.
    if (view.channels && JSON.stringify(view.channels) !== JSON.stringify(world.channels)) { world.channels = view.channels; renderChannels(); }
    const c = world.channels.find((x) => x.id === channel) || {};
    $('channel-name').textContent = (c.type === 15 ? '💬 ' : '#') + (c.name || '');
    $('topic').textContent = c.topic || '';
    // A forum has posts, no messages of its own: it lists them (Discord gives it no message box either).
    const forum = c.type === 15;
    $('command').hidden = forum;
    $('composer').hidden = forum;
    const box = $('messages'), atEnd = box.scrollHeight - box.scrollTop - box.clientHeight < 60;
    const all = view.messages.map((m) => [m, false]).concat(view.ephemeral.map((m) => [m, true])).sort((a, b) => (BigInt(a[0].id) < BigInt(b[0].id) ? -1 : 1));
    let html = all.map(([m, e]) => messageHtml(m, e)).join('');
    if (forum) {
      const posts = world.channels.filter((t) => isThread(t) && t.parentId === c.id);
      html = '<p class="hint">' + (posts.length ? 'Each post is a thread: open one.' : 'No posts yet.') + ' Start one with <code>/feedback submit</code> from a text channel.</p>' + (posts.length ? '<ul class="posts">' + posts.map((t) => '<li><button type="button" data-go="' + t.id + '">' + escapeHtml(t.name) + '</button></li>').join('') + '</ul>' : '') + html;
    }
    if (html !== drawn) {
      const focus = focusKey();
      box.innerHTML = drawn = html;
      restoreFocus(focus);
    }
    if (atEnd) box.scrollTop = box.scrollHeight;
  } finally { pending = false; if (again) { again = false; refresh(); } }
}
function leafOptions() {
  const def = world.commands.find((c) => c.name === $('cmd').value);
  if (!def) return [];
  const sub = def.options.find((o) => o.name === $('sub').value && o.type === 1);
  return sub ? sub.options || [] : def.options.filter((o) => o.type > 2);
}
function renderOptions() {
  const def = world.commands.find((c) => c.name === $('cmd').value);
  const subs = def ? def.options.filter((o) => o.type === 1) : [];
  const current = $('sub').value;
  $('sub').hidden = subs.length === 0;
  $('sub').innerHTML = subs.map((o) => '<option value="' + o.name + '" title="' + escapeHtml(o.description) + '">' + o.name + '</option>').join('');
  if (subs.some((o) => o.name === current)) $('sub').value = current;
  renderLeaf();
}
function renderLeaf() {
  $('opts').innerHTML = leafOptions().map((o) => {
    const id = 'opt-' + o.name, req = o.required ? ' required' : '';
    let input;
    if (o.choices && o.choices.length) input = '<select id="' + id + '"' + req + '><option value=""></option>' + o.choices.map((c) => '<option value="' + escapeHtml(c.value) + '">' + escapeHtml(c.name) + '</option>').join('') + '</select>';
    else if (o.type === 5) input = '<select id="' + id + '"' + req + '><option value=""></option><option value="true">true</option><option value="false">false</option></select>';
    else if (o.type === 6 || o.type === 9) input = '<select id="' + id + '"' + req + '><option value=""></option>' + Object.entries(world.users).filter(([u]) => u !== world.bot).slice(0, 60).map(([u, n]) => '<option value="' + u + '">@' + escapeHtml(n) + '</option>').join('') + '</select>';
    else if (o.type === 7) input = '<select id="' + id + '"' + req + '><option value=""></option>' + world.channels.map((c) => '<option value="' + c.id + '">#' + escapeHtml(c.name) + '</option>').join('') + '</select>';
    else if (o.type === 8) input = '<select id="' + id + '"' + req + '><option value=""></option>' + world.roles.map((r) => '<option value="' + r.id + '">@' + escapeHtml(r.name) + '</option>').join('') + '</select>';
    else input = '<input id="' + id + '"' + req + (o.type === 4 || o.type === 10 ? ' type="number"' : '') + (o.autocomplete ? ' list="' + id + '-list" data-auto="' + o.name + '"' : '') + ' placeholder="' + escapeHtml(o.description) + '">' + (o.autocomplete ? '<datalist id="' + id + '-list"></datalist>' : '');
    return '<label title="' + escapeHtml(o.description) + '">' + o.name + (o.required ? ' *' : '') + input + '</label>';
  }).join('');
}
$('persona').onchange = async () => { persona = $('persona').value; localStorage.setItem('persona', persona); await loadWorld(); refresh(); };
$('cmd').onchange = renderOptions;
$('sub').onchange = renderLeaf;
$('channels').onclick = (ev) => { const a = ev.target.closest('a[data-channel-id]'); if (a) { ev.preventDefault(); go(a.dataset.channelId); } };
$('opts').oninput = async (ev) => {
  const el = ev.target; if (!el.dataset.auto) return;
  const out = await fetch('/api/action', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ as: persona, channel, kind: 'autocomplete', name: $('cmd').value, subcommand: $('sub').hidden ? '' : $('sub').value, focused: el.dataset.auto, value: el.value }) }).then((r) => r.json());
  $(el.id + '-list').innerHTML = (out.choices || []).map((c) => '<option value="' + escapeHtml(c.value) + '">' + escapeHtml(c.name) + '</option>').join('');
};
$('command').onsubmit = async (ev) => {
  ev.preventDefault();
  if (!$('cmd').value) return;
  const options = {};
  for (const o of leafOptions()) {
    const v = $('opt-' + o.name).value.trim();
    if (v === '') continue;
    options[o.name] = o.type === 4 || o.type === 10 ? Number(v) : o.type === 5 ? v === 'true' : v;
  }
  const out = await call({ kind: 'slash', name: $('cmd').value, subcommand: $('sub').hidden ? '' : $('sub').value, options });
  if (out) for (const o of leafOptions()) $('opt-' + o.name).value = '';
};
$('composer').onsubmit = async (ev) => { ev.preventDefault(); const v = $('text').value.trim(); if (!v) return; $('text').value = ''; await call({ kind: 'post', content: v }); };
function go(channelId) { channel = channelId; markChannel(); refresh(); }
document.addEventListener('click', (ev) => {
  const jump = ev.target.closest('a[data-jump]');
  if (jump) { ev.preventDefault(); if (world.channels.some((c) => c.id === jump.dataset.jump)) { $('digest-dialog').close(); go(jump.dataset.jump); } return; }
  const b = ev.target.closest('button');
  if (!b || b.disabled) return;
  if (b.dataset.go) go(b.dataset.go);
  else if (b.dataset.click) call({ kind: 'click', channel: b.dataset.channel, message: b.dataset.msg, customId: b.dataset.click });
  else if (b.dataset.selectSend) { const s = b.parentElement.querySelector('select'); call({ kind: 'select', channel: b.dataset.channel, message: b.dataset.msg, customId: b.dataset.selectSend, values: [...s.selectedOptions].map((o) => o.value) }); }
  else if (b.dataset.vote) call({ kind: 'vote', message: b.dataset.msg, answerId: Number(b.dataset.vote) });
  else if (b.dataset.react) call({ kind: 'react', message: b.dataset.msg, emoji: b.dataset.react });
  else if (b.dataset.flag) call({ kind: 'flag', message: b.dataset.msg });
});
document.addEventListener('change', (ev) => {
  const s = ev.target;
  if (s.dataset && s.dataset.select && !s.multiple && s.value) call({ kind: 'select', channel: s.dataset.channel, message: s.dataset.msg, customId: s.dataset.select, values: [s.value] });
});
// Modals: the generic component tree as a form (Label, text input, selects, radio and checkbox groups, checkbox).
function fieldHtml(c, label, description) {
  const cid = escapeHtml(c.custom_id || ''), req = c.required === false ? '' : ' required';
  const head = label ? '<label>' + escapeHtml(label) + (description ? '<small>' + escapeHtml(description) + '</small>' : '') : '<label>';
  const legend = label ? '<legend>' + escapeHtml(label) + (description ? '<small>' + escapeHtml(description) + '</small>' : '') + '</legend>' : '';
  switch (c.type) {
    case 4: return head + (c.style === 2 ? '<textarea rows="4" data-field="' + cid + '" data-kind="text"' + req + (c.max_length ? ' maxlength="' + c.max_length + '"' : '') + ' placeholder="' + escapeHtml(c.placeholder || '') + '">' + escapeHtml(c.value || '') + '</textarea>' : '<input type="text" data-field="' + cid + '" data-kind="text"' + req + (c.max_length ? ' maxlength="' + c.max_length + '"' : '') + ' placeholder="' + escapeHtml(c.placeholder || '') + '" value="' + escapeHtml(c.value || '') + '">') + '</label>';
    case 3: case 5: case 6: case 7: case 8: {
      const opts = c.type === 3 ? (c.options || []).map((o) => [o.value, o.label, o.default]) : c.type === 6 ? world.roles.map((r) => [r.id, '@' + r.name]) : c.type === 8 ? world.channels.map((x) => [x.id, '#' + x.name]) : world.personas.map((p) => [p.id, '@' + p.name]);
      return head + '<select data-field="' + cid + '" data-kind="values"' + ((c.max_values || 1) > 1 ? ' multiple' : '') + req + '>' + ((c.max_values || 1) > 1 ? '' : '<option value=""></option>') + opts.map(([v, l, d]) => '<option value="' + escapeHtml(v) + '"' + (d ? ' selected' : '') + '>' + escapeHtml(l) + '</option>').join('') + '</select></label>';
    }
    // A group is a fieldset named by its legend: the question labels the group, not its first answer.
    case 21: return '<fieldset data-field="' + cid + '" data-kind="radio">' + legend + (c.options || []).map((o) => '<label class="choice"><input type="radio" name="' + cid + '" value="' + escapeHtml(o.value) + '"' + (o.default ? ' checked' : '') + req + '> ' + escapeHtml(o.label) + (o.description ? ' <small>' + escapeHtml(o.description) + '</small>' : '') + '</label>').join('') + '</fieldset>';
    case 22: return '<fieldset data-field="' + cid + '" data-kind="checks">' + legend + (c.options || []).map((o) => '<label class="choice"><input type="checkbox" value="' + escapeHtml(o.value) + '"' + (o.default ? ' checked' : '') + '> ' + escapeHtml(o.label) + '</label>').join('') + '</fieldset>';
    case 23: return '<label class="choice"><input type="checkbox" data-field="' + cid + '" data-kind="check"' + (c.default ? ' checked' : '') + '> ' + escapeHtml(label || '') + '</label>';
    case 19: return head + '<small>File uploads are not available in the playground.</small></label>';
    default: return head + '<small>(component type ' + escapeHtml(c.type) + ')</small>' + (c.custom_id ? '<input type="text" data-field="' + cid + '" data-kind="text">' : '') + '</label>';
  }
}
function modalHtml(c) {
  if (c.type === 1) return (c.components || []).map((x) => fieldHtml(x, x.label, null)).join('');
  if (c.type === 18) return fieldHtml(c.component || {}, c.label, c.description);
  if (c.type === 10) return '<p class="content">' + md(c.content) + '</p>';
  return fieldHtml(c, c.label, c.description);
}
function openModal(modal, interactionId) {
  const form = $('modal-form');
  form.innerHTML = '<h3>' + escapeHtml(modal.title) + '</h3>' + modal.components.map(modalHtml).join('') + '<div class="row"><button type="button" id="modal-cancel">Cancel</button><button type="submit" id="modal-submit" class="btn s1">Submit</button></div>';
  $('modal-cancel').onclick = () => $('modal').close();
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    const fields = {};
    for (const el of form.querySelectorAll('[data-field]')) {
      const k = el.dataset.kind, id = el.dataset.field;
      if (k === 'text') fields[id] = el.value;
      else if (k === 'values') { const v = [...el.selectedOptions].map((o) => o.value).filter(Boolean); if (v.length) fields[id] = v; }
      else if (k === 'radio') { const c = el.querySelector('input:checked'); if (c) fields[id] = c.value; }
      else if (k === 'checks') fields[id] = [...el.querySelectorAll('input:checked')].map((i) => i.value);
      else if (k === 'check') fields[id] = el.checked ? 'true' : 'false';
    }
    $('modal').close();
    await call({ kind: 'modal', interactionId, fields });
  };
  $('modal').showModal();
}
$('digest').onclick = async () => {
  $('digest').disabled = true;
  $('digest-body').innerHTML = '<p class="loading">Building the staff digest…</p>';
  $('digest-dialog').showModal();
  try {
    const out = await call({ kind: 'digest' });
    $('digest-body').innerHTML = out && out.message ? '<h3>Staff digest (as #staff would get it)</h3>' + messageHtml(out.message, false) : '<p>The digest could not be built.</p>';
  } finally { $('digest').disabled = false; }
};
new EventSource('/events').onmessage = () => refresh();
loadWorld().then(refresh);
`;
