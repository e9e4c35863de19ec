// The operator's web surfaces in a real headless Chromium against a real api + worker: the console
// shows a cluster, scales it with a key entered in its dialog and sees the live worker count
// change, and shows a chat answer while it streams in; Swagger UI authorises and executes
// GET /api/blueprints and POST /api/clusters; the queue dashboard lists every queue after its login
// form. Screenshots go to test-artifacts/browser/ (untracked).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { QueueName } from '#queue';
import { chromiumPath, launchBrowser, TestBrowser } from '../harness/browser';
import { waitFor } from '../harness/process';
import { TestSystem } from '../harness/system';

const chromium = chromiumPath();
const skip = 'skip' in chromium ? chromium.skip : false;
if (skip) process.stdout.write(`# browser tests skipped: ${skip}\n`);

describe('browser: console, Swagger UI and queue dashboard', { skip }, () => {
  // the local provider spreads a streamed answer over LOCAL_LLM_LATENCY_MS, so a person (and the
  // test) sees it grow; metrics every second give the chart samples to draw
  const sys = new TestSystem('browser', { METRICS_INTERVAL_SECONDS: '1', LOCAL_LLM_LATENCY_MS: '2400' });
  let browser: TestBrowser;
  let operatorKey: string;
  let adminKey: string;
  let clusterId: string;

  before(async () => {
    await sys.start();
    operatorKey = (await sys.call('POST', '/api/auth/keys', { body: { name: 'browser operator', role: 'operator' } })).body.token;
    adminKey = (await sys.call('POST', '/api/auth/keys', { body: { name: 'browser admin', role: 'admin' } })).body.token;
    const created = await sys.call('POST', '/api/clusters', { body: { blueprint_id: 'marketing-v1', name: 'Marketing Browser', target_workers: 3 } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    clusterId = created.body.id;
    // the test scales by hand: the autoscaler must not move the target meanwhile
    assert.equal((await sys.call('PUT', `/api/clusters/${clusterId}`, { body: { autoscaling_enabled: false } })).status, 200);
    await waitFor(async () => {
      const c = (await sys.call('GET', `/api/clusters/${clusterId}`)).body;
      return c.status === 'active' && c.current_workers === 3;
    }, 90000, 'the cluster to be active with 3 workers');
    browser = await launchBrowser((chromium as { path: string }).path);
  });
  after(async () => {
    await browser?.close();
    await sys.stop();
  });

  it('console: lists the cluster, shows its hierarchy and chart, scales it with a key from the dialog and sees the count change, hibernates and reactivates it', async () => {
    const { page } = browser;
    await page.goto(`${sys.base}/console/`);
    const row = page.locator(`tr[data-cluster-id="${clusterId}"]`);
    await row.waitFor();
    assert.match(await row.innerText(), /Marketing Browser\s+active\s+department\s+marketing-v1\s+3 \/ 3/);
    await browser.screenshot('console-clusters');

    await row.getByRole('link', { name: 'Marketing Browser' }).click();
    await page.getByRole('heading', { name: 'Marketing Browser' }).waitFor();
    await page.locator('#hierarchy ul.tree').waitFor();
    assert.match(await page.locator('#hierarchy').innerText(), /Marketing Supervisor — supervisor/);
    // the chart draws the stored samples (one a second here)
    await page.locator('#metrics-chart canvas').waitFor({ timeout: 30000 });
    assert.match(await page.locator('#cluster-workers').innerText(), /^3 live, target 3/);

    await page.getByLabel('Target workers').fill('5');
    await page.getByLabel('Reason').fill('browser test');
    await page.getByRole('button', { name: 'Scale' }).click();
    // no key yet: the console asks for one, keeps it in sessionStorage only
    const dialog = page.getByRole('dialog', { name: 'API key' });
    await dialog.waitFor();
    await dialog.getByLabel('API key').fill(operatorKey);
    await dialog.getByRole('button', { name: 'Use key' }).click();
    await page.getByText('Scale to 5: accepted.').waitFor();
    await page.locator('#cluster-workers', { hasText: /^5 live, target 5/ }).waitFor({ timeout: 60000 });
    await page.locator('#decisions', { hasText: 'browser test' }).waitFor();
    // a string: this project compiles without the DOM library
    const stored = await page.evaluate("({ session: sessionStorage.getItem('brain.apiKey'), local: Object.keys(localStorage).length })");
    assert.deepEqual(stored, { session: operatorKey, local: 0 });
    assert.equal((await sys.call('GET', `/api/clusters/${clusterId}`)).body.current_workers, 5);
    await browser.screenshot('console-cluster-scaled');

    // the generated README.md, rendered from Markdown (sanitised)
    await page.getByRole('button', { name: 'Show README.md' }).click({ timeout: 60000 });
    await page.locator('#manifests .markdown h1', { hasText: 'Marketing Browser' }).waitFor();
    await page.locator('#manifests').scrollIntoViewIfNeeded();
    await browser.screenshot('console-manifest');

    // hibernate and reactivate with the key already in the tab: no dialog this time
    await page.getByRole('button', { name: 'Hibernate' }).click();
    await page.getByText('Hibernate: accepted.').waitFor();
    await page.locator('#cluster-status', { hasText: 'hibernated' }).waitFor();
    await page.locator('#cluster-workers', { hasText: /^0 live, target 0/ }).waitFor({ timeout: 60000 });
    await page.getByRole('button', { name: 'Reactivate' }).click();
    await page.getByText('Reactivate: accepted.').waitFor();
    // a hibernated marketing-v1 wakes at its minimum, 3 workers
    await page.locator('#cluster-workers', { hasText: /^3 live, target 3/ }).waitFor({ timeout: 60000 });
    await page.locator('#cluster-status', { hasText: 'active' }).waitFor({ timeout: 60000 });
    assert.equal((await sys.call('GET', `/api/clusters/${clusterId}`)).body.status, 'active');
  });

  it('console: shows a chat answer as it streams in', async () => {
    const { page } = browser;
    await page.goto(`${sys.base}/console/#/chat?cluster=${clusterId}`);
    await page.getByLabel('Talk to').waitFor();
    await page.locator('#chat-target option', { hasText: 'Marketing Browser' }).waitFor({ state: 'attached' });
    assert.equal(await page.getByLabel('Talk to').inputValue(), clusterId);
    await page.getByLabel('Message').fill('What do you work on this week?');
    await page.getByRole('button', { name: 'Send' }).click();
    const bubble = page.locator('.msg-assistant').last();
    // part of the answer is on screen before the stream has ended
    const partial = await waitFor(async () => {
      const busy = await bubble.getAttribute('aria-busy');
      const text = await bubble.locator('.answer').innerText();
      return busy === 'true' && text.length > 0 ? text : undefined;
    }, 30000, 'part of the answer while it streams');
    await page.locator('.msg-assistant[data-done="true"]').waitFor({ timeout: 30000 });
    const full = await bubble.locator('.answer').innerText();
    assert.ok(full.length > partial.length, `the answer grew while streaming (${partial.length} then ${full.length} characters)`);
    assert.ok(full.startsWith(partial));
    assert.match(full, /What do you work on this week\?/);
    assert.match(await bubble.locator('.who').innerText(), /assistant · local · \d+ tokens/);
    await browser.screenshot('console-chat');
  });

  it('Swagger UI: authorises with a key and executes GET /api/blueprints and POST /api/clusters', async () => {
    const { page } = browser;
    await page.goto(`${sys.base}/api/docs`);
    await page.locator('.swagger-ui .btn.authorize').first().click();
    const modal = page.locator('.modal-ux');
    await modal.waitFor();
    assert.match(await modal.innerText(), /API key \(not a JWT\)/);
    await modal.locator('input').first().fill(operatorKey);
    await modal.getByRole('button', { name: 'Apply credentials' }).click();
    // Swagger UI offers "Logout" once the key is applied
    await modal.getByRole('button', { name: 'Remove authorization' }).waitFor();
    await modal.locator('button.btn-done').click();

    const execute = async (opblock: string) => {
      const op = page.locator(`#${opblock}`);
      await op.locator('.opblock-summary').first().click();
      await op.getByRole('button', { name: 'Try it out' }).click();
      await op.getByRole('button', { name: 'Execute' }).click();
      const status = op.locator('.live-responses-table .response .response-col_status').first();
      await status.waitFor({ timeout: 30000 }).catch(async (e: unknown) => {
        await browser.screenshot(`${opblock}-failed`);
        throw e;
      });
      return { op, status: (await status.innerText()).trim() };
    };

    const list = await execute('operations-blueprints-listBlueprints');
    assert.equal(list.status, '200');
    assert.match(await list.op.locator('.live-responses-table tbody .response-col_description').first().innerText(), /marketing-v1/);
    await browser.screenshot('swagger-list-blueprints', list.op);
    await list.op.locator('.opblock-summary').first().click();

    // the body is the operation's example: a marketing-v1 cluster; it needs the operator key
    const before = (await sys.call('GET', '/api/clusters?blueprint_id=marketing-v1')).body.total;
    const create = await execute('operations-clusters-createCluster');
    assert.equal(create.status, '201');
    assert.match(await create.op.locator('.curl-command, .curl').first().innerText(), /Authorization: Bearer brn_/);
    assert.equal((await sys.call('GET', '/api/clusters?blueprint_id=marketing-v1')).body.total, before + 1);
    await browser.screenshot('swagger-create-cluster', create.op);
  });

  it('queue dashboard: the login form lets an admin in and every queue is listed', async () => {
    const { page } = browser;
    const first = await page.goto(`${sys.base}/admin/queues`);
    assert.equal(first?.status(), 401);
    await page.getByLabel('Admin API key').fill(operatorKey);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').filter({ hasText: 'needs the admin role' }).waitFor();

    await page.getByLabel('Admin API key').fill(adminKey);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/admin\/queues/);
    for (const name of Object.values(QueueName)) {
      await page.getByRole('link', { name, exact: true }).first().waitFor({ timeout: 30000 });
    }
    const cookies = await browser.context.cookies(`${sys.base}/admin/queues`);
    const session = cookies.find((c) => c.name === 'brain_admin');
    assert.ok(session?.httpOnly && session.sameSite === 'Strict' && session.path === '/admin', JSON.stringify(session));
    await browser.screenshot('queue-dashboard');
  });
});
