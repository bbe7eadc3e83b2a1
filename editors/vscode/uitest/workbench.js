#!/usr/bin/env node
/**
 * Drives VS Code's web workbench (code-server) in headless Chromium through playwright-core the
 * way a person does: Quick Open, Go to Line, the command palette, input boxes, the light bulb,
 * the status bar, Save. tests/clients/test_client_vscode_real.py runs it; it is not packaged.
 *
 *   node workbench.js --url URL --playwright DIR --scenarios FILE.json --out DIR
 *
 * FILE.json: [{name, steps: [...]}, ...]; each step is one object with one of the keys handled
 * in runStep(). Scenarios run in turn in one window; a failed one leaves a screenshot
 * (<out>/<name>-failure.png) and the next one still runs. Writes <out>/report.json:
 * {scenarios: [{name, ok, error, failedStep, jobs: [{text, icon}], statusTexts, notifications,
 * lightbulb, screenshot, records: {label: {file name: text}}, editorTexts}], pageErrors}.
 * editorTexts (a scenario with `recordEditor: FILE`): the distinct texts the editor of FILE showed
 * while it was the active tab, polled with the status bar (its rendered lines in order: a file that
 * fits the window).
 */
'use strict';

const fs = require('fs');
const path = require('path');

const JOB_TIMEOUT_MS = Number(process.env.SPECEDIT_JOB_TIMEOUT_MS || 240000);
const UI_TIMEOUT_MS = 30000;

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i += 2) {
    args[argv[i].replace(/^--/, '')] = argv[i + 1];
  }
  return args;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The SpecEdit status-bar item: its text and its icon (codicon-check, codicon-sync ...). */
async function readStatus(page) {
  return page.evaluate(() => {
    const item = [...document.querySelectorAll('.statusbar-item')].find((el) => /SpecEdit/.test(el.textContent || ''));
    if (!item) {
      return null;
    }
    const icon = item.querySelector('.codicon');
    const classes = icon ? [...icon.classList].filter((c) => c.startsWith('codicon-') && c !== 'codicon') : [];
    return { text: (item.textContent || '').replace(/\s+/g, ' ').trim(), icon: classes.join(' ') };
  });
}

async function readNotifications(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('.notifications-toasts .notification-list-item-message, .notifications-center .notification-list-item-message')]
      .map((el) => (el.textContent || '').replace(/\s+/g, ' ').trim())
      .filter((text) => text !== ''),
  );
}

const busy = (status) => status !== null && /codicon-sync/.test(status.icon);

/** The active editor's rendered lines, top to bottom, as text (Monaco draws a space as U+00A0), if its tab is `file`'s. */
async function readEditor(page, file) {
  return page.evaluate((name) => {
    const tab = document.querySelector('.editor-group-container.active .tabs-container .tab.active');
    const editor = document.querySelector('.editor-group-container.active .monaco-editor .view-lines');
    if (!editor || !tab || !(tab.getAttribute('aria-label') || '').includes(name)) {
      return null;
    }
    return [...editor.querySelectorAll('.view-line')]
      .map((line) => [parseFloat(line.style.top) || 0, (line.textContent || '').replace(/\u00a0/g, ' ')])
      .sort((a, b) => a[0] - b[0])
      .map(([, text]) => text)
      .join('\n');
  }, file);
}

class Scenario {
  constructor(page, spec, out) {
    this.page = page;
    this.spec = spec;
    this.out = out;
    this.result = {
      name: spec.name, ok: false, error: null, failedStep: null, jobs: [], statusTexts: [], notifications: [], lightbulb: null,
      records: {}, editorTexts: [],
    };
    this.triggerStatus = null;
    this.polling = null;
  }

  /** Every 150 ms: the distinct status-bar texts and notifications seen during the scenario. */
  startPolling() {
    const seenStatus = new Set();
    const seenNotes = new Set();
    const poll = async () => {
      try {
        const status = await readStatus(this.page);
        if (status && !seenStatus.has(status.text)) {
          seenStatus.add(status.text);
          this.result.statusTexts.push(status.text);
        }
        for (const note of await readNotifications(this.page)) {
          if (!seenNotes.has(note)) {
            seenNotes.add(note);
            this.result.notifications.push(note);
          }
        }
        if (this.spec.recordEditor) {
          const text = await readEditor(this.page, this.spec.recordEditor);
          const texts = this.result.editorTexts;
          if (text !== null && text !== texts[texts.length - 1]) {
            texts.push(text);
          }
        }
      } catch {
        // the page is busy or gone; the next poll tries again
      }
    };
    this.polling = setInterval(poll, 150);
    return poll;
  }

  async run() {
    const poll = this.startPolling();
    const steps = this.spec.steps;
    try {
      for (let i = 0; i < steps.length; i++) {
        this.result.failedStep = { index: i, step: steps[i] };
        await this.runStep(steps[i]);
      }
      this.result.failedStep = null;
      this.result.ok = true;
    } catch (error) {
      this.result.error = error instanceof Error ? `${error.message}` : String(error);
      const shot = path.join(this.out, `${this.spec.name}-failure.png`);
      try {
        await this.page.screenshot({ path: shot });
        this.result.screenshot = shot;
      } catch {
        // no screenshot
      }
      await this.recover();
    } finally {
      await poll();
      clearInterval(this.polling);
    }
    return this.result;
  }

  /** After a failure: close open pickers and menus so the next scenario starts clean. */
  async recover() {
    for (let i = 0; i < 3; i++) {
      await this.page.keyboard.press('Escape').catch(() => undefined);
      await sleep(200);
    }
  }

  async runStep(step) {
    const page = this.page;
    if (step.open !== undefined) {
      await this.quickOpen(step.open);
    } else if (step.goto !== undefined) {
      await this.gotoLine(step.goto);
    } else if (step.command !== undefined) {
      this.triggerStatus = await readStatus(page);
      await this.commandPalette(step.command);
    } else if (step.input !== undefined) {
      await this.inputBox(step.input, step.title);
    } else if (step.press !== undefined) {
      // A key chord in the active editor (e.g. Control+A: select the whole file for a command that edits a selection).
      await page.locator('.editor-group-container.active .monaco-editor textarea').first().focus();
      await page.keyboard.press(step.press);
      await sleep(300);
    } else if (step.waitJob !== undefined) {
      await this.waitJob();
    } else if (step.lightbulb !== undefined) {
      this.triggerStatus = await readStatus(page);
      await this.lightbulb(step.lightbulb);
    } else if (step.waitDiagnostic !== undefined) {
      await page.locator('.monaco-editor .squiggly-warning, .monaco-editor .squiggly-error').first().waitFor({ timeout: JOB_TIMEOUT_MS });
    } else if (step.cancelFromStatusBar !== undefined) {
      await this.cancelFromStatusBar(step.cancelFromStatusBar);
    } else if (step.replaceText !== undefined) {
      // In the editor of `step.in`, once it is the active tab (a command may open it a moment later).
      await page.locator(`.tabs-container .tab.active[aria-label*="${step.in}"]`).waitFor({ timeout: UI_TIMEOUT_MS });
      await page.locator('.editor-group-container.active .monaco-editor textarea').first().focus();
      await sleep(300);
      await page.keyboard.press('Control+A');
      await page.keyboard.insertText(step.replaceText);
      // The editor auto-closed the first bracket and quote after the text: delete to the end.
      await page.keyboard.press('Control+Shift+End');
      await page.keyboard.press('Delete');
    } else if (step.save !== undefined) {
      await page.keyboard.press('Control+S');
      await page.locator('.tabs-container .tab.active.dirty').waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    } else if (step.waitNotification !== undefined) {
      await this.waitFor(async () => this.result.notifications.some((n) => n.includes(step.waitNotification)), UI_TIMEOUT_MS,
        `a notification with "${step.waitNotification}"`);
    } else if (step.waitStatus !== undefined) {
      const wanted = new RegExp(step.waitStatus);
      await this.waitFor(async () => {
        const status = await readStatus(page);
        if (status && !busy(status) && wanted.test(status.text)) {
          this.result.jobs.push(status);
          return true;
        }
        return false;
      }, JOB_TIMEOUT_MS, `the status bar to show /${wanted.source}/`);
    } else if (step.waitServer !== undefined) {
      await this.waitServer();
    } else if (step.record !== undefined) {
      // What is in folder `step.dir` now (e.g. the marker files programs leave when they run).
      const files = {};
      for (const name of fs.readdirSync(step.dir).sort()) {
        files[name] = fs.readFileSync(path.join(step.dir, name), 'utf8');
      }
      this.result.records[step.record] = files;
    } else if (step.waitFile !== undefined) {
      await this.waitFor(async () => fs.existsSync(step.waitFile), JOB_TIMEOUT_MS, `the file ${step.waitFile}`);
    } else if (step.clickStatus !== undefined) {
      // The SpecEdit status-bar item once it shows /step.clickStatus/ (e.g. Restricted Mode: its command).
      const wanted = new RegExp(step.clickStatus);
      await this.waitFor(async () => wanted.test((await readStatus(page))?.text ?? ''), JOB_TIMEOUT_MS,
        `the status bar to show /${wanted.source}/`);
      await page.locator('.statusbar-item', { hasText: 'SpecEdit' }).first().click();
    } else if (step.sleep !== undefined) {
      await sleep(step.sleep);
    } else if (step.screenshot !== undefined) {
      await page.screenshot({ path: path.join(this.out, `${step.screenshot}.png`) });
    } else if (step.checkInPanel !== undefined) {
      // e.g. the file's checkbox in the Refactor Preview: edits that need confirmation start unchecked.
      // Select the file's row (the first) and toggle it with Space, as a keyboard user would.
      const row = page.locator('[id="workbench.parts.panel"] .monaco-list-row', { hasText: step.checkInPanel }).first();
      await row.waitFor({ timeout: JOB_TIMEOUT_MS });
      await row.click();
      await page.keyboard.press('Space');
      await sleep(300);
    } else if (step.clickButton !== undefined) {
      // e.g. "Apply" in the Refactor Preview that an edit needing confirmation opens.
      const button = page.getByRole('button', { name: step.clickButton, exact: true }).first();
      await button.waitFor({ timeout: JOB_TIMEOUT_MS });
      await button.click();
    } else {
      throw new Error(`unknown step ${JSON.stringify(step)}`);
    }
  }

  async waitFor(predicate, timeoutMs, what) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await predicate()) {
        return;
      }
      await sleep(150);
    }
    const status = await readStatus(this.page).catch(() => null);
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (status bar: ${JSON.stringify(status)})`);
  }

  quickInput() {
    return this.page.locator('.quick-input-widget');
  }

  async quickPick(open, value, rowText) {
    const page = this.page;
    await open();
    const widget = this.quickInput();
    await widget.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    const input = widget.locator('.quick-input-box input');
    await input.fill(value);
    if (rowText !== undefined) {
      // The row with `rowText`: first, or lower where recently used entries that match too come first
      // (the palette lists "Undo last AI edit" above "AI Edit..." once it was run); reached with Down as a person would.
      const row = widget.locator('.quick-input-list .monaco-list-row', { hasText: rowText }).first();
      await this.waitFor(async () => (await row.count()) > 0, UI_TIMEOUT_MS, `"${rowText}" in the list for "${value}"`);
      const index = Number(await row.getAttribute('data-index')) || 0;
      for (let i = 0; i < index; i++) {
        await page.keyboard.press('ArrowDown');
      }
      await this.waitFor(async () => ((await widget.locator('.quick-input-list .monaco-list-row.focused').first().textContent()
        .catch(() => '')) || '').includes(rowText), UI_TIMEOUT_MS, `"${rowText}" selected in the list for "${value}"`);
    } else {
      await sleep(300);
    }
    await page.keyboard.press('Enter');
    await this.pickerClosed(value);
  }

  /** The picker that had `value` closed, or became the next one (a command's input box reuses the widget). */
  async pickerClosed(value) {
    const widget = this.quickInput();
    const input = widget.locator('.quick-input-box input');
    await this.waitFor(async () => !(await widget.isVisible()) || (await input.inputValue().catch(() => value)) !== value,
      UI_TIMEOUT_MS, `the picker with "${value}" to close`);
  }

  async quickOpen(file) {
    await this.quickPick(() => this.page.keyboard.press('Control+P'), file, path.basename(file));
    await this.page
      .locator(`.tabs-container .tab.active[aria-label*="${path.basename(file)}"]`)
      .waitFor({ timeout: UI_TIMEOUT_MS });
    await sleep(500);
  }

  /** "line:column", 1-based, as Go to Line takes it. */
  async gotoLine(where) {
    await this.quickPick(() => this.page.keyboard.press('Control+G'), `:${where}`);
    const [line, column] = where.split(':');
    await this.waitFor(
      async () => {
        const text = (await this.page.locator('.statusbar-item', { hasText: /Ln \d+, Col \d+/ }).first().textContent()) || '';
        return text.includes(`Ln ${line}, Col ${column ?? 1}`);
      },
      UI_TIMEOUT_MS,
      `the cursor at Ln ${line}, Col ${column ?? 1}`,
    );
  }

  async commandPalette(title) {
    await this.quickPick(() => this.page.keyboard.press('F1'), `>${title}`, title);
  }

  /** A showInputBox: checks its title, types the value over what is selected, Enter. */
  async inputBox(value, title) {
    const widget = this.quickInput();
    await widget.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    if (title) {
      await widget.locator('.quick-input-title', { hasText: title }).waitFor({ timeout: UI_TIMEOUT_MS });
    }
    await widget.locator('.quick-input-box input').fill(value);
    await sleep(400); // validateInput runs in the extension host
    await this.page.keyboard.press('Enter');
    await this.pickerClosed(value);
  }

  /**
   * Clicks the light bulb at the cursor (Ctrl+. if none shows), then the action whose title has
   * `title`. The bulb may still show the actions of where the cursor was a moment ago (Go to
   * Line moves it while typing): a menu without the action is closed and the bulb tried again.
   */
  async lightbulb(title) {
    const page = this.page;
    const bulb = page.locator('.monaco-editor .lightBulbWidget').first();
    const row = page.locator('.action-widget .monaco-list-row', { hasText: title }).first();
    for (let attempt = 1; ; attempt++) {
      await sleep(1000); // code actions are asked for a little after the cursor stops
      try {
        await bulb.waitFor({ state: 'visible', timeout: 15000 });
        await bulb.click();
        this.result.lightbulb = 'clicked';
      } catch {
        this.result.lightbulb = 'Ctrl+.';
        await page.keyboard.press('Control+.');
      }
      await page.locator('.action-widget .monaco-list-row').first().waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
      this.result.actionTitles = await page.locator('.action-widget .monaco-list-row').allTextContents();
      try {
        await row.waitFor({ state: 'visible', timeout: 3000 });
        break;
      } catch (error) {
        if (attempt === 3) {
          throw new Error(`no "${title}" in the light bulb's menu: ${JSON.stringify(this.result.actionTitles)}`);
        }
        await page.keyboard.press('Escape');
      }
    }
    // The menu lays a pointer block over the page until the mouse moves: move onto the row, then click.
    const box = await row.boundingBox();
    if (box) {
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 5 });
      await sleep(200);
    }
    await row.click();
    await page.locator('.action-widget').waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
  }

  /**
   * Waits until the job started by the last command ends: the status bar spun and stopped, or
   * shows something new. A job that fails at once may spin too briefly to be seen and end on
   * the text it started from (the same error again): after 30 s of that, it has ended.
   */
  async waitJob() {
    const before = this.triggerStatus ? this.triggerStatus.text : '';
    const started = Date.now();
    let sawBusy = false;
    let final = null;
    await this.waitFor(
      async () => {
        const status = await readStatus(this.page);
        if (status === null || /starting the server/.test(status.text)) {
          return false;
        }
        if (busy(status)) {
          sawBusy = true;
          return false;
        }
        if (sawBusy || status.text !== before || Date.now() - started > 30000) {
          final = status;
          return true;
        }
        return false;
      },
      JOB_TIMEOUT_MS,
      'the AI edit to end',
    );
    this.result.jobs.push(final);
  }

  /**
   * Waits for a running edit (spinning status) whose text has `pattern` (e.g. "tok/s": the model
   * is generating), then clicks the status-bar item: it cancels while busy.
   */
  async cancelFromStatusBar(pattern) {
    const wanted = new RegExp(pattern || '');
    await this.waitFor(async () => {
      const status = await readStatus(this.page);
      return busy(status) && wanted.test(status.text);
    }, JOB_TIMEOUT_MS, `a running AI edit showing /${wanted.source}/`);
    this.result.cancelClickedAt = await readStatus(this.page);
    await this.page.locator('.statusbar-item', { hasText: 'SpecEdit' }).first().click();
  }

  /** The extension is active and its server running: the status bar says "SpecEdit" (no job yet). */
  async waitServer() {
    await this.waitFor(async () => {
      const status = await readStatus(this.page);
      return status !== null && status.text === 'SpecEdit';
    }, 120000, 'the SpecEdit server to run');
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const { chromium } = require(args.playwright);
  const scenarios = JSON.parse(fs.readFileSync(args.scenarios, 'utf8'));
  fs.mkdirSync(args.out, { recursive: true });
  const report = { scenarios: [], pageErrors: [] };
  const writeReport = () => fs.writeFileSync(path.join(args.out, 'report.json'), JSON.stringify(report, null, 2));

  const browser = await chromium.launch({
    executablePath: process.env.SPECEDIT_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    page.on('pageerror', (error) => report.pageErrors.push(String(error)));
    await page.goto(args.url, { waitUntil: 'domcontentloaded', timeout: 120000 });
    await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 120000 });
    for (const spec of scenarios) {
      const started = Date.now();
      const result = await new Scenario(page, spec, args.out).run();
      result.seconds = (Date.now() - started) / 1000;
      report.scenarios.push(result);
      writeReport();
      process.stderr.write(`workbench: ${spec.name}: ${result.ok ? 'ok' : `FAILED: ${result.error}`} (${result.seconds.toFixed(1)} s)\n`);
    }
    await page.screenshot({ path: path.join(args.out, 'final.png') });
  } finally {
    writeReport();
    await browser.close();
  }
}

main().catch((error) => {
  process.stderr.write(`workbench: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
