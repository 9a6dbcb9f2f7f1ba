import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import t from "tap";
import { seedDemoData } from "../../../src/db/seed.ts";
import { launchChromium, withChromium } from "../../fixtures/chromium.ts";
import { testApp } from "../../helper.ts";

/**
 * The HTML report as a person sees it: Debian's Chromium, headless, at 1280 px (test/fixtures/chromium.ts: skipped
 * without it, visibly, but in CI). The page must lay out without a horizontal scroll bar (a long unbroken stored
 * word included) and show the meeting list.
 */

withChromium(t, "the 2013 page at 1280 px", () => {
  t.test("the 2013 page at 1280 px: no horizontal scroll, the meeting list visible", async (t) => {
    const { app, db, adminKey } = await testApp(t);
    await seedDemoData(db.prisma);
    const [coordinator] = (await app.inject({ method: "GET", url: "/v1/coordinators" })).json().data;
    // A stored word longer than any line must wrap, not widen the page.
    const long = await app.inject({
      method: "POST",
      url: "/v1/activities",
      payload: { title: `https://example.pl/${"bardzo-dlugi-adres-".repeat(20)}`, category: "other", status: "completed", year: 2013, coordinatorId: coordinator.id },
    });
    t.equal(long.statusCode, 201);
    const address = await app.listen({ host: "127.0.0.1", port: 0 });

    const browser = await launchChromium(t);
    // A browser set to Polish sends Accept-Language: pl-PL, and gets the page in Polish.
    const context = await browser.newContext({ locale: "pl-PL", viewport: { width: 1280, height: 900 }, extraHTTPHeaders: { authorization: `Bearer ${adminKey.key}` } });
    const page = await context.newPage();
    const response = await page.goto(`${address}/v1/reports/annual/2013?format=html`);
    t.equal(response?.status(), 200);
    t.match(response?.headers()["content-type"], /^text\/html/);
    t.equal(response?.headers()["content-language"], "pl");

    // A string: the expression runs in the page, whose DOM types this Node project does not compile against.
    const widths = await page.evaluate<{ scroll: number; viewport: number }>("({ scroll: document.documentElement.scrollWidth, viewport: window.innerWidth })");
    t.ok(widths.scroll <= widths.viewport, `no horizontal scroll: the page is ${widths.scroll} px wide in a ${widths.viewport} px window`);

    const meetings = page.locator("#meetings ol.entries > li");
    t.equal(await meetings.count(), 3, "three meetings listed");
    await page.locator("#meetings").scrollIntoViewIfNeeded();
    for (let index = 0; index < 3; index++) {
      const meeting = meetings.nth(index);
      t.ok(await meeting.isVisible(), `meeting ${index + 1} is visible`);
      const box = await meeting.boundingBox();
      t.ok(box && box.width > 300 && box.height > 50 && box.x >= 0 && box.x + box.width <= 1280, `meeting ${index + 1} is laid out within the window`);
    }
    t.equal(await page.locator("#meetings h2").textContent(), "Spotkania");
    t.match(await meetings.first().innerText(), /Oliwia Gate/);

    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "report-screenshot-")), "annual-report-2013.png");
    await page.screenshot({ path: file, fullPage: true });
    const png = fs.readFileSync(file);
    t.equal(png.subarray(1, 4).toString("latin1"), "PNG", `screenshot written to ${file}`);
    t.equal(png.readUInt32BE(16), 1280, "the full-page screenshot is exactly as wide as the window");
  });
});
