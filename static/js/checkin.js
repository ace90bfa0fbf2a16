/* Door check-in: camera, handheld scanner, search and walk-ins through one submit path. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("ci-config").textContent);
  var S = config.strings;
  var $ = function (id) { return document.getElementById(id); };
  var codeInput = $("ci-code");
  var overlay = $("ci-result");
  var undoButton = $("ci-undo");
  var REPEAT_MS = 3000;
  var RESULT_MS = 2000;
  var lastCode = null;
  var lastCodeAt = 0;
  var lastOk = null;
  var overlayTimer = null;
  // Decode timings, read by the browser tests and handy when tuning a tablet.
  // resultMs: from a code submitted to its colour on screen (the benchmarks read it).
  var stats = window.checkinStats = { frames: 0, decodeMs: [], scans: 0, offline: 0, resultMs: [] };
  var scanStarted = null;
  // How long a scan waits for the server before the door decides from its own copy.
  var SCAN_DEADLINE_MS = 1500;

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) {
      return values[key] == null ? "" : values[key];
    });
  }

  function newNonce() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return String(Date.now()) + "-" + Math.random().toString(36).slice(2);
  }

  /* ---- the offline door ------------------------------------------------- */

  var door = null;

  function showQueue() {
    var waiting = door ? door.waiting : 0;
    var queue = $("ci-queue");
    queue.textContent = waiting === 1 ? S.waiting_one : fill(S.waiting, { count: waiting });
    queue.hidden = waiting === 0;
    stats.tickets = door ? door.byId.size : 0;
    stats.waiting = waiting;
  }

  // Offline, the counters come from the door's own copy.
  function showCounts() {
    var inside = 0;
    var expected = 0;
    door.byId.forEach(function (t) {
      if (t.status === "confirmed") {
        expected += 1;
        if (t.checked_in_at) { inside += 1; }
      }
    });
    if (expected) {
      $("ci-in").textContent = inside;
      $("ci-expected").textContent = expected;
    }
  }

  function revoked() {
    setOnline(true);
    showResult("error", S.door_closed, "", "", S.door_closed_detail);
    setTimeout(function () { window.location.reload(); }, 3000);
  }

  if (window.EventdeskOffline && window.indexedDB && window.crypto && crypto.subtle) {
    door = new window.EventdeskOffline.Door({
      api: config.api, slug: config.slug, door: config.door, zone: config.zone, csrf: config.csrf,
      onchange: showQueue, onrevoked: revoked
    });
    door.learn = function (answer) {
      var person = answer.attendee || {};
      var ticket = door.byId.get(person.id);
      if (!ticket || answer.offline) { return; }
      if (answer.status === "ok") {
        ticket.checked_in_at = answer.checked_in_at || new Date().toISOString();
        ticket.door = answer.door || config.door;
      } else if (answer.status === "undone") {
        ticket.checked_in_at = null;
        ticket.door = null;
      }
      door.save();
    };
  }
  if (navigator.serviceWorker && config.worker) {
    navigator.serviceWorker.register(config.worker, { scope: config.shell }).catch(function () {});
  }
  // Leaving the door (or logging out) leaves nothing of it on the tablet.
  Array.prototype.forEach.call(document.querySelectorAll(".ci-leave"), function (form) {
    form.addEventListener("submit", function (event) {
      if (!door || form.dataset.wiped) { return; }
      event.preventDefault();
      door.wipe().then(function () {
        form.dataset.wiped = "1";
        form.submit();
      });
    });
  });

  /* ---- network ---------------------------------------------------------- */

  function setOnline(online) {
    $("ci-net").hidden = online;
    document.body.classList.toggle("ci-offline", !online);
  }

  function request(method, url, body, deadline) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, deadline || 8000) : null;
    var options = {
      method: method,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": config.csrf },
      signal: controller ? controller.signal : undefined
    };
    if (body) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(url, options).then(function (response) {
      clearTimeout(timer);
      setOnline(true);
      if (response.status === 401 && door) {
        return door.wipe().then(function () { revoked(); throw new Error("revoked"); });
      }
      return response.json().catch(function () { return { status: "error", reason: "http" }; });
    }, function (error) {
      clearTimeout(timer);
      setOnline(false);
      throw error;
    });
  }

  // A retried POST carries the same nonce, so the server answers it only once.
  function post(url, body, tries) {
    body.nonce = body.nonce || newNonce();
    return request("POST", url, body).catch(function (error) {
      if ((tries || 0) >= 2) { throw error; }
      return new Promise(function (resolve) { setTimeout(resolve, 400); })
        .then(function () { return post(url, body, (tries || 0) + 1); });
    });
  }

  /* ---- the tablet's own door name --------------------------------------- */

  // An account's tablets each scan at a door of their own, named once per tablet and event.
  var naming = config.naming;
  var NAME_KEY = "eventdesk-door-name:" + config.slug;
  var namingOpen = false;
  var doorStarted = false;

  function startDoor() {
    if (door && !doorStarted) { doorStarted = true; door.start(); }
  }

  function storedName() {
    try { return window.localStorage.getItem(NAME_KEY); } catch (e) { return null; }
  }

  function storeName(name) {
    try { window.localStorage.setItem(NAME_KEY, name); } catch (e) { /* private mode */ }
  }

  function showDoorName(name) {
    config.door = name;
    if (door) { door.door = name; }
    $("ci-door-name").textContent = S.door + ": " + name;
  }

  // Queued scans are sealed with this door's key: they must reach the server before the
  // tablet moves to another door (and key), or they could not be read any more.
  function queueEmpty() {
    if (!door) { return Promise.resolve(true); }
    // A batch already on its way (the network just came back) is waited for, not skipped.
    var idle = function () {
      return new Promise(function (resolve) {
        (function wait() {
          if (door.draining || door.undoing) { setTimeout(wait, 100); } else { resolve(); }
        })();
      });
    };
    return door.ready.then(idle).then(function () { return door.drain(); })
      .then(function () { return door.queued(); })
      .then(function (count) { return count === 0; });
  }

  function failure(message) {
    var error = new Error(message);
    error.shown = true;
    return error;
  }

  // Resolves with the server's answer; rejects with an error whose message is for the screen.
  function sendName(name) {
    return queueEmpty().then(function (empty) {
      if (!empty) { throw failure(S.name_waiting); }
      return request("POST", naming.url, { name: name }).then(function (answer) {
        if (answer.status !== "ok") { throw failure(answer.message || S.error); }
        storeName(answer.door);
        showDoorName(answer.door);
        naming.named = true;
        return answer;
      });
    }).catch(function (error) {
      throw error && error.shown ? error : failure(S.name_network);
    });
  }

  var namingDialog = $("ci-naming");

  function openNaming(first, problem) {
    var field = $("ci-naming-name");
    var error = $("ci-naming-error");
    field.value = first ? (storedName() || naming.default) : config.door;
    error.textContent = problem || "";
    error.hidden = !problem;
    namingDialog.dataset.first = first ? "1" : "";
    $("ci-naming-cancel").hidden = !!first;  // the first naming cannot be skipped
    namingOpen = true;
    namingDialog.showModal();
    field.focus();
    field.select();
  }

  if (naming) {
    // The first naming cannot be skipped: scans would land at no tablet's door.
    namingDialog.addEventListener("cancel", function (event) {
      if (namingDialog.dataset.first) { event.preventDefault(); }
    });
    namingDialog.addEventListener("close", function () {
      namingOpen = false;
      codeInput.focus();
    });
    $("ci-naming-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var button = event.target.querySelector("button[type=submit]");
      var error = $("ci-naming-error");
      button.disabled = true;
      sendName($("ci-naming-name").value).then(function () {
        namingDialog.close();
        startDoor();
        if (door && door.kick) { door.kick(); }
        refreshCounts();
      }, function (problem) {
        error.textContent = problem.message;
        error.hidden = false;
        $("ci-naming-name").focus();
      }).then(function () { button.disabled = false; });
    });
    $("ci-rename").addEventListener("click", function () { openNaming(false); });
    $("ci-naming-cancel").addEventListener("click", function () { namingDialog.close(); });
  }

  (function nameThisTablet() {
    var stored = naming ? storedName() : null;
    if (!naming) {
      startDoor();
      return;
    }
    if (naming.named) {
      // A page kept for offline use may be older than the tablet's last renaming.
      if (stored && stored !== config.door && navigator.onLine === false) { showDoorName(stored); }
      if (!stored) { storeName(config.door); }
      startDoor();
      return;
    }
    // Until it is named, the tablet is at no door of its own: the bar names none.
    $("ci-door-name").textContent = S.door + ": \u2013";
    if (!stored) {
      openNaming(true);
      return;
    }
    // Named before (the session ended since): take the same name back without asking.
    namingOpen = true;  // no scan before the tablet is at its own door again
    sendName(stored).then(function () {
      namingOpen = false;
      startDoor();
    }, function (problem) { openNaming(true, problem.message); });
  })();

  /* ---- feedback --------------------------------------------------------- */

  var audio = null;
  function beep(kind) {
    try {
      var Context = window.AudioContext || window.webkitAudioContext;
      if (!Context) { return; }
      audio = audio || new Context();
      if (audio.state === "suspended") { audio.resume(); }
      var tones = kind === "ok" ? [[880, 0, 0.12]] :
        kind === "warn" ? [[660, 0, 0.12], [660, 0.18, 0.12]] : [[220, 0, 0.45]];
      tones.forEach(function (tone) {
        var oscillator = audio.createOscillator();
        var gain = audio.createGain();
        oscillator.frequency.value = tone[0];
        oscillator.type = kind === "error" ? "square" : "sine";
        gain.gain.value = 0.2;
        oscillator.connect(gain).connect(audio.destination);
        var start = audio.currentTime + tone[1];
        oscillator.start(start);
        oscillator.stop(start + tone[2]);
      });
    } catch (ignored) { /* sound is a nicety */ }
  }

  // iPad Safari only plays sound from an audio context a touch or key has started.
  function unlockAudio() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) { return; }
    try {
      audio = audio || new Context();
      if (audio.state === "suspended") { audio.resume(); }
    } catch (ignored) { /* no sound then */ }
  }
  document.addEventListener("pointerdown", unlockAudio, { once: true });
  document.addEventListener("keydown", unlockAudio, { once: true });

  function vibrate(kind) {
    if (navigator.vibrate) {
      navigator.vibrate(kind === "ok" ? 80 : kind === "warn" ? [80, 60, 80] : [300]);
    }
  }

  var ICONS = { ok: "\u2713", warn: "!", error: "\u2715" };

  function showResult(kind, title, name, organisation, detail) {
    overlay.className = "ci-result ci-" + kind;
    overlay.querySelector(".ci-result-icon").textContent = ICONS[kind] || "";
    overlay.querySelector(".ci-result-title").textContent = title;
    overlay.querySelector(".ci-result-name").textContent = name || "";
    overlay.querySelector(".ci-result-org").textContent = organisation || "";
    overlay.querySelector(".ci-result-detail").textContent = detail || "";
    overlay.hidden = false;
    if (scanStarted !== null) {
      stats.resultMs.push(performance.now() - scanStarted);
      if (stats.resultMs.length > 1000) { stats.resultMs.shift(); }
      scanStarted = null;
    }
    beep(kind);
    vibrate(kind);
    clearTimeout(overlayTimer);
    overlayTimer = setTimeout(hideResult, kind === "ok" ? RESULT_MS : RESULT_MS + 1000);
  }

  function hideResult() {
    overlay.hidden = true;
    codeInput.focus();
  }
  overlay.addEventListener("click", hideResult);

  function present(answer) {
    stats.scans += 1;
    if (answer.offline) { stats.offline += 1; }
    var person = answer.attendee || {};
    if (person.id && door) { door.learn(answer); }
    // The undo button names the guest of the latest check-in, or nobody.
    if (answer.status !== "ok" && !(lastOk && lastOk.id === person.id)) { forgetUndo(); }
    if (answer.status === "ok") {
      showResult("ok", S.ok, person.name, person.organisation, answer.offline ? S.offline_ok : "");
      // An offline check-in not sent yet is undone on the tablet (it leaves the queue).
      if (person.id) { rememberUndo(person); } else { forgetUndo(); }
      document.dispatchEvent(new CustomEvent("checkin:ok", { detail: person }));
    } else if (answer.reason === "already_checked_in") {
      showResult("warn", S.already_checked_in, person.name, person.organisation,
        fill(S.already_detail, { time: answer.checked_in_time, door: answer.door || "?" }));
    } else {
      var detail = S[answer.reason + "_detail"] || answer.message || "";
      showResult("error", S[answer.reason] || S.error, person.name, person.organisation, detail);
    }
    refreshCounts();
    if (door && !answer.offline && door.kick) { door.kick(); }
  }

  function networkFailed(error) {
    if (error && error.message === "revoked") { return; }
    showResult("error", S.error, "", "", S.network);
  }

  /* ---- checking in ------------------------------------------------------ */

  function submitCode(raw) {
    var code = (raw || "").replace(/\s+/g, "").toUpperCase();
    if (!code || namingOpen) { return; }
    var now = Date.now();
    if (code === lastCode && now - lastCodeAt < REPEAT_MS) { return; }
    lastCode = code;
    lastCodeAt = now;
    scanStarted = performance.now();
    scan({ code: code }).then(present, networkFailed);
  }

  // Ask the server; when it fails or is slow, decide from the door's copy and queue the
  // check-in with the same nonce (a request that did arrive is then answered only once).
  function scan(body) {
    body.nonce = newNonce();
    return request("POST", config.api.checkin, body, SCAN_DEADLINE_MS).catch(function (error) {
      if (!door || (error && error.message === "revoked")) { throw error; }
      setOnline(false);
      return door.decide(body.code, body.nonce, body.registration);
    });
  }

  function checkInGuest(id) {
    scan({ registration: id }).then(function (answer) {
      present(answer);
      runSearch();
    }, networkFailed);
  }

  function forgetUndo() {
    lastOk = null;
    undoButton.hidden = true;
  }

  function undone(person) {
    showResult("warn", S.undone, person.name, person.organisation, "");
    if (lastOk && lastOk.id === person.id) { forgetUndo(); }
    lastCode = null;
  }

  function undoGuest(person) {
    // A check-in still queued on this tablet is taken back here; the server never hears of it.
    var pending = door ? door.undoPending(person.id) : Promise.resolve(false);
    pending.catch(function () { return false; }).then(function (taken) {
      if (taken) {
        undone(person);
        refreshCounts();
        runSearch();
        return;
      }
      post(config.api.undo, { registration: person.id }).then(function (answer) {
        if (answer.status === "ok") {
          undone(person);
          if (door) { door.learn({ attendee: person, status: "undone" }); }
        } else {
          present(answer);
        }
        refreshCounts();
        runSearch();
      }, networkFailed);
    });
  }

  function rememberUndo(person) {
    if (!person.id) { forgetUndo(); return; }
    lastOk = person;
    undoButton.textContent = fill(S.undo, { name: person.name });
    undoButton.hidden = false;
  }

  undoButton.addEventListener("click", function () {
    if (lastOk) { undoGuest(lastOk); }
  });

  /* ---- handheld scanner and typed codes --------------------------------- */

  $("ci-scan-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var value = codeInput.value;
    codeInput.value = "";
    submitCode(value);
  });
  codeInput.addEventListener("keydown", function (event) {
    // Some scanners end with Tab instead of Enter.
    if (event.key === "Tab" && codeInput.value.trim()) {
      event.preventDefault();
      var value = codeInput.value;
      codeInput.value = "";
      submitCode(value);
    }
  });
  $("ci-keyboard").addEventListener("click", function () {
    var typing = codeInput.getAttribute("inputmode") === "none";
    codeInput.setAttribute("inputmode", typing ? "text" : "none");
    this.setAttribute("aria-pressed", String(typing));
    codeInput.blur();
    codeInput.focus();
  });
  // Keep the scanner input focused unless the person is using another control.
  function refocus() {
    var active = document.activeElement;
    var busy = active && active !== codeInput && active.matches("input, textarea, select, summary");
    if (!busy && overlay.hidden) { codeInput.focus(); }
  }
  document.addEventListener("click", function () { setTimeout(refocus, 0); });
  setInterval(refocus, 1500);

  /* ---- search ----------------------------------------------------------- */

  var searchInput = $("ci-search");
  var results = $("ci-results");
  var searchTimer = null;
  var searchSeq = 0;

  function renderResults(list) {
    results.textContent = "";
    if (!list.length) {
      var empty = document.createElement("li");
      empty.className = "ci-empty";
      empty.textContent = S.no_results;
      results.appendChild(empty);
      return;
    }
    list.forEach(function (guest) {
      var item = document.createElement("li");
      var who = document.createElement("div");
      who.className = "ci-who";
      var name = document.createElement("strong");
      name.textContent = guest.name;
      var more = document.createElement("span");
      more.textContent = [guest.organisation, guest.email].filter(Boolean).join(" · ");
      who.appendChild(name);
      who.appendChild(more);
      item.appendChild(who);
      if (guest.status !== "confirmed") {
        var state = document.createElement("span");
        state.className = "ci-tag ci-tag-error";
        state.textContent = S["status_" + guest.status] || guest.status;
        item.appendChild(state);
      } else if (guest.checked_in_time) {
        var inside = document.createElement("span");
        inside.className = "ci-tag ci-tag-warn";
        inside.textContent = fill(S.in_at, { time: guest.checked_in_time });
        item.appendChild(inside);
      }
      // Offline, only a check-in this tablet still holds can be taken back.
      if (guest.status === "confirmed" && guest.checked_in_time && (!guest.offline || guest.pending)) {
        var undo = document.createElement("button");
        undo.type = "button";
        undo.className = "ci-tool ci-undo-guest";
        undo.textContent = S.undo_short;
        undo.setAttribute("aria-label", fill(S.undo, { name: guest.name }));
        undo.addEventListener("click", function () { undoGuest(guest); });
        item.appendChild(undo);
      } else if (guest.status === "confirmed" && !guest.checked_in_time) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "ci-primary";
        button.textContent = S.check_in;
        button.addEventListener("click", function () { checkInGuest(guest.id); });
        item.appendChild(button);
      }
      document.dispatchEvent(new CustomEvent("checkin:guest", { detail: { guest: guest, item: item } }));
      results.appendChild(item);
    });
  }

  function runSearch() {
    var query = searchInput.value.trim();
    var seq = ++searchSeq;
    if (query.length < 2) { results.textContent = ""; return; }
    request("GET", config.api.search + "?q=" + encodeURIComponent(query), null, SCAN_DEADLINE_MS)
      .then(function (answer) {
        if (seq === searchSeq) { renderResults(answer.results || []); }
      }, function () {
        // Offline: the door's own copy finds guests by name and organisation.
        if (seq === searchSeq && door) { setOnline(false); renderResults(door.search(query)); }
      });
  }
  searchInput.addEventListener("input", function () {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(runSearch, 250);
  });
  $("ci-search-form").addEventListener("submit", function (event) {
    event.preventDefault();
    runSearch();
  });

  /* ---- walk-ins --------------------------------------------------------- */

  $("ci-walkin-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target;
    var body = {
      name: form.elements.name.value,
      email: form.elements.email.value,
      organisation: form.elements.organisation.value
    };
    if (!body.name.trim()) { showResult("error", S.name_required); return; }
    function send(override) {
      body.override = override;
      body.nonce = newNonce();
      post(config.api.walkin, body).then(function (answer) {
        if (answer.reason === "full" && !override && window.confirm(S.override_confirm)) {
          send(true);
          return;
        }
        if (answer.status === "ok") { form.reset(); }
        present(answer);
      }, networkFailed);
    }
    send(false);
  });

  /* ---- counters --------------------------------------------------------- */

  function refreshCounts() {
    request("GET", config.api.counts).then(function (answer) {
      if (typeof answer.checked_in === "number") {
        $("ci-in").textContent = answer.checked_in;
        $("ci-expected").textContent = answer.expected;
      }
    }, function () {
      if (door) { showCounts(); }
    });
  }
  refreshCounts();
  setInterval(refreshCounts, 5000);
  window.addEventListener("online", function () { refreshCounts(); });
  window.addEventListener("offline", function () { setOnline(false); });
  if (navigator.onLine === false) { setOnline(false); }

  /* ---- camera ----------------------------------------------------------- */

  var video = $("ci-video");
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });
  var detector = null;
  var stream = null;
  var cameras = [];
  var cameraIndex = -1;
  var torchOn = false;

  function cameraMessage(text) {
    var message = $("ci-camera-msg");
    message.textContent = text || "";
    message.hidden = !text;
  }

  function makeDetector() {
    if (!("BarcodeDetector" in window)) { return null; }
    // The polyfill fetches its decoder from a CDN unless pointed at our copy.
    if (window.BarcodeDetectionAPI && window.BarcodeDetectionAPI.prepareZXingModule) {
      window.BarcodeDetectionAPI.prepareZXingModule({
        overrides: {
          locateFile: function (path, prefix) {
            return path.endsWith(".wasm") ? new URL(config.wasm, document.baseURI).href
              : prefix + path;
          }
        },
        fireImmediately: true
      });
    }
    try { return new window.BarcodeDetector({ formats: ["qr_code"] }); } catch (e) { return null; }
  }

  var loop = 0;

  function nextFrame(mine) {
    if (mine !== loop) { return; }
    var run = function () { scanFrame(mine); };
    if (video.requestVideoFrameCallback) {
      video.requestVideoFrameCallback(run);
    } else {
      requestAnimationFrame(run);
    }
  }

  function scanFrame(mine) {
    if (mine !== loop || !stream) { return; }
    if (video.readyState < 2 || !video.videoWidth || !overlay.hidden) {
      setTimeout(function () { nextFrame(mine); }, 200);
      return;
    }
    var width = video.videoWidth;
    var height = video.videoHeight;
    var scale = Math.min(1, 640 / Math.max(width, height));
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    context.drawImage(video, 0, 0, canvas.width, canvas.height);
    var started = performance.now();
    detector.detect(canvas).then(function (codes) {
      stats.frames += 1;
      stats.decodeMs.push(performance.now() - started);
      if (stats.decodeMs.length > 200) { stats.decodeMs.shift(); }
      if (codes.length) { submitCode(codes[0].rawValue); }
    }, function () { /* a bad frame: try the next one */ }).then(function () {
      nextFrame(mine);
    });
  }

  function stopCamera() {
    loop += 1;
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); }
    stream = null;
  }

  function startCamera() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !detector) {
      cameraMessage(S.camera_off);
      return;
    }
    stopCamera();
    var video_ = { width: { ideal: 1280 }, height: { ideal: 720 } };
    if (cameraIndex >= 0 && cameras[cameraIndex]) {
      video_.deviceId = { exact: cameras[cameraIndex].deviceId };
    } else {
      video_.facingMode = { ideal: "environment" };
    }
    navigator.mediaDevices.getUserMedia({ video: video_, audio: false }).then(function (media) {
      stream = media;
      video.srcObject = media;
      cameraMessage("");
      var played = video.play();
      if (played && played.catch) { played.catch(function () {}); }
      setupTools(media.getVideoTracks()[0]);
      loop += 1;
      nextFrame(loop);
    }, function (error) {
      cameraMessage(error && error.name === "NotAllowedError" ? S.camera_denied : S.camera_off);
    });
  }

  function setupTools(track) {
    var capabilities = track && track.getCapabilities ? track.getCapabilities() : {};
    var torch = $("ci-torch");
    torch.hidden = !capabilities.torch;
    torchOn = false;
    torch.setAttribute("aria-pressed", "false");
    navigator.mediaDevices.enumerateDevices().then(function (devices) {
      cameras = devices.filter(function (device) { return device.kind === "videoinput"; });
      $("ci-switch").hidden = cameras.length < 2;
    }, function () {});
  }

  $("ci-torch").addEventListener("click", function () {
    var track = stream && stream.getVideoTracks()[0];
    if (!track) { return; }
    torchOn = !torchOn;
    var button = this;
    track.applyConstraints({ advanced: [{ torch: torchOn }] }).then(function () {
      button.setAttribute("aria-pressed", String(torchOn));
    }, function () { torchOn = false; });
  });

  $("ci-switch").addEventListener("click", function () {
    if (cameras.length < 2) { return; }
    cameraIndex = (cameraIndex + 1) % cameras.length;
    startCamera();
  });

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) { stopCamera(); } else if (detector) { startCamera(); }
  });

  detector = makeDetector();
  startCamera();
  codeInput.focus();
})();
