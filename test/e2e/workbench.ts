// Driving the VS Code workbench in chromium with playwright-core: the selectors and waits that
// work in VS Code 1.96 (see the e2e recipe in CONTRIBUTING.md). Each helper waits for what it
// needs with a modest timeout, so a broken step fails in seconds with a clear message.

import { type Browser, type FrameLocator, type Locator, type Page, chromium } from "playwright-core";
import { chromiumPath } from "./codeServer";

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export class Workbench {
  constructor(readonly page: Page) {}

  static async open(browser: Browser, url: string): Promise<Workbench> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    page.setDefaultTimeout(20_000);
    await page.goto(url);
    await page.locator(".monaco-workbench").waitFor();
    return new Workbench(page);
  }

  explorerRow(name: string): Locator {
    return this.page.locator(".explorer-folders-view .monaco-list-row", { hasText: name });
  }

  /** Opens a file by name with Quick Open (Ctrl+P). */
  async openFile(name: string): Promise<void> {
    await this.page.keyboard.press("Control+P");
    const input = this.page.locator(".quick-input-widget .quick-input-box input");
    await input.fill(name);
    await this.page.locator(".quick-input-list .monaco-list-row", { hasText: name }).first().waitFor();
    await this.page.keyboard.press("Enter");
    await this.page.locator(".tab.active", { hasText: name }).waitFor();
  }

  /** The editor's rendered line holding `text`. */
  line(text: string): Locator {
    return this.page.locator(".monaco-editor .view-line", { hasText: text }).first();
  }

  /**
   * The language mode in the status bar once it reads `expected` (it updates a moment after the
   * editor opens), or what it reads after `timeoutMs`.
   */
  async statusBarLanguage(expected: string, timeoutMs = 10_000): Promise<string> {
    const item = this.page.locator('.statusbar-item[id="status.editor.mode"]');
    await item.waitFor();
    const deadline = Date.now() + timeoutMs;
    let text = (await item.innerText()).trim();
    while (text !== expected && Date.now() < deadline) {
      await this.page.waitForTimeout(200);
      text = (await item.innerText()).trim();
    }
    return text;
  }

  /**
   * Hovers `target` until a visible hover contains `expected` (the language server's hover can
   * lag right after start: move away and back until it is there). Returns the hover's text.
   */
  async hoverText(target: Locator, expected: string, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let last = "";
    while (Date.now() < deadline) {
      const box = await target.boundingBox();
      if (box) {
        await this.page.mouse.move(5, 5);
        await this.page.mouse.move(box.x + Math.min(60, box.width / 2), box.y + box.height / 2);
        const hover = this.page.locator(".monaco-hover:visible").first();
        try {
          await hover.waitFor({ timeout: 3000 });
          last = await hover.innerText();
          if (last.includes(expected)) return last;
        } catch {
          // no hover yet
        }
      }
      await this.page.waitForTimeout(500);
    }
    throw new Error(`no hover containing ${JSON.stringify(expected)}; last hover: ${JSON.stringify(last)}`);
  }

  /** Runs a command from the palette, clicking the row whose label is exactly `label`. */
  async runCommand(label: string): Promise<void> {
    await this.page.keyboard.press("F1");
    const input = this.page.locator(".quick-input-widget .quick-input-box input");
    await input.fill(">" + label);
    const exact = new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`);
    await this.page
      .locator(".quick-input-list .monaco-list-row")
      .filter({ has: this.page.locator(".label-name", { hasText: exact }) })
      .first()
      .click();
  }

  /** The content frame of the active webview (two nested iframes in VS Code 1.96). */
  webview(): FrameLocator {
    return this.page.frameLocator("iframe.webview.ready").last().frameLocator("iframe#active-frame");
  }

  async screenshot(path: string): Promise<void> {
    await this.page.screenshot({ path });
  }
}
