// ace's /mcp driven by the official TypeScript MCP client, as Claude Code would drive it:
// list the tools, clone a template, plan and run a row (following its progress), read its
// generations and the MP4, ask for ideas, and approve the gated action a request for a
// vidsheet waits on. scripts/mcp-client-test starts the server and sets ACE_URL and
// ACE_API_KEY.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const base = process.env.ACE_URL;
const key = process.env.ACE_API_KEY;
assert.ok(base && key, 'ACE_URL and ACE_API_KEY name the server and its key');

/** Long calls follow their job to the end; a quiet job may take this long between steps. */
const FOLLOWING = { timeout: 10 * 60_000, resetTimeoutOnProgress: true };

let client;

before(async () => {
  client = new Client({ name: 'ace-ci', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL('/mcp', base), {
    requestInit: { headers: { 'X-API-Key': key } },
  });
  await client.connect(transport);
});

after(async () => {
  await client?.close();
});

/** Calls a tool and answers its JSON; fails on an error result. */
async function call(name, args, options) {
  const progress = [];
  const result = await client.callTool({ name, arguments: args }, undefined, {
    ...options,
    onprogress: options ? (note) => progress.push(note) : undefined,
  });
  const text = result.content?.[0]?.text ?? '';
  assert.ok(!result.isError, `${name} failed: ${text}`);
  return { value: JSON.parse(text), progress };
}

/** Progress only grows and ends at 1 with the job's last status. */
function assertFollowed(progress, status) {
  assert.ok(progress.length > 0, 'progress was reported');
  for (let at = 1; at < progress.length; at++) {
    assert.ok(progress[at].progress > progress[at - 1].progress, JSON.stringify(progress));
  }
  const last = progress.at(-1);
  assert.equal(last.progress, 1);
  assert.equal(last.total, 1);
  assert.equal(last.message, status);
}

test('the tools are GEN’s 82, under GEN’s names, with ace’s own beside them', async () => {
  const { tools } = await client.listTools();
  const gen = tools.filter((tool) => tool.name.startsWith('gen_'));
  assert.equal(gen.length, 82);
  for (const name of ['gen_get_me', 'gen_clone_template', 'gen_generate_content_ideas', 'gen_decide_agent_run', 'gen_publish_content', 'ace_run_row']) {
    assert.ok(tools.some((tool) => tool.name === name), name);
  }
  for (const tool of tools) {
    assert.match(tool.description, /credits/, tool.name);
    assert.equal(tool.inputSchema.type, 'object', tool.name);
  }
  const { resources } = await client.listResources();
  assert.ok(resources.some((resource) => resource.uri === 'ace://api-reference'));
});

test('a cloned template’s row runs to an MP4, and its generations read back', async () => {
  const { value: agents } = await call('gen_list_agents', {});
  const agent = String(agents[0].id);
  const { value: engine } = await call('gen_clone_template', { slug: 'text-driven', agent_id: agent });
  const engineId = String(engine.id);
  const { value: full } = await call('gen_get_engine', { engine_id: engineId, agent_id: agent });
  const row = String(full.spreadsheet_rows[0].id);
  const place = { engine_id: engineId, row_id: row, agent_id: agent };

  const { value: plan } = await call('ace_run_row', { ...place, dry_run: true });
  assert.equal(plan.runnable, true, JSON.stringify(plan));
  assert.ok(plan.total_estimated_credits > 0);

  const { value: run, progress } = await call('ace_run_row', place, FOLLOWING);
  assert.equal(run.status, 'completed', JSON.stringify(run));
  assertFollowed(progress, 'completed');

  for (const step of run.steps.filter((step) => step.generation_id)) {
    const { value: generation } = await call('gen_get_generation', { generation_id: String(step.generation_id) });
    assert.equal(generation.status, 'completed', JSON.stringify(generation));
  }
  const { value: render } = await call('gen_get_generation', { generation_id: String(run.render.generation_id) });
  assert.equal(render.status, 'completed');
  const video = await fetch(render.output_resources[0].url);
  assert.equal(video.status, 200);
  const bytes = Buffer.from(await video.arrayBuffer());
  assert.equal(bytes.subarray(4, 8).toString(), 'ftyp', 'an MP4');
});

test('ideas come from an agent run, and a vidsheet asked for waits for approval', async () => {
  const { value: agents } = await call('gen_list_agents', {});
  const agent = String(agents[0].id);
  const { value: ideas, progress } = await call(
    'gen_generate_content_ideas',
    { agent_id: agent, num_ideas: 2, requirements: ['late-night tacos'] },
    FOLLOWING,
  );
  assert.equal(ideas.status, 'completed', JSON.stringify(ideas));
  assertFollowed(progress, 'completed');
  const written = ideas.messages.at(-1).data.ideas;
  assert.equal(written.length, 2);
  for (const idea of written) {
    assert.ok(idea.title && idea.hook && idea.full_script, JSON.stringify(idea));
  }

  const { value: gated } = await call(
    'gen_generate_content_ideas',
    { agent_id: agent, conversation_id: ideas.conversation_id, message: 'make a vidsheet from idea 1' },
    FOLLOWING,
  );
  assert.equal(gated.status, 'awaiting_approval', JSON.stringify(gated));
  assert.equal(gated.pending_action.tool, 'make_vidsheet');
  const { value: decided } = await call('gen_decide_agent_run', { run_id: gated.run_id, approved: true }, FOLLOWING);
  assert.equal(decided.status, 'completed', JSON.stringify(decided));
  const { value: board } = await call('gen_list_content_ideas', { agent_id: agent });
  assert.ok(board.length >= 2);
});
