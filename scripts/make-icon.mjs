// Renders images/icon.png (128x128) from the SVG below with chromium (playwright-core).
//   node scripts/make-icon.mjs
// The picture: a lens over a two-level page table, an arrow from an address to its page.
import { join } from "node:path";
import { chromium } from "playwright-core";
import { root } from "./lib.mjs";

const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128">
  <rect x="4" y="4" width="120" height="120" rx="22" fill="#1f3b57"/>
  <g fill="#8fc1e8">
    <rect x="18" y="22" width="30" height="10" rx="2"/><rect x="18" y="36" width="30" height="10" rx="2"/>
    <rect x="18" y="50" width="30" height="10" rx="2" fill="#f2b544"/><rect x="18" y="64" width="30" height="10" rx="2"/>
    <rect x="80" y="78" width="30" height="10" rx="2"/><rect x="80" y="92" width="30" height="10" rx="2" fill="#f2b544"/>
  </g>
  <path d="M50 55 C 68 55, 62 97, 78 97" stroke="#f2b544" stroke-width="4" fill="none"/>
  <circle cx="70" cy="52" r="24" fill="rgba(255,255,255,0.12)" stroke="#ffffff" stroke-width="7"/>
  <line x1="87" y1="69" x2="106" y2="88" stroke="#ffffff" stroke-width="10" stroke-linecap="round"/>
</svg>`;

const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
const page = await browser.newPage({ viewport: { width: 128, height: 128 } });
await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
await page.screenshot({ path: join(root, "images/icon.png"), omitBackground: true });
await browser.close();
