// Lighthouse (mobile, its default form factor and simulated throttling) on one console screen, signed in.
//
//   node bench/lighthouse_run.mjs <url> <session json> <report.json>
//
// The console keeps its session in sessionStorage, which is per tab: Chromium opens the origin, the
// session is put into that tab, then Lighthouse navigates the same tab to <url> (its storage reset
// clears caches and local storage, never the tab's session storage). Run with NODE_PATH at the
// node_modules Lighthouse was installed into (make lighthouse does).
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(path.join(process.env.NODE_PATH || ".", "noop.js"));
const [url, sessionJson, out] = process.argv.slice(2);
if (!url || !sessionJson || !out) {
  console.error("usage: node bench/lighthouse_run.mjs <url> <session json> <report.json>");
  process.exit(2);
}

const { default: lighthouse } = await import(require.resolve("lighthouse"));
const chromeLauncher = await import(require.resolve("chrome-launcher"));
const puppeteer = (await import(require.resolve("puppeteer-core"))).default;

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROMIUM || "/usr/bin/chromium",
  chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${chrome.port}` });
  const page = await browser.newPage();
  await page.goto(new URL("config.json", url).toString());
  await page.evaluate((s) => sessionStorage.setItem("oms.console.session", s), sessionJson);
  const result = await lighthouse(url, {
    port: chrome.port, output: "json", logLevel: "error",
    onlyCategories: ["performance", "accessibility"],
  }, undefined, page);
  const lhr = result.lhr;
  const failed = Object.values(lhr.audits)
    .filter((a) => a.score !== null && a.score < 1 && lhr.categories.accessibility.auditRefs.some((r) => r.id === a.id && r.weight > 0))
    .map((a) => ({ id: a.id, title: a.title, items: (a.details?.items || []).slice(0, 5).map((i) => i.node?.snippet || i.node?.selector || "") }));
  const summary = {
    url,
    final_url: lhr.finalDisplayedUrl,
    performance: Math.round(lhr.categories.performance.score * 100),
    accessibility: Math.round(lhr.categories.accessibility.score * 100),
    fcp_ms: Math.round(lhr.audits["first-contentful-paint"].numericValue),
    lcp_ms: Math.round(lhr.audits["largest-contentful-paint"].numericValue),
    tbt_ms: Math.round(lhr.audits["total-blocking-time"].numericValue),
    cls: Number(lhr.audits["cumulative-layout-shift"].numericValue.toFixed(3)),
    accessibility_failures: failed,
    perf_opportunities: Object.values(lhr.audits)
      .filter((a) => a.details?.type === "opportunity" && (a.details.overallSavingsMs || 0) > 0)
      .map((a) => ({ id: a.id, savings_ms: Math.round(a.details.overallSavingsMs) })),
  };
  fs.writeFileSync(out, JSON.stringify(summary, null, 2));
  await browser.disconnect();
} finally {
  await chrome.kill();
}
