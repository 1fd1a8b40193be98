// ace console: an element with data-live follows its event stream with the browser's own
// EventSource. Each `swap` event carries an element's new HTML (a grid cell, a run), which
// replaces the old one, unless a video or audio in it is playing: then it waits until that
// pauses or ends. A `reload` event reloads the page. A cell's video
// plays on a click (or Enter or Space) and then shows its controls; without this script it
// shows them from the start.
(() => {
  'use strict';

  function playOnClick(root) {
    root.querySelectorAll('td.cell video[controls]').forEach((video) => {
      video.controls = false;
      video.tabIndex = 0;
      const start = (event) => {
        if (event.type === 'keydown' && event.key !== 'Enter' && event.key !== ' ') return;
        event.preventDefault();
        video.removeEventListener('click', start);
        video.removeEventListener('keydown', start);
        video.controls = true;
        video.play();
      };
      video.addEventListener('click', start);
      video.addEventListener('keydown', start);
    });
  }

  function replace(old, html) {
    const template = document.createElement('template');
    template.innerHTML = html;
    const fresh = template.content.firstElementChild;
    if (!fresh) return;
    const focused = old.contains(document.activeElement) ? document.activeElement.getAttribute('aria-label') : null;
    old.replaceWith(fresh);
    playOnClick(fresh);
    if (window.htmx) window.htmx.process(fresh);
    if (focused) fresh.querySelector(`[aria-label="${CSS.escape(focused)}"]`)?.focus();
  }

  function follow(element) {
    const source = new EventSource(element.dataset.live);
    source.addEventListener('reload', () => {
      source.close();
      window.location.reload();
    });
    source.addEventListener('swap', (event) => {
      const { id, html } = JSON.parse(event.data);
      const old = document.getElementById(id);
      if (!old) return;
      const playing = [...old.querySelectorAll('video, audio')].find((media) => !media.paused && !media.ended);
      if (playing) {
        playing.addEventListener('pause', () => replace(document.getElementById(id), html), { once: true });
        return;
      }
      replace(old, html);
    });
    window.addEventListener('pagehide', () => source.close());
  }

  // MD5 of bytes, base64 (the checksum a direct upload declares; WebCrypto has no MD5).
  const SHIFTS = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
  const SINES = Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) >>> 0);
  function md5(buffer) {
    const length = buffer.byteLength;
    const padded = Math.ceil((length + 9) / 64) * 64;
    const data = new Uint8Array(padded);
    data.set(new Uint8Array(buffer));
    data[length] = 0x80;
    const view = new DataView(data.buffer);
    view.setUint32(padded - 8, (length * 8) >>> 0, true);
    view.setUint32(padded - 4, Math.floor(length / 2 ** 29), true);
    let [a0, b0, c0, d0] = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];
    for (let offset = 0; offset < padded; offset += 64) {
      let [a, b, c, d] = [a0, b0, c0, d0];
      for (let i = 0; i < 64; i++) {
        let f;
        let g;
        if (i < 16) { f = (b & c) | (~b & d); g = i; }
        else if (i < 32) { f = (d & b) | (~d & c); g = (5 * i + 1) % 16; }
        else if (i < 48) { f = b ^ c ^ d; g = (3 * i + 5) % 16; }
        else { f = c ^ (b | ~d); g = (7 * i) % 16; }
        f = (f + a + SINES[i] + view.getUint32(offset + g * 4, true)) >>> 0;
        const shift = SHIFTS[(i >> 4) * 4 + (i % 4)];
        [a, d, c] = [d, c, b];
        b = (b + ((f << shift) | (f >>> (32 - shift)))) >>> 0;
      }
      [a0, b0, c0, d0] = [(a0 + a) >>> 0, (b0 + b) >>> 0, (c0 + c) >>> 0, (d0 + d) >>> 0];
    }
    const digest = new DataView(new ArrayBuffer(16));
    [a0, b0, c0, d0].forEach((word, i) => digest.setUint32(i * 4, word, true));
    return btoa(String.fromCharCode(...new Uint8Array(digest.buffer)));
  }
  window.aceMd5 = md5;

  async function call(url, csrf, body) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify(body),
    });
    const answer = await response.json().catch(() => ({ error: `The server answered ${response.status}.` }));
    if (!response.ok) throw new Error(answer.error || `The server answered ${response.status}.`);
    return answer;
  }

  // A direct upload: a ticket, the bytes straight to storage (with progress), then the record.
  async function upload(zone, file, item) {
    const bar = item.querySelector('progress');
    const said = item.querySelector('.said');
    const { uploads, record, csrf, folder } = zone.dataset;
    try {
      const bytes = await file.arrayBuffer();
      const ticket = await call(uploads, csrf, {
        filename: file.name,
        byte_size: file.size,
        content_type: file.type || 'application/octet-stream',
        checksum: md5(bytes),
      });
      await new Promise((done, failed) => {
        const request = new XMLHttpRequest();
        request.open('PUT', ticket.url);
        Object.entries(ticket.headers || {}).forEach(([name, value]) => request.setRequestHeader(name, value));
        request.upload.addEventListener('progress', (event) => {
          if (event.lengthComputable) bar.value = Math.round((event.loaded / event.total) * 100);
        });
        request.addEventListener('load', () => (request.status < 300 ? done() : failed(new Error(`Storage answered ${request.status}.`))));
        request.addEventListener('error', () => failed(new Error('The upload was interrupted.')));
        request.send(new Blob([bytes], { type: file.type }));
      });
      bar.value = 100;
      await call(record, csrf, { signed_id: ticket.signed_id, folder: folder ? Number(folder) : null });
      said.textContent = 'uploaded';
      return true;
    } catch (error) {
      said.textContent = error.message;
      said.classList.add('reason');
      return false;
    }
  }

  function dropzone(zone) {
    const list = zone.querySelector('.uploads');
    const input = zone.querySelector('input[type=file]');
    const send = async (files) => {
      const sent = await Promise.all([...files].map((file) => {
        const item = document.createElement('li');
        item.innerHTML = '<span class="name"></span> <progress max="100" value="0"></progress> <span class="said muted">uploading</span>';
        item.querySelector('.name').textContent = file.name;
        item.querySelector('progress').setAttribute('aria-label', `Upload of ${file.name}`);
        list.append(item);
        return upload(zone, file, item);
      }));
      if (sent.every(Boolean)) window.location.reload();
    };
    input.addEventListener('change', () => send(input.files));
    zone.addEventListener('dragover', (event) => { event.preventDefault(); zone.classList.add('over'); });
    zone.addEventListener('dragleave', () => zone.classList.remove('over'));
    zone.addEventListener('drop', (event) => {
      event.preventDefault();
      zone.classList.remove('over');
      send(event.dataTransfer.files);
    });
  }

  function start() {
    document.querySelectorAll('.dropzone').forEach(dropzone);
    document.querySelectorAll('.messages').forEach((messages) => { messages.scrollTop = messages.scrollHeight; });
    playOnClick(document);
    document.querySelectorAll('[data-live]').forEach(follow);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
