// "Where to go now" on the phone: the offices serving the chosen service or procedure, from
// GET /api/v1/waits, refreshed every half minute. The phone's position, when the citizen
// shares it, stays on the phone: distances are computed here and never sent anywhere.
(function () {
  "use strict";
  var REFRESH_MS = 30000;
  var byId = function (id) { return document.getElementById(id); };

  function format(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, name) {
      return values[name] === undefined ? all : values[name];
    });
  }

  // Great-circle distance in metres (haversine); good to a few metres at a province's scale.
  function distanceM(from, to) {
    var rad = Math.PI / 180, earth = 6371000;
    var dLat = (to[0] - from[0]) * rad, dLon = (to[1] - from[1]) * rad;
    var a = Math.sin(dLat / 2) * Math.sin(dLat / 2) + Math.cos(from[0] * rad) *
      Math.cos(to[0] * rad) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
    return 2 * earth * Math.asin(Math.min(1, Math.sqrt(a)));
  }

  function distanceText(t, language, metres) {
    if (metres < 1000) {
      return format(t.distance_m, { metres: Math.max(50, Math.round(metres / 50) * 50) });
    }
    var km = (Math.round(metres / 100) / 10).toFixed(metres < 10000 ? 1 : 0);
    return format(t.distance_km, { km: language === "vi" ? km.replace(".", ",") : km });
  }

  function whenText(t, today, iso) {
    // iso is the office's local time with its offset: its digits are what the citizen reads.
    var day = iso.slice(0, 10), clock = iso.slice(11, 16);
    var tomorrow = new Date(Date.UTC(+today.slice(0, 4), +today.slice(5, 7) - 1,
                                     +today.slice(8, 10) + 1)).toISOString().slice(0, 10);
    if (day === today) { return format(t.opens_today, { time: clock }); }
    if (day === tomorrow) { return format(t.opens_tomorrow, { time: clock }); }
    var weekday = new Date(Date.UTC(+day.slice(0, 4), +day.slice(5, 7) - 1,
                                    +day.slice(8, 10))).getUTCDay();
    return format(t.opens_on, { time: clock, weekday: t.weekdays.split(",")[weekday],
                                date: day.slice(8, 10) + "/" + day.slice(5, 7) });
  }

  function stateText(t, today, office) {
    if (office.open_now) {
      var parts = [t.open, format(t.waiting, { count: office.waiting })];
      if (office.estimated_wait_s !== null) {
        var minutes = Math.round(office.estimated_wait_s / 60);
        parts.push(minutes < 1 ? t.no_wait : format(t.wait, { minutes: minutes }));
      }
      return parts.join(" · ");
    }
    if (office.next_open) { return t.closed + " · " + whenText(t, today, office.next_open); }
    return t.not_taking;
  }

  function link(className, href, text) {
    var anchor = document.createElement("a");
    anchor.className = className;
    anchor.href = href;
    anchor.textContent = text;
    return anchor;
  }

  function card(page, office, isBest) {
    var t = page.t, item = document.createElement("li");
    item.className = "wait-card" + (office.open_now ? "" : " is-closed") + (isBest ? " is-best" : "");
    item.dataset.office = office.office;
    if (isBest) {
      var badge = document.createElement("p");
      badge.className = "wait-best";
      badge.textContent = t.best;
      item.appendChild(badge);
    }
    var name = document.createElement("h2");
    name.className = "wait-name";
    name.textContent = office.name;
    item.appendChild(name);
    var lines = [[office.kind ? t["kind_" + office.kind] : "", "wait-kind"],
                 [office.address, "wait-address"],
                 [stateText(t, page.today, office), "wait-state"]];
    if (page.position && office.location) {
      lines.push([distanceText(t, page.language, distanceM(page.position, office.location)),
                  "wait-distance"]);
    }
    lines.forEach(function (line) {
      if (!line[0]) { return; }
      var paragraph = document.createElement("p");
      paragraph.className = line[1];
      paragraph.textContent = line[0];
      item.appendChild(paragraph);
    });
    var actions = document.createElement("p");
    actions.className = "wait-actions";
    if (office.booking_url) { actions.appendChild(link("button-primary wait-book", office.booking_url, t.book)); }
    if (office.url !== office.booking_url) { actions.appendChild(link("button-secondary wait-open", office.url, t.details)); }
    item.appendChild(actions);
    return item;
  }

  function ordered(page) {
    var offices = page.offices.slice();
    if (page.order === "distance" && page.position) {
      var far = function (office) {
        return office.location ? distanceM(page.position, office.location) : Infinity;
      };
      offices.sort(function (a, b) { return far(a) - far(b); });
    }
    return offices;
  }

  function render(page) {
    var list = byId("waits");
    list.textContent = "";
    // The best is the shortest wait among open offices: the server's first, if open.
    var best = page.offices.length && page.offices[0].open_now ? page.offices[0].office : null;
    ordered(page).forEach(function (office) {
      list.appendChild(card(page, office, office.office === best));
    });
    if (!page.offices.length) {
      var empty = document.createElement("li");
      empty.textContent = page.t.none;
      list.appendChild(empty);
    }
  }

  function load(page) {
    var query = page.main.dataset.service ? "service=" + encodeURIComponent(page.main.dataset.service)
      : "procedure=" + encodeURIComponent(page.main.dataset.procedure);
    return fetch(page.main.dataset.api + "/waits?" + query, {
      headers: { "Accept": "application/json", "Accept-Language": page.language }
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (answer) {
      byId("waits-loading").hidden = true;
      var box = byId("waits-error");
      if (!answer.ok) {
        box.textContent = (answer.body && answer.body.error && answer.body.error.message) || page.t.failed;
        box.hidden = false;
        page.offices = [];
        byId("waits").textContent = "";
        return;
      }
      box.hidden = true;
      page.offices = answer.body;
      render(page);
      byId("waits-updated").textContent = page.t.updated;
      byId("waits-updated").hidden = false;
    }, function () {
      byId("waits-loading").hidden = true;
      byId("waits-error").textContent = page.t.failed;
      byId("waits-error").hidden = false;
    });
  }

  function setOrder(page, order) {
    page.order = order;
    byId("order-wait").setAttribute("aria-pressed", String(order === "wait"));
    byId("order-distance").setAttribute("aria-pressed", String(order === "distance"));
    render(page);
  }

  function locate(page) {
    var status = byId("locate-status");
    status.textContent = page.t.locating;
    status.hidden = false;
    navigator.geolocation.getCurrentPosition(function (found) {
      page.position = [found.coords.latitude, found.coords.longitude];
      status.textContent = page.t.located;
      byId("order").hidden = false;
      setOrder(page, "distance");
    }, function () {
      status.textContent = page.t.locate_failed;
    }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 300000 });
  }

  function start() {
    var main = byId("province");
    if (!main || !(main.dataset.service || main.dataset.procedure)) { return; }
    var page = { main: main, language: main.dataset.language, today: main.dataset.today,
                 t: JSON.parse(byId("province-texts").textContent), offices: [],
                 position: null, order: "wait" };
    if (navigator.geolocation) {
      byId("locate").hidden = false;
      byId("locate").addEventListener("click", function () { locate(page); });
    }
    byId("order-wait").addEventListener("click", function () { setOrder(page, "wait"); });
    byId("order-distance").addEventListener("click", function () { setOrder(page, "distance"); });
    load(page);
    setInterval(function () { if (!document.hidden) { load(page); } }, REFRESH_MS);
  }

  document.addEventListener("DOMContentLoaded", start);
}());
