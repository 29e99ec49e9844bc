// Runs one state machine on aws-local-stepfunctions (a real ASL
// interpreter) for the Go tests of backupkit's automation package.
//
//   node runner.mjs CONFIG.json
//
// CONFIG: {nodeModules, definition, input, context, tasks, emulatorURL,
// tasksURL, waitMs, retryMs}. tasks maps a Task state's name to its route:
//   {"kind":"backup","action":"StartRestoreJob","advanceSeconds":N,"account":"…","credentials":bool}
//     POSTs the Task's input (the parameters Step Functions would send) to
//     the emulator's control endpoint /_backupkit/invoke; with
//     advanceSeconds it first moves the emulator's manual clock by the Wait
//     that preceded this describe call; with credentials the input is
//     {input, roleArn} and the call is made as the account whose
//     credentials the emulator's STS answers for roleArn. Errors become
//     "Backup.<Code>".
//   {"kind":"go","clockRetry":{error,intervalSeconds,backoffRate,maxDelaySeconds}}
//     POSTs {state, resource, input} to tasksURL (the Go test: Lambda
//     handler, S3 object reads, SNS publishes); with clockRetry, each retry
//     after that error first moves the emulator's clock by the delay AWS
//     would wait (no jitter).
// Every Wait state is overridden to waitMs and every Retry to retryMs.
// Events go to stdout as JSON lines ({"event":…}), then one final line
// {"result":…} | {"error":{name,message}} | {"aborted":true}. A line
// "abort" on stdin aborts the execution (StopExecution's local twin).
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

// aws-local-stepfunctions 3 uses Promise.withResolvers (Node 22); Node 20
// lacks it.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers() {
    let resolve, reject;
    const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
  };
}

const cfg = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const require = createRequire(cfg.nodeModules + '/');
const { StateMachine } = require('aws-local-stepfunctions');

function out(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

async function post(url, body) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = { error: { code: 'InvalidResponse', message: text } }; }
  return { status: res.status, data };
}

function fail(name, message) {
  const err = new Error(message);
  err.name = name;
  return err;
}

// assumeRole assumes roleArn through the emulator's STS (AssumeRole over
// the query protocol, as the state machine's execution role: credentials
// of the emulator's default account) and returns the account the
// credentials it answers belong to: the emulator's access key ids end in
// their account, which is how it tells the callers apart.
async function assumeRole(stateName, roleArn) {
  const body = new URLSearchParams({ Action: 'AssumeRole', Version: '2011-06-15', RoleArn: String(roleArn), RoleSessionName: 'backupkit-workflow' });
  const res = await fetch(cfg.emulatorURL + '/', {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      authorization: 'AWS4-HMAC-SHA256 Credential=AKIDBACKUPKITSTATES/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: body.toString(),
  });
  const text = await res.text();
  const tag = (name) => { const m = text.match(new RegExp('<' + name + '>([^<]*)</' + name + '>')); return m ? m[1] : ''; };
  if (res.status >= 300) {
    throw fail('States.TaskFailed', 'Task ' + stateName + ': cannot assume ' + roleArn + ': ' + tag('Code') + ': ' + tag('Message'));
  }
  const account = (tag('AccessKeyId').match(/(\d{12})$/) || [])[1];
  if (!account) throw fail('States.TaskFailed', 'Task ' + stateName + ': AssumeRole ' + roleArn + ' answered no account: ' + text);
  return account;
}

function backupHandler(stateName, route) {
  return async (input) => {
    let account = route.account || undefined;
    if (route.credentials) {
      account = await assumeRole(stateName, input.roleArn);
      input = input.input;
    }
    if (route.advanceSeconds > 0) {
      await post(cfg.emulatorURL + '/_backupkit/clock', { advance: route.advanceSeconds + 's' });
    }
    const { status, data } = await post(cfg.emulatorURL + '/_backupkit/invoke', { operation: route.action, input, account });
    if (status >= 300) {
      let code = (data && data.code) || 'BackupException';
      if (!code.endsWith('Exception')) code += 'Exception';
      throw fail('Backup.' + code, (data && data.message) || 'status ' + status);
    }
    return data.output;
  };
}

function goHandler(stateName, resource, route) {
  // Retries of route.clockRetry.error so far, per state input (a state
  // retries with the same input; success ends its loop).
  const retries = new Map();
  return async (input) => {
    const cr = route.clockRetry;
    const key = cr ? JSON.stringify(input) : '';
    if (cr) {
      const n = retries.get(key) || 0;
      if (n > 0) {
        let delay = cr.intervalSeconds * Math.pow(cr.backoffRate, n - 1);
        if (cr.maxDelaySeconds > 0) delay = Math.min(delay, cr.maxDelaySeconds);
        await post(cfg.emulatorURL + '/_backupkit/clock', { advance: Math.round(delay) + 's' });
      }
    }
    const { status, data } = await post(cfg.tasksURL, { state: stateName, resource, input });
    if (status >= 300 || data.error) {
      const e = data.error || { name: 'States.TaskFailed', message: 'status ' + status };
      if (cr && e.name === cr.error) retries.set(key, (retries.get(key) || 0) + 1);
      throw fail(e.name, e.message);
    }
    if (cr) retries.delete(key);
    return data.output;
  };
}

const localHandlers = {};
const waitTimeOverrides = {};
const retryIntervalOverrides = {};
function walk(states) {
  for (const [name, st] of Object.entries(states)) {
    if (st.Type === 'Wait') waitTimeOverrides[name] = cfg.waitMs;
    if (st.Retry) retryIntervalOverrides[name] = cfg.retryMs;
    if (st.Type === 'Task') {
      const route = cfg.tasks[name];
      if (!route) throw new Error('no route for Task state ' + name);
      localHandlers[name] = route.kind === 'backup' ? backupHandler(name, route) : goHandler(name, st.Resource, route);
    }
    const proc = st.ItemProcessor || st.Iterator;
    if (proc) walk(proc.States);
  }
}
walk(cfg.definition.States);

const sm = new StateMachine(cfg.definition, { validationOptions: { checkPaths: true, checkArn: true } });
const context = cfg.context || {};
// $$.State.EnteredTime: the interpreter's context object has no State;
// a getter gives the time of each evaluation.
context.State = { get EnteredTime() { return new Date().toISOString(); }, Name: '' };
const execution = sm.run(cfg.input, {
  overrides: { taskResourceLocalHandlers: localHandlers, waitTimeOverrides, retryIntervalOverrides },
  context,
});

const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  if (line.trim() === 'abort') execution.abort();
});

const events = (async () => {
  for await (const ev of execution.eventLogs) {
    out({ event: { type: ev.type, state: ev.state && ev.state.name, stateType: ev.state && ev.state.type, index: ev.index, parent: ev.parentState && ev.parentState.name, error: ev.error, cause: ev.cause } });
  }
})().catch(() => {});

let final;
try {
  final = { result: await execution.result };
} catch (err) {
  if (err && err.name === 'ExecutionAbortedError') {
    final = { aborted: true };
  } else {
    const cause = err && err.cause;
    final = { error: { name: (cause && cause.name) || (err && err.name), message: String((cause && cause.message) || (err && err.message)) } };
  }
}
// Let the event log drain (it ends with the execution's last event).
await Promise.race([events, new Promise((r) => setTimeout(r, 500))]);
out(final);
rl.close();
process.stdin.destroy();
process.exit(0);
