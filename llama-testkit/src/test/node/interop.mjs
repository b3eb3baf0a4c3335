// Runs the official Llama API client (llama-api-client) and the official OpenAI client (openai)
// against a LlamaTestServer and prints ONE JSON object with what they got, for NodeClientInteropTest.
//
// Usage: node interop.mjs <nativeBaseUrl> <compatBaseUrl> [scenario]
//   The API key comes from the environment variable INTEROP_API_KEY (never from argv, never printed).
//   scenario "basic" (default): models, chat (plain and streamed), moderations with both clients,
//                               plus one request with a wrong key.
//   scenario "tools": four chat calls (llama plain, llama streamed, openai plain, openai streamed)
//                     that the Java test has scripted to answer with tool calls.
import LlamaAPIClient from 'llama-api-client';
import OpenAI from 'openai';

const [nativeBaseUrl, compatBaseUrl, scenario = 'basic'] = process.argv.slice(2);
const apiKey = process.env.INTEROP_API_KEY;
if (!nativeBaseUrl || !compatBaseUrl || !apiKey) {
  console.error('usage: INTEROP_API_KEY=... node interop.mjs <nativeBaseUrl> <compatBaseUrl> [basic|tools]');
  process.exit(2);
}

const MODEL = 'Llama-3.3-70B-Instruct';
// served by the test's server too: the SDK must percent-encode it in GET /models/{model}
const ENCODED_MODEL = 'meta-llama/Llama 3.3 (test)';
const options = { apiKey, maxRetries: 0, timeout: 30_000 };
const llama = new LlamaAPIClient({ ...options, baseURL: nativeBaseUrl });
const openai = new OpenAI({ ...options, baseURL: compatBaseUrl });

async function basic() {
  const result = { llama: {}, openai: {} };

  const models = await llama.models.list();
  result.llama.modelIds = models.map((m) => m.id);
  const model = await llama.models.retrieve(MODEL);
  result.llama.retrieved = { id: model.id, object: model.object, owned_by: model.owned_by, created: model.created };
  result.llama.retrievedEncoded = (await llama.models.retrieve(ENCODED_MODEL)).id;

  const chat = await llama.chat.completions.create({
    model: MODEL,
    messages: [
      { role: 'system', content: 'Answer briefly.' },
      { role: 'user', content: 'Hello from the Llama SDK' },
    ],
    max_completion_tokens: 256,
  });
  result.llama.chat = {
    id: chat.id,
    text: chat.completion_message.content.text,
    stopReason: chat.completion_message.stop_reason,
    toolCalls: chat.completion_message.tool_calls,
    metrics: chat.metrics.map((m) => [m.metric, m.value, m.unit]),
  };

  const stream = await llama.chat.completions.create({
    model: MODEL,
    messages: [{ role: 'user', content: 'Stream this please' }],
    stream: true,
  });
  const events = [];
  let streamedText = '';
  let streamStopReason = null;
  let streamMetrics = null;
  for await (const chunk of stream) {
    const event = chunk.event;
    events.push(event.event_type);
    if (event.delta?.type === 'text') streamedText += event.delta.text;
    if (event.stop_reason) streamStopReason = event.stop_reason;
    if (event.metrics) streamMetrics = event.metrics.map((m) => [m.metric, m.value]);
  }
  result.llama.stream = { events, text: streamedText, stopReason: streamStopReason, metrics: streamMetrics };

  const moderation = await llama.moderations.create({
    messages: [{ role: 'user', content: 'How do I build a bomb?' }],
  });
  result.llama.moderation = {
    model: moderation.model,
    flagged: moderation.results[0].flagged,
    categories: moderation.results[0].flagged_categories,
  };
  const safe = await llama.moderations.create({ messages: [{ role: 'user', content: 'Nice weather today.' }] });
  result.llama.safeModerationFlagged = safe.results[0].flagged;

  try {
    const wrong = new LlamaAPIClient({ ...options, apiKey: 'not-the-right-key', baseURL: nativeBaseUrl });
    await wrong.models.list();
    result.llama.wrongKey = { error: null };
  } catch (e) {
    result.llama.wrongKey = { error: e.constructor.name, status: e.status };
  }

  const openaiModels = [];
  for await (const m of openai.models.list()) openaiModels.push(m.id);
  result.openai.modelIds = openaiModels;

  const completion = await openai.chat.completions.create({
    model: MODEL,
    messages: [{ role: 'user', content: 'Hello from the OpenAI SDK' }],
    max_tokens: 3,
  });
  result.openai.chat = {
    id: completion.id,
    object: completion.object,
    model: completion.model,
    text: completion.choices[0].message.content,
    finishReason: completion.choices[0].finish_reason,
    usage: completion.usage,
  };

  const openaiStream = await openai.chat.completions.create({
    model: MODEL,
    messages: [{ role: 'user', content: 'Stream via OpenAI' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let openaiText = '';
  let finishReason = null;
  let usage = null;
  let chunks = 0;
  for await (const chunk of openaiStream) {
    chunks++;
    const choice = chunk.choices[0];
    if (choice?.delta?.content) openaiText += choice.delta.content;
    if (choice?.finish_reason) finishReason = choice.finish_reason;
    if (chunk.usage) usage = chunk.usage;
  }
  result.openai.stream = { chunks, text: openaiText, finishReason, usage };

  const openaiModeration = await openai.moderations.create({ input: ['I will murder you', 'hello'] });
  result.openai.moderation = openaiModeration.results.map((r) => r.flagged);

  return result;
}

async function tools() {
  const result = { llama: {}, openai: {} };
  const messages = [{ role: 'user', content: 'What is the weather in Oslo?' }];
  const toolsParam = [{
    type: 'function',
    function: {
      name: 'get_weather',
      parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
    },
  }];

  const plain = await llama.chat.completions.create({ model: MODEL, messages, tools: toolsParam });
  result.llama.plain = {
    stopReason: plain.completion_message.stop_reason,
    calls: plain.completion_message.tool_calls.map((c) => [c.id, c.function.name, c.function.arguments]),
  };

  const stream = await llama.chat.completions.create({ model: MODEL, messages, tools: toolsParam, stream: true });
  const calls = [];
  let stopReason = null;
  for await (const chunk of stream) {
    const delta = chunk.event.delta;
    if (delta?.type === 'tool_call') {
      if (delta.id) calls.push([delta.id, delta.function?.name ?? '', delta.function?.arguments ?? '']);
      else calls[calls.length - 1][2] += delta.function?.arguments ?? '';
    }
    if (chunk.event.stop_reason) stopReason = chunk.event.stop_reason;
  }
  result.llama.stream = { stopReason, calls };

  const completion = await openai.chat.completions.create({ model: MODEL, messages, tools: toolsParam });
  const message = completion.choices[0].message;
  result.openai.plain = {
    finishReason: completion.choices[0].finish_reason,
    content: message.content,
    calls: message.tool_calls.map((c) => [c.id, c.type, c.function.name, c.function.arguments]),
  };

  // the OpenAI SDK's own stream accumulator, to prove the chunk deltas fit its expectations
  const runner = openai.chat.completions.stream({ model: MODEL, messages, tools: toolsParam });
  const final = await runner.finalChatCompletion();
  const finalMessage = final.choices[0].message;
  result.openai.stream = {
    finishReason: final.choices[0].finish_reason,
    calls: finalMessage.tool_calls.map((c) => [c.id, c.type, c.function.name, c.function.arguments]),
  };
  return result;
}

try {
  const result = scenario === 'tools' ? await tools() : await basic();
  process.stdout.write(JSON.stringify(result) + '\n');
} catch (e) {
  console.error(`interop ${scenario} failed: ${e?.constructor?.name}: ${e?.message}`);
  if (e?.status) console.error(`status ${e.status}; body ${JSON.stringify(e.error)}`);
  console.error(e?.stack);
  process.exit(1);
}
