// Live updates for the staff inbox. The server-sent event feed reports each new request ("request",
// "urgent-request") and each change to one ("request-changed": acknowledged, assigned, escalated...). The
// list then refreshes itself: this page's own address (its filters and page kept) is fetched again and its
// results region swapped in, keeping focus and scroll where they were, and the aria-live status says what
// changed. If the refresh fails (signed out, offline), the status offers a link to reload instead.
(function () {
  "use strict";
  var status = document.getElementById("live-status");
  var region = document.getElementById("inbox-results");
  if (!status || !region || !window.EventSource || !window.fetch || !window.DOMParser) {
    return;
  }

  var heard = [];
  // Ids of the items already heard. A host's hub drops a repeat it has seen itself, but a host that never saw an item
  // (one reconnected to, or started after a crash) sends it again under the same id: it is announced once.
  var seenIds = Object.create(null);
  var seenOrder = [];
  var rememberedIds = 500;
  var urgent = false;
  var timer = null;
  var busy = false;

  function say(text, isUrgent) {
    status.textContent = text;
    status.className = isUrgent ? "live urgent" : "live";
  }

  function offerReload(text, isUrgent) {
    status.textContent = "";
    var link = document.createElement("a");
    link.href = window.location.href;
    link.textContent = text + " — refresh the list";
    status.appendChild(link);
    status.className = isUrgent ? "live urgent" : "live";
  }

  // Focus inside the list is found again after the swap by what it pointed at, so a keyboard user stays put.
  function focusKey() {
    var active = document.activeElement;
    if (!active || !region.contains(active)) {
      return null;
    }

    return active.getAttribute("href") || "";
  }

  function restoreFocus(key) {
    if (key === null) {
      return;
    }

    var target = null;
    region.querySelectorAll("a[href]").forEach(function (a) {
      if (!target && a.getAttribute("href") === key) {
        target = a;
      }
    });
    (target || region).focus({ preventScroll: true });
  }

  function refresh() {
    timer = null;
    if (busy) {
      later(500);
      return;
    }

    busy = true;
    var said = heard.splice(0);
    var saidUrgent = urgent;
    urgent = false;
    window.fetch(window.location.href, { credentials: "same-origin", cache: "no-store", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("inbox-results");
        if (!fresh) {
          throw new Error("The answer had no list.");
        }

        var key = focusKey();
        var x = window.scrollX;
        var y = window.scrollY;
        region.innerHTML = fresh.innerHTML;
        window.scrollTo(x, y);
        restoreFocus(key);
        region.dataset.refreshed = String(Number(region.dataset.refreshed || "0") + 1);
        if (said.length > 0) {
          say(said.join("; ") + ". The list is up to date.", saidUrgent);
        }
      })
      .catch(function () {
        if (said.length > 0) {
          offerReload(said.join("; "), saidUrgent);
        }
      })
      .then(function () { busy = false; });
  }

  function later(delay) {
    if (!timer) {
      timer = window.setTimeout(refresh, delay);
    }
  }

  function firstTime(id) {
    if (!id) {
      return true;
    }

    if (seenIds[id]) {
      return false;
    }

    seenIds[id] = true;
    seenOrder.push(id);
    if (seenOrder.length > rememberedIds) {
      delete seenIds[seenOrder.shift()];
    }

    return true;
  }

  function hear(event, describe, isUrgent) {
    if (!firstTime(event.lastEventId)) {
      return;
    }

    var data = {};
    try { data = JSON.parse(event.data); } catch (e) { /* keep the generic wording */ }
    heard.push(describe(data));
    urgent = urgent || isUrgent;
    // A burst of events (a colleague working quickly) makes one refresh.
    later(250);
  }

  var feed = new EventSource("/staff/feed");
  feed.addEventListener("ready", function () { status.dataset.connected = "true"; });
  feed.addEventListener("request", function (event) {
    hear(event, function (d) { return "New request " + (d.reference || ""); }, false);
  });
  feed.addEventListener("urgent-request", function (event) {
    hear(event, function (d) { return "URGENT request " + (d.reference || ""); }, true);
  });
  feed.addEventListener("escalation", function (event) {
    hear(event, function (d) { return "ESCALATED: " + (d.reference || "a request") + " (step " + (d.escalationStep || "?") + ")"; }, true);
  });
  feed.addEventListener("request-changed", function (event) {
    hear(event, function (d) { return (d.reference || "A request") + " " + String(d.change || "changed").replace(/-/g, " "); }, false);
  });

  // "Due in" and "overdue by" are worked out when the list is drawn: draw it again each minute.
  window.setInterval(function () { later(0); }, 60000);
})();
