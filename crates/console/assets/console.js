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

  function start() {
    playOnClick(document);
    document.querySelectorAll('[data-live]').forEach(follow);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
