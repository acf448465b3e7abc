/* elearn quiz page: autosave on every change, answers kept in the browser while offline and sent
   when the connection returns, a countdown on the server's clock, and honest messages.
   Progressive enhancement: without this script the page works by plain form posts. */
(function () {
  "use strict";
  var form = document.getElementById("attempt-form");
  if (!form || !window.fetch || !window.JSON || !window.localStorage) return;

  var data = form.dataset;
  var texts = document.getElementById("quiz-texts").dataset;
  var storeKey = "elearn-attempt-" + data.attempt;       // answers not yet sent: {id: {a, t}}
  var knownKey = storeKey + "-known";                      // every answer this browser has seen: {id: a}
  var syncedKey = storeKey + "-synced";                    // server time of the last save that succeeded
  var clockKey = "elearn-clock-offset";
  var csrf = form.querySelector("input[name=csrf_token]").value;
  var savedState = document.getElementById("saved-state");
  var banner = document.getElementById("offline-banner");
  var note = document.getElementById("deadline-note");
  var countdown = document.getElementById("countdown");
  var closed = false, sending = false, timer = null, timeUp = false;

  function load() {
    try { return JSON.parse(localStorage.getItem(storeKey)) || {}; } catch (e) { return {}; }
  }
  function store(pending) {
    try {
      if (Object.keys(pending).length) localStorage.setItem(storeKey, JSON.stringify(pending));
      else localStorage.removeItem(storeKey);
    } catch (e) { /* storage full or disabled: autosave still works online */ }
  }
  function readJson(key) {
    try { return JSON.parse(localStorage.getItem(key)) || {}; } catch (e) { return {}; }
  }
  function writeJson(key, value) {
    try { localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* full or disabled */ }
  }
  function forget() {
    [storeKey, knownKey, syncedKey].forEach(function (key) { localStorage.removeItem(key); });
  }
  function two(n) { return (n < 10 ? "0" : "") + n; }
  function clockText(date) { return two(date.getHours()) + ":" + two(date.getMinutes()) + ":" + two(date.getSeconds()); }
  function offset() { return Number(localStorage.getItem(clockKey) || 0); }
  function learnClock(serverTime) {
    var server = Date.parse(serverTime);
    if (!isNaN(server)) localStorage.setItem(clockKey, String(server - Date.now()));
  }

  /* Answers in the API's shape, read from and written to the inputs of one question. */
  function answerOf(fieldset) {
    var type = fieldset.dataset.type, name = "a-" + fieldset.dataset.question;
    var inputs = fieldset.querySelectorAll("[name^='" + name + "']");
    var i, value = null, chosen = [], pairs = {};
    for (i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      if (type === "multiple" && input.checked) chosen.push(input.value);
      else if ((type === "single" || type === "truefalse") && input.checked) value = input.value;
      else if (type === "matching" && input.value) pairs[input.name.slice(name.length + 1)] = input.value;
      else if (input.tagName === "TEXTAREA" || input.type === "text") value = input.value;
    }
    if (type === "multiple") return chosen;
    if (type === "matching") return pairs;
    return value;
  }
  function apply(fieldset, answer) {
    var type = fieldset.dataset.type, name = "a-" + fieldset.dataset.question;
    var inputs = fieldset.querySelectorAll("[name^='" + name + "']");
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      if (type === "multiple") input.checked = (answer || []).indexOf(input.value) >= 0;
      else if (type === "single" || type === "truefalse") input.checked = input.value === answer;
      else if (type === "matching") input.value = (answer || {})[input.name.slice(name.length + 1)] || "";
      else input.value = answer || "";
    }
  }

  function setOffline(offline) { banner.hidden = !offline; }
  function say(text, withLink) {
    note.textContent = text + " ";
    if (withLink) {
      var link = document.createElement("a");
      link.href = data.result;
      link.textContent = texts.result;
      note.appendChild(link);
    }
    note.hidden = false;
  }

  function send() {
    var pending = load(), keys = Object.keys(pending);
    if (!keys.length || sending || closed) return Promise.resolve(true);
    if (!navigator.onLine) { setOffline(true); return Promise.resolve(false); }
    sending = true;
    var answers = {};
    keys.forEach(function (key) { answers[key] = pending[key].a; });
    savedState.textContent = texts.pending;
    return fetch(data.autosave, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ answers: answers })
    }).then(function (response) {
      return response.json().then(function (body) { return { status: response.status, body: body }; });
    }).then(function (result) {
      sending = false;
      setOffline(false);
      if (result.status === 200) {
        var now = load();
        keys.forEach(function (key) { if (now[key] && now[key].t === pending[key].t) delete now[key]; });
        store(now);
        learnClock(result.body.server_time);
        localStorage.setItem(syncedKey, result.body.saved_at_exact || result.body.saved_at);
        savedState.textContent = texts.saved + " " + clockText(new Date(result.body.saved_at));
        if (Object.keys(now).length) schedule(200);
        return true;
      }
      if (result.status === 409) {
        closed = true;
        forget();
        say(texts.closed, true);
        return false;
      }
      var error = (result.body && result.body.error) || {};
      say(error.message || texts.closed, false);
      // The server could not save now (503 while its database is away): the answers stay kept
      // in the browser and are sent again shortly.
      if (result.status >= 500) schedule(5000);
      return false;
    }).catch(function () {
      sending = false;
      setOffline(true);
      savedState.textContent = texts.offlineSaved;
      return false;
    });
  }
  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(send, delay === undefined ? 500 : delay);
  }
  function record(fieldset) {
    var pending = load(), known = readJson(knownKey), answer = answerOf(fieldset);
    pending[fieldset.dataset.question] = { a: answer, t: Date.now() };
    known[fieldset.dataset.question] = answer;
    store(pending);
    writeJson(knownKey, known);
    savedState.textContent = navigator.onLine ? texts.pending : texts.offlineSaved;
    schedule();
  }

  function changed(event) {
    var fieldset = event.target.closest && event.target.closest("fieldset.question");
    if (fieldset && !closed) record(fieldset);
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function (event) {
    if (!navigator.onLine) {
      event.preventDefault();
      say(texts.offlineNav, false);
      return;
    }
    forget(); // the form carries this page's answers; the rest were autosaved
  });
  window.addEventListener("online", function () { setOffline(false); send(); });
  window.addEventListener("offline", function () { setOffline(true); });
  setInterval(send, 15000);

  /* A copy older than the last save (the service worker's, shown offline) gets every answer this
     browser has seen; then, in any case, the answers not yet sent win. A fresh page is the truth. */
  var fieldsets = form.querySelectorAll("fieldset.question");
  var synced = localStorage.getItem(syncedKey);
  var stale = !!synced && (!data.savedAt || Date.parse(synced) > Date.parse(data.savedAt));
  var known = readJson(knownKey), waiting = load();
  for (var f = 0; f < fieldsets.length; f++) {
    var key = fieldsets[f].dataset.question;
    if (stale && key in known) apply(fieldsets[f], known[key]);
    if (waiting[key]) apply(fieldsets[f], waiting[key].a);
    known[key] = answerOf(fieldsets[f]);
  }
  writeJson(knownKey, known);
  if (Object.keys(waiting).length) { savedState.textContent = texts.offlineSaved; send(); }
  if (navigator.onLine) learnClock(data.serverTime); else setOffline(true);

  /* The countdown runs on the server's clock; at the deadline the page saves and submits in time
     (the server accepts both for a grace period), or says honestly what happened while offline. */
  if (countdown) {
    var deadline = Date.parse(data.serverTime) + Number(countdown.dataset.secondsLeft) * 1000;
    var tick = function () {
      var left = Math.round((deadline - (Date.now() + offset())) / 1000);
      if (left > 0) {
        var h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
        countdown.textContent = (h ? h + ":" + two(m) : m) + ":" + two(s);
        return;
      }
      countdown.textContent = "0:00";
      if (timeUp) return;
      timeUp = true;
      if (!navigator.onLine) { say(texts.timeUpOffline, true); return; }
      send().then(function (ok) {
        if (!ok || closed) { say(closed ? texts.closed : texts.timeUpOffline, true); return; }
        var submit = document.createElement("input");
        submit.type = "hidden"; submit.name = "go"; submit.value = "submit";
        form.action = data.result + "/submit";
        form.appendChild(submit);
        forget();
        form.submit();
      });
    };
    tick();
    setInterval(tick, 1000);
  }

  /* The service worker serves this page again if it is reloaded offline: keep a copy of it and of
     its script and style now (the page may have loaded before the worker took control). */
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js").catch(function () {});
  if (window.caches && navigator.onLine) {
    var assets = [location.href];
    document.querySelectorAll("script[src], link[rel~=stylesheet][href], link[rel~=icon][href]").forEach(function (el) {
      assets.push(el.src || el.href);
    });
    caches.open("elearn-pages-v1").then(function (cache) { return cache.addAll(assets); }).catch(function () {});
  }
})();
