// The web console's own script: time left counted down, the live feed (Server-Sent Events),
// pause and resume, highlighting changed keys, and loading an import file. Everything from the
// store is put into the page as text (textContent), never as HTML.
(function () {
  "use strict";

  function formatMillis(ms) {
    if (ms <= 0) {
      return "expired";
    }
    var s = Math.floor(ms / 1000);
    if (s < 10) {
      return (ms / 1000).toFixed(1) + "s";
    }
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return Math.floor(s / 60) + "m" + String(s % 60).padStart(2, "0") + "s";
    }
    if (s < 86400) {
      return Math.floor(s / 3600) + "h" + String(Math.floor((s % 3600) / 60)).padStart(2, "0") + "m";
    }
    return Math.floor(s / 86400) + "d" + Math.floor((s % 86400) / 3600) + "h";
  }

  // Each countdown knows the time left when the page was made; the deadline is counted from the
  // moment the page arrived, on this browser's clock, so the two machines' clocks never matter.
  function startCountdowns(root) {
    var now = Date.now();
    root.querySelectorAll(".countdown[data-expiry-ms]").forEach(function (el) {
      if (!el.dataset.deadline) {
        el.dataset.deadline = String(now + Number(el.dataset.expiryMs));
      }
    });
  }

  var reloadScheduled = false;

  function tick() {
    var now = Date.now();
    document.querySelectorAll(".countdown[data-deadline]").forEach(function (el) {
      var left = Number(el.dataset.deadline) - now;
      el.textContent = formatMillis(left);
      if (left <= 0) {
        el.classList.add("expired");
        // on a record's page, show that the record is gone once its time is up
        if (el.closest("#expiry") && !reloadScheduled) {
          reloadScheduled = true;
          setTimeout(function () { location.reload(); }, 400);
        }
      }
    });
  }

  function findRow(key) {
    var rows = document.querySelectorAll("#keys tr[data-key]");
    for (var i = 0; i < rows.length; i++) {
      if (rows[i].dataset.key === key) {
        return rows[i];
      }
    }
    return null;
  }

  function highlight(el) {
    el.classList.remove("changed");
    void el.offsetWidth; // restart the animation
    el.classList.add("changed");
  }

  // A key of the page that changed shows its new revision, size, time left and value.
  function updateRow(row, change) {
    var cells = row.cells;
    if (cells.length < 5) {
      return;
    }
    row.classList.toggle("deleted", change.op !== "put");
    cells[1].textContent = change.revision;
    if (change.op !== "put") {
      cells[2].textContent = "";
      cells[3].textContent = change.op === "expire" ? "expired" : "deleted";
      cells[4].textContent = "";
      return;
    }
    cells[2].textContent = atob(change.value_base64).length;
    cells[3].textContent = "";
    if (change.expiry_seconds === null) {
      var never = document.createElement("span");
      never.className = "muted";
      never.textContent = "never";
      cells[3].appendChild(never);
    } else {
      var countdown = document.createElement("span");
      countdown.className = "countdown";
      countdown.dataset.deadline = String(Date.now() + change.expiry_seconds * 1000);
      cells[3].appendChild(countdown);
    }
    var text = change.value === null ? "(binary)" : change.value.replace(/\s+/g, " ").trim();
    cells[4].textContent = text.length > 80 ? text.slice(0, 79) + "…" : text;
  }

  function startLiveFeed(panel) {
    var list = document.getElementById("live-events");
    var state = document.getElementById("live-state");
    var toggle = document.getElementById("live-toggle");
    var source = null;
    // the database's revision when the page was made: the feed starts after it
    var lastRevision = Number(panel.dataset.revision || 0);

    function setState(name, text) {
      panel.dataset.state = name;
      state.textContent = text;
    }

    function url() {
      var base = panel.dataset.events;
      if (lastRevision === 0) {
        return base;
      }
      return base + (base.indexOf("?") < 0 ? "?" : "&") + "from=" + (lastRevision + 1);
    }

    function show(change) {
      var item = document.createElement("li");
      item.className = "op-" + change.op + " changed";
      var op = document.createElement("span");
      op.className = "op";
      op.textContent = change.op;
      var link = document.createElement("a");
      var record = panel.dataset.record;
      link.href = record + (record.indexOf("?") < 0 ? "?" : "&") + "key=" + encodeURIComponent(change.key);
      link.className = "key";
      link.textContent = change.key;
      var meta = document.createElement("span");
      meta.className = "muted";
      meta.textContent = " rev " + change.revision + " · " + new Date().toLocaleTimeString();
      item.appendChild(op);
      item.appendChild(document.createTextNode(" "));
      item.appendChild(link);
      item.appendChild(meta);
      if (change.value !== null && change.value !== undefined) {
        var value = document.createElement("div");
        value.className = "preview";
        value.textContent = change.value.length > 120 ? change.value.slice(0, 119) + "…" : change.value;
        item.appendChild(value);
      }
      list.insertBefore(item, list.firstChild);
      while (list.children.length > 200) {
        list.removeChild(list.lastChild);
      }
      var row = findRow(change.key);
      if (row) {
        updateRow(row, change);
        highlight(row);
      }
    }

    function connect() {
      setState("connecting", "connecting…");
      source = new EventSource(url());
      source.onopen = function () { setState("live", "live"); };
      source.addEventListener("change", function (e) {
        var change = JSON.parse(e.data);
        lastRevision = Math.max(lastRevision, change.revision);
        show(change);
      });
      source.addEventListener("failure", function (e) {
        source.close();
        setState("failed", JSON.parse(e.data).message);
        toggle.textContent = "Resume";
      });
      source.onerror = function () {
        if (source.readyState === EventSource.CLOSED) {
          setState("failed", "disconnected");
          toggle.textContent = "Resume";
        } else {
          setState("connecting", "reconnecting…");
        }
      };
    }

    function pause() {
      if (source) {
        source.close();
        source = null;
      }
      setState("paused", "paused: changes wait until you resume");
      toggle.textContent = "Resume";
    }

    toggle.addEventListener("click", function () {
      if (panel.dataset.state === "paused" || panel.dataset.state === "failed") {
        toggle.textContent = "Pause";
        connect();
      } else {
        pause();
      }
    });
    window.addEventListener("pagehide", function () {
      if (source) {
        source.close();
      }
    });
    connect();
  }

  function startImportFile() {
    var file = document.getElementById("import-file");
    var lines = document.getElementById("import-lines");
    if (!file || !lines) {
      return;
    }
    file.addEventListener("change", function () {
      if (file.files.length === 0) {
        return;
      }
      var reader = new FileReader();
      reader.onload = function () { lines.value = reader.result; };
      reader.readAsText(file.files[0]);
    });
  }

  function start() {
    startCountdowns(document);
    tick();
    setInterval(tick, 100);
    var panel = document.getElementById("live");
    if (panel) {
      startLiveFeed(panel);
    }
    startImportFile();
    // key pages loaded by htmx (search as you type) bring countdowns of their own
    document.body.addEventListener("htmx:afterSettle", function (e) {
      startCountdowns(e.target);
    });
    // every request htmx sends carries the session's CSRF token
    document.body.addEventListener("htmx:configRequest", function (e) {
      e.detail.headers["X-CSRF-Token"] = document.body.dataset.csrf;
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
