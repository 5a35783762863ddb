// Browser tests of the portal: Debian chromium driven by playwright-core, each page checked by
// axe-core (WCAG 2.1 A and AA) for serious and critical violations. The server, its database
// (the demo with the reference outlines) and SEMEY_URL come from scripts/browser-tests.sh.
// Screenshots go to test-artifacts/ at the repository's root (git-ignored).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const artifacts = path.resolve(here, "../../test-artifacts");
const axeSource = readFileSync(path.resolve(here, "node_modules/axe-core/axe.min.js"), "utf8");
const base = process.env.SEMEY_URL;
assert.ok(base, "SEMEY_URL is set by scripts/browser-tests.sh");
mkdirSync(artifacts, { recursive: true });

let browser;

before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
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
});

after(async () => {
  await browser?.close();
});

async function newPage(options = {}) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, ...options });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  // A page's own status (404, 422) is part of what is tested; a script, stylesheet or data
  // file that fails to load is a problem.
  page.on("response", (r) => {
    if (r.status() >= 400 && r.request().resourceType() !== "document") {
      problems.push(`${r.status()} for ${r.url()}`);
    }
  });
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) {
      problems.push(`console: ${m.text()}`);
    }
  });
  return { context, page, problems };
}

/** Runs axe-core on the page and fails on any serious or critical violation. */
async function accessible(page, label) {
  // Evaluated through the browser's debugging protocol, which the pages' Content Security
  // Policy (no inline scripts) rightly does not allow a page to do.
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }),
  );
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(
    bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")})`),
    [],
    `${label}: axe-core found serious or critical violations`,
  );
}

/** Signs in through the sign-in page as the administrator the test script created. */
async function signIn(page, lang = "en", email = process.env.SEMEY_TEST_EMAIL) {
  await page.goto(`${base}/signin?lang=${lang}`);
  await page.fill("#email", email);
  await page.fill("#password", process.env.SEMEY_TEST_PASSWORD);
  await Promise.all([page.waitForURL(/\/workspace/), page.click('form[action="/signin"] button[type=submit]')]);
}

async function api(pathAndQuery) {
  const r = await fetch(new URL(pathAndQuery, base));
  assert.equal(r.status, 200, pathAndQuery);
  return r.json();
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
}

// Ids of records for the pages that show one.
async function ids() {
  const programmes = await api("/api/v1/programmes?q=Dose-rate");
  const orgs = await api("/api/v1/organisations?q=National%20Nuclear");
  const districts = await api("/api/v1/places?level=district&kato=101800000");
  const settlements = await api("/api/v1/places?level=settlement&q=Kurchatov");
  const datasets = await api("/api/v1/radiation/datasets");
  const requirements = await api("/api/v1/requirements?limit=1");
  const transactions = await api("/api/v1/transactions?limit=1");
  const contributions = await api("/api/v1/contributions?limit=1");
  const services = await api("/api/v1/services?category=screening&limit=1");
  const screening = await api("/api/v1/programmes?q=XX-SEMEY-DEMO-HEALTH-SCREEN");
  const chain = await api(`/api/v1/programmes/${screening.items[0].id}/results`);
  const resolutions = await api("/api/v1/resolutions");
  const bodies = await api("/api/v1/bodies");
  const meetings = await api("/api/v1/meetings?order=soonest");
  const decisions = await api("/api/v1/decisions?limit=1");
  const actions = await api("/api/v1/action-items?limit=1");
  const documents = await api("/api/v1/documents?type=leaflet&limit=1");
  return {
    document: documents.items[0].id,
    body: bodies.items[0].id,
    meeting: meetings.items[0].id,
    decision: decisions.items[0].id,
    action: actions.items[0].id,
    resolution: resolutions.items[0].id,
    mandate: resolutions.items[0].mandates[6].id,
    result: chain.results[0].result.id,
    indicator: chain.results[0].indicators[0].indicator_id,
    service: services.items[0].id,
    requirement: requirements.items[0].id,
    transaction: transactions.items[0].id,
    contribution: contributions.items[0].id,
    given: contributions.items[0].programme_id,
    proposal: process.env.SEMEY_TEST_PROPOSAL,
    dataset: datasets[0].id,
    programme: programmes.items[0].id,
    organisation: orgs.items[0].id,
    district: districts.items[0].id,
    settlement: settlements.items[0].id,
  };
}

test("every page type, in two languages, has no serious accessibility problem", async () => {
  const id = await ids();
  // Every page the router has, from `semey pages`; a page whose `{id}` has no record here fails
  // the test, so a new page cannot be forgotten.
  const records = {
    // The second shows what was given in kind.
    "/programmes/{id}": [`/programmes/${id.programme}`, `/programmes/${id.given}`],
    "/programmes/{id}/results": [`/programmes/${id.programme}/results`],
    "/stakeholders/{id}": [`/stakeholders/${id.organisation}`],
    "/places/{id}": [`/places/${id.district}`, `/places/${id.settlement}`],
    "/radiation/places/{id}": [`/radiation/places/${id.settlement}`],
    "/radiation/datasets/{id}": [`/radiation/datasets/${id.dataset}`],
    "/services/{id}": [`/services/${id.service}`],
    "/resolutions/{id}": [`/resolutions/${id.resolution}`],
    "/mandates/{id}": [`/mandates/${id.mandate}`],
    "/coordination/bodies/{id}": [`/coordination/bodies/${id.body}`],
    "/meetings/{id}": [`/meetings/${id.meeting}`],
    "/documents/{id}": [`/documents/${id.document}`],
    "/reports/{id}": [`/reports/${process.env.SEMEY_TEST_REPORT}`],
    "/reports/{id}/versions/{number}": [`/reports/${process.env.SEMEY_TEST_REPORT}/versions/1`],
    "/workspace/reports/{id}": [`/workspace/reports/${process.env.SEMEY_TEST_REPORT}`],
    "/workspace/bodies/{id}": [`/workspace/bodies/${id.body}`],
    "/workspace/meetings/{id}": [`/workspace/meetings/${id.meeting}`],
    "/workspace/decisions/{id}": [`/workspace/decisions/${id.decision}`],
    "/workspace/action-items/{id}": [`/workspace/action-items/${id.action}`],
    "/workspace/services/{id}": [`/workspace/services/${id.service}`],
    "/workspace/results/{id}": [`/workspace/results/${id.result}`],
    "/workspace/indicators/{id}/values": [`/workspace/indicators/${id.indicator}/values`],
    "/workspace/organisations/{id}": [`/workspace/organisations/${id.organisation}`],
    "/workspace/programmes/{id}": [`/workspace/programmes/${id.programme}`],
    "/workspace/requirements/{id}": [`/workspace/requirements/${id.requirement}`],
    "/workspace/transactions/{id}": [`/workspace/transactions/${id.transaction}`],
    "/workspace/contributions/{id}": [`/workspace/contributions/${id.contribution}`],
    "/workspace/proposals/{id}": [`/workspace/proposals/${id.proposal}`],
    "/workspace/proposals/{id}/edit": [`/workspace/proposals/${id.proposal}/edit`],
  };
  const patterns = (process.env.SEMEY_PAGES || "").split(/\s+/).filter(Boolean);
  assert.ok(patterns.length > 20, "SEMEY_PAGES lists the router's pages");
  const pages = patterns.flatMap((p) => {
    if (!p.includes("{")) return [[p, p]];
    assert.ok(records[p], `no record to visit ${p} with: add it to this test`);
    return records[p].map((url) => [p, url]);
  });
  // The finder with its results and map, besides its empty state.
  pages.push(["/services (results)", `/services?place=${id.settlement}&need=screening`]);
  for (const lang of ["kk", "en"]) {
    const { context, page, problems } = await newPage();
    await page.goto(`${base}/signin?lang=${lang}`);
    await accessible(page, `sign-in (${lang})`);
    await shot(page, `signin-${lang}`);
    await signIn(page, lang);
    for (const [name, url] of pages) {
      const sep = url.includes("?") ? "&" : "?";
      const response = await page.goto(`${base}${url}${sep}lang=${lang}`);
      assert.equal(response.status(), 200, `${name} in ${lang}`);
      assert.equal(await page.getAttribute("html", "lang"), lang);
      await page.waitForLoadState("networkidle");
      await accessible(page, `${name} (${lang})`);
      await shot(page, `${(url.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "") || "home").slice(0, 60)}-${lang}`);
    }
    assert.deepEqual(problems, [], `no script errors (${lang})`);
    const response = await page.goto(`${base}/no/such/page?lang=${lang}`);
    assert.equal(response.status(), 404);
    await accessible(page, `404 (${lang})`);
    await shot(page, `not-found-${lang}`);
    await context.close();
  }
});

test("the map draws the districts and settlements, and a district opens its summary", async () => {
  const { context, page, problems } = await newPage();
  await page.goto(`${base}/map?lang=ru`);
  await page.waitForSelector("[data-drawn]");
  const drawn = Number(await page.getAttribute("[data-drawn]", "data-drawn"));
  assert.ok(drawn >= 23, `districts and settlements drawn: ${drawn}`);
  const areas = await page.locator(".leaflet-overlay-pane path").count();
  assert.ok(areas >= 23, `the 23 districts of Abai and East Kazakhstan as shapes: ${areas}`);
  // The layer switch offers money and number of programmes; the legend follows.
  await page.getByLabel("Число программ").check();
  await page.waitForFunction(() => document.querySelector(".map-legend")?.textContent.includes("Число программ"));
  // A district reached by keyboard opens its summary with a link to its page.
  const kurchatov = page.locator('path[aria-label="Курчатов"]');
  await kurchatov.focus();
  await page.keyboard.press("Enter");
  const popup = page.locator(".leaflet-popup-content");
  await popup.waitFor();
  assert.match(await popup.textContent(), /Курчатов/);
  assert.match(await popup.locator("a").getAttribute("href"), /^\/places\//);
  await shot(page, "map-popup-ru");
  assert.deepEqual(problems, []);
  await context.close();
});

test("the radiation map draws hexagons with a legend in words, and a hexagon opens its readings", async () => {
  const { context, page, problems } = await newPage();
  const zooms = [];
  page.on("request", (r) => {
    const m = r.url().match(/\/api\/v1\/radiation\/bins\?.*zoom=(\d+)/);
    if (m) zooms.push(Number(m[1]));
  });
  await page.goto(`${base}/radiation?lang=kk`);
  await page.waitForSelector("[data-radiation][data-drawn]");
  const drawn = Number(await page.getAttribute("[data-drawn]", "data-drawn"));
  assert.ok(drawn > 0, `hexagons drawn: ${drawn}`);
  assert.equal(await page.locator(".leaflet-overlay-pane path[role='button']").count(), drawn);
  const legend = await page.locator(".map-legend").textContent();
  assert.match(legend, /Табиғи фон сияқты/);
  assert.match(legend, /Тұруға жарамсыз/);
  // A hexagon reached by keyboard opens its readings.
  const hexagon = page.locator(".leaflet-overlay-pane path[tabindex='0']").first();
  await hexagon.focus();
  await page.keyboard.press("Enter");
  const popup = page.locator(".leaflet-popup-content");
  await popup.waitFor();
  assert.match(await popup.textContent(), /медиана/);
  await shot(page, "radiation-map-kk");
  // Zooming in asks for the hexagons of the new view.
  const first = zooms[0];
  await page.keyboard.press("Escape");
  await Promise.all([
    page.waitForResponse((r) => r.url().includes("/api/v1/radiation/bins") && Number(new URL(r.url()).searchParams.get("zoom")) > first),
    page.locator(".leaflet-control-zoom-in").click(),
  ]);
  // Every settlement's result is a link to its page, which a phone shows without sideways scrolling.
  await page.setViewportSize({ width: 360, height: 800 });
  await page.locator("table a").first().click();
  await page.waitForSelector(".risk");
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `my place fits a phone: ${width}px`);
  assert.match(await page.locator(".risk h2").textContent(), /\S/);
  await shot(page, "my-place-phone-kk");
  assert.deepEqual(problems, []);
  await context.close();
});

test("a filter on the programme list updates the list and the address", async () => {
  const { context, page, problems } = await newPage();
  await page.goto(`${base}/programmes?lang=en`);
  const all = await page.locator("#results li").count();
  await page.selectOption("#area", "health");
  await page.waitForURL(/area=health/);
  await page.waitForFunction((n) => document.querySelectorAll("#results li").length < n, all);
  const health = await api("/api/v1/programmes?area=health");
  assert.equal(await page.locator("#results li").count(), health.total);
  assert.match(await page.locator("#results").textContent(), new RegExp(`${health.total} programme`));
  // A value of the wrong type is explained on the page, not an error page.
  const response = await page.goto(`${base}/programmes?year=soon&lang=en`);
  assert.equal(response.status(), 200);
  assert.match(await page.locator("#results [role=alert]").textContent(), /Year/);
  assert.deepEqual(problems, []);
  await context.close();
});

test("the language switch changes the page and is remembered", async () => {
  const { context, page } = await newPage({ locale: "en-GB" });
  await page.goto(`${base}/funding`);
  assert.equal(await page.getAttribute("html", "lang"), "en", "Accept-Language is honoured");
  await page.click('header .langs a[hreflang="kk"]');
  await page.waitForURL(/lang=kk/);
  assert.equal(await page.getAttribute("html", "lang"), "kk");
  await page.goto(`${base}/programmes`);
  assert.equal(await page.getAttribute("html", "lang"), "kk", "the choice is kept in a cookie");
  assert.match(await page.locator("h1").textContent(), /Бағдарламалар/);
  await page.goto(`${base}/?lang=xx`);
  assert.equal(await page.getAttribute("html", "lang"), "kk", "an unknown code is ignored");
  await context.close();
});

test("a programme form with a bad identifier shows the error beside the field and stores nothing", async () => {
  const before = (await api("/api/v1/programmes?limit=1")).total;
  const { context, page, problems } = await newPage();
  await signIn(page, "ru");
  await page.goto(`${base}/workspace/programmes/new?lang=ru`);
  await page.fill('[name="iati_identifier"]', "без кода");
  await page.fill('[name="title.ru"]', "Проверка формы");
  await page.check('input[name="areas[]"][value="health"]');
  await page.selectOption('[name="sectors[0].vocabulary"]', "dac5");
  await page.fill('[name="sectors[0].code"]', "12220");
  await page.fill('[name="sectors[0].percentage"]', "60");
  await page.click('form[action="/workspace/programmes/new"] button[type=submit]');
  await page.waitForSelector("#error-summary");
  assert.match(await page.locator("#f-iati_identifier-error").textContent(), /Это не идентификатор деятельности IATI/);
  assert.match(await page.locator("#f-sectors-error").textContent(), /100/);
  assert.equal(await page.inputValue('[name="title.ru"]'), "Проверка формы", "the value is kept");
  assert.equal(await page.inputValue('[name="sectors[0].percentage"]'), "60");
  assert.equal(await page.getAttribute('[name="iati_identifier"]', "aria-invalid"), "true");
  // The error summary links to the field.
  assert.equal(await page.locator("#error-summary a").first().getAttribute("href"), "#f-iati_identifier");
  assert.equal(await page.locator("#f-iati_identifier").count(), 1);
  await accessible(page, "form with errors");
  await shot(page, "form-error-ru");
  assert.equal((await api("/api/v1/programmes?limit=1")).total, before, "nothing stored");
  assert.deepEqual(problems, []);
  await context.close();
});

test("keyboard, phone width and print", async () => {
  // Keyboard: the first Tab reaches the skip link, which leads to the content.
  const { context, page } = await newPage();
  await page.goto(`${base}/?lang=en`);
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.className), "skip");
  await page.keyboard.press("Enter");
  await page.waitForURL(/#main$/);
  // Print: navigation, forms and the interactive map are left out.
  await page.emulateMedia({ media: "print" });
  assert.equal(await page.locator("header nav").isVisible(), false);
  await page.emulateMedia({ media: "screen" });
  await context.close();

  // A 360 px phone: no page is wider than the screen.
  const phone = await newPage({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  await signIn(phone.page, "ru");
  const id = await ids();
  for (const url of ["/", "/programmes", `/programmes/${id.programme}`, "/funding", `/workspace/programmes/${id.programme}`]) {
    await phone.page.goto(`${base}${url}${url.includes("?") ? "&" : "?"}lang=ru`);
    const width = await phone.page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 360, `${url} is ${width} px wide on a 360 px phone`);
  }
  await shot(phone.page, "programme-form-360-ru");
  await phone.context.close();
});

test("a resident on a phone finds the nearest screening, calls it and opens its page", async () => {
  const id = await ids();
  const { context, page } = await newPage({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  await page.goto(`${base}/services?lang=kk`);
  // By keyboard: choose the settlement and the need, then find.
  await page.locator("#place").focus();
  await page.selectOption("#place", id.settlement);
  await page.keyboard.press("Tab");
  await page.selectOption("#need", "screening");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  await page.waitForURL(/need=screening/);
  const first = page.locator("ol.cards li.card").first();
  await first.waitFor();
  // The nearest is named with its distance and whether it is open now, in Kazakh.
  const text = await first.innerText();
  assert.match(text, /км/);
  assert.match(text, /Қазір (ашық|жабық)|Жұмыс уақыты белгісіз/);
  const call = first.locator('a[href^="tel:"]').first();
  assert.match(await call.getAttribute("href"), /^tel:\+\d+$/);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `the finder is ${width} px wide on a 360 px phone`);
  await accessible(page, "finder results on a phone (kk)");
  await shot(page, "services-finder-360-kk");
  await first.locator("h3 a").click();
  await page.waitForURL(/\/services\/[0-9a-f-]+/);
  await accessible(page, "a service's page on a phone (kk)");
  await context.close();

  // From the phone's own position (in Kurchatov): the nearest services to where they stand.
  const located = await newPage({
    viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true,
    geolocation: { latitude: 50.756, longitude: 78.54 }, permissions: ["geolocation"],
  });
  await located.page.goto(`${base}/services?lang=ru`);
  await located.page.selectOption("#need", "screening");
  const button = located.page.locator("#use-location");
  assert.ok(await button.isVisible(), "the button shows where the browser can locate");
  await Promise.all([located.page.waitForURL(/lat=50\.756/), button.click()]);
  assert.match(located.page.url(), /need=screening/);
  await located.page.locator("ol.cards li.card").first().waitFor();
  assert.match(await located.page.locator("ol.cards li.card").first().innerText(), /км/);
  assert.deepEqual(located.problems, []);
  await located.context.close();
});

test("a coordinator on a phone enters a period's values in the grid by keyboard", async () => {
  const id = await ids();
  const { context, page, problems } = await newPage({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  await signIn(page, "ru");
  const grid = `/workspace/indicators/${id.indicator}/values`;
  await page.goto(`${base}${grid}?lang=ru`);
  const stored = await api(`/api/v1/indicators/${id.indicator}/periods`);
  // The column of the last stored period; its actual is not reported yet.
  const n = stored.length - 1;
  assert.equal(stored[n].actual, null, "the demo leaves the last period unreported");
  // The grid scrolls sideways inside its frame; the page stays as wide as the phone.
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `the grid page is ${width} px wide on a 360 px phone`);
  await accessible(page, "values grid on a phone (ru)");
  // Tab moves along a row, from one period to the next.
  await page.locator(`#f-c${n}-actual-value`).focus();
  await page.keyboard.type("1200");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.id), `f-c${n + 1}-actual-value`);
  await page.locator(`#f-c${n}-actual-split-sex-female`).focus();
  await page.keyboard.type("700");
  await page.locator(`#f-c${n}-actual-split-sex-male`).focus();
  await page.keyboard.type("400");
  // Enter saves; parts that do not add up come back named at the actual, nothing stored.
  await Promise.all([page.waitForLoadState("load"), page.keyboard.press("Enter")]);
  await page.locator("#error-summary").waitFor();
  assert.match(await page.locator("#error-summary").innerText(), /1100/);
  assert.equal(await page.getAttribute(`#f-c${n}-actual-value`, "aria-invalid"), "true");
  await accessible(page, "values grid with an error (ru)");
  await shot(page, "values-grid-error-360-ru");
  assert.equal((await api(`/api/v1/indicators/${id.indicator}/periods`))[n].actual, null, "nothing stored");
  // The typed values are still there; correcting one part saves the period.
  await page.locator(`#f-c${n}-actual-split-sex-male`).focus();
  await page.keyboard.press("Control+A");
  await page.keyboard.type("500");
  await Promise.all([page.waitForURL(/saved=1/), page.keyboard.press("Enter")]);
  assert.ok(await page.locator("[role=status]").isVisible());
  const after = await api(`/api/v1/indicators/${id.indicator}/periods`);
  assert.equal(after[n].actual.value, "1200");
  assert.equal(after[n].actual.splits.length, 2);
  assert.deepEqual(problems, []);
  await context.close();
});

test("signing in: a wrong password is refused with one message, the right one opens the workspace", async () => {
  const { context, page, problems } = await newPage();
  await page.goto(`${base}/workspace?lang=en`);
  await page.waitForURL(/\/signin\?next=/);
  await page.fill("#email", process.env.SEMEY_TEST_EMAIL);
  await page.fill("#password", "not the password");
  await page.click('form[action="/signin"] button[type=submit]');
  assert.match(await page.locator("[role=alert]").textContent(), /wrong/);
  await page.fill("#password", process.env.SEMEY_TEST_PASSWORD);
  await Promise.all([page.waitForURL(/\/workspace(\?|$)/), page.click('form[action="/signin"] button[type=submit]')]);
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === "semey_session");
  assert.ok(session && session.httpOnly && session.sameSite === "Lax", "an HttpOnly, SameSite session cookie");
  await page.click("form.signout button");
  await page.waitForURL(`${base}/`);
  await page.goto(`${base}/workspace`);
  await page.waitForURL(/\/signin/);
  assert.deepEqual(problems, []);
  await context.close();
});

test("an editor's change waits for a coordinator, then the public sees it", async () => {
  const { programme } = await ids();
  const before = await api(`/api/v1/programmes/${programme}`);
  const title = `Dose-rate surveys, checked ${Date.now()}`;

  const editor = await newPage();
  await signIn(editor.page, "en", process.env.SEMEY_TEST_EDITOR);
  await editor.page.goto(`${base}/workspace/programmes/${programme}?lang=en`);
  await editor.page.fill('[name="title.en"]', title);
  await Promise.all([
    editor.page.waitForURL(/\/workspace\/proposals\//),
    editor.page.click(`form[action="/workspace/programmes/${programme}"] button[type=submit]`),
  ]);
  assert.equal((await editor.page.locator("#proposal-state").textContent()).trim(), "Draft");
  await editor.page.click("#step-submit");
  await editor.page.waitForFunction(() => document.querySelector("#proposal-state")?.textContent.includes("Waiting"));
  assert.equal(await editor.page.locator("#step-approve").count(), 0, "an editor cannot approve");
  const proposal = editor.page.url().split("/workspace/proposals/")[1].split("?")[0];
  assert.equal((await api(`/api/v1/programmes/${programme}`)).title.en, before.title.en, "not public yet");
  await shot(editor.page, "proposal-submitted-en");
  assert.deepEqual(editor.problems, []);
  await editor.context.close();

  const coordinator = await newPage();
  await signIn(coordinator.page, "ru");
  await coordinator.page.goto(`${base}/workspace/proposals?state=submitted&lang=ru`);
  await coordinator.page.click(`a[href="/workspace/proposals/${proposal}"]`);
  await accessible(coordinator.page, "proposal page");
  await coordinator.page.click("#step-approve");
  await coordinator.page.waitForFunction(() => document.querySelector("#proposal-state")?.textContent.includes("Утверждено"));
  await coordinator.page.click("#step-publish");
  await coordinator.page.waitForFunction(() => document.querySelector("#proposal-state")?.textContent.includes("Опубликовано"));
  await shot(coordinator.page, "proposal-published-ru");
  assert.deepEqual(coordinator.problems, []);
  await coordinator.context.close();

  const reader = await newPage();
  await reader.page.goto(`${base}/programmes/${programme}?lang=en`);
  assert.equal((await reader.page.locator("h1").textContent()).trim(), title, "the public sees the published change");
  await reader.context.close();
});

test("a coordinator writes the report in Kazakh, sees what is missing, and publishes a frozen version", async () => {
  const sections = ["summary", "introduction", "general_situation", "health", "socio_psychological", "economic",
    "environment", "advocacy", "resources", "coordination", "conclusions"];
  const { context, page, problems } = await newPage();
  await signIn(page, "kk");
  // The demo's draft: the row that says it is a draft.
  await page.goto(`${base}/reports?lang=kk`);
  await page.locator("tr", { hasText: "Жоба" }).locator("a").first().click();
  await page.waitForSelector("#missing-h");
  const id = page.url().split("/reports/")[1].split("?")[0];
  assert.match(await page.locator(".notice.draft").textContent(), /Бұл — жоба/);
  assert.ok(await page.locator("article.report svg.chart").count() > 0, "the draft's charts are drawn");
  await accessible(page, "report draft");
  await shot(page, "report-draft-kk");

  // The editor: published in Kazakh only, every section written.
  await page.goto(`${base}/workspace/reports/${id}?lang=kk`);
  await accessible(page, "report editor");
  await page.check('input[name="languages[]"][value="kk"]');
  await page.uncheck('input[name="languages[]"][value="en"]');
  await page.uncheck('input[name="languages[]"][value="ru"]');
  for (const s of sections) {
    await page.fill(`[name="narratives.${s}.kk"]`, `${s}: өңірдегі жұмыс туралы мәтін (сынақ).`);
  }
  await Promise.all([
    page.waitForURL(/saved=1/),
    page.click(`form[action="/workspace/reports/${id}"] button[type=submit]`),
  ]);
  await shot(page, "report-editor-kk");

  // Nothing is missing now: the draft offers to publish; publishing opens version 1.
  await page.goto(`${base}/reports/${id}?lang=kk`);
  assert.equal(await page.locator("#missing-h").count(), 0);
  await Promise.all([
    page.waitForURL(/\/versions\/1/),
    page.click(`form[action="/workspace/reports/${id}/publish"] button[type=submit]`),
  ]);
  assert.match(await page.locator("article.report .state").textContent(), /Нұсқа 1/);
  assert.match(await page.locator("#health").textContent(), /health: өңірдегі жұмыс туралы мәтін/);
  await accessible(page, "report version");
  await shot(page, "report-version-kk");
  const pdf = await fetch(new URL(await page.locator('a[href$="/pdf?lang=kk"]').getAttribute("href"), base));
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers.get("content-type"), "application/pdf");
  assert.deepEqual(problems, []);
  await context.close();
});

test("a reader searches from the header in Kazakh and Chinese, narrows by kind and opens a hit", async () => {
  const { context, page, problems } = await newPage();
  await page.goto(`${base}/programmes?lang=kk`);
  // The search box is in every page's header.
  await page.fill("#site-search-q", "радиация");
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/search\?q=/);
  assert.match(await page.locator("[role=status]").textContent(), /нәтиже/);
  assert.ok(await page.locator("ol.hits li").count() > 0, "Russian words find hits on the Kazakh page");
  await accessible(page, "search results (kk)");
  await shot(page, "search-kk");
  // Narrow to programmes: every hit is one, and the address says so.
  await page.locator("aside a", { hasText: "Бағдарлама" }).first().click();
  await page.waitForURL(/kind=programme/);
  const kinds = await page.locator("ol.hits li small").allTextContents();
  assert.ok(kinds.length > 0 && kinds.every((k) => k === "Бағдарлама"), kinds.join(", "));
  await page.locator("ol.hits h2 a").first().click();
  await page.waitForURL(/\/programmes\/[0-9a-f-]+/);

  // Chinese: the words are cut by jieba and the found ones marked.
  await page.goto(`${base}/search?q=${encodeURIComponent("辐射监测")}&lang=zh`);
  assert.match(await page.locator("[role=status]").textContent(), /条结果/);
  assert.ok(await page.locator("ol.hits mark").count() > 0, "found words are marked");
  await accessible(page, "search results (zh)");
  // Only signs: explained in the reader's language, not an error page.
  const refused = await page.goto(`${base}/search?q=${encodeURIComponent("+ - *")}&lang=zh`);
  assert.equal(refused.status(), 400);
  assert.match(await page.locator("[role=alert]").textContent(), /没有词语/);
  await accessible(page, "a refused search (zh)");
  assert.deepEqual(problems.filter((p) => !/status of 400/.test(p)), []);
  await context.close();
});

test("a coordinator uploads a leaflet in Kazakh: a wrong file is refused, the right one opens on its page and search finds it", async () => {
  const before = (await api("/api/v1/documents?limit=1")).total;
  const { context, page, problems } = await newPage();
  await signIn(page, "kk");
  await page.goto(`${base}/workspace/documents/new?lang=kk`);
  await accessible(page, "upload form (kk)");
  // An archive is refused with the reason in Kazakh, the details kept, nothing stored.
  await page.setInputFiles("#f-file", {
    name: "bundle.gz",
    mimeType: "application/gzip",
    buffer: Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]),
  });
  await page.fill('[name="title.kk"]', "Қалқанша безін тексеру кестесі");
  await page.selectOption('[name="doc_type"]', "leaflet");
  await page.check('input[name="languages[]"][value="kk"]');
  await page.click('form[action="/workspace/documents/new"] button[type=submit]');
  await page.waitForSelector("#error-summary");
  assert.match(await page.locator("#error-summary").textContent(), /Мұрағаттар қабылданбайды/);
  assert.equal(await page.inputValue('[name="title.kk"]'), "Қалқанша безін тексеру кестесі", "the title is kept");
  await accessible(page, "a refused upload (kk)");
  await shot(page, "document-refused-kk");
  assert.equal((await api("/api/v1/documents?limit=1")).total, before, "nothing stored");
  // The leaflet itself, as HTML: published at once (a coordinator), shown with its text.
  await page.setInputFiles("#f-file", {
    name: "жадынама.html",
    mimeType: "text/html",
    buffer: Buffer.from("<!DOCTYPE html><html><body><script>alert(1)</script><p>Қалқанша безін тексеру: дәрігерлер көктемде ауылдарға барады.</p></body></html>"),
  });
  await Promise.all([
    page.waitForURL(/\/documents\/[0-9a-f-]+/),
    page.click('form[action="/workspace/documents/new"] button[type=submit]'),
  ]);
  assert.match(await page.locator("h1").textContent(), /Қалқанша безін тексеру кестесі/);
  const preview = await page.locator("pre.document-text").textContent();
  assert.match(preview, /көктемде ауылдарға барады/);
  assert.doesNotMatch(preview, /alert/, "a script is not text");
  await accessible(page, "document page (kk)");
  await shot(page, "document-kk");
  // The download is an attachment of its own type, never shown as a page.
  const href = await page.locator("#document-download").getAttribute("href");
  const file = await page.request.get(`${base}${href}`);
  assert.equal(file.status(), 200);
  assert.match(file.headers()["content-disposition"], /^attachment;/);
  assert.match(file.headers()["content-type"], /^text\/html/);
  assert.match(file.headers()["content-security-policy"], /sandbox/);
  // A reader in Chinese finds it by a Kazakh word, and opens it.
  await page.goto(`${base}/search?q=${encodeURIComponent("қалқанша")}&kind=document&lang=zh`);
  await page.waitForSelector("ol.hits li");
  assert.match(await page.locator("ol.hits li small").first().textContent(), /文献/);
  await accessible(page, "a document found (zh)");
  await page.locator("ol.hits h2 a").first().click();
  await page.waitForURL(/\/documents\/[0-9a-f-]+/);
  assert.match(await page.locator("dl.facts").textContent(), /哈萨克语/);
  await accessible(page, "document page (zh)");
  assert.equal((await api("/api/v1/documents?limit=1")).total, before + 1);
  assert.deepEqual(problems, []);
  await context.close();
});
