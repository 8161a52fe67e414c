// Checks the signed payload a document's QR code carries after "#" in its
// address (`v1.<fields>.<signature>`, crates/documents/src/payload.rs)
// with the office keys layanan publishes (/api/v1/keys, cached an hour):
// an altered payload fails its signature, and a genuine code copied onto
// another letter shows the genuine letter's fields, to compare with the
// paper. The page's own lines (valid, revoked, unknown) come from the
// database; without this script they are all it shows.
(function () {
  'use strict';
  var box = document.getElementById('signed-payload');
  if (!box) { return; }
  var verdict = document.getElementById('signed-verdict');
  var list = document.getElementById('signed-fields');
  // Each check's number: a slow answer for an earlier code is dropped.
  var round = 0;
  function say(key) { return box.getAttribute('data-l-' + key) || key; }
  function show(mine, result) {
    if (mine !== round) { return; }
    box.hidden = false;
    box.setAttribute('data-result', result);
    verdict.className = 'verdict ' + result;
    verdict.textContent = say(result);
  }
  function bytes(b64url) {
    var s = b64url.replace(/-/g, '+').replace(/_/g, '/');
    while (s.length % 4) { s += '='; }
    var bin = atob(s);
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { out[i] = bin.charCodeAt(i); }
    return out;
  }
  function fromHex(h) {
    var out = new Uint8Array(h.length / 2);
    for (var i = 0; i < out.length; i++) { out[i] = parseInt(h.substr(i * 2, 2), 16); }
    return out;
  }
  function fieldList(fields) {
    ['type', 'number', 'date', 'office', 'holder'].forEach(function (name, i) {
      var dt = document.createElement('dt');
      var dd = document.createElement('dd');
      dt.textContent = say(name);
      dd.textContent = fields[i];
      dd.setAttribute('data-field', name);
      list.appendChild(dt);
      list.appendChild(dd);
    });
  }
  function verify(mine, body, signature, fields) {
    fetch('/api/v1/keys').then(function (r) { return r.json(); }).then(function (keys) {
      var key = keys.filter(function (k) { return k.key_id === fields[6]; })[0];
      if (!key) { show(mine, 'unknown_key'); return null; }
      return crypto.subtle.importKey('raw', fromHex(key.public_key), { name: 'Ed25519' }, false, ['verify'])
        .then(function (k) { return crypto.subtle.verify({ name: 'Ed25519' }, k, signature, body); })
        .then(function (genuine) {
          if (mine !== round) { return; }
          if (!genuine) { show(mine, 'invalid'); return; }
          fieldList(fields);
          var known = box.getAttribute('data-numbers').split('|').filter(function (n) { return n; });
          show(mine, known.length && known.indexOf(fields[1]) < 0 ? 'mismatch' : 'valid');
        });
    }).catch(function () { show(mine, 'unchecked'); });
  }
  function check() {
    var mine = ++round;
    list.textContent = '';
    box.removeAttribute('data-result');
    var code = location.hash.slice(1);
    if (!code) { show(mine, 'none'); return; }
    var parts = code.split('.');
    var body, signature, fields;
    try {
      if (parts.length !== 3 || parts[0] !== 'v1') { throw new Error('format'); }
      body = bytes(parts[1]);
      signature = bytes(parts[2]);
      fields = new TextDecoder('utf-8', { fatal: true }).decode(body).split('\n');
      if (fields.length !== 7 || signature.length !== 64) { throw new Error('fields'); }
    } catch (e) { show(mine, 'invalid'); return; }
    verify(mine, body, signature, fields);
  }
  // A code opened while the page is open (another QR) is checked anew.
  window.addEventListener('hashchange', check);
  check();
})();
