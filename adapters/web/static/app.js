// The exam view's page: draws the model GET /api/page returns and posts answers and exam-day moves (previous,
// next or skip, flag, a navigator cell, the review screen, submit, the post-exam review); every rule and word
// comes from the server. Who opened the page is in the URL's fragment (Telegram's tgWebAppData, or our link's t),
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
  let mode = "page"; // what the learner looks at: "page" (the question or report), "review" or "recap"
  let confirming = false; // the submit confirmation is open: no refresh may close it
  let sessionId = null; // the running attempt every move names
  let question_ = null; // the question model on screen
  let recapAt = null; // {attempt, number, total} of the post-exam review on screen

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
    mode = page.status === "review" ? "review" : page.status === "recap" ? "recap" : "page";
    sessionId = page.session_id === undefined ? null : page.session_id;
    clock(page.seconds_left);
    question(page.status === "running" ? page.question : null);
    review(page.status === "review" ? page.review : null);
    report(page.status === "finished" ? page.report : null, page.attempt);
    recap(page.status === "recap" ? page.recap : null);
    navigator(page.status === "recap" ? [] : page.navigator || []);
  }

  function button(text, props, onclick) {
    const node = el("button", Object.assign({ type: "button" }, props || {}), text);
    node.addEventListener("click", onclick);
    return node;
  }

  function moves(q) {
    $("previous").textContent = labels.previous;
    $("previous").disabled = q.position === 0;
    $("next").textContent = q.answered ? labels.next : labels.skip;
    $("next").disabled = q.position + 1 >= q.total;
    $("flag").textContent = labels.flag; // a toggle: its name stays, aria-pressed (and its look) says flagged
    $("flag").setAttribute("aria-pressed", String(q.flagged));
    $("flag").setAttribute("aria-label", labels.flag_aria.replace("{n}", q.number));
    $("to-review").textContent = labels.review;
    $("moves").setAttribute("aria-label", `${labels.question} ${q.number}`);
  }

  function review(r) {
    confirming = confirming && !!r;
    $("review").hidden = !r;
    if (!r) {
      $("confirm").hidden = true;
      return;
    }
    $("review-title").textContent = labels.review;
    $("review-text").replaceChildren(...r.paragraphs.map((text) => el("p", {}, text)));
    const group = (name, state, numbers) => {
      const box = el("div", { className: "jumps", role: "group" });
      box.setAttribute("aria-label", `${labels[name]}: ${numbers.length}`);
      box.append(el("h3", {}, `${labels[name]} (${numbers.length})`), ...numbers.map((n) => {
        const jump = button(String(n), { className: "cell" }, () => move("api/goto", n - 1));
        jump.setAttribute("aria-label", `${labels.question} ${n}, ${labels[state]}`);
        return jump;
      }));
      return box;
    };
    $("review-lists").replaceChildren(group("unanswered_count", "unanswered", r.unanswered),
      group("flagged_count", "flagged", r.flagged));
    $("review-back").textContent = labels.back_to_question.replace("{n}", r.current);
    $("review-submit").textContent = labels.submit_exam;
    $("confirm").hidden = !r.confirm;
    confirming = !!r.confirm;
    $("confirm-text").textContent = r.confirm || "";
    $("confirm-yes").textContent = labels.confirm;
    $("confirm-no").textContent = labels.cancel;
    $("review").dataset.current = r.current;
  }

  function recap(r) {
    $("recap").hidden = !r;
    recapAt = r && r.number ? r : null;
    if (!r) return;
    $("recap-title").textContent = labels.recap_title;
    const words = r.number || !r.attempts.length ? r.paragraphs : []; // the list: its buttons say it all
    $("recap-text").replaceChildren(...words.map((text) => el("p", {}, text)));
    $("recap-list").hidden = !!r.number;
    $("recap-list").replaceChildren(...(r.number ? [] : r.attempts.map((line, i) => {
      const item = el("li");
      item.append(button(line, { className: "attempt" }, () => openRecap(i + 1, 1)));
      return item;
    })));
    $("recap-previous").textContent = labels.previous;
    $("recap-next").textContent = labels.next;
    $("recap-all").textContent = labels.attempts;
    $("recap-previous").hidden = !r.number;
    $("recap-next").hidden = !r.number;
    $("recap-previous").disabled = r.number <= 1;
    $("recap-next").disabled = r.number >= r.total;
    $("recap-all").hidden = !r.number;
  }

  // Requests run one after another, in the order the learner gave them: a key pressed while an answer is on
  // its way acts on the page that answer brings. `body` may be a function, read when its turn comes (null:
  // nothing to send any more).
  let pending = Promise.resolve();
  function post(path, body, focus) {
    pending = pending.then(async () => {
      const data = typeof body === "function" ? body() : body;
      if (data === null) return;
      busy = true;
      picked();
      const page = await call(path, data);
      busy = false;
      render(page);
      picked();
      if (focus) focus();
    });
    return pending;
  }

  function move(path, position) {
    return post(path, () => {
      const at = typeof position === "function" ? position() : position;
      return sessionId === null || at === null ? null : { session_id: sessionId, position: at };
    }, focusQuestion);
  }

  function focusQuestion() {
    if (mode === "review") return (confirming ? $("confirm-yes") : $("review-title")).focus();
    const first = document.querySelector("#options input:not(:disabled)");
    if (first && !$("question").hidden) first.focus();
  }

  function flag() {
    return move("api/flag", () => (mode === "page" && question_ ? question_.position : null))
      .then(() => { if (mode === "page") $("flag").focus(); });
  }

  function openReview() {
    return post("api/review", {}, () => $("review-submit").focus());
  }

  function openRecap(attempt, number) {
    return post("api/recap", { attempt, number }, () => (number ? $("recap-text") : $("recap-list")).focus());
  }

  function step(by) {
    if (mode === "recap" && recapAt) {
      const number = recapAt.number + by;
      if (number >= 1 && number <= recapAt.total) openRecap(recapAt.attempt, number);
      return;
    }
    move("api/goto", () => {
      if (mode !== "page" || !question_) return null;
      const position = question_.position + by;
      return position >= 0 && position < question_.total ? position : null;
    });
  }

  function question(q) {
    const form = $("question");
    question_ = q;
    if (!q) {
      form.hidden = true;
      shown = null;
      return;
    }
    form.hidden = false;
    moves(q);
    const key = q.session_id + ":" + q.position;
    if (key === shown) return; // the same question: keep what the learner picked so far
    shown = key;
    form.dataset.session = q.session_id;
    form.dataset.position = q.position;
    form.dataset.select = q.select;
    $("progress").textContent = `${labels.question} ${q.number} ${labels.of} ${q.total}`;
    $("progress").classList.toggle("flagged", q.flagged);
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
      const input = el("input", { type, name: "choice", value: String(o.index), disabled: !q.answerable,
        checked: q.picked.includes(o.index) });
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
    const before = question_ && question_.picked.length
      ? labels.your_answer.replace("{letters}", question_.picked.map((i) => "ABCDEFGH"[i]).join(" ")) : "";
    $("picked").textContent = [many ? labels.chosen.replace("{n}", n).replace("{select}", select) : "", before]
      .filter(Boolean).join(" ");
    $("submit").disabled = busy || n !== select;
  }

  function report(paragraphs, attempt) {
    $("report").hidden = !paragraphs;
    $("report-title").textContent = labels.report || "";
    $("report-text").replaceChildren(...(paragraphs || []).map((text) => el("p", {}, text)));
    $("report-recap").hidden = !paragraphs || !attempt;
    $("report-recap").textContent = labels.recap || "";
    $("report-recap").dataset.attempt = attempt || "";
  }

  function navigator(cells) {
    $("navigator").hidden = !cells.length;
    $("navigator-title").textContent = labels.navigator || "";
    $("cells").replaceChildren(...cells.map((cell) => {
      const item = el("li");
      const classes = `cell state-${cell.state}${cell.current ? " current" : ""}${cell.flagged ? " flagged" : ""}`;
      const node = cell.jump ? button("", { className: classes }, () => move("api/goto", cell.position))
        : el("span", { className: classes });
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
    if (busy || confirming || mode === "recap") return;
    const page = await call(mode === "review" ? "api/review" : "api/page", mode === "review" ? {} : undefined);
    if (!busy && !confirming) render(page);
  }

  async function submit(event) {
    event.preventDefault();
    const form = $("question");
    if (busy || $("submit").hidden || choices().length !== Number(form.dataset.select)) return;
    const body = { session_id: Number(form.dataset.session), position: Number(form.dataset.position),
      response: choices() };
    await post("api/answer", body, () => {
      const first = document.querySelector("#options input");
      if (first && !form.hidden) first.focus();
    });
  }

  // Shortcuts: A to E or 1 to 8 pick, Enter saves, F flags, N next, P previous, R the review screen; in the
  // post-exam review N and P page; Escape leaves the review screen or the confirmation.
  function keys(event) {
    const form = $("question");
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const key = event.key.toUpperCase();
    if (key === "ESCAPE" && mode === "review") {
      event.preventDefault();
      if (confirming) {
        confirming = false;
        $("confirm").hidden = true;
        $("review-submit").focus();
      } else move("api/goto", Number($("review").dataset.current) - 1);
      return;
    }
    if ((key === "N" || key === "P") && (mode === "recap" || !form.hidden)) {
      event.preventDefault();
      step(key === "N" ? 1 : -1);
      return;
    }
    if (form.hidden) return;
    if (key === "F" || key === "R") {
      event.preventDefault();
      if (key === "F") flag();
      else openReview();
      return;
    }
    const inputs = [...document.querySelectorAll("#options input:not(:disabled)")];
    if (event.key === "Enter" && event.target instanceof HTMLInputElement) {
      event.preventDefault();
      form.requestSubmit();
      return;
    }
    let index = "ABCDE".indexOf(key);
    if (index < 0 && /^[1-8]$/.test(key)) index = Number(key) - 1;
    if (key.length !== 1 || index < 0 || index >= inputs.length) return;
    event.preventDefault();
    const input = inputs[index];
    input.checked = input.type === "radio" ? true : !input.checked;
    input.focus();
    picked();
  }

  $("question").addEventListener("submit", submit);
  $("previous").addEventListener("click", () => step(-1));
  $("next").addEventListener("click", () => step(1));
  $("flag").addEventListener("click", flag);
  $("to-review").addEventListener("click", openReview);
  $("review-back").addEventListener("click", () => move("api/goto", Number($("review").dataset.current) - 1));
  $("review-submit").addEventListener("click", () => post("api/submit", { session_id: sessionId, confirm: false },
    () => $("confirm-yes").focus()));
  $("confirm-yes").addEventListener("click", () => {
    confirming = false;
    post("api/submit", { session_id: sessionId, confirm: true }, () => $("report-title").focus());
  });
  $("confirm-no").addEventListener("click", () => {
    confirming = false;
    $("confirm").hidden = true;
    $("review-submit").focus();
  });
  $("report-recap").addEventListener("click", () => openRecap(Number($("report-recap").dataset.attempt), 1));
  $("recap-previous").addEventListener("click", () => step(-1));
  $("recap-next").addEventListener("click", () => step(1));
  $("recap-all").addEventListener("click", () => openRecap(0, 0));
  $("options").addEventListener("change", picked);
  document.addEventListener("keydown", keys);
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible") refresh(); });
  setInterval(tick, 1000);
  setInterval(() => { if (document.visibilityState === "visible") refresh(); }, REFRESH_MS);
  refresh();
})();
