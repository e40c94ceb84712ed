#!/usr/bin/env node
// Browser tests for the anguan web app: starts the real server on a temporary SQLite database with
// demo data, drives Debian's Chromium through playwright-core, saves screenshots to
// test-artifacts/e2e/. Last line: "N passed, N failed"; exit code 1 on any failure.
//
//   node tests/e2e/run.mjs
//   ANGUAN_BIN=build/anguan ANGUAN_WEB_ROOT=web/dist node tests/e2e/run.mjs
//   ANGUAN_E2E_URL=http://127.0.0.1:8080 node tests/e2e/run.mjs   (use a server that is already running)
//   ANGUAN_E2E_ONLY=mobile node tests/e2e/run.mjs                  (run tests whose name contains "mobile")
import { spawn, execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.resolve(root, process.env.ANGUAN_BIN || 'build/anguan');
const webRoot = path.resolve(root, process.env.ANGUAN_WEB_ROOT || 'web/dist');
const artifacts = path.join(root, 'test-artifacts', 'e2e');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const only = process.env.ANGUAN_E2E_ONLY || '';
const ADMIN = { username: 'admin', password: 'anguan123' };
const ACTION_TIMEOUT = 10000;
const WATCHDOG_MS = 600000;

// The server's enterprise time zone for this run: a fixed offset at which it is 22:xx now, so a
// job planned for "tonight" can start within minutes (night hours are 20:00–06:00). The browser
// contexts use the same zone so the pickers show enterprise time.
function nightZone(now = new Date()) {
  let h = (22 - now.getUTCHours() + 48) % 24;
  if (h > 14) h -= 24;
  const sign = h >= 0 ? '+' : '-';
  return { hours: h, offset: `${sign}${String(Math.abs(h)).padStart(2, '0')}:00`, id: h === 0 ? 'Etc/GMT' : `Etc/GMT${h > 0 ? '-' : '+'}${Math.abs(h)}` };
}
const NIGHT_TZ = nightZone();

const requireFromWeb = createRequire(path.join(root, 'web', 'package.json'));
const { chromium } = requireFromWeb('playwright-core');

const log = (...a) => console.log(...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const stamp = Date.now().toString(36).slice(-5).toUpperCase();

// ---------------------------------------------------------------- server

let server = null;
let tmpDir = null;
let serverLog = '';

function run(cmd, args, timeout) {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout, maxBuffer: 4 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stdout}\n${stderr}`));
      else resolve(stdout + stderr);
    });
  });
}

async function startServer() {
  if (process.env.ANGUAN_E2E_URL) return process.env.ANGUAN_E2E_URL.replace(/\/$/, '');
  if (!fs.existsSync(bin)) throw new Error(`server binary not found: ${bin} (set ANGUAN_BIN)`);
  if (!fs.existsSync(path.join(webRoot, 'index.html'))) throw new Error(`web root has no index.html: ${webRoot} (run npm run build in web/)`);
  tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'anguan-e2e-'));
  const dbArg = `sqlite:${path.join(tmpDir, 'e2e.db')}`;
  process.env.ANGUAN_TIMEZONE = NIGHT_TZ.offset;
  const demo = await run(bin, ['demo', '--db', dbArg], 60000);
  log(`# demo: ${demo.trim().split('\n').slice(-2).join(' | ')}`);
  server = spawn(bin, ['serve', '--db', dbArg, '--http', '127.0.0.1:0', '--web-root', webRoot], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not report its port in 20 s:\n${serverLog}`)), 20000);
    const onData = (chunk) => {
      serverLog += chunk.toString();
      if (serverLog.length > 200000) serverLog = serverLog.slice(-100000);
      const m = /anguan: listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(serverLog);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    server.stdout.on('data', onData);
    server.stderr.on('data', (c) => {
      serverLog += c.toString();
    });
    server.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${serverLog}`));
    });
  });
}

function stopServer() {
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    const s = server;
    setTimeout(() => {
      if (s.exitCode === null) s.kill('SIGKILL');
    }, 3000).unref();
  }
  server = null;
  if (tmpDir) {
    try {
      fs.rmSync(tmpDir, { recursive: true, force: true });
    } catch {
      /* ignore */
    }
    tmpDir = null;
  }
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    stopServer();
    process.exit(130);
  });
}
process.on('exit', () => {
  if (server && server.exitCode === null) server.kill('SIGKILL');
});

// ---------------------------------------------------------------- harness

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

async function shot(page, name) {
  fs.mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: false });
}

// ---------------------------------------------------------------- page helpers

const DESKTOP = { viewport: { width: 1366, height: 800 }, locale: 'zh-CN' };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale: 'zh-CN' };

async function newPage(browser, opts) {
  const context = await browser.newContext(opts);
  context.setDefaultTimeout(ACTION_TIMEOUT);
  const page = await context.newPage();
  page.on('pageerror', (e) => log(`# page error: ${e.message}`));
  return { context, page };
}

async function desktopLogin(page, base) {
  await page.goto(`${base}/login`);
  await page.locator('input[data-test=username], [data-test=username] input').first().fill(ADMIN.username);
  await page.locator('input[data-test=password], [data-test=password] input').first().fill(ADMIN.password);
  await page.locator('[data-test=login-submit]').click();
  await page.locator('[data-test=user-name]').waitFor();
}

const formItem = (page, field) => page.locator(`[data-test=entity-form] .el-form-item[data-field="${field}"]`);

async function fillText(page, field, value) {
  await formItem(page, field).locator('input, textarea').first().fill(value);
}

// Wait until no Element Plus dropdown is showing (closing ones fade out for a moment).
async function dropdownsClosed(page) {
  await page.waitForFunction(() =>
    [...document.querySelectorAll('.el-select-dropdown')].every((d) => {
      const popper = d.closest('.el-popper') || d;
      return popper.offsetParent === null || getComputedStyle(popper).display === 'none';
    }),
  );
}

// Element Plus select: open it and click the option with this text (or the first one).
async function pickOption(page, field, text) {
  await dropdownsClosed(page);
  await formItem(page, field).locator('.el-select__wrapper').click();
  const options = page.locator('.el-select-dropdown__item:visible');
  const option = text ? options.filter({ hasText: text }).first() : options.first();
  await option.click();
  await dropdownsClosed(page);
}

// Remote-search select for a reference: type, wait for results, pick the first.
async function pickRef(page, field, query) {
  const item = formItem(page, field);
  await dropdownsClosed(page);
  await item.locator('.el-select__wrapper').click();
  if (query) await item.locator('input').fill(query);
  const option = page.locator('.el-select-dropdown__item:visible').first();
  await option.waitFor();
  await option.click();
  await dropdownsClosed(page);
}

async function openEntity(page, entityPath) {
  await page.locator(`[data-test=menu-${entityPath}]`).click();
  await page.waitForURL(`**/data/${entityPath}`);
  await page.locator('[data-test=entity-table]').waitFor();
}

async function openCreate(page) {
  await page.locator('[data-test=create]').click();
  await page.locator('[data-test=entity-form]').waitFor();
}

async function saveForm(page) {
  await page.locator('[data-test=form-save]').click();
}

async function tableHas(page, text) {
  await page.locator('[data-test=entity-table] .el-table__body').getByText(text, { exact: true }).first().waitFor();
}

// ---------------------------------------------------------------- tests

let browser;
let base;

test('desktop: log in as admin and see the home dashboard', async () => {
  const { context, page } = await newPage(browser, DESKTOP);
  try {
    await desktopLogin(page, base);
    await page.locator('[data-test=entity-chart] canvas').waitFor();
    await page.locator('[data-test=menu-users]').waitFor();
    await page.locator('[data-test=menu-audit]').waitFor();
    await sleep(400);
    await shot(page, 'desktop-home');
  } finally {
    await context.close();
  }
});

test('desktop: create an area and a person, see server validation, switch to English', async () => {
  const { context, page } = await newPage(browser, DESKTOP);
  try {
    await desktopLogin(page, base);

    // Area
    await openEntity(page, 'areas');
    const areaCode = `E2E-A-${stamp}`;
    const areaName = `E2E测试区域${stamp}`;
    await openCreate(page);
    await fillText(page, 'name', areaName);
    await fillText(page, 'code', areaCode);
    await pickRef(page, 'org_id', '');
    await pickOption(page, 'kind', '罐区');
    await shot(page, 'desktop-area-form');
    await saveForm(page);
    await page.locator('[data-test=entity-form]').waitFor({ state: 'hidden' });
    await tableHas(page, areaCode);
    await shot(page, 'desktop-areas');

    // Server validation: the same code again is a 409 base.duplicate on field "code".
    await openCreate(page);
    await fillText(page, 'name', `${areaName}-2`);
    await fillText(page, 'code', areaCode);
    await pickRef(page, 'org_id', '');
    await pickOption(page, 'kind', '仓库');
    await saveForm(page);
    const codeError = formItem(page, 'code').locator('.el-form-item__error');
    await codeError.waitFor();
    const codeErrorText = (await codeError.textContent()).trim();
    assert(codeErrorText.length > 0, 'expected an error message under the code field');
    await shot(page, 'desktop-validation-duplicate');
    // A required field left empty: validation.failed with details {name: "required"}.
    await fillText(page, 'name', '');
    await fillText(page, 'code', `${areaCode}-X`);
    await saveForm(page);
    const nameError = formItem(page, 'name').locator('.el-form-item__error');
    await nameError.waitFor();
    const nameErrorText = (await nameError.textContent()).trim();
    assert(/必填/.test(nameErrorText), `expected the translated reason "必填项" under name, got "${nameErrorText}"`);
    await shot(page, 'desktop-validation-required');
    await page.locator('[data-test=entity-form] .el-dialog__footer button').first().click();
    await page.locator('[data-test=entity-form]').waitFor({ state: 'hidden' });

    // Person
    await openEntity(page, 'people');
    const empNo = `E2E${stamp}`;
    await openCreate(page);
    await fillText(page, 'name', `测试员${stamp}`);
    await fillText(page, 'employee_no', empNo);
    await pickOption(page, 'kind', '本企业员工');
    await pickRef(page, 'org_id', '');
    await saveForm(page);
    await page.locator('[data-test=entity-form]').waitFor({ state: 'hidden' });
    await tableHas(page, empNo);
    await shot(page, 'desktop-people');

    // English
    await page.locator('[data-test=lang-switch]').click();
    await page.locator('[data-test="lang-en"]:visible').click();
    await page.locator('[data-test=menu-areas]').getByText('Areas').waitFor();
    await page.locator('[data-test=entity-table] .el-table__header').getByText('Employee no.').waitFor();
    await page.getByRole('button', { name: 'New' }).waitFor();
    await shot(page, 'desktop-people-en');
  } finally {
    await context.close();
  }
});

test('desktop: users and audit pages, verify the audit chain, log out', async () => {
  const { context, page } = await newPage(browser, DESKTOP);
  try {
    await desktopLogin(page, base);
    await page.locator('[data-test=menu-users]').click();
    await page.locator('[data-test=users-table] .el-table__body').getByText('admin', { exact: true }).first().waitFor();
    await shot(page, 'desktop-users');

    await page.locator('[data-test=menu-audit]').click();
    await page.locator('[data-test=audit-table] .el-table__row').first().waitFor();
    await page.locator('[data-test=audit-verify]').click();
    const result = page.locator('[data-test=audit-verify-result]');
    await result.waitFor();
    const cls = await result.getAttribute('class');
    assert(/el-alert--success/.test(cls), `audit chain should verify OK, got: ${(await result.textContent()).trim()}`);
    const expand = page.locator('[data-test=audit-table] .el-table__expand-icon').first();
    await expand.click();
    await page.locator('[data-test=audit-table] .diff').first().waitFor();
    await shot(page, 'desktop-audit');

    // Log out: the token is gone and protected pages send us back to the login page.
    await page.locator('[data-test=user-menu]').click();
    await page.locator('[data-test=logout]:visible').click();
    await page.locator('.el-message-box__btns .el-button--primary').click();
    await page.waitForURL('**/login**');
    await page.goto(`${base}/data/areas`);
    await page.waitForURL('**/login**');
  } finally {
    await context.close();
  }
});

test('mobile: log in at /m, open areas from the Data tab, create an area', async () => {
  const { context, page } = await newPage(browser, PHONE);
  try {
    await page.goto(`${base}/m`);
    await page.waitForURL('**/m/login**');
    await page.locator('[data-test=m-username] input').fill(ADMIN.username);
    await page.locator('[data-test=m-password] input').fill(ADMIN.password);
    await shot(page, 'mobile-login');
    await page.locator('[data-test=m-login-submit]').tap();
    await page.locator('[data-test=m-tabbar]').waitFor();
    await sleep(300);
    await shot(page, 'mobile-home');
    await page.locator('[data-test=tab-data]').tap();
    await page.locator('[data-test=m-entity-areas]').tap();
    await page.waitForURL('**/m/data/areas');
    await page.locator('[data-test^=m-row-]').first().waitFor();
    await shot(page, 'mobile-areas');

    await page.locator('[data-test=m-create]').tap();
    await page.waitForURL('**/m/data/areas/new');
    const name = `手机区域${stamp}`;
    await page.locator('[data-field=name] input').fill(name);
    await page.locator('[data-field=code] input').fill(`E2E-M-${stamp}`);
    await page.locator('[data-field=org_id]').tap();
    await page.locator('[data-test^=m-ref-option-]').first().tap();
    await page.locator('[data-field=kind]').tap();
    await page.locator('.van-action-sheet__item', { hasText: '罐区' }).tap();
    await sleep(300);
    await shot(page, 'mobile-area-form');
    await page.locator('[data-test=m-save]').tap();
    await page.waitForURL('**/m/data/areas');
    await page.locator('[data-test^=m-row-]', { hasText: name }).first().waitFor();
    await shot(page, 'mobile-areas-created');

    await page.locator('[data-test=tab-me]').tap();
    await page.locator('[data-test=m-user-name]').waitFor();
    await shot(page, 'mobile-me');
  } finally {
    await context.close();
  }
});

test('live: a holiday created in one browser appears in the other via WebSocket', async () => {
  const a = await newPage(browser, DESKTOP);
  const b = await newPage(browser, DESKTOP);
  try {
    await desktopLogin(a.page, base);
    await desktopLogin(b.page, base);
    await openEntity(a.page, 'holidays');
    await openEntity(b.page, 'holidays');
    await b.page.locator('[data-test=live-dot].on').waitFor();
    await a.page.locator('[data-test=live-dot].on').waitFor();
    await sleep(500); // let the subscription reach the server

    const year = 2040 + (parseInt(stamp, 36) % 50);
    const day = `${year}-0${1 + (parseInt(stamp, 36) % 9)}-1${parseInt(stamp, 36) % 9}`;
    const name = `E2E假日${stamp}`;
    await openCreate(a.page);
    const dateInput = formItem(a.page, 'date').locator('input');
    await dateInput.fill(day);
    await dateInput.press('Enter');
    await fillText(a.page, 'name', name);
    await pickOption(a.page, 'kind', '法定节假日');
    await saveForm(a.page);
    await a.page.locator('[data-test=entity-form]').waitFor({ state: 'hidden' });
    await tableHas(a.page, name);

    // B never reloads: the row and a toast arrive over the WebSocket.
    await tableHas(b.page, name);
    await b.page.locator('.live-toast').first().waitFor();
    await shot(b.page, 'live-holidays-other-browser');
  } finally {
    await a.context.close();
    await b.context.close();
  }
});

// ---------------------------------------------------------------- permits (issue 3 acceptance)

const PHONE_NIGHT = { ...PHONE, timezoneId: NIGHT_TZ.id, geolocation: { latitude: 29.941, longitude: 121.853 }, permissions: ['geolocation'] };

async function apiCall(method, pathName, token, body) {
  const res = await fetch(`${base}/api/v1${pathName}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : null;
  if (!res.ok) throw new Error(`${method} ${pathName} → ${res.status} ${text.slice(0, 300)}`);
  return json;
}

async function apiLogin(username) {
  return (await apiCall('POST', '/auth/login', null, { username, password: ADMIN.password })).token;
}

async function mobileLogin(page, username) {
  await page.goto(`${base}/m/login`);
  await page.locator('[data-test=m-username] input').fill(username);
  await page.locator('[data-test=m-password] input').fill(ADMIN.password);
  await page.locator('[data-test=m-login-submit]').tap();
  await page.locator('[data-test=m-tabbar]').waitFor();
}

// Local wall-clock text "YYYY-MM-DDTHH:mm" of an instant in the run's enterprise zone.
function zoneLocal(ms) {
  const d = new Date(ms + NIGHT_TZ.hours * 3600000);
  const p2 = (n) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}T${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}`;
}

async function mPick(page, field, query, id, multiple = false) {
  await page.locator(`[data-field=${field}]`).first().tap();
  const search = page.locator(`.van-search[data-test=ref-search-${field}] input`);
  await search.waitFor();
  await search.fill(query);
  const option = page.locator(`.van-popup:visible [data-test=ref-option-${id}]`);
  await option.waitFor();
  await sleep(300); // let the debounced search settle
  await page.locator(`.van-popup:visible [data-test=ref-option-${id}]`).tap();
  if (multiple) await page.locator(`[data-test=ref-done-${field}]`).tap();
  await page.locator(`.van-search[data-test=ref-search-${field}]`).waitFor({ state: 'hidden' });
}

async function drawSignature(page) {
  const pad = page.locator('.van-popup:visible [data-test=signature-pad] canvas');
  await pad.waitFor();
  await sleep(500); // the sheet slides in: draw once it is in place
  const box = await pad.boundingBox();
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + 20, y);
  await page.mouse.down();
  for (let i = 1; i <= 12; i++) await page.mouse.move(box.x + 20 + i * 15, y + Math.sin(i) * 25);
  await page.mouse.up();
}

async function confirmVant(page) {
  await page.locator('.van-dialog__confirm').tap();
  await page.locator('.van-dialog').waitFor({ state: 'hidden' });
}

async function waitState(page, state) {
  await page.locator(`[data-test=permit-state][data-state=${state}]`).waitFor({ timeout: 15000 });
}

// Wait for a bottom sheet to close; a server error shown in it fails the test with its text.
async function sheetClosed(page, name) {
  const sheet = page.locator(`[data-test=${name}]`);
  const error = page.locator(`[data-test=${name}] [data-test=dlg-error]`);
  await Promise.race([sheet.waitFor({ state: 'hidden' }), error.waitFor()]);
  if (await error.isVisible()) throw new Error(`${name}: ${(await error.textContent()).trim()}`);
}

async function act(page, action) {
  const btn = page.locator(`[data-test=act-${action}]`);
  await btn.waitFor();
  await btn.tap();
}

test('permit: special hot work at night as a new user would, mobile — grade, chain, gated start, close-out', async () => {
  // What the work leader knows: his crew and the area. Looked up through the API.
  const leaderToken = await apiLogin('p1leader');
  const me = async (u) => (await apiCall('GET', '/auth/me', await apiLogin(u))).person_id;
  const crew = { leader: await me('p1leader'), guardian: await me('p1guard'), worker: await me('p1worker') };
  assert(crew.leader && crew.guardian && crew.worker, `demo accounts need linked people: ${JSON.stringify(crew)}`);
  const person = async (id) => apiCall('GET', `/people/${id}`, leaderToken);
  const names = { leader: (await person(crew.leader)).name, guardian: (await person(crew.guardian)).name, worker: (await person(crew.worker)).name };
  const areas = (await apiCall('GET', '/areas?page_size=200', leaderToken)).items || [];
  const area = areas.find((a) => a.fire_explosion_hazard && a.kind === 'process_unit') || areas.find((a) => a.fire_explosion_hazard);
  assert(area, `p1leader sees no fire/explosion area (${areas.length} areas visible)`);

  const from = Math.ceil((Date.now() + 60000) / 60000) * 60000 + 60000; // two minutes ahead, whole minute
  const to = from + 4 * 3600000;
  const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
  log(`# permit: zone ${NIGHT_TZ.offset}, window ${zoneLocal(from)} – ${zoneLocal(to)}, area ${area.name}`);

  const L = await newPage(browser, PHONE_NIGHT);
  const contexts = [L.context];
  try {
    const page = L.page;
    await mobileLogin(page, 'p1leader');
    await page.locator('[data-test=tab-tasks]').tap();
    await page.locator('[data-test=m-apply]').tap();
    await page.waitForURL('**/m/permits/new');
    await page.waitForFunction(() => /动火/.test(document.querySelector('[data-field=type] input')?.value || ''));
    await page.locator('[data-field=title] input').fill(`换热器出口法兰补焊 ${stamp}`);
    await mPick(page, 'area_id', area.name, area.id);
    await page.locator('[data-field=from] input').fill(zoneLocal(from));
    await page.locator('[data-field=to] input').fill(zoneLocal(to));
    await mPick(page, 'leader_id', names.leader, crew.leader);
    await mPick(page, 'guardian_id', names.guardian, crew.guardian);
    await mPick(page, 'worker_ids', names.worker, crew.worker, true);
    // The hot-work form's own boxes (动火地点, 动火方式 picked from its options, 动火人及证书编号).
    await page.locator('[data-field=field-hot_location] textarea').fill('E-101 出口法兰');
    const method = page.locator('[data-field=field-hot_method] [data-option=electric_welding]');
    assert(/电焊/.test(await method.textContent()), `the method is offered by its name, got "${await method.textContent()}"`);
    await method.tap();
    await page.locator('[data-field=field-worker_cert_numbers] textarea').fill(`${names.worker} T330001`);
    await page.locator('[data-test=cond-unit_in_operation]').tap();
    await page.locator('[data-test=cond-continuous_monitor]').tap();
    await page.locator('[data-test=jha-add-step]').tap();
    await page.locator('[data-test=jha-step-0] input').fill('法兰补焊');
    await page.locator('[data-test=jha-hazard-0-0] input').fill('火花飞溅引燃泄漏油气');
    await page.locator('[data-test=jha-control-0-0-0] input').fill('动火点周围 15 m 清除可燃物，铺设防火毯，持续气体检测');

    // Live grading: 特级 with the reason (night), and the approver chain for 特级.
    const level = page.locator('[data-test=grade-level]');
    await level.waitFor({ timeout: 15000 });
    await page.waitForFunction(() => /特级/.test(document.querySelector('[data-test=grade-level]')?.textContent || ''), null, { timeout: 15000 });
    const reasons = (await page.locator('[data-test=grade-reasons]').textContent()).trim();
    assert(/夜/.test(reasons), `grade reasons should name the night upgrade, got "${reasons}"`);
    const chain = await page.locator('[data-test=chain-step]').allTextContents();
    assert(chain.length >= 3 && chain.some((c) => /主管领导/.test(c)), `特级 chain should end with the leader in charge, got ${JSON.stringify(chain)}`);
    // The preview follows the form (debounced): the findings of the whole form come last.
    await page.waitForFunction(() => !document.querySelector('[data-test=finding-block]'), null, { timeout: 15000 }).catch(() => {});
    const blocks = await page.locator('[data-test=finding-block]').allTextContents();
    assert(!blocks.length, `unexpected blocking findings: ${blocks.join(' | ')}`);
    for (const warn of await page.locator('[data-test=finding-warn] textarea').all()) await warn.fill('现场已确认，措施到位，可以作业');
    await page.locator('[data-test=grade-panel]').scrollIntoViewIfNeeded();
    await shot(page, 'permit-m-plan-grade');

    await page.locator('[data-test=m-permit-submit]').tap();
    await page.waitForURL(/\/m\/permits\/\d+$/);
    const permitId = /\/m\/permits\/(\d+)$/.exec(page.url())[1];
    await waitState(page, 'in_approval');
    await page.locator('[data-test=waiting-for]').waitFor();
    await shot(page, 'permit-m-submitted');

    // The chain's approvers sign on their phones: drawn signature, then password re-entry.
    const approvers = [
      { user: 'p1unit', mode: 'image' },
      { user: 'hse', mode: 'password' },
      { user: 'leader', mode: 'image' },
    ];
    const adminToken = await apiLogin('admin');
    let maint = null;
    for (const [i, a] of approvers.entries()) {
      const last = i === approvers.length - 1;
      if (last) {
        // Before the last approval, maintenance is scheduled on equipment in the same unit: the
        // check at issue finds the warning anew and the approver gives a reason on the phone.
        let equipment = ((await apiCall('GET', `/equipment?area_id=${area.id}&page_size=50`, adminToken)).items || [])[0];
        if (!equipment) {
          equipment = await apiCall('POST', '/equipment', adminToken, { code: `EQ-M-${stamp}`, name: '换热器', area_id: area.id, org_id: area.org_id });
        }
        maint = await apiCall('POST', '/maintenance-windows', adminToken, {
          equipment_id: equipment.id, kind: 'maintenance', starts_at: iso(from - 60 * 60000), ends_at: iso(to + 60 * 60000), description: `换热器检修 ${stamp}`,
        });
        const m = maint;
        contexts.push({ close: () => apiCall('DELETE', `/maintenance-windows/${m.id}?version=${m.version}`, adminToken).catch(() => {}) });
      }
      const A = await newPage(browser, PHONE_NIGHT);
      contexts.push(A.context);
      await mobileLogin(A.page, a.user);
      await A.page.goto(`${base}/m/permits/${permitId}`);
      await act(A.page, 'approve');
      await A.page.locator('[data-test=decide-sheet]').waitFor();
      if (a.mode === 'image') {
        await drawSignature(A.page);
      } else {
        await A.page.locator('[data-test=sig-mode-password]').tap();
        await A.page.locator('[data-field=sig-password] input').fill(ADMIN.password);
      }
      await A.page.locator('[data-field=comment] textarea').fill('同意，按方案落实措施');
      if (i === 0) await shot(A.page, 'permit-m-approve-signature');
      await A.page.locator('[data-test=decide-confirm]').tap();
      if (last) {
        const code = `maintenance.area.${maint.id}`;
        const warn = A.page.locator(`[data-test=decide-sheet] [data-test=issue-findings] [data-test=issue-warn][data-code="${code}"]`);
        await warn.waitFor();
        assert(/检修/.test(await warn.textContent()), `the warning names the maintenance, got "${await warn.textContent()}"`);
        await shot(A.page, 'permit-m-issue-check');
        await A.page.locator(`textarea[data-test="issue-reason-${code}"], [data-test="issue-reason-${code}"] textarea`).first().fill('检修在停用的换热器，已加盲板隔离，设警戒');
        await A.page.locator('[data-test=decide-confirm]').tap();
      }
      await sheetClosed(A.page, 'decide-sheet');
      await A.context.close();
    }
    {
      const issued = await apiCall('GET', `/permits/${permitId}`, leaderToken);
      const code = `maintenance.area.${maint.id}`;
      assert(issued.issue_overrides && /盲板/.test(issued.issue_overrides[code] || ''), `the approver's reason is kept, got ${JSON.stringify(issued.issue_overrides)}`);
      await apiCall('DELETE', `/maintenance-windows/${maint.id}?version=${maint.version}`, adminToken);
    }
    await page.reload();
    await waitState(page, 'issued');

    // A site photo from the phone's camera, compressed in the browser before upload.
    const photo = await fakePhoto(page, 'SITE');
    await page.locator('[data-test=m-file-camera] input[type=file]').setInputFiles(photo);
    await page.locator('[data-test=permit-file][data-kind=image] img').first().waitFor({ timeout: 15000 });
    // (Drawn approval signatures are permit files too; the screen lists only attachments.)
    const files = ((await apiCall('GET', `/permits/${permitId}`, leaderToken)).files || []).filter((f) => !/signature/.test(f.name));
    assert(files.length === 1 && files[0].content_type === 'image/jpeg' && files[0].size < photo.buffer.length, `one compressed JPEG expected, got ${JSON.stringify(files)} (original ${photo.buffer.length} B)`);

    // Start without a gas test is refused, with the reason.
    await act(page, 'start');
    await confirmVant(page);
    const blocked = page.locator('[data-test=start-blocked]');
    await blocked.waitFor();
    const why = (await blocked.textContent()).trim();
    assert(/气体|检测/.test(why), `start should be refused for the missing gas test, got "${why}"`);
    await shot(page, 'permit-m-start-refused');

    // One sampling with a multi-gas detector: flammables (LEL 5 % vol → limit 0.5 % vol) and
    // oxygen in one sheet; nothing filled in is refused on the phone.
    await act(page, 'gas_test');
    await page.locator('[data-test=gas-sheet]').waitFor();
    await page.locator('[data-test=gas-confirm]').tap();
    const none = (await page.locator('[data-test=gas-sheet] [data-test=dlg-error]').textContent()).trim();
    assert(/至少/.test(none), `an empty gas test should ask for a reading, got "${none}"`);
    await page.locator('[data-field=gas-value-flammable] input').fill('0.1');
    await page.locator('[data-field=gas-lel] input').fill('5');
    await page.locator('[data-field=gas-value-o2] input').fill('20.9');
    await page.locator('[data-field=gas-point] input').fill('E-101 出口法兰下风侧');
    await page.locator('[data-field=gas-instrument] input').fill('GT-2024-07');
    await page.locator('[data-test=gas-confirm]').tap();
    await page.locator('[data-test=gas-result].ok').waitFor();
    await page.locator('[data-test=gas-verdict-o2]').waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-test=gas-test-row]').length >= 2);
    await shot(page, 'permit-m-gas-test');
    await page.keyboard.press('Escape');
    await page.locator('.van-overlay:visible').first().click({ position: { x: 10, y: 10 } }).catch(() => {});
    await page.locator('[data-test=gas-sheet]').waitFor({ state: 'hidden' });

    await act(page, 'measures');
    await page.locator('[data-test=measures-confirm]').tap();
    await sheetClosed(page, 'measures-sheet');
    await act(page, 'briefing');
    await page.locator('[data-field=receivers] textarea').fill(`${names.guardian}, ${names.worker}`);
    await page.locator('[data-test=simple-confirm]').tap();
    await sheetClosed(page, 'briefing-sheet');
    await act(page, 'shift_check');
    await confirmVant(page);

    // The window opens at `from`; then work starts.
    const wait = from - Date.now() + 1500;
    if (wait > 0) {
      log(`# permit: waiting ${Math.round(wait / 1000)} s for the window to open`);
      await sleep(wait);
    }
    await act(page, 'start');
    await confirmVant(page);
    await waitState(page, 'active');
    await shot(page, 'permit-m-active');

    // The guardian starts guarding on their phone; the work leader doesn't get the buttons.
    assert((await page.locator('[data-test=guard-start]').count()) === 0, 'only the guardian may confirm presence');
    {
      const G = await newPage(browser, PHONE_NIGHT);
      contexts.push(G.context);
      await mobileLogin(G.page, 'p1guard');
      await G.page.goto(`${base}/m/permits/${permitId}`);
      await G.page.locator('[data-test=guard-start]').tap();
      await G.page.locator('[data-test=guardian-card][data-guarding=yes]').waitFor();
      await shot(G.page, 'permit-m-guarding');
      const presence = (await apiCall('GET', `/permits/${permitId}`, leaderToken)).guardian_presence;
      assert(presence && presence.last_seen, `guardian presence expected, got ${JSON.stringify(presence)}`);
      await G.context.close();
    }

    await act(page, 'complete');
    await confirmVant(page);
    await waitState(page, 'completed');
    await act(page, 'acceptance');
    await page.locator('[data-test=acceptance-sheet]').waitFor();
    await drawSignature(page);
    await page.locator('[data-test=simple-confirm]').tap();
    await sheetClosed(page, 'acceptance-sheet');
    await act(page, 'review');
    await page.locator('[data-field=lessons] textarea').fill('夜间动火照明充足，气体检测连续在线，交底到位。');
    await page.locator('[data-test=simple-confirm]').tap();
    await sheetClosed(page, 'review-sheet');
    await act(page, 'close');
    await confirmVant(page);
    await waitState(page, 'closed');

    // The full timeline: plan, approvals, gas tests, confirmations, start, completion, close-out.
    const events = await page.locator('[data-test=timeline-event]').count();
    assert(events >= 10, `expected a full timeline, got ${events} events`);
    await page.locator('[data-test=permit-timeline]').scrollIntoViewIfNeeded();
    await shot(page, 'permit-m-closed-timeline');
    await page.screenshot({ path: path.join(artifacts, 'permit-m-closed-full.png'), fullPage: true });

    // A close-out finding raised as a hazard: the report form opens with the permit's area.
    await page.locator('[data-test=raise-hazard]').tap();
    await page.waitForURL('**/m/hazards/new?**');
    await page.locator('[data-test=hz-report-source]').waitFor();
    await page.waitForFunction((name) => document.querySelector('[data-field=area] input')?.value === name, area.name);
    await page.locator('[data-field=type]').tap();
    await page.locator('.van-cascader__option', { hasText: '物的不安全状态' }).tap();
    await page.locator('.van-cascader__option', { hasText: '跑冒滴漏' }).tap();
    await page.locator('.van-cascader').waitFor({ state: 'hidden' });
    const finding = `复盘：法兰垫片渗漏 ${stamp}`;
    await page.locator('[data-field=description] textarea').fill(finding);
    await page.locator('[data-test=hz-photo] input[type=file]').setInputFiles(await fakePhoto(page, 'LEAK'));
    await page.waitForFunction(() => document.querySelector('[data-test=hz-photo] .van-uploader__preview') && !document.querySelector('[data-test=hz-photo] .van-uploader__mask'), null, { timeout: 15000 });
    await page.locator('[data-test=hz-submit]').tap();
    await page.waitForURL(/\/m\/hazards\/\d+$/);
    const hazardId = /\/m\/hazards\/(\d+)$/.exec(page.url())[1];
    await page.locator('[data-test=hazard-permit-link]').tap();
    await page.waitForURL(`**/m/permits/${permitId}`);
    await page.locator(`[data-test=permit-hazard-${hazardId}]`).waitFor();
    await page.locator(`[data-test=permit-hazard-${hazardId}]`).scrollIntoViewIfNeeded();
    await shot(page, 'permit-m-hazard-raised');
  } finally {
    for (const c of contexts) await c.close().catch(() => {});
  }
});

// ---------------------------------------------------------------- hazards (issue 4 acceptance)

// A camera-like JPEG drawn in the browser (the phone's camera in the test).
async function fakePhoto(page, label) {
  const dataUrl = await page.evaluate((text) => {
    const c = document.createElement('canvas');
    c.width = 1600;
    c.height = 1200;
    const g = c.getContext('2d');
    const grad = g.createLinearGradient(0, 0, 1600, 1200);
    grad.addColorStop(0, '#7a8a99');
    grad.addColorStop(1, '#2f3b46');
    g.fillStyle = grad;
    g.fillRect(0, 0, 1600, 1200);
    g.fillStyle = '#f5c400';
    g.fillRect(500, 380, 600, 440);
    g.fillStyle = '#111';
    g.font = 'bold 90px sans-serif';
    g.fillText(text, 560, 640);
    return c.toDataURL('image/jpeg', 0.92);
  }, label);
  return { name: `${label}.jpg`, mimeType: 'image/jpeg', buffer: Buffer.from(dataUrl.split(',')[1], 'base64') };
}

async function hazardState(page, state) {
  await page.locator(`[data-test=hazard-state][data-state=${state}]`).waitFor({ timeout: 15000 });
}

test('hazard: a worker reports on the phone with a photo, the assignee rectifies with evidence, the reporter verifies — closed', async () => {
  const workerToken = await apiLogin('p1worker');
  const areas = (await apiCall('GET', '/areas?page_size=200', workerToken)).items || [];
  const area = areas.find((a) => a.code === 'A-P1-MW');
  assert(area, `p1worker should see the maintenance hall A-P1-MW (${areas.length} areas visible)`);
  const leaderPerson = (await apiCall('GET', '/auth/me', await apiLogin('p1leader'))).person_id;
  const leaderName = (await apiCall('GET', `/people/${leaderPerson}`, workerToken)).name;
  const description = `砂轮机防护罩缺失 ${stamp}`;

  const W = await newPage(browser, PHONE);
  const contexts = [W.context];
  try {
    const page = W.page;
    await mobileLogin(page, 'p1worker');
    await page.locator('[data-test=tab-hazards]').tap();
    await page.locator('[data-test=m-hazard-report]').tap();
    await page.waitForURL('**/m/hazards/new');
    // Area, type (from the taxonomy), level with its definition shown, description, photo.
    await page.locator('[data-field=area]').tap();
    await page.locator('[data-test=hz-area-search] input').fill('维修');
    await page.locator(`[data-test=hz-area-${area.id}]`).tap();
    await page.locator('[data-field=type]').tap();
    await page.locator('.van-cascader__option', { hasText: '物的不安全状态' }).tap();
    await page.locator('.van-cascader__option', { hasText: '防护装置缺失' }).tap();
    await page.locator('.van-cascader').waitFor({ state: 'hidden' });
    const def = (await page.locator('[data-test=hz-level-def]').textContent()).trim();
    assert(/立即整改/.test(def), `the general level's definition should be shown, got "${def}"`);
    await page.locator('[data-field=description] textarea').fill(description);
    await page.locator('[data-test=hz-photo] input[type=file]').setInputFiles(await fakePhoto(page, 'GUARD'));
    await page.locator('[data-test=hz-photo] .van-uploader__preview').waitFor();
    await page.waitForFunction(() => !document.querySelector('[data-test=hz-photo] .van-uploader__mask'), null, { timeout: 15000 });
    await shot(page, 'hazard-m-report');
    await page.locator('[data-test=hz-submit]').tap();
    await page.waitForURL(/\/m\/hazards\/\d+$/);
    const id = /\/m\/hazards\/(\d+)$/.exec(page.url())[1];

    // Assigned automatically (the area's rule) with a deadline, and the photo is there.
    await hazardState(page, 'assigned');
    await page.locator('[data-test=hazard-assignee]', { hasText: leaderName }).waitFor().catch(() => {});
    const assignee = (await page.locator('[data-test=hazard-assignee]').textContent()).trim();
    assert(assignee.includes(leaderName), `should be assigned to ${leaderName}, got "${assignee}"`);
    const deadline = (await page.locator('[data-test=hazard-deadline]').textContent()).trim();
    assert(/\d{4}-\d{2}-\d{2}/.test(deadline), `a deadline should be shown, got "${deadline}"`);
    await page.locator('[data-test=hazard-photos] img').first().waitFor();
    await shot(page, 'hazard-m-assigned');

    // The assignee rectifies on his phone with evidence.
    const L = await newPage(browser, PHONE);
    contexts.push(L.context);
    await mobileLogin(L.page, 'p1leader');
    await L.page.locator('[data-test=tab-hazards]').tap();
    await L.page.locator(`[data-test=m-hazard-${id}]`).tap();
    await hazardState(L.page, 'assigned');
    await L.page.locator('[data-test=hz-act-submit]').tap();
    await L.page.locator('[data-field=measure] input').fill('加装砂轮机防护罩');
    await L.page.locator('[data-field=evidence] textarea').fill('已加装防护罩并张贴佩戴护目镜警示');
    await L.page.locator('[data-test=hz-evidence-photo] input[type=file]').setInputFiles(await fakePhoto(L.page, 'FIXED'));
    await L.page.locator('[data-test=hz-evidence-photo] .van-uploader__preview').waitFor();
    await L.page.waitForFunction(() => !document.querySelector('[data-test=hz-evidence-photo] .van-uploader__mask'), null, { timeout: 15000 });
    await shot(L.page, 'hazard-m-rectify');
    await L.page.locator('[data-test=hz-submit-confirm]').tap();
    await sheetClosed(L.page, 'hz-submit-sheet');
    await hazardState(L.page, 'submitted');

    // The reporter verifies: closed (销号), with the full timeline and both photos.
    await page.locator('[data-test=tab-hazards]').waitFor();
    await page.goto(`${base}/m/hazards?tab=verify`);
    await page.locator(`[data-test=m-hazard-${id}]`).tap();
    await hazardState(page, 'submitted');
    await page.locator('[data-test=hz-act-verify]').tap();
    await page.locator('[data-field=verify-note] textarea').fill('复查合格');
    await page.locator('[data-test=hz-verify-pass]').tap();
    await sheetClosed(page, 'hz-verify-sheet');
    await hazardState(page, 'closed');
    const events = await page.locator('[data-test=hazard-event]').allTextContents();
    assert(events.length >= 4, `expected report, assign, submit and verify in the timeline, got ${JSON.stringify(events)}`);
    await page.waitForFunction(() => document.querySelectorAll('[data-test=hazard-photos] img').length >= 2, null, { timeout: 15000 });
    await shot(page, 'hazard-m-closed');
    const h = await apiCall('GET', `/hazards/${id}`, workerToken);
    assert(h.state === 'closed' && h.closed_on_time && h.files.length >= 2, `server state: ${h.state}, on time ${h.closed_on_time}, files ${h.files.length}`);
  } finally {
    for (const c of contexts) await c.close().catch(() => {});
  }
});

// ---------------------------------------------------------------- permits on the desktop (issue 3 screens)

async function desktopLoginAs(page, username) {
  await page.goto(`${base}/login`);
  await page.locator('input[data-test=username], [data-test=username] input').first().fill(username);
  await page.locator('input[data-test=password], [data-test=password] input').first().fill(ADMIN.password);
  await page.locator('[data-test=login-submit]').click();
  await page.locator('[data-test=user-name]').waitFor();
}

const planItem = (page, field) => page.locator(`[data-test=plan-form] .el-form-item[data-field="${field}"]`);

// A remote-search select on the plan form: type, wait for the option with this label, pick it.
async function planPick(page, field, query, label) {
  await dropdownsClosed(page);
  const item = planItem(page, field);
  await item.locator('.el-select__wrapper').click();
  await item.locator('input').first().fill(query);
  const option = page.locator('.el-select-dropdown__item:visible', { hasText: label || query }).first();
  await option.waitFor();
  await option.click();
  // A multiple select stays open: click outside it.
  if (await page.locator('.el-select-dropdown:visible').count()) await page.locator('[data-test=plan-form] .el-divider').first().click();
  await dropdownsClosed(page);
}

// "YYYY-MM-DD HH:mm" of an instant in the run's enterprise zone (the desktop pickers' format).
const zoneText = (ms) => zoneLocal(ms).replace('T', ' ');

// A small PDF the server accepts (it checks the %PDF- magic).
const PDF_BYTES = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

async function fakePng(page, label) {
  const dataUrl = await page.evaluate((text) => {
    const c = document.createElement('canvas');
    c.width = 640;
    c.height = 480;
    const g = c.getContext('2d');
    g.fillStyle = '#2f3b46';
    g.fillRect(0, 0, 640, 480);
    g.fillStyle = '#f5c400';
    g.font = 'bold 60px sans-serif';
    g.fillText(text, 80, 260);
    return c.toDataURL('image/png');
  }, label);
  return { name: `${label}.png`, mimeType: 'image/png', buffer: Buffer.from(dataUrl.split(',')[1], 'base64') };
}

const DESKTOP_NIGHT = { ...DESKTOP, timezoneId: NIGHT_TZ.id };

test('permit: desktop — plan with live grading and findings, attachments, approval queue, timeline, board; a hazard raised from a permit', async () => {
  // The work leader's crew: himself, a worker with a height certificate, and a guardian who is free
  // in the window (the mobile scenario may still be guarding with p1guard). Looked up through the API.
  const leaderToken = await apiLogin('p1leader');
  const me = async (u) => (await apiCall('GET', '/auth/me', await apiLogin(u))).person_id;
  const crew = { leader: await me('p1leader'), worker: await me('p1worker') };
  const areas = (await apiCall('GET', '/areas?page_size=200', leaderToken)).items || [];
  const area = areas.find((a) => a.code === 'A-P1-MW');
  assert(area, `p1leader should see the maintenance hall A-P1-MW (${areas.length} areas visible)`);
  const from = Math.ceil((Date.now() + 10 * 60000) / 60000) * 60000;
  const to = from + 60 * 60000;
  const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
  const certs = (await apiCall('GET', '/certificates?page_size=500', leaderToken)).items || [];
  const guardians = [...new Set(certs.filter((c) => c.cert_type === 'guardian_training' && c.status === 'valid').map((c) => c.person_id))].filter((id) => id !== crew.leader);
  let guardian = null;
  for (const id of guardians) {
    const pv = await apiCall('POST', '/permits/preview', leaderToken, {
      type: 'height', title: 'probe', area_id: area.id, from: iso(from), to: iso(to), leader_id: crew.leader, guardian_id: id, worker_ids: [crew.worker], conditions: { height_m: 3 },
    });
    if (!(pv.findings || []).some((f) => f.severity !== 'pass')) {
      guardian = id;
      break;
    }
  }
  assert(guardian, 'no free, qualified guardian for the desktop permit');
  const person = async (id) => (await apiCall('GET', `/people/${id}`, leaderToken)).name;
  const names = { leader: await person(crew.leader), guardian: await person(guardian), worker: await person(crew.worker) };
  const title = `维修车间行车轨道检修 ${stamp}`;
  log(`# desktop permit: window ${zoneText(from)} – ${zoneText(to)}, guardian ${names.guardian}`);

  const L = await newPage(browser, DESKTOP_NIGHT);
  const contexts = [L.context];
  try {
    const page = L.page;
    await desktopLoginAs(page, 'p1leader');
    await page.locator('[data-test=menu-permit-new]').click();
    await page.waitForURL('**/permits/new');
    await planItem(page, 'type').locator('.el-select__wrapper').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: '高处作业' }).click();
    await dropdownsClosed(page);
    await planItem(page, 'title').locator('input').fill(title);
    await planPick(page, 'area_id', area.name);
    const range = planItem(page, 'window').locator('input');
    await range.nth(0).click();
    await range.nth(0).fill(zoneText(from));
    await range.nth(1).fill(zoneText(to));
    await range.nth(1).press('Enter');
    await page.locator('[data-test=plan-form] .el-divider').first().click(); // close the picker
    await planPick(page, 'leader_id', names.leader);
    await planPick(page, 'guardian_id', names.guardian);
    await planPick(page, 'worker_ids', names.worker);
    const height = planItem(page, 'height_m').locator('input');
    await height.fill('3');
    await height.press('Tab');

    // Live grading: height Ⅰ with the reason, and the feasibility findings (all pass here).
    await page.waitForFunction(() => /Ⅰ/.test(document.querySelector('[data-test=grade-level]')?.textContent || ''), null, { timeout: 15000 });
    const reasons = (await page.locator('[data-test=grade-reasons]').textContent()).trim();
    assert(/2-5 m/.test(reasons), `the grade reason should name the 2–5 m band, got "${reasons}"`);
    // The preview follows the form: wait for the one that knows the guardian (a slow machine can
    // show the findings of an earlier state of the form first).
    await page.waitForFunction(
      () => {
        const texts = [...document.querySelectorAll('[data-test=finding-pass]')].map((e) => e.textContent);
        return texts.length >= 5 && texts.some((t) => /监护人/.test(t)) && texts.some((t) => /证书/.test(t));
      },
      null,
      { timeout: 15000 },
    );
    const findings = await page.locator('[data-test=finding-pass]').allTextContents();
    assert(findings.some((f) => /证书/.test(f)) && findings.some((f) => /监护人/.test(f)), `certificate and guardian findings expected, got ${JSON.stringify(findings)}`);
    const chain = await page.locator('[data-test=chain-step]').allTextContents();
    assert(chain.length === 1 && /基层单位/.test(chain[0]), `height Ⅰ is approved by the unit, got ${JSON.stringify(chain)}`);

    // Attachments before saving: a text file is refused with the translated reason; a photo and a PDF wait.
    const fileInput = page.locator('[data-test=permit-file-input]');
    await fileInput.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not allowed') });
    const fileError = (await page.locator('[data-test=permit-file-error]').first().textContent()).trim();
    assert(/只能上传/.test(fileError), `a .txt should be refused in Chinese, got "${fileError}"`);
    await fileInput.setInputFiles([await fakePng(page, 'RAIL'), { name: '吊装方案.pdf', mimeType: 'application/pdf', buffer: PDF_BYTES }]);
    await page.waitForFunction(() => document.querySelectorAll('[data-test=permit-file-pending]').length === 2);
    await page.locator('[data-test=grade-panel]').scrollIntoViewIfNeeded();
    await shot(page, 'permit-d-plan');

    await page.locator('[data-test=plan-submit]:not([disabled])').click();
    await page.waitForURL(/\/permits\/\d+$/);
    const permitId = /\/permits\/(\d+)$/.exec(page.url())[1];
    await waitState(page, 'in_approval');
    await page.locator('[data-test=waiting-for]').waitFor();
    // Both attachments are on the permit: a thumbnail for the photo, a link for the PDF.
    await page.locator('[data-test=permit-file][data-kind=image] img').waitFor();
    await page.locator('[data-test=permit-file][data-kind=pdf] [data-test=permit-file-pdf]').waitFor();
    await page.locator('[data-test=permit-hazards-empty]').waitFor();

    // Between submit and issue, maintenance is scheduled on equipment in the same hall: the check
    // at issue finds the warning anew, and the approver must give a reason before it is issued.
    const adminToken = await apiLogin('admin');
    let equipment = ((await apiCall('GET', `/equipment?area_id=${area.id}&page_size=50`, adminToken)).items || [])[0];
    if (!equipment) {
      equipment = await apiCall('POST', '/equipment', adminToken, { code: `EQ-E2E-${stamp}`, name: '行车', area_id: area.id, org_id: area.org_id });
    }
    const maint = await apiCall('POST', '/maintenance-windows', adminToken, {
      equipment_id: equipment.id, kind: 'maintenance', starts_at: iso(from - 60 * 60000), ends_at: iso(to + 60 * 60000), description: `行车检修 ${stamp}`,
    });
    const maintCode = `maintenance.area.${maint.id}`;
    contexts.push({ close: () => apiCall('DELETE', `/maintenance-windows/${maint.id}?version=${maint.version}`, adminToken).catch(() => {}) });

    // The approver's queue on the desktop: approve through the dialog with password re-entry.
    const A = await newPage(browser, DESKTOP_NIGHT);
    contexts.push(A.context);
    await desktopLoginAs(A.page, 'p1unit');
    await A.page.locator('[data-test=menu-permit-queue]').click();
    const row = A.page.locator('[data-test=queue-table] .el-table__row', { hasText: title });
    await row.waitFor();
    await shot(A.page, 'permit-d-queue');
    await A.page.locator(`[data-test=approve-${permitId}]`).click();
    const dialog = A.page.locator('[data-test=decide-dialog]');
    await dialog.waitFor();
    await dialog.locator('.el-radio', { hasText: '密码' }).click();
    await A.page.locator('input[data-test=decide-password], [data-test=decide-password] input').first().fill(ADMIN.password);
    await A.page.locator('textarea[data-test=decide-comment], [data-test=decide-comment] textarea').first().fill('同意，安全带、防坠器到位');
    await A.page.locator('[data-test=decide-confirm]').click();
    const issueWarn = dialog.locator(`[data-test=issue-findings] [data-test=issue-warn][data-code="${maintCode}"]`);
    await issueWarn.waitFor();
    assert(/检修/.test(await issueWarn.textContent()), `the warning names the maintenance, got "${await issueWarn.textContent()}"`);
    await shot(A.page, 'permit-d-issue-check');
    await dialog.locator(`textarea[data-test="issue-reason-${maintCode}"], [data-test="issue-reason-${maintCode}"] textarea`).first().fill('行车检修在东跨，作业点在西跨，已设警戒');
    await A.page.locator('[data-test=decide-confirm]').click();
    await dialog.waitFor({ state: 'hidden' });
    await row.waitFor({ state: 'detached' });

    // The leader's open detail follows over the WebSocket: issued, with the timeline.
    await waitState(page, 'issued');
    await page.waitForFunction(() => document.querySelectorAll('[data-test=timeline-event]').length >= 4, null, { timeout: 15000 });
    const kinds = await page.locator('[data-test=timeline-event]').evaluateAll((els) => els.map((e) => e.dataset.kind));
    assert(kinds.filter((k) => k === 'attachment').length === 2, `two attachment events expected, got ${JSON.stringify(kinds)}`);
    // The check at issue is on the permit, with the approver's reason.
    const checked = page.locator(`[data-test=issue-check] [data-test=issue-check-warn][data-code="${maintCode}"]`);
    await checked.waitFor();
    assert(/西跨/.test(await checked.textContent()), `the reason shows under the warning, got "${await checked.textContent()}"`);
    await shot(page, 'permit-d-issued');

    // The daily board: the permit under its area.
    await page.locator('[data-test=menu-permit-board]').click();
    const card = page.locator(`[data-test=board-area][data-area-id="${area.id}"] [data-test=board-permit-${permitId}]`);
    await card.waitFor();
    await shot(page, 'permit-d-board');
    await card.click();
    await page.waitForURL(`**/permits/${permitId}`);
    await waitState(page, 'issued');

    // A gas test from the desktop: one sampling with several gases, each judged on its own.
    await page.locator('[data-test=act-gas_test]').click();
    const gasDlg = page.locator('[data-test=gas-dialog]');
    await gasDlg.waitFor();
    await gasDlg.locator('[data-field=gas-value-o2] input').fill('20.9');
    await gasDlg.locator('[data-field=gas-value-co] input').fill('45');
    await gasDlg.locator('[data-field=gas-point] input').fill('平台下方');
    await page.locator('[data-test=gas-confirm]').click();
    await gasDlg.locator('[data-test=gas-verdict-o2].el-alert--success').waitFor();
    const coVerdict = gasDlg.locator('[data-test=gas-verdict-co]');
    await coVerdict.waitFor();
    assert((await coVerdict.getAttribute('class')).includes('el-alert--error'), 'CO 45 mg/m³ fails');
    assert(/一氧化碳/.test(await coVerdict.textContent()), `the verdict names the gas, got "${await coVerdict.textContent()}"`);
    await shot(page, 'permit-d-gas-test');
    await page.keyboard.press('Escape');
    await gasDlg.waitFor({ state: 'hidden' });

    // The public status page behind the permit's QR code, without a login: the latest sampling,
    // gas by gas, and that the air is not clear.
    const token = (await apiCall('GET', `/permits/${permitId}`, leaderToken)).public_token;
    const Q = await newPage(browser, PHONE);
    contexts.push(Q.context);
    await Q.page.goto(`${base}/p/${token}`);
    const pubGas = Q.page.locator('[data-test=public-gas]');
    await pubGas.waitFor();
    assert(/不合格/.test(await pubGas.textContent()), `the public page says the air is not clear, got "${await pubGas.textContent()}"`);
    const pubText = await Q.page.locator('body').textContent();
    assert(/一氧化碳 45/.test(pubText) && /氧气 20.9/.test(pubText), `the public page lists the sampling, got "${pubText}"`);
    await shot(Q.page, 'permit-public-status');

    // A close-out finding raised as a hazard from a closed permit: pre-filled form, hazard in the
    // permit's list, in the ledger with the permit link, and the link leads back.
    const closed = ((await apiCall('GET', '/permits?state=closed&page_size=1', leaderToken)).items || [])[0];
    assert(closed, 'the demo has closed permits');
    await page.goto(`${base}/permits/${closed.id}`);
    await waitState(page, 'closed');
    await page.locator('[data-test=raise-hazard]').click();
    const form = page.locator('[data-test=hz-report-dialog]');
    await form.waitFor();
    await form.locator('[data-test=hz-report-source]').waitFor();
    // The permit's area is pre-filled (its name shows once the area list has loaded).
    await form.locator('[data-field=area] .el-select__wrapper', { hasText: closed.area_name }).waitFor();
    await form.locator('[data-field=type] .el-cascader').click();
    await page.locator('.el-cascader-node:visible', { hasText: '物的不安全状态' }).click();
    await page.locator('.el-cascader-node:visible', { hasText: '防护装置缺失' }).click();
    const finding = `复盘发现：临边防护栏杆松动 ${stamp}`;
    await form.locator('[data-field=description] textarea').fill(finding);
    await shot(page, 'permit-d-raise-hazard');
    await page.locator('[data-test=hz-report-submit]').click();
    await form.waitFor({ state: 'hidden' });
    const raised = page.locator('[data-test=permit-hazards] a[data-test^=permit-hazard-]', { hasText: finding });
    await raised.waitFor();
    const hazardId = (await raised.getAttribute('data-test')).replace('permit-hazard-', '');
    await raised.click();
    await page.waitForURL(`**/hazards/${hazardId}`);
    const link = page.locator('[data-test=hazard-permit-link]');
    await link.waitFor();
    assert((await link.textContent()).includes(`#${closed.id}`), `the hazard should link to permit #${closed.id}`);
    const h = await apiCall('GET', `/hazards/${hazardId}`, leaderToken);
    assert(h.source === 'permit' && String(h.source_ref) === String(closed.id) && h.area_id === closed.area_id, `hazard source ${h.source}/${h.source_ref}, area ${h.area_id}`);

    await page.locator('[data-test=menu-hazards]').click();
    await page.locator('[data-test=hazard-ledger] .toolbar input').first().fill(finding);
    await page.locator('[data-test=hazard-ledger] .toolbar input').first().press('Enter');
    const tag = page.locator(`[data-test=hazard-permit-${hazardId}]`);
    await tag.waitFor();
    await shot(page, 'permit-d-hazard-ledger');
    await tag.click();
    await page.waitForURL(`**/permits/${closed.id}`);
    await page.locator(`[data-test=permit-hazards] [data-test=permit-hazard-${hazardId}]`).waitFor();
  } catch (e) {
    await shot(L.page, 'permit-d-failure').catch(() => {});
    throw e;
  } finally {
    for (const c of contexts) await c.close().catch(() => {});
  }
});

// ---------------------------------------------------------------- monitoring (issue 5 acceptance)

// demo-devices.json that `anguan demo` wrote beside the run's database (or ANGUAN_E2E_DEVICES for
// a server that is already running).
function demoDevicesFile() {
  const file = process.env.ANGUAN_E2E_DEVICES || (tmpDir ? path.join(tmpDir, 'demo-devices.json') : '');
  if (!file || !fs.existsSync(file)) throw new Error(`demo-devices.json not found (${file || 'no temp dir'}; set ANGUAN_E2E_DEVICES)`);
  return file;
}

// `anguan simulate` against the run's server, as a child; stop() ends it and waits for its exit.
function startSimulator(devicesFile) {
  let out = '';
  const child = spawn(bin, ['simulate', '--devices-file', devicesFile, '--http', base, '--speed', '30', '--duration', '120'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (c) => (out += c.toString()));
  child.stderr.on('data', (c) => (out += c.toString()));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  return {
    output: () => out,
    running: () => child.exitCode === null && child.signalCode === null,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function postTelemetry(deviceToken, readings) {
  const res = await fetch(`${base}/api/v1/telemetry`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Device ${deviceToken}` },
    body: JSON.stringify({ readings }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST /telemetry → ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

test('monitoring: live board from the simulator, a gas alarm acknowledged with a note and its trend, the guardian sees it on the phone; English', async () => {
  const devicesFile = demoDevicesFile();
  const devices = JSON.parse(fs.readFileSync(devicesFile, 'utf8')).devices;
  const safetyToken = await apiLogin('safety');
  const contexts = [];
  let sim = null;
  let S = null;
  try {
    sim = startSimulator(devicesFile);
    S = await newPage(browser, { ...DESKTOP, timezoneId: NIGHT_TZ.id });
    contexts.push(S.context);
    const page = S.page;
    await desktopLoginAs(page, 'safety');
    await page.locator('[data-test=menu-monitor-board]').click();
    await page.waitForURL('**/monitor');
    const cards = page.locator('[data-test^=area-card-]');
    await cards.first().waitFor();
    assert((await cards.count()) >= 3, `the board should show the demo areas, got ${await cards.count()} cards`);
    await page.locator('[data-test=area-card-A-P1-CDU] [data-test=sensor-value-GD-P1-CDU-01-LEL]').waitFor();

    // Live: some sensor's shown value changes without a reload (the simulator reports every ~⅓ s).
    const before = await page.evaluate(() =>
      Object.fromEntries([...document.querySelectorAll('[data-test^=sensor-value-]')].map((e) => [e.dataset.test, e.textContent.trim()])),
    );
    assert(Object.keys(before).length >= 10, `expected the demo sensors on the board, got ${Object.keys(before).length}`);
    const changed = await page.waitForFunction(
      (snap) => {
        for (const e of document.querySelectorAll('[data-test^=sensor-value-]')) {
          const v = e.textContent.trim();
          if (e.dataset.test in snap && snap[e.dataset.test] !== v && /\d/.test(v)) return { sensor: e.dataset.test, from: snap[e.dataset.test], to: v };
        }
        return null;
      },
      before,
      { timeout: 20000, polling: 200 },
    );
    const change = await changed.jsonValue();
    log(`# live: ${change.sensor} ${change.from} → ${change.to}`);
    await page.locator('[data-test=monitor-board] .head .el-tag--success').getByText('实时', { exact: true }).waitFor();
    await sleep(1200); // let the flash animation finish
    await shot(page, 'monitor-board-live');
    assert(sim.running(), `the simulator stopped early:\n${sim.output()}`);
    await sim.stop();

    // A combustible-gas sensor on site p1 with no open alarm: the one our reading will raise.
    const board = await apiCall('GET', '/monitor/board', safetyToken);
    const open = (await apiCall('GET', '/monitor/alarms?open=true&page_size=100', safetyToken)).items || [];
    const candidates = devices.filter((d) => d.site === 'p1' && d.token).flatMap((d) => d.sensors.filter((s) => s.kind === 'combustible_lel' && !s.goes_silent).map((s) => ({ device: d, sensor: s })));
    const sensorId = (code) => board.areas.flatMap((a) => a.sensors || []).find((s) => s.code === code)?.id;
    // Offline alarms don't count: the demo sensors were silent while the earlier scenarios ran.
    const busy = (a) => a.kind !== 'device_offline' && (a.state === 'raised' || a.state === 'acknowledged');
    const target = candidates.find((c) => sensorId(c.sensor.code) && !open.some((a) => a.sensor_code === c.sensor.code && busy(a)));
    assert(target, `no p1 combustible_lel sensor without an open alarm among ${candidates.map((c) => c.sensor.code).join(', ')}`);
    const sensor = { id: sensorId(target.sensor.code), code: target.sensor.code };

    // The Alarms page is open when the reading comes in: the alarm appears without a reload.
    await page.locator('[data-test=menu-monitor-alarms]').click();
    await page.waitForURL('**/monitor/alarms');
    await page.locator('[data-test=monitor-alarms] .el-table').waitFor();
    await sleep(500); // the live subscription is set up once the page is mounted
    // Over the 50 %LEL alarm level. One jump from the simulator's ~0 is a spike the cleaning drops
    // (Hampel filter); the second reading on the same side is a level shift and raises the alarm.
    const now = Date.now();
    const answer = await postTelemetry(target.device.token, [
      { sensor: sensor.code, ts: now - 1000, value: 60 },
      { sensor: sensor.code, ts: now, value: 61 },
    ]);
    assert(answer.accepted === 2 && answer.flagged <= 1, `the two readings over the alarm level should be accepted, got ${JSON.stringify(answer)}`);
    let alarm = null;
    for (let i = 0; i < 50 && !alarm; i += 1) {
      alarm = ((await apiCall('GET', `/monitor/alarms?open=true&sensor_id=${sensor.id}`, safetyToken)).items || []).find((a) => a.kind === 'threshold') || null;
      if (!alarm) await sleep(100);
    }
    assert(alarm && alarm.severity === 'critical' && alarm.state === 'raised', `a raised critical alarm expected for ${sensor.code}, got ${JSON.stringify(alarm)}`);
    const row = page.locator(`[data-test=alarm-row-${alarm.id}]`);
    await row.waitFor();
    assert((await row.getAttribute('data-state')) === 'raised', 'the new alarm row should be raised');
    const tr = page.locator('.el-table__body tr', { has: row });
    const rowText = await tr.first().textContent();
    assert(rowText.includes(sensor.code) && /6[01]/.test(rowText), `the row should show ${sensor.code} and 60/61, got "${rowText}"`);
    await shot(page, 'monitor-alarm-raised');

    // Acknowledge with a note.
    const note = `已通知现场复测 ${stamp}`;
    await page.locator(`[data-test=alarm-ack-${alarm.id}]`).first().click();
    await page.locator('textarea[data-test=alarm-note], [data-test=alarm-note] textarea').first().fill(note);
    await page.locator('[data-test=alarm-note-ok]').click();
    await page.locator('[data-test=alarm-note-dialog]').waitFor({ state: 'hidden' });
    await page.waitForFunction((id) => document.querySelector(`[data-test=alarm-row-${id}]`)?.dataset.state === 'acknowledged', alarm.id);
    const acked = await apiCall('GET', `/monitor/alarms/${alarm.id}`, safetyToken);
    assert(acked.state === 'acknowledged' && acked.acknowledged_by, `acknowledged by someone expected, got ${acked.state}/${acked.acknowledged_by}`);
    assert(JSON.stringify(acked).includes(note), 'the note should be kept with the alarm');

    // Its trend: the detail drawer → trend drawer with a chart.
    await tr.first().click();
    await page.locator('[data-test=alarm-detail] [data-test=alarm-trend]').click();
    await page.locator('[data-test=trend-chart] canvas').waitFor();
    await page.locator('[data-test=trend-drawer]').getByText(sensor.code).first().waitFor();
    // The last hour in raw readings: the simulator's values and our two over the alarm line.
    await page.locator('[data-test=trend-range-1h]').click();
    await page.locator('[data-test=trend-resolution]').getByText('原始数据').waitFor();
    await page.locator('[data-test=trend-chart] canvas').waitFor();
    const hour = await apiCall('GET', `/monitor/sensors/${sensor.id}/series?from=${encodeURIComponent(new Date(now - 3600000).toISOString())}&to=${encodeURIComponent(new Date(now + 60000).toISOString())}`, safetyToken);
    const raw = (hour.points || []).filter((p) => typeof p.v === 'number');
    assert(raw.length >= 3 && raw.some((p) => p.v >= 60) && raw.some((p) => p.v < 25), `the hour's raw series should hold the simulator's readings and ours, got ${JSON.stringify(raw.slice(-5))}`);
    await sleep(600);
    await shot(page, 'monitor-trend');
    await page.keyboard.press('Escape');
    await page.locator('[data-test=trend-drawer]').waitFor({ state: 'hidden' });
    await page.keyboard.press('Escape');
    await page.locator('[data-test=alarm-detail]').waitFor({ state: 'hidden' });

    // The guardian of site p1 sees the alarm on the phone.
    const G = await newPage(browser, PHONE_NIGHT);
    contexts.push(G.context);
    await mobileLogin(G.page, 'p1guard');
    await G.page.goto(`${base}/m/alarms`);
    const item = G.page.locator(`[data-test=m-alarm-${alarm.id}]`);
    await item.waitFor();
    const itemText = await item.textContent();
    assert(itemText.includes(sensor.code) || itemText.includes(alarm.sensor_name || '\u0000'), `the phone item should name the sensor, got "${itemText}"`);
    assert((await item.getAttribute('data-state')) === 'acknowledged', 'the phone shows the acknowledged state');
    await shot(G.page, 'monitor-mobile-alarms');

    // English: the same screens, labels and server texts in English.
    await page.locator('[data-test=lang-switch]').click();
    await page.locator('[data-test="lang-en"]:visible').click();
    await page.locator('[data-test=menu-monitor-alarms]').getByText('Alarms').waitFor();
    await page.reload();
    await page.locator('[data-test=monitor-alarms] .el-table__header').getByText('Severity').waitFor();
    await page.locator(`[data-test=alarm-state-${alarm.id}]`).getByText('Acknowledged').waitFor();
    await shot(page, 'monitor-alarms-en');
    await page.locator('[data-test=menu-monitor-board]').click();
    await page.locator(`[data-test^=area-card-]`).first().waitFor();
    await page.waitForFunction(() => /areas · .* open alarms/.test(document.querySelector('[data-test=board-summary]')?.textContent || ''));
    await page.locator('[data-test=monitor-board] .head').getByText('Live', { exact: true }).waitFor();
    await shot(page, 'monitor-board-en');
  } catch (e) {
    if (S) await shot(S.page, 'monitor-failure').catch(() => {});
    if (sim) log(`# simulator output:\n${sim.output().trim().split('\n').slice(-5).join('\n')}`);
    throw e;
  } finally {
    if (sim) await sim.stop();
    for (const c of contexts) await c.close().catch(() => {});
  }
});

// ---------------------------------------------------------------- main

async function main() {
  const started = Date.now();
  const watchdog = setTimeout(() => {
    console.log('# watchdog: the run took too long');
    stopServer();
    console.log(`0 passed, ${tests.length} failed`);
    process.exit(1);
  }, WATCHDOG_MS);
  watchdog.unref();

  let passed = 0;
  let failed = 0;
  try {
    base = await startServer();
    log(`# server ${base}`);
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    for (const t of tests) {
      if (only && !t.name.includes(only)) continue;
      const t0 = Date.now();
      try {
        await t.fn();
        passed += 1;
        log(`ok - ${t.name} (${Date.now() - t0} ms)`);
      } catch (e) {
        failed += 1;
        log(`not ok - ${t.name} (${Date.now() - t0} ms)\n  ${String(e && e.stack ? e.stack : e).split('\n').slice(0, 6).join('\n  ')}`);
      }
    }
  } catch (e) {
    failed += 1;
    log(`not ok - setup\n  ${e && e.message ? e.message : e}`);
  } finally {
    if (browser) await browser.close().catch(() => {});
    stopServer();
    clearTimeout(watchdog);
  }
  log(`# ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${path.relative(root, artifacts)}/`);
  log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main();
