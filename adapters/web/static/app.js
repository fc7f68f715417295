// The exam view's page: draws the model GET /api/page returns and posts answers; every rule and word comes
// from the server. Who opened the page is in the URL's fragment (Telegram's tgWebAppData, or our link's t),
// kept in sessionStorage for reloads and sent with every call; the fragment is then removed from the address.
"use strict";

(() => {
  const REFRESH_MS = 10000; // the other window (the chat) may have answered: look again this often
  const ANNOUNCE_AT = [30, 10, 5, 1]; // minutes left that a screen reader is told of
  const $ = (id) => document.getElementById(id);
  let labels = {};
  let shown = null; // "session:position" of the question on screen, so a refresh keeps the learner's picks
  let deadline = null; // performance.now() at which the time runs out
  let announced = null;
  let busy = false;

  const fragment = new URLSearchParams(location.hash.slice(1));
  let auth = null;
  if (fragment.get("tgWebAppData")) auth = "tma " + fragment.get("tgWebAppData");
  else if (fragment.get("t")) auth = "Link " + fragment.get("t");
  try {
    if (auth) sessionStorage.setItem("mla-auth", auth);
    else auth = sessionStorage.getItem("mla-auth");
  } catch (e) { /* storage off: this load still works */ }
  if (location.hash && history.replaceState) history.replaceState(null, "", location.pathname + location.search);
  theme(fragment.get("tgWebAppThemeParams"));

  function theme(raw) {
    if (!raw) return;
    try {
      const params = JSON.parse(raw);
      const names = { bg_color: "--bg", text_color: "--text", hint_color: "--hint", link_color: "--link",
        button_color: "--button", button_text_color: "--button-text", secondary_bg_color: "--secondary-bg" };
      for (const [key, variable] of Object.entries(names)) {
        if (/^#[0-9a-fA-F]{3,8}$/.test(params[key] || "")) document.documentElement.style.setProperty(variable, params[key]);
      }
    } catch (e) { /* not JSON: keep the default colours */ }
  }

  function el(tag, props, text) {
    const node = document.createElement(tag);
    Object.assign(node, props || {});
    if (text !== undefined) node.textContent = text;
    return node;
  }

  async function call(path, body) {
    try {
      const response = await fetch(path, {
        method: body ? "POST" : "GET",
        headers: Object.assign({ Authorization: auth || "" }, body ? { "Content-Type": "application/json" } : {}),
        body: body ? JSON.stringify(body) : undefined,
        cache: "no-store",
      });
      return await response.json();
    } catch (e) {
      return { status: "offline", notices: [labels.offline || "Cannot reach the bot. Try again in a moment."] };
    }
  }

  function render(page) {
    if (page.labels) labels = page.labels;
    $("loading").hidden = true;
    const trouble = ["refused", "error", "offline"].includes(page.status);
    $("notices").replaceChildren(...(page.notices || []).map((text) =>
      el("p", trouble ? { className: "alert", role: "alert" } : {}, text)));
    if (page.status === "error" || page.status === "offline") return; // keep the screen; the next refresh retries
    $("title").textContent = page.title || labels.app || "MLA Coach";
    document.title = page.title || labels.app || "MLA Coach";
    clock(page.seconds_left);
    question(page.status === "running" ? page.question : null);
    report(page.status === "finished" ? page.report : null);
    navigator(page.navigator || []);
  }

  function question(q) {
    const form = $("question");
    if (!q) {
      form.hidden = true;
      shown = null;
      return;
    }
    form.hidden = false;
    const key = q.session_id + ":" + q.position;
    if (key === shown) return; // the same question: keep what the learner picked so far
    shown = key;
    form.dataset.session = q.session_id;
    form.dataset.position = q.position;
    form.dataset.select = q.select;
    $("progress").textContent = `${labels.question} ${q.number} ${labels.of} ${q.total}`;
    $("case").hidden = !q.case_scenario;
    $("case-title").textContent = q.case_title || "";
    $("case-scenario").textContent = q.case_scenario || "";
    $("stem").textContent = q.stem;
    $("exhibit").hidden = !q.exhibit;
    $("exhibit").textContent = q.exhibit || "";
    $("prompts").hidden = !q.prompts.length;
    $("prompts").replaceChildren(...q.prompts.map((p) => el("li", {}, p)));
    $("instruction").textContent = q.instruction;
    const type = q.kind === "multi" ? "checkbox" : "radio";
    $("options").replaceChildren(...q.options.map((o) => {
      const label = el("label", { className: "option" });
      const input = el("input", { type, name: "choice", value: String(o.index), disabled: !q.answerable });
      label.append(input, el("span", { className: "letter" }, o.letter), " ",
        el("span", { className: "text" }, o.text));
      return label;
    }));
    $("submit").textContent = labels.submit;
    $("submit").hidden = !q.answerable;
    $("keys").textContent = q.answerable ? labels.keys : "";
    picked();
    $("stem").scrollIntoView({ block: "nearest" });
  }

  function choices() {
    return [...document.querySelectorAll("#options input:checked")].map((input) => Number(input.value));
  }

  function picked() {
    const select = Number($("question").dataset.select || 1);
    const many = select > 1;
    const n = choices().length;
    $("picked").textContent = many ? labels.chosen.replace("{n}", n).replace("{select}", select) : "";
    $("submit").disabled = busy || n !== select;
  }

  function report(paragraphs) {
    $("report").hidden = !paragraphs;
    $("report-title").textContent = labels.report || "";
    $("report-text").replaceChildren(...(paragraphs || []).map((text) => el("p", {}, text)));
  }

  function navigator(cells) {
    $("navigator").hidden = !cells.length;
    $("navigator-title").textContent = labels.navigator || "";
    $("cells").replaceChildren(...cells.map((cell) => {
      const item = el("li");
      const classes = `cell state-${cell.state}${cell.current ? " current" : ""}${cell.flagged ? " flagged" : ""}`;
      const node = cell.jump ? el("button", { type: "button", className: classes }) : el("span", { className: classes });
      node.textContent = String(cell.number);
      node.setAttribute("aria-label", cell.label);
      if (cell.current) node.setAttribute("aria-current", "step");
      item.append(node);
      return item;
    }));
  }

  function clock(seconds) {
    $("clock").hidden = seconds === null || seconds === undefined;
    $("clock-label").textContent = labels.time_left || "";
    if ($("clock").hidden) {
      deadline = null;
      return;
    }
    deadline = performance.now() + seconds * 1000;
    tick();
  }

  function tick() {
    if (deadline === null) return;
    const left = Math.max(0, Math.round((deadline - performance.now()) / 1000));
    const h = Math.floor(left / 3600), m = Math.floor(left / 60) % 60, s = left % 60;
    $("clock-time").textContent = `${h}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}`;
    $("clock").classList.toggle("low", left <= 300);
    const minutes = Math.ceil(left / 60);
    if (ANNOUNCE_AT.includes(minutes) && announced !== minutes) {
      announced = minutes;
      $("announce").textContent = minutes === 1 ? labels.minute_left : labels.minutes_left.replace("{minutes}", minutes);
    }
    if (left === 0) {
      deadline = null;
      $("announce").textContent = labels.time_up;
      refresh();
    }
  }

  async function refresh() {
    if (!busy) render(await call("api/page"));
  }

  async function submit(event) {
    event.preventDefault();
    const form = $("question");
    if (busy || $("submit").hidden || choices().length !== Number(form.dataset.select)) return;
    busy = true;
    picked();
    const page = await call("api/answer", {
      session_id: Number(form.dataset.session),
      position: Number(form.dataset.position),
      response: choices(),
    });
    busy = false;
    render(page);
    picked();
    const first = document.querySelector("#options input");
    if (first && !form.hidden) first.focus();
  }

  function keys(event) {
    const form = $("question");
    if (form.hidden || event.altKey || event.ctrlKey || event.metaKey) return;
    const inputs = [...document.querySelectorAll("#options input:not(:disabled)")];
    if (event.key === "Enter" && event.target instanceof HTMLInputElement) {
      event.preventDefault();
      form.requestSubmit();
      return;
    }
    const key = event.key.toUpperCase();
    let index = "ABCDEFGH".indexOf(key);
    if (index < 0 && /^[1-8]$/.test(key)) index = Number(key) - 1;
    if (key.length !== 1 || index < 0 || index >= inputs.length) return;
    event.preventDefault();
    const input = inputs[index];
    input.checked = input.type === "radio" ? true : !input.checked;
    input.focus();
    picked();
  }

  $("question").addEventListener("submit", submit);
  $("options").addEventListener("change", picked);
  document.addEventListener("keydown", keys);
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible") refresh(); });
  setInterval(tick, 1000);
  setInterval(() => { if (document.visibilityState === "visible") refresh(); }, REFRESH_MS);
  refresh();
})();
