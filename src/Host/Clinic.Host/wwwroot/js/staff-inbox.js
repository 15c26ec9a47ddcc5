// Live updates for the staff inbox: the server-sent event feed announces each new request; the list
// itself stays server-rendered, so a refresh link is offered rather than patching the table here.
(function () {
  "use strict";
  var status = document.getElementById("live-status");
  if (!status || !window.EventSource) {
    return;
  }

  var arrived = 0;
  var feed = new EventSource("/staff/feed");
  function announce(event, urgent) {
    arrived += 1;
    var data = {};
    try { data = JSON.parse(event.data); } catch (e) { /* keep the generic wording */ }
    status.textContent = "";
    var link = document.createElement("a");
    link.href = window.location.href;
    link.textContent = (urgent ? "URGENT request " : "New request ") + (data.reference || "") +
      (arrived > 1 ? " and " + (arrived - 1) + " more" : "") + " — refresh the list";
    status.appendChild(link);
    status.className = urgent ? "live urgent" : "live";
  }

  feed.addEventListener("ready", function () { status.dataset.connected = "true"; });
  feed.addEventListener("request", function (event) { announce(event, false); });
  feed.addEventListener("urgent-request", function (event) { announce(event, true); });
})();
