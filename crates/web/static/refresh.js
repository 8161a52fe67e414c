// The waiting room's board reloads itself every 10 seconds, so the numbers
// called reach the screen (a real-time display: WCAG 2.2.1's exception).
setTimeout(function () {
  window.location.reload();
}, 10000);
