/* The offline door: an encrypted copy of the guest list in IndexedDB, decisions from it
   when the network fails, and a queue of offline check-ins and refusals sent when it
   returns (refusals go to the server's scan log, as an online refusal does). */
(function () {
  "use strict";

  var LOOKALIKES = { "0": "O", "1": "I", "8": "B" };
  var PREFIX = "ED1";
  // A short ticket code as typed (base32 and its look-alike digits).
  var SHORT = /^[A-Z2-7018]{8}$/;
  var POLL_MS = 5000;
  // Refusals the server's scan log knows; "short_offline" decided nothing (the door asked
  // for the QR), so it is not sent.
  var LOGGED_REFUSALS = ["unknown", "cancelled", "waitlisted", "unconfirmed", "already_checked_in"];
  var RAW_MAX = 120;
  var SAVE_MS = 1500;

  /* Normalise a typed or scanned code as the server does: no spaces or dashes, upper case,
     and after the prefix the digits a base32 code cannot hold read as their look-alikes. */
  function cleanCode(raw) {
    var code = (raw || "").replace(/[\s-]+/g, "").toUpperCase();
    if (code.indexOf(PREFIX) === 0) {
      code = PREFIX + code.slice(PREFIX.length).replace(/[018]/g, function (c) { return LOOKALIKES[c]; });
    }
    return code;
  }

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function codeHash(code) {
    return crypto.subtle.digest("SHA-256", new TextEncoder().encode(code)).then(function (digest) {
      return hex(digest).slice(0, 32);
    });
  }

  function promised(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function Door(options) {
    this.api = options.api;            // {snapshot, checkin}
    this.name = "eventdesk-door:" + options.slug;
    this.door = options.door;
    this.zone = options.zone;
    this.csrf = options.csrf;
    this.onchange = options.onchange || function () {};
    this.onrevoked = options.onrevoked || function () {};
    this.db = null;
    this.key = null;
    this.keyId = null;
    this.cursor = null;
    this.byHash = new Map();
    this.byId = new Map();
    this.waiting = 0;
    this.draining = false;
    this.undoing = false;
    this.saveTimer = null;
    this.ready = this.open().then(this.load.bind(this)).catch(function () { /* online only */ });
  }

  Door.prototype.open = function () {
    var self = this;
    var request = indexedDB.open(this.name, 1);
    request.onupgradeneeded = function () {
      request.result.createObjectStore("meta");
      request.result.createObjectStore("queue", { autoIncrement: true });
    };
    return promised(request).then(function (db) { self.db = db; });
  };

  Door.prototype.store = function (name, mode) {
    return this.db.transaction(name, mode || "readonly").objectStore(name);
  };

  Door.prototype.encrypt = function (value) {
    var iv = crypto.getRandomValues(new Uint8Array(12));
    var plain = new TextEncoder().encode(JSON.stringify(value));
    return crypto.subtle.encrypt({ name: "AES-GCM", iv: iv }, this.key, plain).then(function (data) {
      return { iv: iv, data: data };
    });
  };

  Door.prototype.decrypt = function (box) {
    return crypto.subtle.decrypt({ name: "AES-GCM", iv: box.iv }, this.key, box.data).then(function (plain) {
      return JSON.parse(new TextDecoder().decode(plain));
    });
  };

  // The key and the snapshot kept from an earlier visit: the door works offline from the first scan.
  Door.prototype.load = function () {
    var self = this;
    var meta = this.store("meta");
    return Promise.all([promised(meta.get("key")), promised(meta.get("keyId")),
      promised(meta.get("snapshot")), promised(this.store("queue").getAll())]).then(function (found) {
      self.waiting = found[3].filter(function (box) { return !box.refusal; }).length;
      if (!found[0]) { return; }
      self.key = found[0];
      self.keyId = found[1];
      if (!found[2]) { return; }
      return self.decrypt(found[2]).then(function (saved) {
        self.cursor = saved.cursor;
        saved.tickets.forEach(self.put.bind(self));
      }, function () { /* another key: start afresh */ });
    }).then(function () { self.onchange(); });
  };

  Door.prototype.put = function (row) {
    var ticket = { hash: row[0], id: row[1], name: row[2], organisation: row[3], status: row[4],
      checked_in_at: row[5], door: row[6] };
    var earlier = this.byId.get(ticket.id);
    if (earlier && earlier.hash !== ticket.hash) { this.byHash.delete(earlier.hash); }
    this.byHash.set(ticket.hash, ticket);
    this.byId.set(ticket.id, ticket);
  };

  Door.prototype.rows = function () {
    var rows = [];
    this.byHash.forEach(function (t) {
      rows.push([t.hash, t.id, t.name, t.organisation, t.status, t.checked_in_at, t.door]);
    });
    return rows;
  };

  Door.prototype.save = function () {
    var self = this;
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(function () {
      if (!self.key || !self.db) { return; }
      self.encrypt({ cursor: self.cursor, tickets: self.rows() }).then(function (box) {
        self.store("meta", "readwrite").put(box, "snapshot");
      });
    }, SAVE_MS);
  };

  Door.prototype.useKey = function (base64) {
    var self = this;
    var raw = Uint8Array.from(atob(base64), function (c) { return c.charCodeAt(0); });
    return crypto.subtle.digest("SHA-256", raw).then(function (digest) {
      var id = hex(digest).slice(0, 16);
      if (self.key && id === self.keyId) { return false; }
      // Not extractable: a script can use the key while the page lives, never read it out.
      return crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"])
        .then(function (key) {
          self.key = key;
          self.keyId = id;
          self.cursor = null;
          self.byHash.clear();
          self.byId.clear();
          var meta = self.store("meta", "readwrite");
          meta.put(key, "key");
          meta.put(id, "keyId");
          meta.delete("snapshot");
          return true;
        });
    });
  };

  Door.prototype.fetchJSON = function (method, url, body) {
    var self = this;
    var options = { method: method, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": this.csrf } };
    if (body) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(url, options).then(function (response) {
      if (response.status === 401) {
        return self.wipe().then(function () { self.onrevoked(); throw new Error("revoked"); });
      }
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    });
  };

  // Changes since the cursor (the whole list the first time, or after a new key).
  Door.prototype.sync = function () {
    var self = this;
    if (!this.db) { return Promise.resolve(); }
    var url = this.api.snapshot + (this.cursor ? "?since=" + encodeURIComponent(this.cursor) : "");
    return this.fetchJSON("GET", url).then(function (answer) {
      var data = answer.data;
      return self.useKey(data.key).then(function (renewed) {
        if (renewed && !data.full) { return self.sync(); }
        data.tickets.forEach(function (row) {
          var mine = self.byId.get(row[1]);
          // A check-in made here offline stands until the server has heard of it.
          if (mine && mine.pending && !row[5]) { row[5] = mine.checked_in_at; row[6] = mine.door; }
          self.put(row);
          if (mine && mine.pending) { self.byId.get(row[1]).pending = true; }
        });
        self.cursor = data.cursor;
        self.save();
        self.onchange();
      });
    });
  };

  Door.prototype.start = function () {
    var self = this;
    var tick = function () {
      self.ready.then(function () { return self.sync(); })
        .then(function () { return self.drain(); })
        .catch(function () { /* offline: next round */ });
    };
    tick();
    setInterval(tick, POLL_MS);
    window.addEventListener("online", tick);
    this.kick = tick;
  };

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  Door.prototype.timeOf = function (iso) {
    try {
      return new Intl.DateTimeFormat("nl-NL", { hour: "2-digit", minute: "2-digit", timeZone: this.zone })
        .format(new Date(iso));
    } catch (e) {
      var d = new Date(iso);
      return pad(d.getHours()) + ":" + pad(d.getMinutes());
    }
  };

  Door.prototype.answer = function (status, reason, ticket) {
    return {
      status: status, reason: reason, offline: true,
      attendee: ticket && reason !== "wrong_event" ? { id: ticket.id, name: ticket.name,
        organisation: ticket.organisation, status: ticket.status } : null,
      checked_in_at: ticket ? ticket.checked_in_at : null,
      checked_in_time: ticket && ticket.checked_in_at ? this.timeOf(ticket.checked_in_at) : null,
      door: ticket ? ticket.door : null
    };
  };

  // Decide a scan from the snapshot, with the same reasons as the server.
  Door.prototype.decide = function (raw, nonce, ticketId) {
    var self = this;
    // The snapshot holds hashes of full codes only: a short code needs the server.
    if (ticketId == null && SHORT.test((raw || "").replace(/[\s-]+/g, "").toUpperCase())) {
      return Promise.resolve(this.answer("error", "short_offline", null));
    }
    var found = ticketId != null ? Promise.resolve(this.byId.get(ticketId))
      : codeHash(cleanCode(raw)).then(function (hash) { return self.byHash.get(hash); });
    // A refusal is answered at once and queued for the scan log, with the code as scanned.
    var refuse = function (reason, ticket) {
      var answer = self.answer("error", reason, ticket);
      return self.enqueue({ refused: reason, registration: ticket ? ticket.id : null,
        code: ticketId == null ? String(raw || "").slice(0, RAW_MAX) : "", nonce: nonce,
        offline_at: new Date().toISOString() }).then(function () { return answer; },
        function () { return answer; });
    };
    return found.then(function (ticket) {
      if (!ticket) { return refuse("unknown", null); }
      if (ticket.status === "cancelled") { return refuse("cancelled", ticket); }
      if (ticket.status === "waitlisted") { return refuse("waitlisted", ticket); }
      if (ticket.status === "pending") { return refuse("unconfirmed", ticket); }
      if (ticket.status !== "confirmed") { return refuse("unknown", ticket); }
      if (ticket.checked_in_at) { return refuse("already_checked_in", ticket); }
      var at = new Date().toISOString();
      ticket.checked_in_at = at;
      ticket.door = self.door;
      ticket.pending = true;
      self.save();
      return self.enqueue({ registration: ticket.id, nonce: nonce, offline_at: at }).then(function () {
        return self.answer("ok", null, ticket);
      });
    });
  };

  Door.prototype.enqueue = function (scan) {
    var self = this;
    var refusal = scan.refused != null;
    if (refusal && LOGGED_REFUSALS.indexOf(scan.refused) === -1) { return Promise.resolve(); }
    return this.encrypt(scan).then(function (box) {
      // Marked in the clear so the waiting check-ins can be counted without the key.
      if (refusal) { box.refusal = true; }
      return promised(self.store("queue", "readwrite").add(box));
    }).then(function () {
      if (!refusal) { self.waiting += 1; }
      self.onchange();
    });
  };

  /* Take back a check-in this tablet made offline and has not sent yet: it leaves the queue
     and the guest is out again. Resolves false when there is none (the server has it). */
  Door.prototype.undoPending = function (id) {
    var self = this;
    var ticket = this.byId.get(id);
    if (!ticket || !ticket.pending || !this.db || !this.key) { return Promise.resolve(false); }
    if (this.draining) {
      // A batch on its way may hold it: ask again once that has settled.
      return new Promise(function (resolve) { setTimeout(resolve, 100); }).then(function () {
        return self.undoPending(id);
      });
    }
    // No batch may leave while the queue is searched: it could carry the check-in away.
    this.undoing = true;
    var done = function (taken) { self.undoing = false; return taken; };
    var store = this.store("queue", "readwrite");
    return Promise.all([promised(store.getAllKeys()), promised(store.getAll())]).then(function (found) {
      return Promise.all(found[1].map(function (box) {
        return box.refusal ? null : self.decrypt(box).catch(function () { return null; });
      })).then(function (scans) {
        var keys = found[0].filter(function (key, index) {
          return scans[index] && scans[index].registration === id && scans[index].refused == null;
        });
        if (!keys.length || !ticket.pending) { return false; }
        var removing = self.store("queue", "readwrite");
        keys.forEach(function (key) { removing.delete(key); });
        return new Promise(function (resolve, reject) {
          removing.transaction.oncomplete = resolve;
          removing.transaction.onerror = function () { reject(removing.transaction.error); };
        }).then(function () {
          ticket.checked_in_at = null;
          ticket.door = null;
          ticket.pending = false;
          self.waiting = Math.max(0, self.waiting - keys.length);
          self.save();
          self.onchange();
          return true;
        });
      });
    }).then(done, function (error) { done(false); throw error; });
  };

  // Send the queued check-ins, oldest first, in batches, until the queue is empty or the
  // network fails again. Each carries its nonce: a batch sent twice is recorded once.
  var BATCH = 50;
  Door.prototype.drain = function () {
    var self = this;
    if (this.draining || this.undoing || !this.db || !this.key) { return Promise.resolve(); }
    this.draining = true;
    var next = function () {
      var store = self.store("queue");
      return Promise.all([promised(store.getAllKeys(null, BATCH)), promised(store.getAll(null, BATCH))])
        .then(function (found) {
          var keys = found[0];
          if (!keys.length) { return null; }
          var checkins = found[1].filter(function (box) { return !box.refusal; }).length;
          return Promise.all(found[1].map(function (box) {
            return self.decrypt(box).catch(function () { return null; });
          })).then(function (scans) {
            var readable = scans.filter(Boolean);
            var sent = readable.length ? self.fetchJSON("POST", self.api.queued, { scans: readable })
              : Promise.resolve({ status: 200, data: { results: [] } });
            return sent.then(function (answer) {
              if (answer.status !== 200 && answer.status !== 400) { throw new Error("retry later"); }
              (answer.data.results || []).forEach(function (result, index) {
                if (readable[index].refused != null) { return; }
                var ticket = self.byId.get(readable[index].registration);
                if (!ticket) { return; }
                ticket.pending = false;
                if (result.checked_in_at) { ticket.checked_in_at = result.checked_in_at; ticket.door = result.door; }
              });
              var removing = self.store("queue", "readwrite");
              keys.forEach(function (key) { removing.delete(key); });
              return new Promise(function (resolve) {
                removing.transaction.oncomplete = resolve;
                removing.transaction.onerror = resolve;
              });
            });
          }).then(function () {
            self.waiting = Math.max(0, self.waiting - checkins);
            self.save();
            self.onchange();
            return next();
          });
        });
    };
    return next().then(function () { self.draining = false; }, function (error) {
      self.draining = false;
      throw error;
    });
  };

  // How many scans wait in the queue, refusals included (a new door key would strand them).
  Door.prototype.queued = function () {
    if (!this.db) { return Promise.resolve(0); }
    return promised(this.store("queue").count());
  };

  Door.prototype.search = function (query) {
    var words = query.toLowerCase().split(/\s+/).filter(Boolean);
    var found = [];
    var self = this;
    this.byId.forEach(function (t) {
      if (found.length >= 20) { return; }
      var text = (t.name + " " + t.organisation).toLowerCase();
      if (words.every(function (w) { return text.indexOf(w) !== -1; })) {
        found.push({ id: t.id, name: t.name, organisation: t.organisation, status: t.status,
          checked_in_at: t.checked_in_at, offline: true, pending: !!t.pending,
          checked_in_time: t.checked_in_at ? self.timeOf(t.checked_in_at) : null });
      }
    });
    return found;
  };

  // Nothing of this door stays on the tablet: snapshot, key, queue and the cached page.
  Door.prototype.wipe = function () {
    var self = this;
    this.byHash.clear();
    this.byId.clear();
    this.key = null;
    if (this.db) { this.db.close(); this.db = null; }
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage("wipe");
    }
    var caches_ = window.caches ? caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) { return n.indexOf("eventdesk-door-") === 0; })
        .map(function (n) { return caches.delete(n); }));
    }) : Promise.resolve();
    var database = new Promise(function (resolve) {
      var request = indexedDB.deleteDatabase(self.name);
      request.onsuccess = request.onerror = request.onblocked = function () { resolve(); };
    });
    return Promise.all([caches_, database]);
  };

  window.EventdeskOffline = { Door: Door, cleanCode: cleanCode, codeHash: codeHash };
})();
