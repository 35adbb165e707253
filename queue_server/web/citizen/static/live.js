// Follow one Socket.IO channel: subscribe after every (re)connect and take the acknowledgement
// as the whole state; after the phone sleeps or the network drops, resubscribe by itself.

const ACK_TIMEOUT_MS = 8000;
const RESYNC_EVERY_MS = 120000; // estimates move with time, not only with events
const ASLEEP_AFTER_MS = 15000; // hidden this long: the connection may be dead without knowing

export function follow({ root = "", auth, subscription, onSnapshot, onError = () => {},
  onOnline = () => {}, events = {} }) {
  if (typeof window.io !== "function") return null;
  const socket = window.io({ path: `${root}/socket.io`, auth, reconnectionDelayMax: 10000 });
  let hiddenAt = null;

  const resync = () => {
    if (!socket.connected) {
      socket.connect();
      return;
    }
    socket.timeout(ACK_TIMEOUT_MS).emit("subscribe", subscription, (error, snapshot) => {
      if (error) { // no answer: the socket is dead though it looks alive
        socket.disconnect();
        socket.connect();
        return;
      }
      if (snapshot && snapshot.error) onError(snapshot.error);
      else onSnapshot(snapshot);
    });
  };

  socket.on("connect", () => {
    socket.sendBuffer = []; // nothing queued offline is ever replayed
    onOnline(true);
    resync();
  });
  socket.on("disconnect", (reason) => {
    onOnline(false);
    if (reason === "io server disconnect") socket.connect();
  });
  socket.on("connect_error", () => onOnline(false));
  for (const [name, handler] of Object.entries(events)) socket.on(name, handler);

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") {
      hiddenAt = Date.now();
      return;
    }
    const slept = hiddenAt !== null && Date.now() - hiddenAt > ASLEEP_AFTER_MS;
    hiddenAt = null;
    if (slept && socket.connected) { // start afresh: the old connection may be half dead
      socket.disconnect();
      socket.connect();
    } else {
      resync();
    }
  });
  window.addEventListener("online", resync);
  document.addEventListener("resume", resync); // Android Chrome froze the page while asleep
  window.addEventListener("pageshow", (event) => { if (event.persisted) resync(); });
  setInterval(() => { if (document.visibilityState !== "hidden") resync(); }, RESYNC_EVERY_MS);
  return { socket, resync };
}
