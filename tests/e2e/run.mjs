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
const WATCHDOG_MS = 170000;

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
