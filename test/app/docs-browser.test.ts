import os from "node:os";
import t from "tap";
import { launchChromium, withChromium } from "../fixtures/chromium.ts";
import { testApp } from "../helper.ts";

/**
 * /docs as a person uses it, in Debian's Chromium (headless; test/fixtures/chromium.ts: skipped without it, visibly,
 * but in CI): the operations render, "Authorize" takes an API key, and "Try it out" + Execute on a GET shows a 200.
 * How long the page takes to become usable (operations on screen, "Authorize" open) is printed, with the machine's
 * load (no timed assertion: this machine is shared and its load varies; `npx tsx bench/docs-usable.ts` measures
 * several loads on their own).
 * /reference (Scalar) renders the operations too.
 */

withChromium(t, "/docs in a browser", () => {
  t.test("/docs in a browser: operations, Authorize, Try it out", async (t) => {
    const { app, adminKey } = await testApp(t);
    const address = await app.listen({ host: "127.0.0.1", port: 0 });
    const browser = await launchChromium(t);

    // The document is built once per process, at its first request: here, not in the time measured.
    t.equal((await app.inject({ method: "GET", url: "/docs/json" })).statusCode, 200);

    // No authorization header from the browser itself: the key must come from "Authorize".
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    // Generous: on a loaded CI machine Swagger UI takes a while to lay out 93 operations.
    page.setDefaultTimeout(180_000);
    const offOrigin: string[] = [];
    page.on("request", (request) => {
      if (!request.url().startsWith(address) && !request.url().startsWith("data:")) offOrigin.push(request.url());
    });

    const started = Date.now();
    await page.goto(`${address}/docs`);
    const operations = page.locator(".opblock");
    await operations.first().waitFor({ state: "visible" });
    const rendered = Date.now() - started;
    t.ok((await operations.count()) >= 70, `the operations render: ${await operations.count()}`);

    // Authorize: the bearer key goes into the dialog, and the padlock closes.
    await page.locator(".auth-wrapper .btn.authorize").click();
    const dialog = page.locator(".modal-ux");
    await dialog.locator("input").first().waitFor({ state: "visible" });
    const usable = Date.now() - started;
    t.comment(`/docs usable ${usable} ms after navigation (operations rendered after ${rendered} ms; load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} CPUs)`);
    await dialog.locator("input").first().fill(adminKey.key);
    await dialog.locator(".auth-btn-wrapper .btn.authorize").click();
    // Accepted: the dialog says "Authorized", hides the key and offers Logout (labelled "Remove authorization").
    await dialog.locator("h6", { hasText: "Authorized" }).waitFor({ state: "visible" });
    t.ok(await dialog.locator("button", { hasText: "Logout" }).isVisible(), "Authorize accepted the key (the dialog offers Logout)");
    await dialog.locator(".btn-done").click();
    t.ok(await page.locator(".auth-wrapper .btn.authorize.locked").isVisible(), "the padlock is closed");

    // Try it out on GET /v1/coordinators: Execute, and the live response is a 200.
    const list = page.locator("#operations-Coordinators-listCoordinators");
    await list.locator(".opblock-summary").click();
    const tryOut = list.locator(".try-out__btn");
    if ((await tryOut.count()) > 0 && /try it out/i.test((await tryOut.textContent()) ?? "")) await tryOut.click();
    await list.locator(".execute").click();
    const status = list.locator(".live-responses-table .response .response-col_status");
    await status.first().waitFor({ state: "visible" });
    t.equal((await status.first().textContent())?.trim(), "200", "Execute shows a 200");
    t.match(await list.locator(".live-responses-table .response .response-col_description").first().innerText(), /"data"/, "with the page of coordinators");

    t.same(offOrigin, [], "nothing was loaded from another origin");
  });

  t.test("/reference in a browser: Scalar renders the operations", async (t) => {
    const { app } = await testApp(t);
    const address = await app.listen({ host: "127.0.0.1", port: 0 });
    const browser = await launchChromium(t);
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.setDefaultTimeout(180_000);
    const errors: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    const started = Date.now();
    await page.goto(`${address}/reference`);
    await page.getByText("List coordinators").first().waitFor({ state: "attached" });
    t.comment(`/reference rendered ${Date.now() - started} ms after navigation`);
    t.pass("the operations render");
    t.same(
      errors.filter((text) => /Content Security Policy|Refused/i.test(text)),
      [],
      "nothing refused by the page's Content-Security-Policy",
    );
  });
});
