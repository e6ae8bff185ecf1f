// Chấm công pages: live board refresh, the door kiosk, camera capture. Plain JS, no build step.
"use strict";

function onReady(fn) {
  if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn);
}

function liveBoard() {
  const board = document.getElementById("board");
  if (!board || !board.dataset.live || !window.EventSource) return;
  const state = document.getElementById("live-state");
  const source = new EventSource("/live/punches");
  // One refresh shortly after a punch, then at most one every 3 s while punches keep coming.
  let timer = null; let last = 0;
  const refresh = () => {
    timer = null; last = Date.now();
    fetch(board.dataset.live, { credentials: "same-origin" })
      .then((r) => (r.ok ? r.text() : Promise.reject(r.status)))
      .then((html) => { board.innerHTML = html; board.dataset.refreshed = String(Date.now()); })
      .catch(() => {});
  };
  source.addEventListener("punch", () => {
    if (timer === null) timer = setTimeout(refresh, Math.max(250, last + 3000 - Date.now()));
  });
  source.addEventListener("ready", () => { if (state) { state.classList.remove("off"); state.textContent = state.dataset.on; } });
  source.onerror = () => { if (state) { state.classList.add("off"); state.textContent = state.dataset.off; } };
}

function kiosk() {
  const root = document.getElementById("kiosk");
  if (!root) return;
  const clock = document.getElementById("kiosk-clock");
  const zone = root.dataset.zone || undefined;
  const tick = () => { clock.textContent = new Date().toLocaleTimeString("vi-VN", { hour12: false, timeZone: zone }); };
  tick(); setInterval(tick, 1000);
  // The screen runs for days: after midnight (in the service's zone) reload for the new date.
  setInterval(() => {
    if (new Date().toLocaleDateString("en-CA", { timeZone: zone }) !== root.dataset.today) location.reload();
  }, 60000);
  const current = document.getElementById("kiosk-current");
  const recent = document.getElementById("kiosk-recent");
  // A door camera asks a matched face to show life (blink, turn): show what it asks, while it asks.
  const prompt = document.getElementById("kiosk-prompt");
  if (root.dataset.device && prompt) {
    const ask = async () => {
      try {
        const url = "/kiosk/prompt?device=" + encodeURIComponent(root.dataset.device) + "&lang=" + (root.dataset.lang || "vi");
        const body = await (await fetch(url, { credentials: "same-origin" })).json();
        prompt.hidden = !body.text;
        prompt.textContent = body.text ? (body.name ? body.name + ": " : "") + body.text : "";
        prompt.dataset.challenge = body.challenge || "";
      } catch (err) { prompt.hidden = true; }
    };
    ask(); setInterval(ask, 1000);
  }
  const colour = { on_time: "ok", late: "late", early: "late", day_off: "off", recorded: "excused" };
  const source = new EventSource(root.dataset.stream);
  source.addEventListener("ready", () => { root.dataset.ready = "1"; });
  source.addEventListener("punch", (message) => {
    const p = JSON.parse(message.data);
    current.replaceChildren();
    const who = document.createElement("span"); who.className = "who"; who.textContent = p.name;
    const stamp = p.date === root.dataset.today ? p.time : p.time + " " + p.date.split("-").reverse().join("/");
    const when = document.createElement("span"); when.className = "when"; when.textContent = stamp;
    const verdict = document.createElement("span");
    verdict.className = "verdict " + (colour[p.verdict] || "off"); verdict.textContent = p.label;
    current.append(who, when, verdict);
    current.dataset.punch = String(p.id);
    current.classList.remove("flash-in"); void current.offsetWidth; current.classList.add("flash-in");
    const li = document.createElement("li");
    const t = document.createElement("span"); t.className = "when"; t.textContent = stamp;
    const n = document.createElement("span"); n.textContent = p.name;
    const v = document.createElement("span"); v.className = "tag " + (colour[p.verdict] || "off"); v.textContent = p.label;
    li.append(t, n, v);
    recent.prepend(li);
    while (recent.children.length > 8) recent.lastChild.remove();
  });
}

function camera() {
  const box = document.getElementById("camera-box");
  if (!box) return;
  const start = document.getElementById("camera-start");
  const video = document.getElementById("camera-video");
  const shoot = document.getElementById("camera-shoot");
  const input = document.getElementById("photo-input");
  const form = input.form;
  start.addEventListener("click", async () => {
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "user" }, audio: false });
      video.srcObject = stream; video.hidden = false; shoot.hidden = false; await video.play();
    } catch (err) {
      box.querySelector(".camera-error").hidden = false;
    }
  });
  shoot.addEventListener("click", () => {
    const canvas = document.createElement("canvas");
    canvas.width = video.videoWidth; canvas.height = video.videoHeight;
    canvas.getContext("2d").drawImage(video, 0, 0);
    canvas.toBlob((blob) => {
      const file = new File([blob], "camera.jpg", { type: "image/jpeg" });
      const files = new DataTransfer(); files.items.add(file); input.files = files.files;
      (video.srcObject && video.srcObject.getTracks() || []).forEach((track) => track.stop());
      const source = document.getElementById("photo-source"); if (source) source.value = "camera";
      form.requestSubmit();
    }, "image/jpeg", 0.92);
  });
}

// A phone photo over the server's limit is scaled down here, before upload, instead of being refused.
// Formats the browser cannot draw (HEIC outside Safari) go up as they are; the server reads them itself.
function photoResize() {
  const form = document.getElementById("photo-form");
  if (!form) return;
  const input = document.getElementById("photo-input");
  const maxBytes = Number(form.dataset.maxBytes);
  const maxSide = Number(form.dataset.maxSide);
  form.addEventListener("submit", async (event) => {
    const file = input.files && input.files[0];
    if (!file || file.size <= maxBytes || form.dataset.resized === "yes") return;
    event.preventDefault();
    let bitmap;
    try { bitmap = await createImageBitmap(file, { imageOrientation: "from-image" }); }
    catch (err) { form.dataset.resized = "yes"; form.requestSubmit(); return; }
    const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale); canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    let quality = 0.92; let blob = null;
    while (quality > 0.4) {
      blob = await new Promise((done) => canvas.toBlob(done, "image/jpeg", quality));
      if (blob && blob.size <= maxBytes) break;
      quality -= 0.15;
    }
    const files = new DataTransfer();
    files.items.add(new File([blob], file.name.replace(/\.[^.]*$/, "") + ".jpg", { type: "image/jpeg" }));
    input.files = files.files;
    form.dataset.resized = "yes";
    form.requestSubmit();
  });
}

function deviceActions() {
  // Results as sentences in the page's language; setting a clock first measures it and asks.
  const num = new Intl.NumberFormat(document.documentElement.lang === "en" ? "en-GB" : "vi-VN",
                                    { maximumFractionDigits: 2 });
  const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_, key) => {
    const value = values[key];
    if (Array.isArray(value)) return num.format(value.length);
    if (typeof value === "number") return num.format(value);
    return value === undefined || value === null ? "—" : String(value);
  });
  const post = async (url) => {
    try {
      const response = await fetch(url, { method: "POST", credentials: "same-origin" });
      const body = await response.json().catch(() => ({}));
      const why = body.message || (typeof body.detail === "string" ? body.detail : response.statusText);
      return { ok: response.ok, detail: body.detail || {}, why };
    } catch (err) { return { ok: false, detail: {}, why: String(err) }; }
  };
  const ask = (dialog, question, yes) => new Promise((resolve) => {
    dialog.querySelector(".question").textContent = question;
    dialog.querySelector("button.yes").textContent = yes;
    dialog.returnValue = "";
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "yes"), { once: true });
    dialog.showModal();
  });
  document.querySelectorAll("[data-device-action]").forEach((button) => {
    button.addEventListener("click", async () => {
      const card = button.closest(".device");
      const out = card.querySelector(".action-result");
      const show = (kind, text) => { out.hidden = false; out.className = "action-result " + kind; out.textContent = text; };
      const failed = (result) => show("flash error", fill(out.dataset.failed, { action: button.dataset.label, detail: result.why }));
      const buttons = card.querySelectorAll(".device-actions button");
      // Measuring and asking first: the clock's offset, or what a user sync would change on the terminal.
      buttons.forEach((b) => { b.disabled = true; });
      try {
        if (button.dataset.measure) {
          show("muted", out.dataset.measuring);
          const measured = await post(button.dataset.measure);
          if (!measured.ok) { failed(measured); return; }
          out.hidden = true;
          const dialog = card.querySelector("dialog.confirm-action");
          if (!await ask(dialog, fill(button.dataset.ask, measured.detail), button.dataset.yes)) return;
        }
        show("muted", button.dataset.label + "…");
        const result = await post(button.dataset.deviceAction);
        if (result.ok) show("flash", fill(button.dataset.result, result.detail));
        else failed(result);
      } finally {
        buttons.forEach((b) => { b.disabled = false; });
      }
    });
  });
}

function requestForm() {
  const type = document.querySelector("#new-request select[name=type]");
  const kind = document.querySelector("#new-request select[name=kind]");
  if (!type || !kind) return;
  const sync = () => {
    kind.closest("label").hidden = type.value !== "leave";
    document.querySelectorAll("#new-request [data-for-types]").forEach((label) => {
      label.hidden = !label.dataset.forTypes.split(" ").includes(type.value);
    });
  };
  type.addEventListener("change", sync); sync();
}

// "Select all" ticks every checkbox of the bulk form (checkboxes may sit outside it, with form="bulk").
function selectAll() {
  document.querySelectorAll("[data-select-all]").forEach((box) => {
    const name = box.dataset.selectAll;
    box.addEventListener("change", () => {
      document.querySelectorAll(`input[type=checkbox][name="${name}"]`).forEach((other) => { other.checked = box.checked; });
    });
  });
}

function confirms() {
  document.querySelectorAll("[data-confirm]").forEach((el) => {
    el.addEventListener("click", (event) => { if (!window.confirm(el.dataset.confirm)) event.preventDefault(); });
  });
}

onReady(() => { liveBoard(); kiosk(); camera(); photoResize(); deviceActions(); requestForm(); selectAll(); confirms(); });
